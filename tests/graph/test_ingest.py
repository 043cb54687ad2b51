"""Article ingestion: review files, acceptance in one transaction, idempotence and bad input."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import URIRef

from caucasus_kg.data import DATA_DIR
from caucasus_kg.graph import DataError, KnowledgeGraph
from caucasus_kg.graph.gazetteer import Gazetteer
from caucasus_kg.graph.ingest import (
    accept,
    claim_triples,
    decode_text,
    ingest,
    ingest_file,
    load_review,
    read_text,
    review_to_json,
    review_to_turtle,
    source_triples,
)
from caucasus_kg.graph.paths import shortest_path
from caucasus_kg.ontology import CKG, CKR, SRC

from ..conftest import ARTICLE_ID, FIXTURES

FIXTURE = FIXTURES / "article_peace_talks.txt"
TEXT = FIXTURE.read_text(encoding="utf-8")
TITLE = "Armenia and Azerbaijan Inch Toward Peace (test fixture)"


def snapshot(kg: KnowledgeGraph, *, blank_nodes: bool = True) -> tuple[int, str]:
    """The size and a hash of the sorted N-Triples export: equal snapshots, same store.

    Without ``blank_nodes``, triples with blank nodes (the ontology's lists, named anew by
    every load) are left out, to compare two graphs loaded apart.
    """
    lines = sorted(line for line in kg.export("nt").splitlines() if blank_nodes or b"_:" not in line)
    return len(kg), hashlib.sha256(b"\n".join(lines)).hexdigest()


@pytest.fixture(scope="module")
def gazetteer(bundled_kg: KnowledgeGraph) -> Gazetteer:
    return Gazetteer.from_graph(bundled_kg)


@pytest.fixture(scope="module")
def review(bundled_kg: KnowledgeGraph, gazetteer: Gazetteer):
    return ingest(bundled_kg, TEXT, title=TITLE, published="2023-05-15", file_name=FIXTURE.name, gazetteer=gazetteer)


# ---------------------------------------------------------------------------- input checks


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"text\n\x00\x01binary", r"line 2: binary data"),
        (b"ok line\nsecond \xff\xfe line\n", r"line 2: not valid UTF-8 \(byte 0xff\)"),
        ("caf\u00e9\n".encode("latin-1"), r"line 1: not valid UTF-8"),
        (b"text with a \x07 bell\n", r"line 1: control character U\+0007"),
        (b"\xef\xbb\xbf", "empty file"),
    ],
)
def test_bad_text_is_a_data_error_naming_the_file_and_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    with pytest.raises(DataError, match=rf"article\.txt: {message}"):
        read_text(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(DataError, match="is a folder"):
        read_text(tmp_path)


def test_a_bom_is_dropped_and_crlf_kept() -> None:
    assert decode_text(b"\xef\xbb\xbfBaku\r\nYerevan") == "Baku\r\nYerevan"


# ---------------------------------------------------------------------------- the core's own triples


def test_claim_triples_are_the_cores(bundled_kg: KnowledgeGraph) -> None:
    """The staged claims of ingest and import are exactly what KnowledgeGraph.claim_triples builds."""
    kwargs = dict(
        quote="Turkey, a key ally of Azerbaijan",
        method="extracted",
        confidence=0.85,
        modality="expected",
        point_in_time="2021-06",
        note="a note",
        pattern="ally.apposition",
    )
    text = bundled_kg.source_text(ARTICLE_ID)
    start = text.index(kwargs["quote"])
    theirs = bundled_kg.claim_triples("Turkey", "alliedWith", "Azerbaijan", source=ARTICLE_ID, start=start, **kwargs)
    ours = claim_triples(
        CKR.Turkey, CKG.alliedWith, CKR.Azerbaijan, source=SRC[ARTICLE_ID], start=start, text=text, **kwargs
    )
    assert ours[0] == theirs[0]
    assert set(ours[1]) == set(theirs[1])


def test_source_triples_are_add_sources() -> None:
    kg = KnowledgeGraph.open(backend="memory")
    iri = kg.add_source(TEXT, title=TITLE, published=date(2023, 5, 15), url="https://example.org/a", file_name="a.txt")
    node, staged = source_triples(
        TEXT, title=TITLE, published=date(2023, 5, 15), url="https://example.org/a", file_name="a.txt"
    )
    assert str(node) == iri
    assert set(staged) == set(kg.triples((URIRef(iri), None, None)))


# ---------------------------------------------------------------------------- ingest


def test_ingest_changes_nothing(bundled_kg: KnowledgeGraph, gazetteer: Gazetteer) -> None:
    kg = KnowledgeGraph.open()
    before = snapshot(kg)
    review = ingest(kg, TEXT, title=TITLE, gazetteer=gazetteer)
    assert review.candidates
    assert snapshot(kg) == before


def test_review_describes_the_document(review) -> None:
    doc = review.document
    assert doc.text == TEXT and doc.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert doc.source == str(SRC[doc.sha256[:16]]) and not doc.in_graph
    assert doc.published == "2023-05-15"
    assert review.stats["sentences"] > 10 and review.stats["candidates"] == len(review.candidates)
    assert {u.text for u in review.unknown_actors} == {"Hovik Abrahamyan"}
    labels = {e.label for e in review.entities}
    assert {"Sergey Lavrov", "Jeyhun Bayramov", "Military (Azerbaijan)"} <= labels


def test_ingest_file_takes_the_first_line_as_title(bundled_kg: KnowledgeGraph, gazetteer: Gazetteer) -> None:
    review = ingest_file(bundled_kg, FIXTURE)
    assert review.document.title.startswith("TEST FIXTURE")
    assert review.document.file_name == FIXTURE.name


def test_the_seed_article_is_known_by_its_hash(bundled_kg: KnowledgeGraph, gazetteer: Gazetteer) -> None:
    text = (DATA_DIR / "sources" / f"{ARTICLE_ID}.txt").read_text(encoding="utf-8")
    review = ingest(bundled_kg, text, title="again", gazetteer=gazetteer)
    assert review.document.in_graph and review.document.source == str(SRC[ARTICLE_ID])


# ---------------------------------------------------------------------------- accept


def test_accept_adds_source_entities_and_claims_in_one_go(fresh_kg: KnowledgeGraph, review) -> None:
    kg = fresh_kg
    calls = []
    original = kg.add_triples
    kg.add_triples = lambda triples: calls.append(1) or original(triples)  # type: ignore[method-assign]
    report = accept(kg, review)
    assert calls == [1], "one transaction"
    assert report.accepted == len(review.candidates) and report.source_added
    assert report.claims_added == len(review.candidates)
    assert report.entities_added == len(review.entities)  # every proposed entity is used by a candidate
    source = review.document.source
    assert kg.source_text(source) == TEXT
    claims = [c for c in kg.claims() if c.source == source]
    assert len(claims) == len(review.candidates)
    for claim in claims:
        assert claim.method == "extracted" and claim.pattern
        assert TEXT[claim.quote_start : claim.quote_end] == claim.quote
    lavrov = kg.entity("Sergey Lavrov")
    assert lavrov.type_label == "person" and lavrov.wikidata == "Q58217"


def test_accepted_claims_answer_sparql_and_paths(review) -> None:
    kg = KnowledgeGraph.open()
    accept(kg, review)
    rows = kg.query(
        "SELECT ?quote ?pattern ?when WHERE { ?c rdf:subject ckr:Azerbaijan ; rdf:predicate ckg:closed ; "
        "rdf:object ckr:Lachin_Corridor ; ckg:method ckg:Extracted ; ckg:quote ?quote ; ckg:pattern ?pattern ; "
        "ckg:pointInTime ?when }"
    ).values()
    assert rows == [{"quote": "Azerbaijan blockaded the Lachin corridor", "pattern": "closure.verb", "when": "2022-12"}]
    path = shortest_path(kg, "Sergey Lavrov", "Jeyhun Bayramov", relations=["consultedWith"])
    assert path.steps[0].edges[0].evidence[0].quote == "Sergey Lavrov held talks with Jeyhun Bayramov"
    report = kg.validate()
    assert report.conforms, report.text()


def test_accepting_twice_and_reingesting_add_nothing(review, gazetteer: Gazetteer) -> None:
    kg = KnowledgeGraph.open()
    first = accept(kg, review)
    assert first.triples_added > 0
    before = snapshot(kg)
    assert accept(kg, review).triples_added == 0
    again = ingest(kg, TEXT, title="another title", gazetteer=Gazetteer.from_graph(kg))
    assert again.document.in_graph and again.document.source == review.document.source
    second = accept(kg, again)
    assert (second.triples_added, second.claims_added, second.source_added) == (0, 0, False)
    assert snapshot(kg) == before


def test_accept_above_a_threshold_and_keep_the_rest(review) -> None:
    kg = KnowledgeGraph.open()
    report = accept(kg, review, min_confidence=0.8)
    high = [c for c in review.candidates if c.confidence >= 0.8]
    rest = review.below(0.8)
    assert report.accepted == len(high) > 0
    assert 0 < len(rest.candidates) == len(review.candidates) - len(high)
    assert all(c.confidence < 0.8 for c in rest.candidates)


def test_rejected_and_edited_candidates(review) -> None:
    kg = KnowledgeGraph.open()
    first, second, *others = review.candidates
    edited = dataclasses.replace(second, subject="Armenia")  # a reviewer may name an entity by label
    rejected = [dataclasses.replace(c, accept=False) for c in others]
    report = accept(kg, dataclasses.replace(review, candidates=(first, edited, *rejected)))
    assert (report.accepted, report.rejected) == (2, len(others))
    assert any(c.subject == str(CKR.Armenia) and c.quote == second.quote for c in kg.claims())


# ---------------------------------------------------------------------------- review files


def test_json_review_round_trip(tmp_path: Path, review) -> None:
    path = tmp_path / "review.json"
    path.write_text(review_to_json(review), encoding="utf-8")
    data = json.loads(path.read_text())
    assert data["format"] == "caucasus-kg/review" and data["instructions"]
    loaded = load_review(path)
    assert loaded.document == review.document
    assert loaded.candidates == review.candidates
    assert loaded.entities == review.entities
    assert loaded.unknown_actors == review.unknown_actors


def test_turtle_review_accepts_to_the_same_claims(tmp_path: Path, review) -> None:
    path = tmp_path / "review.ttl"
    path.write_text(review_to_turtle(review), encoding="utf-8")
    assert "Hovik Abrahamyan" in path.read_text()  # unknown actors listed in the leading comment
    from_json, from_ttl = KnowledgeGraph.open(), KnowledgeGraph.open()
    accept(from_json, review)
    accept(from_ttl, load_review(path))
    assert snapshot(from_json, blank_nodes=False) == snapshot(from_ttl, blank_nodes=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something else"), "not a caucasus-kg review file"),
        (lambda d: d.update(version=99), "version 99"),
        (lambda d: d["document"].update(text=d["document"]["text"] + " tampered"), "does not match its sha256"),
        (lambda d: d["candidates"][0].update(start=d["candidates"][0]["start"] + 1), r"candidate 1 .*quote is not at"),
        (lambda d: d["candidates"][0].update(relation="befriended"), r"candidate 1 .*unknown relation"),
        (lambda d: d["candidates"][0].update(subject="Atlantis"), r"candidate 1 .*no entity 'Atlantis'"),
        (lambda d: d["candidates"][0].pop("quote"), r"candidate 1: missing"),
        (lambda d: d["entities"][0].update(type="Planet"), r"entity 1: unknown type"),
    ],
)
def test_bad_review_files_change_nothing(tmp_path: Path, review, change, message: str) -> None:
    data = json.loads(review_to_json(review))
    change(data)
    path = tmp_path / "review.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    kg = KnowledgeGraph.open()
    before = snapshot(kg)
    with pytest.raises(DataError, match=message):
        accept(kg, load_review(path), where=str(path))
    assert snapshot(kg) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", r"line 1: not valid JSON"),
        ("@prefix ckg: <https://w3id.org/caucasus-kg/ontology#> .\n ckg:x ckg:y", "malformed Turtle"),
        ("@prefix ckg: <https://w3id.org/caucasus-kg/ontology#> .\n", "exactly one ckg:NewsArticle"),
    ],
)
def test_unreadable_review_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.review"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_review(path)
