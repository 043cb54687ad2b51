"""Coded event import (ICEWS, GDELT): claims, CAMEO mapping, actor merging, aggregates, bad files."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, URIRef

from caucasus_kg.graph import DataError, InvalidArgument, KnowledgeGraph
from caucasus_kg.graph.events import cameo_types, event_weights, import_events, parse_events, quad_class, window_of
from caucasus_kg.ontology import CKG, CKR

from ..conftest import FIXTURES

ICEWS = FIXTURES / "icews_south_caucasus_slice.tsv"
GDELT = FIXTURES / "gdelt_south_caucasus_slice.tsv"
TRUNCATED = FIXTURES / "icews_truncated.tsv"
ICEWS_TEXT = ICEWS.read_text(encoding="utf-8")


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def snapshot(kg: KnowledgeGraph) -> tuple[int, str]:
    return len(kg), hashlib.sha256(b"\n".join(sorted(kg.export("nt").splitlines()))).hexdigest()


@pytest.fixture(scope="module")
def icews() -> tuple[KnowledgeGraph, object]:
    kg = KnowledgeGraph.open()
    return kg, import_events(kg, ICEWS)


def ask(kg: KnowledgeGraph, query: str) -> bool:
    return kg.query(f"ASK {{ {query} }}").boolean


# ---------------------------------------------------------------------------- CAMEO


def test_every_event_type_in_the_fixtures_maps() -> None:
    types = cameo_types()
    for path in (ICEWS, GDELT):
        for row in rows_of(path):
            assert parse_events(f"subject\trelation\tobject\tdate\nA\t{row['relation']}\tB\t2014-01-01\n")[1]
    assert types["make statement"].code == "010"
    assert types["arrest, detain"].code == types["arrest, detain, or charge with legal action"].code == "173"


@pytest.mark.parametrize(
    ("code", "quad"),
    [
        ("010", "VerbalCooperation"),
        ("057", "VerbalCooperation"),
        ("061", "MaterialCooperation"),
        ("0871", "MaterialCooperation"),
        ("094", "VerbalConflict"),
        ("1385", "VerbalConflict"),
        ("141", "MaterialConflict"),
        ("2042", "MaterialConflict"),
    ],
)
def test_quad_classes_follow_the_root_category(code: str, quad: str) -> None:
    assert quad_class(code) == quad


def test_event_relations_come_from_the_ontology(bundled_kg: KnowledgeGraph) -> None:
    rows = bundled_kg.query("SELECT ?code ?pol WHERE { ?r ckg:cameoCode ?code ; ckg:polarity ?pol }").rows
    polarity = {str(code): str(pol).rsplit("#", 1)[-1] for code, pol in rows}
    assert sorted(polarity) == [f"{i:02d}" for i in range(1, 21)]
    assert {polarity[f"{i:02d}"] for i in range(1, 9)} == {"Cooperative"}
    assert {polarity[f"{i:02d}"] for i in range(9, 21)} == {"Hostile"}


@pytest.mark.parametrize(
    ("day", "window", "expected"),
    [
        (date(2018, 9, 27), "day", (date(2018, 9, 27), date(2018, 9, 27))),
        (date(2018, 9, 27), "week", (date(2018, 9, 24), date(2018, 9, 30))),
        (date(2018, 12, 31), "month", (date(2018, 12, 1), date(2018, 12, 31))),
        (date(2016, 2, 10), "month", (date(2016, 2, 1), date(2016, 2, 29))),
        (date(2014, 11, 5), "quarter", (date(2014, 10, 1), date(2014, 12, 31))),
        (date(2014, 11, 5), "year", (date(2014, 1, 1), date(2014, 12, 31))),
    ],
)
def test_windows(day: date, window: str, expected: tuple[date, date]) -> None:
    assert window_of(day, window) == expected


# ---------------------------------------------------------------------------- parsing


def test_parse_keeps_every_line_verbatim_at_its_offset() -> None:
    fmt, rows = parse_events(ICEWS_TEXT, name=str(ICEWS))
    assert fmt == "icews" and len(rows) == len(rows_of(ICEWS)) == 213
    for row in rows:
        assert ICEWS_TEXT[row.offset : row.offset + len(row.text)] == row.text
        assert row.text.split("\t")[:4] == [row.subject, row.relation, row.object, row.date]


def test_parse_gdelt() -> None:
    fmt, rows = parse_events(GDELT.read_text(encoding="utf-8"))
    assert fmt == "gdelt" and len(rows) == 100 and rows[0].date == "2018-01-25T01:00"


# ---------------------------------------------------------------------------- the ICEWS slice


def test_icews_counts(icews) -> None:
    kg, report = icews
    rows = rows_of(ICEWS)
    assert report.rows == report.claims == len(rows) == 213
    assert report.format == "icews" and not report.already_imported and report.window == "month"
    assert report.event_types == len({r["relation"] for r in rows})
    assert report.actors == len({r["subject"] for r in rows} | {r["object"] for r in rows})
    assert report.sector_actors == len({n for r in rows for n in (r["subject"], r["object"]) if n.endswith(")")})
    assert report.actors == report.actors_merged + report.actors_new
    n = kg.query(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c ckg:eventType ?t ; prov:wasDerivedFrom <{report.source}> }}")
    assert int(n.rows[0][0]) == 213
    source = kg.sources()
    dataset = next(s for s in source if s["iri"] == report.source)
    assert dataset["kind"] == "Dataset" and dataset["sha256"] == hashlib.sha256(ICEWS_TEXT.encode()).hexdigest()
    assert kg.source_text(report.source) == ICEWS_TEXT


def test_icews_claims_quote_their_row(icews) -> None:
    kg, report = icews
    claims = [c for c in kg.claims(subject="Ilham Aliyev", object="Vladimir Putin")]
    lines = [
        line for line in ICEWS_TEXT.splitlines() if line.startswith("Ilham Aliyev\t") and "\tVladimir Putin\t" in line
    ]
    assert sorted(c.quote for c in claims) == sorted(lines)
    for claim in claims:
        assert claim.method == "imported" and claim.point_in_time == claim.quote.split("\t")[3]
        assert ICEWS_TEXT[claim.quote_start : claim.quote_end] == claim.quote


@pytest.mark.parametrize(
    ("relation_text", "predicate", "polarity"),
    [
        ("Consult", "consultedWith", "cooperative"),
        ("Make a visit", "consultedWith", "cooperative"),
        ("Sign formal agreement", "supportedDiplomatically", "cooperative"),
        ("Criticize or denounce", "disapproved", "hostile"),
        ("Use conventional military force", "usedForceAgainst", "hostile"),
    ],
)
def test_polarity_mapping(icews, relation_text: str, predicate: str, polarity: str) -> None:
    kg, _ = icews
    line = next(line for line in ICEWS_TEXT.splitlines() if f"\t{relation_text}\t" in line)
    claim = next(c for c in kg.claims() if c.quote == line)
    assert claim.predicate == str(getattr(CKG, predicate))
    assert kg.relations()[claim.predicate]["polarity"] == polarity
    event_type = kg.query(f"SELECT ?q WHERE {{ <{claim.iri}> ckg:eventType ?t . ?t ckg:quadClass ?q }}").rows[0][0]
    assert kg.query(f"SELECT ?p WHERE {{ <{event_type}> ckg:polarity ?p }}").rows[0][0] == getattr(
        CKG, polarity.capitalize()
    )


def test_actors_merge_with_known_entities(icews) -> None:
    kg, _ = icews
    assert ask(kg, "?c rdf:subject ckr:Azerbaijan ; rdf:object ckr:Russia ; ckg:eventType ?t")
    assert ask(kg, "?c rdf:subject ckr:Ilham_Aliyev ; rdf:object ckr:Vladimir_Putin ; ckg:eventType ?t")
    assert ask(kg, 'ckr:Vladimir_Putin ckg:eventActorName "Vladimir Putin"')
    # from the gazetteer extension: a new entity with its confirmed Wikidata id, under its own label
    lavrov = kg.entity("Sergey Viktorovich Lavrov")
    assert (lavrov.iri, lavrov.label, lavrov.wikidata) == (str(CKR.Sergey_Lavrov), "Sergey Lavrov", "Q58217")
    # no duplicate of a known actor was created
    assert not ask(kg, '?e ckg:eventActorName "Azerbaijan" ; dcterms:source ?d')


@pytest.mark.parametrize(
    ("name", "type_label", "relation", "country"),
    [
        ("Government (Georgia)", "organisation", "affiliatedWith", "Georgia"),
        ("Defense / Security Ministry (Azerbaijan)", "organisation", "affiliatedWith", "Azerbaijan"),
        ("Military (Russia)", "armed force", "armedForceOf", "Russia"),
    ],
)
def test_sector_actors_are_linked_to_their_country(
    icews, name: str, type_label: str, relation: str, country: str
) -> None:
    kg, _ = icews
    sector = kg.entity(name)
    assert sector.type_label == type_label
    claims = kg.claims(subject=sector.iri, predicate=relation, object=country)
    assert len(claims) == 1 and claims[0].quote == name
    assert ICEWS_TEXT[claims[0].quote_start : claims[0].quote_end] == name


def test_aggregate_weights_match_the_rows(icews) -> None:
    """Recount the events per (actor, target, month, polarity) from the TSV and compare with the graph."""
    kg, report = icews
    types = cameo_types()
    expected: Counter = Counter()
    for row in rows_of(ICEWS):
        if {row["subject"], row["object"]} == {"Ilham Aliyev", "Vladimir Putin"} or {row["subject"], row["object"]} == {
            "Azerbaijan",
            "Russia",
        }:
            coop = types[row["relation"].lower()].cooperative
            expected[(row["subject"], row["object"], row["date"][:7], coop)] += 1
    names = {
        "Ilham Aliyev": CKR.Ilham_Aliyev,
        "Vladimir Putin": CKR.Vladimir_Putin,
        "Azerbaijan": CKR.Azerbaijan,
        "Russia": CKR.Russia,
    }
    found: Counter = Counter()
    for s, o, p, ws, w in kg.query(
        "SELECT ?s ?o ?p ?ws ?w WHERE { ?a a ckg:EventAggregate ; rdf:subject ?s ; rdf:object ?o ; rdf:predicate ?p ; "
        "ckg:windowStart ?ws ; ckg:weight ?w . "
        "VALUES ?s { ckr:Ilham_Aliyev ckr:Vladimir_Putin ckr:Azerbaijan ckr:Russia } "
        "VALUES ?o { ckr:Ilham_Aliyev ckr:Vladimir_Putin ckr:Azerbaijan ckr:Russia } }"
    ).rows:
        key = (
            next(n for n, i in names.items() if i == s),
            next(n for n, i in names.items() if i == o),
            str(ws)[:7],
            p == CKG.cooperativeInteractionWith,
        )
        found[key] += int(w)
    assert found == expected and sum(expected.values()) > 20
    # each aggregate backs an asserted relation with its polarity
    assert ask(kg, "ckr:Ilham_Aliyev ckg:cooperativeInteractionWith ckr:Vladimir_Putin")
    weights = {(w["source"], w["target"]): w for w in event_weights(kg, source=report.source)}
    pair = weights[(str(CKR.Ilham_Aliyev), str(CKR.Vladimir_Putin))]
    assert pair["cooperative"] == sum(
        v for k, v in expected.items() if k[:2] == ("Ilham Aliyev", "Vladimir Putin") and k[3]
    )
    assert pair["net"] == pair["cooperative"] - pair["hostile"]


def test_event_weights_filter_by_period(icews) -> None:
    kg, report = icews
    everything = sum(w["events"] for w in event_weights(kg, source=report.source))
    late = sum(w["events"] for w in event_weights(kg, start="2018-01-01", source=report.source))
    early = sum(w["events"] for w in event_weights(kg, end="2017-12-31", source=report.source))
    assert late and early and late + early == everything
    with pytest.raises(InvalidArgument):
        event_weights(kg, start="September")


def test_second_import_adds_nothing(icews) -> None:
    kg, report = icews
    before = snapshot(kg)
    again = import_events(kg, ICEWS)
    assert again.already_imported and again.triples_added == 0 and again.source == report.source
    assert snapshot(kg) == before


def test_import_validates(icews) -> None:
    kg, _ = icews
    report = kg.validate(shacl=False)  # every imported quote stands at its offsets in the dataset text
    assert report.conforms, report.text()
    assert report.claims_checked >= 213


def test_import_passes_the_shapes(tmp_path: Path) -> None:
    """The SHACL shapes (claims, relations, event types, aggregates) on a small import."""
    from caucasus_kg.ontology import ONTOLOGY_PATH

    small = tmp_path / "small.tsv"
    small.write_text("".join(ICEWS_TEXT.splitlines(keepends=True)[:21]), encoding="utf-8")
    kg = KnowledgeGraph.open(ONTOLOGY_PATH)
    report = import_events(kg, small)
    assert report.sector_actors > 0 and report.aggregates > 0
    validation = kg.validate()
    assert validation.conforms, validation.text()


# ---------------------------------------------------------------------------- GDELT


def test_gdelt_slice_merges_metonyms_and_demonyms() -> None:
    kg = KnowledgeGraph.open()
    progress: list[str] = []
    report = import_events(kg, GDELT, window="day", progress=lambda stage, done, total: progress.append(stage))
    assert report.format == "gdelt" and report.rows == 100 and report.window == "day"
    assert progress[0] == "reading" and progress[-1] == "storing"
    row = next(r for r in rows_of(GDELT) if r["subject"] == "Azerbaijani" and r["object"] == "Azerbaijan")
    line = "\t".join(row.values())
    claim = next(c for c in kg.claims() if c.quote == line)
    assert claim.subject == claim.object == str(CKR.Azerbaijan)
    assert claim.confidence == 0.85  # read through a demonym
    assert claim.point_in_time == row["datetime"] + ":00"
    first = kg.query("SELECT ?d WHERE { ?a a ckg:EventAggregate ; ckg:windowStart ?d } ORDER BY ?d LIMIT 1").rows[0][0]
    assert str(first) == "2018-01-25"


# ---------------------------------------------------------------------------- bad files


def _variants(tmp: Path) -> list[tuple[Path, str | None, str]]:
    lines = ICEWS_TEXT.splitlines(keepends=True)
    header, body = lines[0], lines[1:6]

    def write(name: str, content: bytes | str) -> Path:
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    bad_date = body[2].replace("2005-", "2005/")
    parts = body[3].split("\t")
    unknown = "\t".join([parts[0], "Praise loudly", *parts[2:]])
    return [
        (write("empty.tsv", b""), None, r"empty\.tsv: empty file"),
        (write("header_only.tsv", header), None, r"header_only\.tsv: no event rows"),
        (
            write("binary.tsv", header.encode() + b"\x00\x01\x02" + body[0].encode()),
            None,
            r"binary\.tsv: line 2: binary",
        ),
        (
            write("latin1.tsv", header.encode() + body[0].encode() + "Tbilisi caf\u00e9\n".encode("latin-1")),
            None,
            r"latin1\.tsv: line 3: not valid UTF-8",
        ),
        (TRUNCATED, None, r"icews_truncated\.tsv: line 7: truncated or malformed row: expected 7 .* found 2"),
        (
            write("extra.tsv", header + body[0] + body[1].rstrip("\n") + "\textra\n"),
            None,
            r"extra\.tsv: line 3: malformed row",
        ),
        (write("bad_date.tsv", header + body[0] + body[1] + bad_date), None, r"bad_date\.tsv: line 4: bad date"),
        (
            write("unknown.tsv", header + "".join(body[:3]) + unknown),
            None,
            r"unknown\.tsv: line 5: unknown CAMEO event type 'Praise loudly'",
        ),
        (write("empty_actor.tsv", header + "\t" + body[0].split("\t", 1)[1]), None, r"line 2: empty subject"),
        (write("notes.tsv", "a,b,c\n1,2,3\n"), None, r"notes\.tsv: line 1: not an ICEWS or GDELT event file"),
        (write("gdelt_as_icews.tsv", GDELT.read_text(encoding="utf-8")), "icews", r"line 1: the header is GDELT's"),
        (tmp / "missing.tsv", None, r"missing\.tsv: no such file"),
    ]


def test_every_bad_file_is_refused_and_the_store_is_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with KnowledgeGraph.open(store=store) as kg:
        import_events(kg, GDELT)  # something already in the store
    with KnowledgeGraph.open(store=store) as kg:
        before = snapshot(kg)
        for path, fmt, message in _variants(tmp_path):
            with pytest.raises(DataError, match=message):
                import_events(kg, path, format=fmt)
            assert snapshot(kg) == before, path.name
    with KnowledgeGraph.open(store=store) as kg:
        assert snapshot(kg) == before


def test_bad_options() -> None:
    kg = KnowledgeGraph.open()
    with pytest.raises(InvalidArgument, match="format"):
        import_events(kg, ICEWS, format="csv")
    with pytest.raises(InvalidArgument, match="window"):
        import_events(kg, ICEWS, window="fortnight")


def test_claims_use_their_type_and_relation(icews) -> None:
    kg, _ = icews
    for node, _, event_type in list(kg.triples((None, CKG.eventType, None)))[:50]:
        relation = next(kg.triples((event_type, CKG.eventRelation, None)))[2]
        assert next(kg.triples((node, RDF.predicate, None)))[2] == relation
        assert next(kg.triples((node, CKG.method, None)))[2] == CKG.Imported
    assert isinstance(relation, URIRef)
