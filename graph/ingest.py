"""Article ingestion: a text becomes candidate claims in a review file; accepted ones become claims.

Nothing enters the graph until accepted::

    review = ingest(kg, text, title="...")          # extract; the graph is not changed
    Path("review.json").write_text(review_to_json(review))
    ... a person reads the file, sets "accept": false on wrong candidates ...
    accept(kg, load_review("review.json"))           # one transaction: source, new entities, claims

or ``accept(kg, review, min_confidence=0.8)`` to merge the confident ones directly.
The source document is stored with its full text; every claim keeps the verbatim
quote, its offsets, the pattern that fired (``ckg:pattern``), its confidence and
``ckg:method ckg:Extracted``. Claim IRIs are a hash of (source, subject,
relation, object, quote), and a document is known by the SHA-256 of its text,
so ingesting or accepting the same document again adds nothing.

Input files are checked before anything else: a missing, empty, binary or
non-UTF-8 file raises :class:`~caucasus_kg.graph.errors.DataError` naming the
file (and the line), and the graph is left as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Identifier

from ..ontology import CKG, PREFIXES, SRC
from .errors import DataError, EntityNotFound, InvalidArgument, QuoteNotFound
from .extraction import Candidate, Extractor, Pattern, UnknownActor
from .gazetteer import EntityDef, Gazetteer

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "AcceptReport",
    "Document",
    "Review",
    "accept",
    "claim_triples",
    "decode_text",
    "ingest",
    "ingest_file",
    "load_review",
    "read_text",
    "review_from_dict",
    "review_to_dict",
    "review_to_json",
    "review_to_turtle",
    "source_triples",
]

Triple = tuple[Identifier, Identifier, Identifier]
REVIEW_FORMAT = "caucasus-kg/review"
REVIEW_VERSION = 1
_METHODS = {"curated": CKG.Curated, "extracted": CKG.Extracted, "imported": CKG.Imported}
_MODALITIES = {"stated": CKG.Stated, "expected": CKG.Expected}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _TERMS:
    """The IRIs a claim uses, looked up once (a closed namespace's attribute access is slow in bulk)."""

    type, subject, predicate, object = RDF.type, RDF.subject, RDF.predicate, RDF.object
    wasDerivedFrom = PROV.wasDerivedFrom
    Claim, quote, quoteStart, quoteEnd, method = CKG.Claim, CKG.quote, CKG.quoteStart, CKG.quoteEnd, CKG.method
    modality, confidence, note, pattern = CKG.modality, CKG.confidence, CKG.note, CKG.pattern
    pointInTime, startTime, endTime = CKG.pointInTime, CKG.startTime, CKG.endTime


# ---------------------------------------------------------------------------- reading input


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file, checked: DataError (naming the file and line) when it is not usable text."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, name: str = "input") -> str:
    """Decode UTF-8 bytes (a leading BOM dropped), refusing empty, binary and non-UTF-8 input.

    Examples
    --------
    >>> decode_text("Баку\\n".encode())
    'Баку\\n'
    >>> decode_text(b"ok\\n\\xff\\n", "a.txt")
    Traceback (most recent call last):
    ...
    caucasus_kg.graph.errors.DataError: a.txt: line 2: not valid UTF-8 (byte 0xff)
    """
    if not data.strip():
        raise DataError(f"{name}: empty file")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise DataError(f"{name}: line {line}: binary data (a NUL byte), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{name}: line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x})") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DataError(f"{name}: empty file")
    bad = _CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise DataError(f"{name}: line {line}: control character U+{ord(bad.group()):04X}: binary data, not text")
    return text


# ---------------------------------------------------------------------------- triples


def source_triples(
    text: str,
    *,
    title: str,
    kind: str = "article",
    published: date | None = None,
    url: str | None = None,
    byline: str | None = None,
    file_name: str | None = None,
    iri: str | None = None,
) -> tuple[URIRef, list[Triple]]:
    """The triples :meth:`KnowledgeGraph.add_source` writes for a document, without adding them.

    Staging them with the claims keeps an ingest or an import one transaction.
    """
    if not text.strip():
        raise DataError("a source document needs text")
    if not title.strip():
        raise DataError("a source document needs a title")
    if kind not in ("article", "dataset"):
        raise InvalidArgument("kind must be article or dataset")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    node = URIRef(iri) if iri else SRC[sha[:16]]
    triples: list[Triple] = [
        (node, RDF.type, CKG.NewsArticle if kind == "article" else CKG.Dataset),
        (node, DCTERMS.title, Literal(title)),
        (node, CKG.content, Literal(text)),
        (node, CKG.contentSha256, Literal(sha)),
        (node, CKG.publicationDateKnown, Literal(published is not None)),
    ]
    if published:
        triples.append((node, DCTERMS.issued, Literal(published.isoformat(), datatype=XSD.date)))
    if url:
        triples.append((node, PROV.hadPrimarySource, URIRef(url)))
    if byline:
        triples.append((node, CKG.byline, Literal(byline)))
    if file_name:
        triples.append((node, CKG.fileName, Literal(file_name)))
    return node, triples


@lru_cache(maxsize=100_000)
def _time(value: str) -> Literal:
    from .knowledge_graph import time_literal

    return time_literal(value)


@lru_cache(maxsize=1024)
def _confidence(value: float) -> Literal:
    if not 0 <= value <= 1:
        raise InvalidArgument("confidence must be between 0 and 1")
    return Literal(Decimal(str(round(value, 4))), datatype=XSD.decimal)


def claim_triples(
    subject: URIRef,
    predicate: URIRef,
    object: URIRef,
    *,
    source: URIRef,
    quote: str,
    start: int,
    text: str | None,
    method: str = "extracted",
    confidence: float = 1.0,
    modality: str | None = "stated",
    point_in_time: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    note: str | None = None,
    pattern: str | None = None,
) -> tuple[URIRef, list[Triple]]:
    """The triples of a claim exactly as :meth:`KnowledgeGraph.claim_triples` builds them.

    Unlike that method it takes IRIs that need not be in the graph yet (entities
    staged in the same transaction) and checks the quote against ``text`` (the
    source's full text; ``None`` when the caller has just checked it). A test
    pins that both give the same triples.

    Raises QuoteNotFound when the quote is not at ``start`` in the text.
    """
    from .knowledge_graph import claim_iri

    if not quote:
        raise QuoteNotFound("a claim needs a non-empty quote")
    if text is not None and text[start : start + len(quote)] != quote:
        raise QuoteNotFound(f"the quote is not at offset {start} of {_local(str(source))}: {quote[:80]!r}")
    if method not in _METHODS:
        raise InvalidArgument(f"method must be one of {', '.join(_METHODS)}")
    if modality is not None and modality not in _MODALITIES:
        raise InvalidArgument(f"modality must be one of {', '.join(_MODALITIES)}")
    c = claim_iri(str(source), str(subject), str(predicate), str(object), quote)
    t = _TERMS
    triples: list[Triple] = [
        (subject, predicate, object),
        (c, t.type, t.Claim),
        (c, t.subject, subject),
        (c, t.predicate, predicate),
        (c, t.object, object),
        (c, t.wasDerivedFrom, source),
        (c, t.quote, Literal(quote)),
        (c, t.quoteStart, Literal(start)),
        (c, t.quoteEnd, Literal(start + len(quote))),
        (c, t.method, _METHODS[method]),
    ]
    if modality is not None:
        triples.append((c, t.modality, _MODALITIES[modality]))
    triples.append((c, t.confidence, _confidence(confidence)))
    for prop, value in ((t.pointInTime, point_in_time), (t.startTime, start_time), (t.endTime, end_time)):
        if value:
            triples.append((c, prop, _time(value)))
    if note:
        triples.append((c, t.note, Literal(note)))
    if pattern:
        triples.append((c, t.pattern, Literal(pattern)))
    return c, triples


def _candidate_claim_triples(
    c: Candidate, subject: URIRef, predicate: URIRef, object: URIRef, *, source: URIRef, text: str
) -> tuple[URIRef, list[Triple]]:
    """The claim triples of an extracted candidate (see :func:`claim_triples`)."""
    return claim_triples(
        subject,
        predicate,
        object,
        source=source,
        quote=c.quote,
        start=c.start,
        text=text,
        method="extracted",
        confidence=c.confidence,
        modality=c.modality,
        point_in_time=c.point_in_time,
        start_time=c.start_time,
        end_time=c.end_time,
        note=c.note,
        pattern=c.pattern,
    )


# ---------------------------------------------------------------------------- reviews


@dataclass(frozen=True)
class Document:
    """The document under review: its full text and how the graph will know it."""

    title: str
    text: str
    sha256: str
    source: str
    in_graph: bool = False
    published: str | None = None
    url: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class Review:
    """Candidate claims of one document, the new entities they need and the unknown actors found."""

    document: Document
    candidates: tuple[Candidate, ...]
    entities: tuple[EntityDef, ...] = ()
    unknown_actors: tuple[UnknownActor, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)

    def below(self, threshold: float) -> Review:
        """The same review with only the candidates under ``threshold`` (what is left after a direct accept)."""
        return replace(self, candidates=tuple(c for c in self.candidates if c.confidence < threshold))


@dataclass(frozen=True)
class AcceptReport:
    """What :func:`accept` added."""

    source: str
    title: str
    accepted: int
    rejected: int
    claims_added: int
    entities_added: int
    triples_added: int
    source_added: bool


def ingest(
    kg: KnowledgeGraph,
    text: str,
    *,
    title: str,
    published: date | str | None = None,
    url: str | None = None,
    file_name: str | None = None,
    gazetteer: Gazetteer | None = None,
    patterns: Iterable[Pattern] | None = None,
) -> Review:
    """Extract candidate claims from a text; the graph is not changed.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> review = ingest(kg, "Azerbaijan blockaded the Lachin corridor in December 2022.", title="Test")
    >>> [(c.subject_label, c.relation, c.object_label, c.point_in_time) for c in review.candidates]
    [('Azerbaijan', 'closed', 'Lachin corridor', '2022-12')]
    >>> len(kg.claims(predicate="closed")) == 1   # still only the curated claim
    True
    """
    if not title or not title.strip():
        raise InvalidArgument("a document needs a title")
    published_date = _date(published)
    decode_text(text.encode("utf-8"), file_name or title)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = kg.source_by_sha256(sha)
    relations = kg.relations()
    gazetteer = gazetteer or Gazetteer.from_graph(kg)
    extractor = Extractor(gazetteer, patterns, symmetric=[r["id"] for r in relations.values() if r["symmetric"]])
    known = {r["id"] for r in relations.values()}
    for pattern in extractor.patterns:
        if pattern.relation not in known:
            raise DataError(f"pattern {pattern.id!r} names an unknown relation {pattern.relation!r}")
    result = extractor.extract(text)
    document = Document(
        title=title.strip(),
        text=text,
        sha256=sha,
        source=existing or str(SRC[sha[:16]]),
        in_graph=existing is not None,
        published=published_date.isoformat() if published_date else None,
        url=url,
        file_name=file_name,
    )
    stats = {
        "sentences": result.sentences,
        "mentions": result.mentions,
        "candidates": len(result.candidates),
        "negated_matches_skipped": result.negated,
        "unknown_actors": len(result.unknown_actors),
        "new_entities": len(result.entities),
    }
    return Review(document, result.candidates, result.entities, result.unknown_actors, stats)


def ingest_file(
    kg: KnowledgeGraph,
    path: str | Path,
    *,
    title: str | None = None,
    published: date | str | None = None,
    url: str | None = None,
) -> Review:
    """:func:`ingest` on a UTF-8 text file; the title defaults to its first non-empty line."""
    path = Path(path)
    text = read_text(path)
    if title is None:
        title = next(line.strip() for line in text.splitlines() if line.strip())[:300]
    return ingest(kg, text, title=title, published=published, url=url, file_name=path.name)


def accept(
    kg: KnowledgeGraph, review: Review, *, min_confidence: float | None = None, where: str = "review"
) -> AcceptReport:
    """Merge the accepted candidates of a review into the graph, in one transaction.

    Adds the source document (with its full text) unless the graph already holds a
    document with that SHA-256, the new entities the claims use, and one claim per
    candidate whose ``accept`` is true (and whose confidence is at least
    ``min_confidence``). Accepting the same review twice adds nothing.

    Raises DataError (nothing added) when the document's text does not match its
    SHA-256, a quote is not at its offsets, or a subject, relation or object is unknown.
    """
    doc = review.document
    sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    if doc.sha256 and doc.sha256 != sha:
        raise DataError(f"{where}: the document text does not match its sha256 {doc.sha256} (it is {sha})")
    chosen = [c for c in review.candidates if c.accept and (min_confidence is None or c.confidence >= min_confidence)]
    existing = kg.source_by_sha256(sha)
    source = URIRef(existing or doc.source or str(SRC[sha[:16]]))
    triples: list[Triple] = []
    source_added = False
    if existing is None:
        _, staged = source_triples(
            doc.text,
            title=doc.title,
            kind="article",
            published=_date(doc.published),
            url=doc.url,
            file_name=doc.file_name,
            iri=str(source),
        )
        triples += staged
        source_added = True
    definitions = {e.iri: e for e in review.entities}
    entities_added: set[str] = set()
    claims: set[URIRef] = set()
    new_claims = 0
    for i, c in enumerate(chosen, 1):
        label = f"{where}: candidate {i} ({c.pattern or 'no pattern'})"
        s = _entity(kg, c.subject, definitions, entities_added, triples, label)
        o = _entity(kg, c.object, definitions, entities_added, triples, label)
        try:
            p = kg.relation_iri(c.relation)
            node, staged = _candidate_claim_triples(c, s, p, o, source=source, text=doc.text)
        except (InvalidArgument, QuoteNotFound) as exc:
            raise DataError(f"{label}: {exc}") from None
        if node in claims:
            continue
        claims.add(node)
        if next(kg.triples((node, RDF.type, CKG.Claim)), None) is not None:
            continue  # accepted before: a claim is never changed (its confidence or note may differ now)
        new_claims += 1
        triples += staged
    added = kg.add_triples(triples)
    return AcceptReport(
        source=str(source),
        title=doc.title,
        accepted=len(chosen),
        rejected=len(review.candidates) - len(chosen),
        claims_added=new_claims,
        entities_added=len(entities_added),
        triples_added=added,
        source_added=source_added,
    )


def _entity(
    kg: KnowledgeGraph, ref: str, definitions: dict[str, EntityDef], added: set[str], triples: list[Triple], where: str
) -> URIRef:
    """The IRI of a candidate's subject or object; a new entity's triples are staged the first time."""
    if ref in definitions:
        iri = URIRef(ref)
        if ref not in added and next(kg.triples((iri, RDF.type, None)), None) is None:
            triples.extend(definitions[ref].triples())
            added.add(ref)
        return iri
    try:
        return URIRef(kg.resolve(ref))
    except EntityNotFound:
        raise DataError(f"{where}: no entity {ref!r} in the graph or among the review's new entities") from None


def _date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidArgument(f"a publication date must be YYYY-MM-DD, not {value!r}") from None


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------- review files

_INSTRUCTIONS = (
    "Candidate claims proposed by the caucasus-kg extractor; nothing is in the graph yet. "
    'Read each candidate against its quote; set "accept" to false (or delete it) to reject it, or correct '
    "subject, relation or object (an IRI, id or label). Then run: ckg accept THIS_FILE --store DIR"
)


def review_to_dict(review: Review) -> dict[str, Any]:
    """The JSON form of a review (see :func:`review_from_dict` for the way back)."""
    from .serialization import to_dict

    return {
        "format": REVIEW_FORMAT,
        "version": REVIEW_VERSION,
        "instructions": _INSTRUCTIONS,
        "document": to_dict(review.document),
        "stats": review.stats,
        "candidates": to_dict(list(review.candidates)),
        "entities": to_dict(list(review.entities)),
        "unknown_actors": to_dict(list(review.unknown_actors)),
    }


def review_to_json(review: Review) -> str:
    return json.dumps(review_to_dict(review), ensure_ascii=False, indent=2) + "\n"


def review_from_dict(data: Any, where: str = "review") -> Review:
    """A review from its JSON form; DataError naming the file and the field when malformed."""
    if not isinstance(data, dict) or data.get("format") != REVIEW_FORMAT:
        raise DataError(f'{where}: not a caucasus-kg review file (no "format": "{REVIEW_FORMAT}")')
    if data.get("version") != REVIEW_VERSION:
        raise DataError(
            f"{where}: review format version {data.get('version')!r} is not supported (expected {REVIEW_VERSION})"
        )
    try:
        doc = data["document"]
        document = Document(
            title=str(doc["title"]),
            text=str(doc["text"]),
            sha256=str(doc.get("sha256") or ""),
            source=str(doc.get("source") or ""),
            in_graph=bool(doc.get("in_graph", False)),
            published=doc.get("published"),
            url=doc.get("url"),
            file_name=doc.get("file_name"),
        )
    except (KeyError, TypeError) as exc:
        raise DataError(f"{where}: document: missing {exc}") from None
    fields = {f for f in Candidate.__dataclass_fields__}
    candidates = []
    for i, item in enumerate(data.get("candidates") or (), 1):
        if not isinstance(item, dict):
            raise DataError(f"{where}: candidate {i}: not an object")
        try:
            values = {k: v for k, v in item.items() if k in fields}
            values.setdefault("subject_label", ""), values.setdefault("subject_text", "")
            values.setdefault("object_label", ""), values.setdefault("object_text", "")
            values.setdefault("pattern", "")
            values["start"], values["end"] = int(values["start"]), int(values.get("end", values["start"]))
            values["confidence"] = float(values.get("confidence", 1.0))
            values["accept"] = bool(values.get("accept", True))
            candidates.append(Candidate(**values))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{where}: candidate {i}: missing or bad field {exc}") from None
    entities = []
    for i, item in enumerate(data.get("entities") or (), 1):
        try:
            entities.append(
                EntityDef(
                    iri=str(item["iri"]),
                    label=str(item["label"]),
                    type=str(item["type"]),
                    aliases=tuple(item.get("aliases") or ()),
                    metonyms=tuple(item.get("metonyms") or ()),
                    demonyms=tuple(item.get("demonyms") or ()),
                    wikidata=item.get("wikidata"),
                    origin=str(item.get("origin") or "gazetteer"),
                )
            )
        except (KeyError, TypeError) as exc:
            raise DataError(f"{where}: entity {i}: missing {exc}") from None
        if not entities[-1].type.isidentifier() or not hasattr(CKG, entities[-1].type):
            raise DataError(f"{where}: entity {i}: unknown type {entities[-1].type!r}")
    unknown = []
    for item in data.get("unknown_actors") or ():
        try:
            unknown.append(UnknownActor(**item))
        except TypeError:
            continue
    return Review(document, tuple(candidates), tuple(entities), tuple(unknown), dict(data.get("stats") or {}))


def review_to_turtle(review: Review) -> str:
    """The review as Turtle: the source document, new entities and one ckg:Claim per candidate.

    The claims' triples are not asserted; delete a claim's block to reject it.
    Unknown actors are listed in the leading comment.
    """
    doc = review.document
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    source, staged = source_triples(
        doc.text,
        title=doc.title,
        published=_date(doc.published),
        url=doc.url,
        file_name=doc.file_name,
        iri=doc.source or None,
    )
    for t in staged:
        graph.add(t)
    for entity in review.entities:
        for t in entity.triples():
            graph.add(t)
    relations = {}
    for c in review.candidates:
        p = relations.setdefault(c.relation, URIRef(str(CKG._NS) + c.relation))
        _, claim = _candidate_claim_triples(c, URIRef(c.subject), p, URIRef(c.object), source=source, text=doc.text)
        for t in claim[1:]:  # the claim node only; accept asserts the triple
            graph.add(t)
    head = [
        "# caucasus-kg review file: candidate claims, not yet in the graph.",
        "# Delete a ckg:Claim block to reject it; then run: ckg accept THIS_FILE --store DIR",
        f"# Document: {doc.title} ({doc.source}{', already in the graph' if doc.in_graph else ''})",
        f"# {len(review.candidates)} candidates, {len(review.entities)} new entities, "
        f"{len(review.unknown_actors)} unknown actors.",
    ]
    if review.unknown_actors:
        head.append("# Unknown actors (not in the gazetteer; add them to the graph or the gazetteer and ingest again):")
        for u in review.unknown_actors:
            head.append(f"#   {u.text!r} [{u.start}:{u.end}] as {u.role} of {u.relation} ({u.pattern})")
    body = graph.serialize(format="turtle")
    return "\n".join(head) + "\n\n" + body


def load_review(path: str | Path) -> Review:
    """Read a review file (JSON or Turtle, by content); DataError naming the file when it is not one."""
    path = Path(path)
    text = read_text(path)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
        return review_from_dict(data, str(path))
    return _review_from_turtle(text, str(path))


def _review_from_turtle(text: str, where: str) -> Review:
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        at = f"line {line}: " if line else ""
        raise DataError(
            f"{where}: not a caucasus-kg review file (JSON or Turtle): {at}malformed Turtle: {exc.msg or exc}"
        ) from None
    graph = Graph()
    for q in quads:
        graph.add(tuple(_from_ox(t) for t in (q.subject, q.predicate, q.object)))
    docs = list(graph.subjects(RDF.type, CKG.NewsArticle))
    if len(docs) != 1:
        raise DataError(
            f"{where}: not a caucasus-kg review file: it must hold exactly one ckg:NewsArticle, found {len(docs)}"
        )
    src = docs[0]

    def value(node: Any, prop: URIRef) -> str | None:
        v = graph.value(node, prop)
        return None if v is None else str(v)

    content = value(src, CKG.content)
    title = value(src, DCTERMS.title)
    if content is None or title is None:
        raise DataError(f"{where}: the ckg:NewsArticle needs dcterms:title and ckg:content")
    document = Document(
        title=title,
        text=content,
        sha256=value(src, CKG.contentSha256) or "",
        source=str(src),
        published=value(src, DCTERMS.issued),
        url=value(src, PROV.hadPrimarySource),
        file_name=value(src, CKG.fileName),
    )
    skip = {CKG.Claim, CKG.NewsArticle}
    entities = []
    for node, cls in graph.subject_objects(RDF.type):
        if cls in skip or not str(cls).startswith(str(CKG._NS)):
            continue
        label = value(node, RDFS.label)
        if label is None:
            raise DataError(f"{where}: entity {node} needs an rdfs:label")
        entities.append(
            EntityDef(
                iri=str(node),
                label=label,
                type=str(cls).rsplit("#", 1)[-1],
                aliases=tuple(sorted(str(a) for a in graph.objects(node, SKOS.altLabel))),
                metonyms=tuple(sorted(str(a) for a in graph.objects(node, CKG.metonym))),
                demonyms=tuple(sorted(str(a) for a in graph.objects(node, CKG.demonym))),
                wikidata=value(node, CKG.wikidata),
            )
        )
    candidates = []
    for node in sorted(graph.subjects(RDF.type, CKG.Claim), key=lambda n: int(graph.value(n, CKG.quoteStart) or 0)):
        try:
            quote, start = value(node, CKG.quote), int(graph.value(node, CKG.quoteStart))
            predicate = value(node, RDF.predicate)
            candidates.append(
                Candidate(
                    subject=value(node, RDF.subject),
                    subject_label="",
                    subject_text="",
                    relation=predicate.rsplit("#", 1)[-1],
                    object=value(node, RDF.object),
                    object_label="",
                    object_text="",
                    quote=quote,
                    start=start,
                    end=start + len(quote),
                    pattern=value(node, CKG.pattern) or "",
                    confidence=float(graph.value(node, CKG.confidence) or 1.0),
                    modality=(value(node, CKG.modality) or "stated").rsplit("#", 1)[-1].lower(),
                    point_in_time=value(node, CKG.pointInTime),
                    start_time=value(node, CKG.startTime),
                    end_time=value(node, CKG.endTime),
                    note=value(node, CKG.note),
                )
            )
        except (TypeError, ValueError, AttributeError):
            raise DataError(
                f"{where}: claim {node} needs rdf:subject, rdf:predicate, rdf:object, ckg:quote and ckg:quoteStart"
            ) from None
    return Review(document, tuple(candidates), tuple(entities), (), {})


def _from_ox(term: Any) -> Identifier:
    import pyoxigraph as ox
    from rdflib import BNode

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
