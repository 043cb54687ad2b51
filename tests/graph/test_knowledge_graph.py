"""The KnowledgeGraph library: opening, SPARQL, entities, facts, claims, export, stats (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from caucasus_kg.graph import (
    DataError,
    EntityNotFound,
    InvalidArgument,
    KnowledgeGraph,
    QueryError,
    QueryTimeout,
    QuoteNotFound,
    Settings,
    to_dict,
)
from caucasus_kg.ontology import CKG, CKR

ARTICLE = "000_4fb1f75b4de7c57b"

ALLIES_WITH_QUOTE = """
SELECT ?ally ?quote WHERE {
  ckr:Azerbaijan ckg:alliedWith ?ally .
  ?claim rdf:subject ckr:Azerbaijan ; rdf:predicate ckg:alliedWith ; rdf:object ?ally ; ckg:quote ?quote .
}"""


def test_azerbaijan_allies_with_quote_by_sparql(any_kg: KnowledgeGraph) -> None:
    rows = any_kg.query(ALLIES_WITH_QUOTE).values()
    assert rows == [{"ally": str(CKR.Turkey), "quote": "Turkey, a key ally of Azerbaijan"}]


def test_azerbaijan_allies_with_quote_by_library(any_kg: KnowledgeGraph) -> None:
    facts = [f for f in any_kg.facts("Azerbaijan", direction="out") if f.predicate == str(CKG.alliedWith)]
    assert [f.object.label for f in facts] == ["Turkey"]
    (claim,) = facts[0].claims
    assert claim.quote == "Turkey, a key ally of Azerbaijan"
    assert any_kg.source_text(claim.source)[claim.quote_start : claim.quote_end] == claim.quote
    assert claim.method == "curated" and claim.source_title.startswith("Russia-Azerbaijan Tensions")


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("SELECT ?s WHERE { ?s a ckg:Person } LIMIT 3", "SELECT"),
        ("ASK { ckr:Alexei_Dyumin ckg:envoyOf ckr:Russia }", "ASK"),
        ("CONSTRUCT { ?s ckg:alliedWith ?o } WHERE { ?s ckg:alliedWith ?o }", "CONSTRUCT"),
        ("DESCRIBE ckr:Turkey", "DESCRIBE"),
    ],
)
def test_query_forms(any_kg: KnowledgeGraph, query: str, kind: str) -> None:
    result = any_kg.query(query)
    assert result.type == kind
    if kind == "ASK":
        assert result.boolean is True
    elif kind == "SELECT":
        assert len(result.rows) == 3
    elif kind == "CONSTRUCT":
        assert result.triples == ((CKR.Azerbaijan, CKG.alliedWith, CKR.Turkey),)
    else:
        assert result.triples and all(t[0] == CKR.Turkey for t in result.triples)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_serialisations_carry_the_rows(any_kg: KnowledgeGraph, fmt: str) -> None:
    data = any_kg.query(ALLIES_WITH_QUOTE).serialize(fmt).decode()
    assert "Turkey, a key ally of Azerbaijan" in data
    if fmt == "json":
        assert json.loads(data)["results"]["bindings"][0]["ally"]["value"] == str(CKR.Turkey)


def test_query_dataframe(bundled_kg: KnowledgeGraph) -> None:
    frame = bundled_kg.query(ALLIES_WITH_QUOTE).to_dataframe()
    assert list(frame.columns) == ["ally", "quote"] and frame.iloc[0]["ally"] == str(CKR.Turkey)


@pytest.mark.parametrize(
    "bad",
    ["SELEC ?x WHERE { ?x ?y ?z }", "SELECT ?x WHERE { ?x ?y }", "", "INSERT DATA { <a:b> <a:b> <a:b> }"],
)
def test_malformed_queries_raise_query_error(any_kg: KnowledgeGraph, bad: str) -> None:
    with pytest.raises(QueryError):
        any_kg.query(bad)


def test_row_cap_marks_truncation(bundled_kg: KnowledgeGraph) -> None:
    result = bundled_kg.query("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert len(result.rows) == 5 and result.truncated
    assert not bundled_kg.query("SELECT * WHERE { ?s a ckg:Country }", max_rows=50).truncated


def test_query_timeout_raises() -> None:
    kg = KnowledgeGraph.open()
    with pytest.raises(QueryTimeout):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.2)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("Alexei Dyumin", "Alexei_Dyumin"),
        ("dyumin", "Alexei_Dyumin"),
        ("Aleksey Dyumin", "Alexei_Dyumin"),
        ("ERDOGAN", "Recep_Tayyip_Erdogan"),
        ("Erdoğan", "Recep_Tayyip_Erdogan"),
        ("the Kremlin", "Russia"),
        ("Moscow", "Russia"),
        ("Azerbaijani", "Azerbaijan"),
        ("Baku", "Baku"),  # the label of the city beats the metonym of the state
        ("Alexei_Dyumin", "Alexei_Dyumin"),
        ("ckr:Turkey", "Turkey"),
        (str(CKR.Lachin_Corridor), "Lachin_Corridor"),
    ],
)
def test_entity_resolution(any_kg: KnowledgeGraph, ref: str, expected: str) -> None:
    assert any_kg.entity(ref).id == expected


@pytest.mark.parametrize("ref", ["Atlantis", "", "   ", "http://example.org/nothing"])
def test_unknown_entity(any_kg: KnowledgeGraph, ref: str) -> None:
    with pytest.raises(EntityNotFound):
        any_kg.entity(ref)


def test_entity_details(bundled_kg: KnowledgeGraph) -> None:
    dyumin = bundled_kg.entity("Dyumin")
    assert dyumin.type_label == "person" and dyumin.wikidata == "Q2425119"
    assert "Alexey Dyumin" in dyumin.aliases
    assert bundled_kg.entity("Nagorno-Karabakh").wikidata is None  # no confirmed QID


def test_find_entities_ranks_exact_first(any_kg: KnowledgeGraph) -> None:
    labels = [e.label for e in any_kg.find_entities("baku")]
    assert labels[0] == "Baku" and "Azerbaijan" in labels
    assert [e.label for e in any_kg.find_entities("baku", types=["City"])] == ["Baku"]
    assert any_kg.find_entities("zzzz") == []
    with pytest.raises(InvalidArgument):
        any_kg.find_entities("x", limit=0)


def test_entities_by_type(bundled_kg: KnowledgeGraph) -> None:
    countries = {e.id for e in bundled_kg.entities(types=["Country"])}
    assert {"Russia", "Azerbaijan", "Armenia", "Turkey", "United_States"} <= countries
    actors = {e.id for e in bundled_kg.entities(types=["Actor"])}
    assert "Alexei_Dyumin" in actors and "Baku" not in actors
    with pytest.raises(InvalidArgument):
        bundled_kg.entities(types=["Dragon"])


def test_facts_both_directions_and_time_qualifiers(any_kg: KnowledgeGraph) -> None:
    facts = any_kg.facts("Tula Oblast")
    (governor,) = [f for f in facts if f.predicate == str(CKG.governorOf)]
    assert governor.subject.id == "Alexei_Dyumin"
    starts = {c.start_time for c in governor.claims}
    assert "2016-02-02" in starts and None in starts  # dataset gives a start date, the article does not
    with pytest.raises(InvalidArgument):
        any_kg.facts("Tula Oblast", direction="sideways")


def test_every_asserted_relation_has_a_claim(any_kg: KnowledgeGraph) -> None:
    unsupported = any_kg.query(
        """SELECT ?s ?p ?o WHERE { ?p a ckg:Relation . ?s ?p ?o .
             FILTER NOT EXISTS { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"""
    )
    assert unsupported.rows == ()


def test_claims_filter(bundled_kg: KnowledgeGraph) -> None:
    claims = bundled_kg.claims(subject="Alexei Dyumin", predicate="confidantOf")
    assert {c.quote for c in claims} == {"with close ties to President Vladimir Putin", "His reputation as a trusted confidant of Putin"}
    with pytest.raises(InvalidArgument):
        bundled_kg.claims(predicate="lovesDearly")


def test_add_claim_records_offsets_and_bumps_version(fresh_kg: KnowledgeGraph) -> None:
    before = fresh_kg.version
    claim = fresh_kg.add_claim(
        "Russia", "cooperatesWith", "Azerbaijan", source=ARTICLE,
        quote="cooperation in the energy sector", point_in_time="2023", confidence=0.8,
    )
    text = fresh_kg.source_text(ARTICLE)
    assert text[claim.quote_start : claim.quote_end] == "cooperation in the energy sector"
    assert claim.point_in_time == "2023" and claim.confidence == 0.8
    assert fresh_kg.version > before
    assert fresh_kg.query("ASK { ckr:Russia ckg:cooperatesWith ckr:Azerbaijan }").boolean
    assert fresh_kg.validate(shacl=False).conforms


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"quote": "Armenia annexed the Moon"}, QuoteNotFound),
        ({"quote": "a key ally", "start": 3}, QuoteNotFound),
        ({"quote": ""}, QuoteNotFound),
        ({"quote": "a key ally", "point_in_time": "last spring"}, InvalidArgument),
        ({"quote": "a key ally", "confidence": 1.5}, InvalidArgument),
        ({"quote": "a key ally", "method": "guessed"}, InvalidArgument),
    ],
)
def test_bad_claims_are_refused_and_change_nothing(fresh_kg: KnowledgeGraph, kwargs: dict, error: type) -> None:
    before = (len(fresh_kg), fresh_kg.version)
    with pytest.raises(error):
        fresh_kg.add_claim("Turkey", "alliedWith", "Azerbaijan", source=ARTICLE, **kwargs)
    assert (len(fresh_kg), fresh_kg.version) == before


def test_add_claim_is_idempotent(fresh_kg: KnowledgeGraph) -> None:
    args = ("Turkey", "alliedWith", "Azerbaijan")
    fresh_kg.add_claim(*args, source=ARTICLE, quote="a key ally of Azerbaijan")
    size = len(fresh_kg)
    fresh_kg.add_claim(*args, source=ARTICLE, quote="a key ally of Azerbaijan")
    assert len(fresh_kg) == size


def test_add_source_and_entity(fresh_kg: KnowledgeGraph) -> None:
    src = fresh_kg.add_source("Georgia and Armenia signed a transit deal in 2024.", title="Test note")
    assert fresh_kg.add_source("Georgia and Armenia signed a transit deal in 2024.", title="Again") == src
    iri = fresh_kg.add_entity("Transit deal", "Event", aliases=["the deal"])
    assert fresh_kg.entity("the deal").iri == iri
    claim = fresh_kg.add_claim("Georgia", "cooperatesWith", "Armenia", source=src, quote="Georgia and Armenia signed a transit deal")
    assert claim.source == src
    with pytest.raises(DataError):
        fresh_kg.add_source("   ", title="empty")


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "xml"])
def test_export_round_trips(bundled_kg: KnowledgeGraph, fmt: str) -> None:
    data = bundled_kg.export(fmt)
    rdflib_format = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}[fmt]
    parsed = Graph()
    parsed.parse(data=data, format=rdflib_format)
    assert len(parsed) == len(bundled_kg)
    assert (CKR.Azerbaijan, CKG.alliedWith, CKR.Turkey) in parsed


def test_export_unknown_format(bundled_kg: KnowledgeGraph) -> None:
    with pytest.raises(InvalidArgument):
        bundled_kg.export("docx")


def test_stats(any_kg: KnowledgeGraph) -> None:
    stats = any_kg.stats()
    assert stats.triples == len(any_kg)
    assert stats.sources == 2 and stats.claims >= 50 and stats.relations >= 40
    assert stats.entities_by_type["country"] >= 7
    assert stats.relations_by_predicate["allied with"] == 1
    assert to_dict(stats)["entities"] == stats.entities


def test_stats_cached_until_a_change(fresh_kg: KnowledgeGraph) -> None:
    first = fresh_kg.stats()
    assert fresh_kg.stats() is first
    fresh_kg.add_entity("Lake Sevan", "Place")
    assert fresh_kg.stats() is not first and fresh_kg.stats().entities == first.entities + 1


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
def test_open_files_and_folders(tmp_path: Path, bundled_kg: KnowledgeGraph, suffix: str) -> None:
    fmt = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld"}[suffix]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / f"data{suffix}").write_bytes(bundled_kg.export(fmt))
    for target in (tmp_path, tmp_path / "sub" / f"data{suffix}"):
        kg = KnowledgeGraph.open(target)
        assert len(kg) == len(bundled_kg)
        assert kg.entity("Dyumin").id == "Alexei_Dyumin"


def test_open_trig_merges_into_default_graph(tmp_path: Path) -> None:
    path = tmp_path / "g.trig"
    path.write_text("<https://w3id.org/caucasus-kg/id/X> { <http://a/s> <http://a/p> <http://a/o> . }")
    kg = KnowledgeGraph.open(path)
    assert kg.query("ASK { <http://a/s> <http://a/p> <http://a/o> }").boolean


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.ttl", b"@prefix ex: <http://e/> .\nex:a ex:b \n ex:c ex:d .", "broken.ttl"),
        ("latin1.ttl", "<http://a/s> <http://a/p> \"Bak\xfc\" .".encode("latin-1"), "UTF-8"),
        ("binary.ttl", b"\x00\x01\x02\xff", "binary"),
        ("notes.txt", b"hello", "extension"),
    ],
)
def test_bad_files_raise_data_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) if message != "extension" else pytest.raises(InvalidArgument, match=message):
        KnowledgeGraph.open(path)


def test_failed_load_leaves_store_unchanged(fresh_kg: KnowledgeGraph, tmp_path: Path) -> None:
    good = tmp_path / "a.ttl"
    good.write_text("<http://a/s> <http://a/p> <http://a/o> .")
    bad = tmp_path / "b.ttl"
    bad.write_text("<http://a/s> <http://a/p> .")
    before = fresh_kg.export("nt")
    with pytest.raises(DataError):
        fresh_kg.load(tmp_path)
    assert fresh_kg.export("nt") == before


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        KnowledgeGraph.open(tmp_path / "nope.ttl")


def test_on_disk_store_persists(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with KnowledgeGraph.open(store=store) as kg:
        size = len(kg)
        kg.add_claim("Armenia", "cooperatesWith", "Russia", source=ARTICLE, quote="Armenia and its allies", confidence=0.5)
        grown = len(kg)
    assert grown > size
    with KnowledgeGraph.open(store=store) as kg:
        assert len(kg) == grown
        assert kg.query("ASK { ckr:Armenia ckg:cooperatesWith ckr:Russia }").boolean


def test_memory_backend_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        KnowledgeGraph.open(store=tmp_path / "s", backend="memory")


def test_update_is_atomic(fresh_kg: KnowledgeGraph) -> None:
    before = fresh_kg.export("nt")
    with pytest.raises(QueryError):
        fresh_kg.update("INSERT DATA { <http://a/s> <http://a/p> <http://a/o> } ; DELETE WHERE { ?s ?p }")
    assert fresh_kg.export("nt") == before
    fresh_kg.update("INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }")
    assert fresh_kg.query("ASK { <http://a/s> <http://a/p> <http://a/o> }").boolean


def test_remove_triples(fresh_kg: KnowledgeGraph) -> None:
    triple = (CKR.Azerbaijan, CKG.alliedWith, CKR.Turkey)
    fresh_kg.remove_triples([triple])
    assert not fresh_kg.query("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }").boolean


def test_settings_limit_rows() -> None:
    kg = KnowledgeGraph.open(settings=Settings(max_rows=2))
    assert kg.query("SELECT ?s WHERE { ?s a ckg:Country }").truncated


def test_relations_have_polarity(bundled_kg: KnowledgeGraph) -> None:
    relations = bundled_kg.relations()
    assert relations[str(CKG.alliedWith)]["polarity"] == "cooperative"
    assert relations[str(CKG.tensionsWith)]["polarity"] == "hostile"
    assert relations[str(CKG.alliedWith)]["symmetric"] is True
    assert all(r["polarity"] in ("cooperative", "hostile", "neutral") for r in relations.values())
    assert bundled_kg.relation_iri("ckg:alliedWith") == URIRef(CKG.alliedWith)
