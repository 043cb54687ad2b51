"""The networkx projection: what it holds, that it is built once per version, and its filters."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, Literal

from caucasus_kg.graph import EntityNotFound, InvalidArgument, KnowledgeGraph
from caucasus_kg.graph import analysis, projection
from caucasus_kg.ontology import CKG, CKR

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"
ID = str(CKR)
P = str(CKG._NS)


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def tiny(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return KnowledgeGraph.open(TINY, backend=request.param)


def test_nodes_are_entities_with_label_type_and_classes(tiny: KnowledgeGraph) -> None:
    G = analysis.to_networkx(tiny)
    assert sorted(G) == sorted(ID + n for n in (
        "Avalon", "Borduria", "Carpania", "Dorvia", "Elbonia", "Energy", "Kivi", "Kivi_summit", "Lonely_Isle",
        "Pat_Envoy"))
    avalon = G.nodes[ID + "Avalon"]
    assert (avalon["label"], avalon["id"], avalon["type"], avalon["wikidata"]) == ("Avalon", "Avalon", "country", None)
    assert avalon["classes"] == {P + "Country", P + "Actor", P + "Place"}
    assert G.nodes[ID + "Kivi_summit"]["type"] == "visit or talks"
    assert G.nodes[ID + "Energy"]["classes"] == {P + "Topic"}
    # no claim nodes, source documents or literals
    assert not any("/claim/" in n or "/source/" in n for n in G)
    assert all(isinstance(n, str) and n.startswith("https://") for n in G)


def test_edges_are_asserted_relations_keyed_by_predicate_with_claims_and_periods(tiny: KnowledgeGraph) -> None:
    G = analysis.to_networkx(tiny)
    allied = G.edges[ID + "Avalon", ID + "Borduria", P + "alliedWith"]
    assert allied["label"] == "allied with" and allied["polarity"] == "cooperative" and allied["symmetric"]
    assert not allied["entailed"]
    assert allied["claims"] == (
        "https://w3id.org/caucasus-kg/claim/tiny01", "https://w3id.org/caucasus-kg/claim/tiny02")
    assert allied["periods"] == (("2010-01-01", "9999-12-31"), ("2018-01-01", "2018-12-31"))
    assert allied["times"] == ("2010..", "2018") and not allied["undated"]
    # the symmetric reverse is entailed, with the same evidence
    reverse = G.edges[ID + "Borduria", ID + "Avalon", P + "alliedWith"]
    assert reverse["entailed"] and reverse["claims"] == allied["claims"]
    # a directed relation has no reverse
    assert not G.has_edge(ID + "Avalon", ID + "Elbonia", P + "pressed")
    assert G.edges[ID + "Elbonia", ID + "Avalon", P + "pressed"]["periods"] == (("2022-01-01", "2022-12-31"),)
    month = G.edges[ID + "Pat_Envoy", ID + "Kivi_summit", P + "participatedIn"]
    assert month["periods"] == (("2019-05-01", "2019-05-31"),) and month["times"] == ("2019-05",)
    assert G.edges[ID + "Kivi", ID + "Avalon", P + "capitalOf"]["undated"]
    # 15 asserted relations, 5 of them symmetric (each with an entailed reverse)
    asserted = [d for _, _, d in G.edges(data=True) if not d["entailed"]]
    assert len(asserted) == 14
    assert G.number_of_edges() == 14 + sum(d["symmetric"] for d in asserted)


def test_the_projection_is_frozen_and_the_same_object_per_version(tiny: KnowledgeGraph) -> None:
    G = analysis.to_networkx(tiny)
    assert nx.is_frozen(G)
    assert analysis.to_networkx(tiny) is G
    assert G.graph["version"] == tiny.version
    with pytest.raises(nx.NetworkXError):
        G.add_node("x")


def test_built_once_across_many_queries_and_rebuilt_after_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    kg = KnowledgeGraph.open(TINY)
    builds = []
    real = projection._build_projection

    def counting(kg_):
        builds.append(kg_.version)
        return real(kg_)

    monkeypatch.setattr(projection, "_build_projection", counting)
    for _ in range(3):
        analysis.shortest_path(kg, "Pat", "Carpania")
        analysis.shortest_paths(kg, "Pat", "Carpania", k=3, directed=False)
        analysis.neighbourhood(kg, "Avalon", depth=2, as_of="2018")
        analysis.centrality(kg, "betweenness")
        analysis.centrality(kg, "pagerank", polarity="cooperative")
        analysis.communities(kg)
        analysis.structural_balance(kg)
        analysis.diff(kg, "2018", "2021")
        analysis.export_graph(kg, "graphml")
    assert builds == [kg.version]

    kg.add_triples([(CKR["Dorvia"], CKG.alliedWith, CKR["Lonely_Isle"])])
    path = analysis.shortest_path(kg, "Lonely Isle", "Carpania")
    assert [n.label for n in path.nodes] == ["Lonely Isle", "Dorvia", "Carpania"]
    analysis.centrality(kg, "betweenness")
    assert len(builds) == 2 and builds[1] == kg.version


def test_an_untyped_iri_at_the_end_of_a_relation_is_a_node_and_literals_are_not() -> None:
    kg = KnowledgeGraph.open(TINY)
    kg.add_triples([
        (CKR["Avalon"], CKG.cooperatesWith, CKR["Mystery"]),
        (CKR["Avalon"], CKG.cooperatesWith, Literal("not a node")),
        (CKR["Mystery"], RDF.type, CKG.Claim),  # a claim node is still not an entity class
    ])
    G = analysis.to_networkx(kg)
    assert G.nodes[ID + "Mystery"]["type"] == "entity"
    assert not any(isinstance(n, Literal) or n == "not a node" for n in G)
    path = analysis.shortest_path(kg, "Avalon", ID + "Mystery")
    assert path.steps[0].edges[0].evidence == ()


def test_both_backends_project_the_same_graph(bundled_kg: KnowledgeGraph) -> None:
    memory = KnowledgeGraph.open(backend="memory")
    A, B = analysis.to_networkx(bundled_kg), analysis.to_networkx(memory)
    assert dict(A.nodes(data=True)) == dict(B.nodes(data=True))
    assert sorted(A.edges(keys=True, data=True), key=str) == sorted(B.edges(keys=True, data=True), key=str)


def test_bundled_node_types_match_the_entity_api(bundled_kg: KnowledgeGraph) -> None:
    G = analysis.to_networkx(bundled_kg)
    assert len(G) == len(bundled_kg.entities())
    for iri, data in G.nodes(data=True):
        entity = bundled_kg.entity(iri)
        assert (data["label"], data["type"], data["wikidata"]) == (entity.label, entity.type_label, entity.wikidata)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", ("2020-01-01", "2020-12-31")),
        ("2020-02", ("2020-02-01", "2020-02-29")),
        ("2021-02", ("2021-02-01", "2021-02-28")),
        ("2020-09-27", ("2020-09-27", "2020-09-27")),
        ("2020-09-27T10:30", ("2020-09-27", "2020-09-27")),
        ("2020-09-27T10:30:00+04:00", ("2020-09-27", "2020-09-27")),
        ("2020Z", ("2020-01-01", "2020-12-31")),
    ],
)
def test_period_covers_the_whole_of_its_value(value: str, expected: tuple[str, str]) -> None:
    assert analysis.period(value) == expected


@pytest.mark.parametrize("value", ["20", "2020-13", "2021-02-29", "yesterday", "", "0000"])
def test_period_refuses_what_is_not_a_date(value: str) -> None:
    with pytest.raises(InvalidArgument):
        analysis.period(value)


def test_graph_view_filters_without_copying(tiny: KnowledgeGraph) -> None:
    G = analysis.to_networkx(tiny)
    hostile = analysis.graph_view(tiny, polarity="hostile")
    assert hostile._graph is G  # a view of the projection, not a copy
    assert sorted((G.nodes[u]["id"], d["relation"], G.nodes[v]["id"]) for u, v, d in hostile.edges(data=True)) == [
        ("Avalon", "criticised", "Carpania"),
        ("Borduria", "tensionsWith", "Carpania"),
        ("Carpania", "tensionsWith", "Borduria"),
        ("Dorvia", "criticised", "Borduria"),
        ("Elbonia", "pressed", "Avalon"),
    ]
    people = analysis.graph_view(tiny, types=["Person", "Talks"])
    assert sorted(people) == [ID + "Kivi_summit", ID + "Pat_Envoy"]
    assert [d["relation"] for _, _, d in people.edges(data=True)] == ["participatedIn"]
    undirected = analysis.graph_view(tiny, relations="alliedWith", directed=False)
    assert not undirected.is_directed() and undirected.number_of_edges() == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # as of 2018: allied (2010.., 2018), tensions (2016..), cooperation (2015-2019) and the undated facts
        ({"as_of": "2018"}, {"alliedWith", "tensionsWith", "cooperatesWith", "UNDATED"}),
        ({"as_of": "2018", "include_undated": False}, {"alliedWith", "tensionsWith", "cooperatesWith"}),
        ({"as_of": "2019-05-20", "include_undated": False},
         {"alliedWith", "tensionsWith", "cooperatesWith", "participatedIn:Pat_Envoy", "participatedIn:Borduria"}),
        ({"as_of": "2019-06", "include_undated": False}, {"alliedWith", "tensionsWith", "cooperatesWith"}),
        ({"as_of": "2009", "include_undated": False}, set()),
        ({"start": "2020", "end": "2021", "include_undated": False},
         {"alliedWith", "tensionsWith", "criticised:Dorvia", "criticised:Avalon"}),
        ({"start": "2022", "include_undated": False}, {"alliedWith", "tensionsWith", "pressed"}),
        ({"end": "2012", "include_undated": False}, {"alliedWith"}),
    ],
)
def test_time_views(tiny: KnowledgeGraph, filters: dict, expected: set[str]) -> None:
    view = analysis.graph_view(tiny, **filters)
    found = set()
    for u, _, d in view.edges(data=True):
        if d["entailed"]:
            continue
        if d["undated"] and not any(d["periods"]):
            found.add("UNDATED")
        elif d["relation"] in ("participatedIn", "criticised"):
            found.add(f"{d['relation']}:{view.nodes[u]['id']}")
        else:
            found.add(d["relation"])
    assert found == expected


@pytest.mark.parametrize(
    ("filters", "error"),
    [
        ({"relations": ["friendOf"]}, InvalidArgument),
        ({"polarity": "friendly"}, InvalidArgument),
        ({"types": ["Spaceship"]}, InvalidArgument),
        ({"as_of": "soon"}, InvalidArgument),
        ({"as_of": "2020", "start": "2019"}, InvalidArgument),
        ({"start": "2021", "end": "2020"}, InvalidArgument),
        ({"colour": "red"}, TypeError),
    ],
)
def test_bad_filters_are_refused(tiny: KnowledgeGraph, filters: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        analysis.graph_view(tiny, **filters)


def test_unknown_entities_raise_entity_not_found(tiny: KnowledgeGraph) -> None:
    with pytest.raises(EntityNotFound):
        analysis.neighbourhood(tiny, "Atlantis")
