"""Closed namespaces of caucasus-kg: a mistyped term raises AttributeError.

``CKG`` lists every term of ``ckg.ttl`` (a test keeps the two equal); ``CKR``,
``SRC`` and ``CLM`` are the open namespaces of entities, sources and claims.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["CKG", "CKR", "CLM", "SRC", "WD"]

BASE = "https://w3id.org/caucasus-kg/"


class CKG(DefinedNamespace):
    """The caucasus-kg ontology (``ontology/ckg.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    AcquisitionMethod: URIRef
    Actor: URIRef
    ArmedForce: URIRef
    CeasefireAgreement: URIRef
    City: URIRef
    Claim: URIRef
    Closure: URIRef
    CodedEvent: URIRef
    Cooperative: URIRef
    Country: URIRef
    Curated: URIRef
    Dataset: URIRef
    DisputedTerritory: URIRef
    Event: URIRef
    EventAggregate: URIRef
    EventType: URIRef
    Expected: URIRef
    Extracted: URIRef
    GeographicRegion: URIRef
    Hostile: URIRef
    Imported: URIRef
    InternationalOrganisation: URIRef
    MaterialConflict: URIRef
    MaterialCooperation: URIRef
    Modality: URIRef
    Neutral: URIRef
    NewsArticle: URIRef
    Organisation: URIRef
    PeacekeepingContingent: URIRef
    Person: URIRef
    Place: URIRef
    Polarity: URIRef
    QuadClass: URIRef
    Relation: URIRef
    SourceDocument: URIRef
    Stated: URIRef
    SubnationalRegion: URIRef
    Talks: URIRef
    Topic: URIRef
    TransportCorridor: URIRef
    VerbalConflict: URIRef
    VerbalCooperation: URIRef
    War: URIRef
    affiliatedWith: URIRef
    alliedWith: URIRef
    appealedTo: URIRef
    armedForceOf: URIRef
    assaulted: URIRef
    byline: URIRef
    cameoCode: URIRef
    capitalOf: URIRef
    closed: URIRef
    coerced: URIRef
    concernedAbout: URIRef
    concerns: URIRef
    confidantOf: URIRef
    confidence: URIRef
    connects: URIRef
    consultedWith: URIRef
    content: URIRef
    contentSha256: URIRef
    cooperatedMateriallyWith: URIRef
    cooperatesWith: URIRef
    cooperativeInteractionWith: URIRef
    criticised: URIRef
    demanded: URIRef
    demonym: URIRef
    disapproved: URIRef
    economicTiesWith: URIRef
    endTime: URIRef
    ended: URIRef
    energyCooperationWith: URIRef
    envoyOf: URIRef
    envoyTo: URIRef
    eventActorName: URIRef
    eventRelation: URIRef
    eventType: URIRef
    expressedIntentToCooperateWith: URIRef
    fileName: URIRef
    formerBodyguardOf: URIRef
    governorOf: URIRef
    hasParticipant: URIRef
    hasTopic: URIRef
    headOfGovernmentOf: URIRef
    headOfStateOf: URIRef
    hostileInteractionWith: URIRef
    investigated: URIRef
    locatedIn: URIRef
    madeStatementAbout: URIRef
    maintainsRelationsWith: URIRef
    materialEventCount: URIRef
    mediatorIn: URIRef
    method: URIRef
    metonym: URIRef
    modality: URIRef
    note: URIRef
    participatedIn: URIRef
    pattern: URIRef
    pointInTime: URIRef
    polarity: URIRef
    pressed: URIRef
    protestedAgainst: URIRef
    providedAidTo: URIRef
    publicationDateKnown: URIRef
    quadClass: URIRef
    quote: URIRef
    quoteEnd: URIRef
    quoteStart: URIRef
    reducedRelationsWith: URIRef
    regainedTerritoryFrom: URIRef
    rejected: URIRef
    seeksInfluenceIn: URIRef
    showedForceTo: URIRef
    startTime: URIRef
    stationedIn: URIRef
    supportedDiplomatically: URIRef
    tensionsWith: URIRef
    threatened: URIRef
    urgedPeacefulResolution: URIRef
    usedForceAgainst: URIRef
    usedMassViolenceAgainst: URIRef
    verbalEventCount: URIRef
    visited: URIRef
    weight: URIRef
    wikidata: URIRef
    windowEnd: URIRef
    windowStart: URIRef
    yieldedTo: URIRef


CKR = Namespace(BASE + "id/")
"""Entities: actors, places, events, topics."""
SRC = Namespace(BASE + "source/")
"""Source documents."""
CLM = Namespace(BASE + "claim/")
"""Claims."""
WD = Namespace("http://www.wikidata.org/entity/")
"""Wikidata items (only verified identifiers are linked)."""
