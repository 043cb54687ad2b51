"""The ontology: closed namespace equals the Turtle, every relation is fully described, shapes parse."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from caucasus_kg.ontology import CKG, ONTOLOGY_PATH, SHAPES_PATH


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH)


def _terms(graph: Graph) -> set[str]:
    ns = str(CKG._NS)
    return {str(t)[len(ns):] for t in graph.all_nodes() if isinstance(t, URIRef) and str(t).startswith(ns)}


def test_namespace_class_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    declared = {name for name in CKG.__annotations__}
    assert declared == _terms(ontology)


def test_mistyped_term_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        CKG.aliedWith  # noqa: B018


def test_every_relation_has_label_comment_domain_range_polarity(ontology: Graph) -> None:
    relations = set(ontology.subjects(RDF.type, CKG.Relation))
    assert len(relations) >= 25
    missing = []
    for rel in relations:
        for prop in (RDFS.label, CKG.polarity):
            if ontology.value(rel, prop) is None:
                missing.append((rel, prop))
        if ontology.value(rel, RDFS.domain) is None and ontology.value(rel, RDFS.range) is None:
            missing.append((rel, "domain/range"))
        if ontology.value(rel, CKG.polarity) not in (CKG.Cooperative, CKG.Hostile, CKG.Neutral):
            missing.append((rel, "polarity value"))
    assert missing == []


def test_symmetric_and_inverse_properties(ontology: Graph) -> None:
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    assert {CKG.alliedWith, CKG.tensionsWith, CKG.cooperatesWith} <= symmetric
    assert CKG.envoyOf not in symmetric  # direction matters
    assert (CKG.participatedIn, OWL.inverseOf, CKG.hasParticipant) in ontology


@pytest.mark.parametrize(
    "cls",
    ["Person", "Country", "SubnationalRegion", "City", "DisputedTerritory", "TransportCorridor",
     "InternationalOrganisation", "ArmedForce", "PeacekeepingContingent", "Event", "Talks", "War",
     "CeasefireAgreement", "Closure", "SourceDocument", "Claim"],
)
def test_required_classes(ontology: Graph, cls: str) -> None:
    assert (getattr(CKG, cls), RDF.type, OWL.Class) in ontology


def test_shapes_parse() -> None:
    shapes = Graph().parse(SHAPES_PATH)
    assert len(shapes) > 50
