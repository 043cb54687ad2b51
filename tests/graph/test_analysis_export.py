"""Network exports: each format reads back with networkx (or csv) and holds the projection's relations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from caucasus_kg.graph import InvalidArgument, KnowledgeGraph
from caucasus_kg.graph import analysis
from caucasus_kg.ontology import CKG, CKR

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"
ID = "https://w3id.org/caucasus-kg/id/"


@pytest.fixture(scope="module")
def tiny() -> KnowledgeGraph:
    return KnowledgeGraph.open(TINY)


def read(fmt: str, data: bytes) -> nx.MultiDiGraph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    if fmt == "json":
        return nx.node_link_graph(json.loads(data), edges="edges")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    H = nx.MultiDiGraph()
    for row in rows:
        H.add_edge(row["source"], row["target"], key=row["predicate"], **row)
    return H


def asserted(G: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if not d["entailed"]}


@pytest.mark.parametrize("fmt", sorted(analysis.NETWORK_FORMATS))
def test_round_trip_keeps_every_asserted_relation(tiny: KnowledgeGraph, fmt: str) -> None:
    G = analysis.to_networkx(tiny)
    back = read(fmt, analysis.export_graph(tiny, fmt))
    assert {(u, v, k) for u, v, k in back.edges(keys=True)} == asserted(G)
    if fmt != "csv":
        assert set(back) == set(G)  # isolated entities too
        avalon = back.nodes[ID + "Avalon"]
        assert (avalon["label"], avalon["type"], avalon["local_name"]) == ("Avalon", "country", "Avalon")
    edge = back.edges[ID + "Avalon", ID + "Borduria", "https://w3id.org/caucasus-kg/ontology#alliedWith"]
    assert edge["label"] == "allied with" and edge["polarity"] == "cooperative"
    claims = edge["claims"] if isinstance(edge["claims"], list) else edge["claims"].split("; ")
    assert claims == ["https://w3id.org/caucasus-kg/claim/tiny01", "https://w3id.org/caucasus-kg/claim/tiny02"]
    if fmt != "csv":
        assert (edge["first_day"], edge["last_day"]) == ("2010-01-01", "9999-12-31")


def test_exports_never_touch_the_frozen_projection(tiny: KnowledgeGraph) -> None:
    G = analysis.to_networkx(tiny)
    before = dict(G.nodes[ID + "Avalon"])
    H = analysis.exportable_graph(tiny)
    H.nodes[ID + "Avalon"]["label"] = "changed"
    assert dict(G.nodes[ID + "Avalon"]) == before and nx.is_frozen(G)
    assert isinstance(G.nodes[ID + "Avalon"]["classes"], frozenset)


def test_filters_and_entailed_edges(tiny: KnowledgeGraph) -> None:
    hostile = read("graphml", analysis.export_graph(tiny, "graphml", polarity="hostile", as_of="2021"))
    found = sorted((u.rsplit("/", 1)[1], d["relation"], v.rsplit("/", 1)[1]) for u, v, d in hostile.edges(data=True))
    assert found == [
        ("Avalon", "criticised", "Carpania"), ("Borduria", "tensionsWith", "Carpania")]
    everything = read("json", analysis.export_graph(tiny, "json", entailed=True))
    assert everything.number_of_edges() == analysis.to_networkx(tiny).number_of_edges()
    assert any(d["entailed"] for _, _, d in everything.edges(data=True))


def test_csv_has_a_header_and_quotes_commas() -> None:
    kg = KnowledgeGraph.open(TINY, backend="memory")
    kg.add_entity("Comma, Republic of", "Country", id="Comma_Republic")
    kg.add_triples([(CKR["Comma_Republic"], CKG.alliedWith, CKR["Avalon"])])
    rows = list(csv.reader(io.StringIO(analysis.export_graph(kg, "csv").decode())))
    assert rows[0][:3] == ["source", "target", "predicate"]
    assert all(len(r) == len(rows[0]) for r in rows)
    assert ["Comma, Republic of"] == [r[6] for r in rows if r[0].endswith("Comma_Republic")]


def test_unknown_format(tiny: KnowledgeGraph) -> None:
    with pytest.raises(InvalidArgument):
        analysis.export_graph(tiny, "pajek")
