"""Paths and neighbourhoods: exact answers on the tiny fixture, and the Dyumin-Turkey path on the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

from caucasus_kg.graph import EntityNotFound, InvalidArgument, KnowledgeGraph, NoPath
from caucasus_kg.graph import analysis

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def tiny(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return KnowledgeGraph.open(TINY, backend=request.param)


def ids(path: analysis.Path) -> list[str]:
    return [n.id for n in path.nodes]


def hops(path: analysis.Path) -> list[list[tuple[str, str, str, str]]]:
    """Per step: (subject id, relation local name, object id, direction) of each edge."""
    return [
        [(e.subject.id, e.predicate.rsplit("#", 1)[1], e.object.id, e.direction) for e in step.edges]
        for step in path.steps
    ]


def test_directed_shortest_path_lists_every_relation_of_each_hop_with_quotes(tiny: KnowledgeGraph) -> None:
    path = analysis.shortest_path(tiny, "Pat", "Carpania")
    assert ids(path) == ["Pat_Envoy", "Avalon", "Carpania"] and path.length == 2 and path.directed
    assert hops(path) == [
        [("Pat_Envoy", "envoyOf", "Avalon", "forward")],
        [("Avalon", "cooperatesWith", "Carpania", "forward"), ("Avalon", "criticised", "Carpania", "forward")],
    ]
    cooperation, criticism = path.steps[1].edges
    assert [c.quote for c in cooperation.evidence] == ["From 2015 to 2019 Avalon cooperated with Carpania"]
    assert [c.quote for c in criticism.evidence] == ["In 2021 Avalon criticised Carpania"]
    assert cooperation.times == ("2015..2019",) and cooperation.symmetric and not criticism.symmetric
    assert path.text() == "Pat Envoy --envoy of--> Avalon --cooperates with-- | --criticised--> Carpania"


def test_actors_are_accepted_by_label_alias_id_and_iri(tiny: KnowledgeGraph) -> None:
    expected = ids(analysis.shortest_path(tiny, "Pat Envoy", "Carpania"))
    for source in ("Pat", "pat envoy", "Pat_Envoy", "ckr:Pat_Envoy", "https://w3id.org/caucasus-kg/id/Pat_Envoy"):
        assert ids(analysis.shortest_path(tiny, source, "Carpania")) == expected


def test_directed_and_undirected_differ(tiny: KnowledgeGraph) -> None:
    # Pat Envoy only has outgoing relations: nothing reaches him along their direction.
    with pytest.raises(NoPath, match="no directed path from 'Elbonia' to 'Pat Envoy'"):
        analysis.shortest_path(tiny, "Elbonia", "Pat")
    path = analysis.shortest_path(tiny, "Elbonia", "Pat", directed=False)
    assert ids(path) == ["Elbonia", "Avalon", "Pat_Envoy"] and not path.directed
    assert hops(path) == [
        # maintainsRelationsWith is symmetric, so it reads in the walking order; pressed is walked forward
        [("Elbonia", "maintainsRelationsWith", "Avalon", "forward"), ("Elbonia", "pressed", "Avalon", "forward")],
        [("Pat_Envoy", "envoyOf", "Avalon", "backward")],
    ]
    assert path.steps[1].edges[0].evidence[0].quote == "Pat Envoy is the envoy of Avalon"
    assert path.text() == "Elbonia --maintains relations with-- | --pressed--> Avalon <--envoy of-- Pat Envoy"


def test_symmetric_relations_are_walked_both_ways_when_directed(tiny: KnowledgeGraph) -> None:
    path = analysis.shortest_path(tiny, "Borduria", "Avalon", relations="alliedWith")
    assert hops(path) == [[("Borduria", "alliedWith", "Avalon", "forward")]]
    # the evidence is the asserted triple's (Avalon alliedWith Borduria)
    assert [c.subject.rsplit("/", 1)[1] for c in path.steps[0].edges[0].evidence] == ["Avalon", "Avalon"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Pat_Envoy", "Avalon", "Carpania"]),
        ({"as_of": "2018"}, ["Pat_Envoy", "Avalon", "Carpania"]),
        ({"as_of": "2021"}, ["Pat_Envoy", "Avalon", "Carpania"]),
        # in 2020 Avalon neither cooperates with nor criticises Carpania: round through Borduria
        ({"as_of": "2020"}, ["Pat_Envoy", "Avalon", "Borduria", "Carpania"]),
        ({"relations": ["envoyOf", "alliedWith", "tensionsWith"]}, ["Pat_Envoy", "Avalon", "Borduria", "Carpania"]),
        ({"polarity": ["cooperative"]}, ["Pat_Envoy", "Avalon", "Carpania"]),
        ({"types": ["Actor"]}, ["Pat_Envoy", "Avalon", "Carpania"]),
    ],
)
def test_filters_change_the_path(tiny: KnowledgeGraph, filters: dict, expected: list[str]) -> None:
    assert ids(analysis.shortest_path(tiny, "Pat", "Carpania", **filters)) == expected


def test_time_view_keeps_only_the_claims_of_the_view(tiny: KnowledgeGraph) -> None:
    path = analysis.shortest_path(tiny, "Avalon", "Borduria", as_of="2018-06")
    (edge,) = path.steps[0].edges
    assert [c.quote for c in edge.evidence] == [
        "Avalon and Borduria have been allies since 2010", "In 2018 Avalon and Borduria renewed their alliance"]
    (edge,) = analysis.shortest_path(tiny, "Avalon", "Borduria", as_of="2019").steps[0].edges
    assert edge.times == ("2010..",) and [c.quote for c in edge.evidence] == [
        "Avalon and Borduria have been allies since 2010"]


@pytest.mark.parametrize(
    ("source", "target", "filters"),
    [
        ("Pat", "Carpania", {"polarity": "hostile"}),
        ("Pat", "Carpania", {"as_of": "2018", "include_undated": False}),
        ("Avalon", "Dorvia", {"relations": "alliedWith"}),
        ("Avalon", "Lonely Isle", {}),
        ("Pat", "Carpania", {"types": ["Country"]}),  # Pat is not a country
    ],
)
def test_no_path_is_its_own_error(tiny: KnowledgeGraph, source: str, target: str, filters: dict) -> None:
    with pytest.raises(NoPath) as caught:
        analysis.shortest_path(tiny, source, target, **filters)
    assert not isinstance(caught.value, EntityNotFound)


def test_unknown_actor_is_entity_not_found_not_no_path(tiny: KnowledgeGraph) -> None:
    for call in (
        lambda: analysis.shortest_path(tiny, "Atlantis", "Avalon"),
        lambda: analysis.shortest_paths(tiny, "Avalon", "Atlantis"),
        lambda: analysis.all_paths(tiny, "Atlantis", "Avalon"),
    ):
        with pytest.raises(EntityNotFound) as caught:
            call()
        assert not isinstance(caught.value, NoPath)


def test_k_shortest_and_all_simple_paths(tiny: KnowledgeGraph) -> None:
    expected = [["Pat_Envoy", "Avalon", "Carpania"], ["Pat_Envoy", "Avalon", "Borduria", "Carpania"],
                ["Pat_Envoy", "Kivi_summit", "Borduria", "Carpania"]]
    three = analysis.all_paths(tiny, "Pat", "Carpania", cutoff=3, directed=False)
    assert [ids(p) for p in three] == [expected[0], expected[1], expected[2]]
    k = analysis.shortest_paths(tiny, "Pat", "Carpania", k=10, max_hops=3, directed=False)
    assert [p.length for p in k] == [2, 3, 3]
    assert sorted(map(ids, k)) == sorted(expected)
    assert [ids(p) for p in analysis.shortest_paths(tiny, "Pat", "Carpania", k=1, directed=False)] == [expected[0]]
    # directed: the summit is a dead end for Pat (Borduria participated in it, not the other way)
    assert [ids(p) for p in analysis.all_paths(tiny, "Pat", "Carpania", cutoff=3)] == expected[:2]
    # the second path walks Borduria's participation backwards
    summit = next(p for p in three if ids(p) == expected[2])
    assert hops(summit)[1] == [("Borduria", "participatedIn", "Kivi_summit", "backward")]
    with pytest.raises(NoPath):
        analysis.shortest_paths(tiny, "Pat", "Carpania", k=2, max_hops=1)
    with pytest.raises(NoPath):
        analysis.all_paths(tiny, "Pat", "Carpania", cutoff=1)


@pytest.mark.parametrize(
    "call",
    [
        lambda kg: analysis.shortest_paths(kg, "Pat", "Avalon", k=0),
        lambda kg: analysis.shortest_paths(kg, "Pat", "Avalon", max_hops=0),
        lambda kg: analysis.all_paths(kg, "Pat", "Avalon", cutoff=0),
        lambda kg: analysis.neighbourhood(kg, "Avalon", depth=-1),
        lambda kg: analysis.neighbourhood(kg, "Avalon", direction="sideways"),
        lambda kg: analysis.neighbourhood(kg, "Pat", types="Country"),
    ],
)
def test_bad_arguments(tiny: KnowledgeGraph, call) -> None:
    with pytest.raises(InvalidArgument):
        call(tiny)


@pytest.mark.parametrize(
    ("direction", "filters", "expected"),
    [
        ("both", {}, {"Avalon": 0, "Borduria": 1, "Carpania": 1, "Elbonia": 1, "Kivi": 1, "Pat_Envoy": 1}),
        ("out", {}, {"Avalon": 0, "Borduria": 1, "Carpania": 1, "Elbonia": 1}),
        ("in", {}, {"Avalon": 0, "Borduria": 1, "Carpania": 1, "Elbonia": 1, "Kivi": 1, "Pat_Envoy": 1}),
        ("both", {"polarity": "hostile"}, {"Avalon": 0, "Carpania": 1, "Elbonia": 1}),
        ("both", {"as_of": "2020", "include_undated": False}, {"Avalon": 0, "Borduria": 1}),
    ],
)
def test_neighbourhood_depth_one(tiny: KnowledgeGraph, direction: str, filters: dict, expected: dict) -> None:
    sub = analysis.neighbourhood(tiny, "Avalonia", direction=direction, **filters)
    assert sub.center.id == "Avalon"
    assert {n.id: n.distance for n in sub.nodes} == expected


def test_neighbourhood_depth_two_is_the_induced_ego_network(tiny: KnowledgeGraph) -> None:
    sub = analysis.neighbourhood(tiny, "Pat", depth=2)
    assert [(n.id, n.distance) for n in sub.nodes] == [
        ("Pat_Envoy", 0), ("Avalon", 1), ("Kivi_summit", 1),
        ("Borduria", 2), ("Carpania", 2), ("Elbonia", 2), ("Energy", 2), ("Kivi", 2)]
    triples = [(e.subject.id, e.predicate.rsplit("#", 1)[1], e.object.id) for e in sub.edges]
    # every relation among these nodes, each once (Borduria-Carpania tensions included: induced subgraph)
    assert sorted(triples) == sorted([
        ("Avalon", "alliedWith", "Borduria"), ("Avalon", "cooperatesWith", "Carpania"),
        ("Avalon", "criticised", "Carpania"), ("Avalon", "maintainsRelationsWith", "Elbonia"),
        ("Borduria", "participatedIn", "Kivi_summit"), ("Borduria", "tensionsWith", "Carpania"),
        ("Elbonia", "pressed", "Avalon"), ("Kivi", "capitalOf", "Avalon"), ("Kivi_summit", "hasTopic", "Energy"),
        ("Pat_Envoy", "envoyOf", "Avalon"), ("Pat_Envoy", "participatedIn", "Kivi_summit"),
    ])
    assert all(e.evidence == () for e in sub.edges)
    quoted = analysis.neighbourhood(tiny, "Pat", depth=0, evidence=True)
    assert [n.id for n in quoted.nodes] == ["Pat_Envoy"] and quoted.edges == ()
    with_quotes = analysis.neighbourhood(tiny, "Kivi", evidence=True)
    assert [c.quote for e in with_quotes.edges for c in e.evidence] == ["Kivi is the capital of Avalon"]


def test_dyumin_to_turkey_on_the_bundled_graph(bundled_kg: KnowledgeGraph) -> None:
    path = analysis.shortest_path(bundled_kg, "Dyumin", "Turkey")
    assert path.length == 2 and path.nodes[0].label == "Alexei Dyumin" and path.nodes[-1].label == "Turkey"
    text = bundled_kg.source_text("000_4fb1f75b4de7c57b")
    for step in path.steps:
        assert step.edges
        for edge in step.edges:
            assert edge.label and edge.predicate.startswith("https://w3id.org/caucasus-kg/ontology#")
            assert edge.evidence, f"{edge.text()} has no quote"
            for claim in edge.evidence:
                assert text[claim.quote_start:claim.quote_end] == claim.quote
    # the path through the talks, as the issue reads it
    talks = analysis.shortest_path(bundled_kg, "Dyumin", "Turkey", relations=["participatedIn", "alliedWith"],
                                   directed=False)
    assert [n.id for n in talks.nodes] == ["Alexei_Dyumin", "Baku_talks", "Azerbaijan", "Turkey"]
    assert [e.direction for s in talks.steps for e in s.edges] == ["forward", "backward", "forward"]
    assert talks.steps[2].edges[0].evidence[0].quote == "Turkey, a key ally of Azerbaijan"
