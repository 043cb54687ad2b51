"""Centrality and communities: exact values against networkx on a hand-built copy of the fixture,
igraph against networkx on random graphs, caching, filters and errors."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caucasus_kg.graph import InvalidArgument, KnowledgeGraph
from caucasus_kg.graph import analysis
from caucasus_kg.ontology import CKG, CKR

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"
ID = "https://w3id.org/caucasus-kg/id/"

# The fixture's relations as directed pairs, written out by hand (symmetric relations both ways).
ASSERTED = [
    ("Avalon", "Borduria", True), ("Borduria", "Carpania", True), ("Avalon", "Carpania", True),
    ("Avalon", "Carpania", False), ("Carpania", "Dorvia", True), ("Dorvia", "Borduria", False),
    ("Elbonia", "Avalon", False), ("Avalon", "Elbonia", True), ("Dorvia", "Elbonia", True),
    ("Pat_Envoy", "Avalon", False), ("Pat_Envoy", "Kivi_summit", False), ("Borduria", "Kivi_summit", False),
    ("Kivi_summit", "Energy", False), ("Kivi", "Avalon", False),
]
NODES = ["Avalon", "Borduria", "Carpania", "Dorvia", "Elbonia", "Energy", "Kivi", "Kivi_summit", "Lonely_Isle",
         "Pat_Envoy"]


def by_hand(directed: bool) -> nx.Graph:
    H = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(ID + n for n in NODES)
    for u, v, symmetric in ASSERTED:
        H.add_edge(ID + u, ID + v)
        if symmetric:
            H.add_edge(ID + v, ID + u)
    return H


@pytest.fixture(scope="module")
def tiny() -> KnowledgeGraph:
    return KnowledgeGraph.open(TINY)


REFERENCE = {
    "degree": nx.degree_centrality,
    "in_degree": nx.in_degree_centrality,
    "out_degree": nx.out_degree_centrality,
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "harmonic": nx.harmonic_centrality,
    "pagerank": lambda H: nx.pagerank(H, tol=1e-12, max_iter=1000),
}


def assert_close(found: dict, expected: dict, tol: float = 1e-6) -> None:
    assert set(found) == set(expected)
    for node in expected:
        assert math.isclose(found[node], expected[node], rel_tol=tol, abs_tol=tol), (node, found[node], expected[node])


@pytest.mark.parametrize(
    ("metric", "directed"),
    [(m, d) for m in sorted(REFERENCE) for d in (False, True) if d or m not in ("in_degree", "out_degree")],
)
def test_scores_equal_networkx_on_the_hand_built_graph(tiny: KnowledgeGraph, metric: str, directed: bool) -> None:
    for engine in ("auto", "networkx"):
        found = analysis.centrality_scores(tiny, metric, directed=directed, engine=engine)
        assert_close(found, REFERENCE[metric](by_hand(directed)))


def test_eigenvector_is_computed_on_the_largest_component(tiny: KnowledgeGraph) -> None:
    found = analysis.centrality_scores(tiny, "eigenvector")
    H = by_hand(False)
    giant = max(nx.connected_components(H), key=len)
    expected = nx.eigenvector_centrality_numpy(H.subgraph(giant))
    assert found[ID + "Lonely_Isle"] == 0.0
    assert_close({n: found[n] for n in giant}, expected)
    directed = analysis.centrality_scores(tiny, "eigenvector", directed=True)
    strong = max(nx.strongly_connected_components(by_hand(True)), key=len)
    assert {n for n, s in directed.items() if s > 1e-9} <= strong


def test_top_n_with_ranks_scores_and_types(tiny: KnowledgeGraph) -> None:
    top = analysis.centrality(tiny, "betweenness", top=3)
    expected = nx.betweenness_centrality(by_hand(False))
    assert [(s.rank, s.entity.id) for s in top] == [(1, "Avalon"), (2, "Borduria"), (3, "Kivi_summit")]
    assert [s.type for s in top] == ["country", "country", "visit or talks"]
    assert [s.score for s in top] == pytest.approx([expected[ID + s.entity.id] for s in top])
    everyone = analysis.centrality(tiny, "degree", top=None)
    assert len(everyone) == len(NODES) and [s.rank for s in everyone] == list(range(1, len(NODES) + 1))
    scores = [s.score for s in everyone]
    assert scores == sorted(scores, reverse=True)


def test_rank_types_lists_only_those_types_but_types_restricts_the_graph(tiny: KnowledgeGraph) -> None:
    persons = analysis.centrality(tiny, "betweenness", rank_types="Person")
    assert [s.entity.id for s in persons] == ["Pat_Envoy"]
    assert persons[0].score == pytest.approx(nx.betweenness_centrality(by_hand(False))[ID + "Pat_Envoy"])
    # restricted to countries, Pat and the summit are gone and so are the paths through them
    countries = analysis.centrality_scores(tiny, "betweenness", types="Country")
    H = by_hand(False).subgraph(ID + n for n in ("Avalon", "Borduria", "Carpania", "Dorvia", "Elbonia", "Lonely_Isle"))
    assert_close(countries, nx.betweenness_centrality(H))


def test_polarity_and_time_filters_restrict_the_graph(tiny: KnowledgeGraph) -> None:
    hostile = analysis.centrality_scores(tiny, "degree", polarity="hostile")
    H = nx.Graph()
    H.add_nodes_from(ID + n for n in NODES)
    H.add_edges_from([(ID + "Borduria", ID + "Carpania"), (ID + "Avalon", ID + "Carpania"),
                      (ID + "Dorvia", ID + "Borduria"), (ID + "Elbonia", ID + "Avalon")])
    assert_close(hostile, nx.degree_centrality(H))
    dated_2020 = analysis.centrality(tiny, "degree", top=3, as_of="2020", include_undated=False)
    # in 2020: Avalon-Borduria alliance, Borduria-Carpania tensions, Dorvia criticised Borduria
    assert [s.entity.id for s in dated_2020] == ["Borduria", "Avalon", "Carpania"]


def test_sampled_betweenness_is_reproducible_and_matches_networkx(tiny: KnowledgeGraph) -> None:
    a = analysis.centrality_scores(tiny, "betweenness", k=4, seed=7)
    b = analysis.centrality_scores(tiny, "betweenness", k=4, seed=7, engine="networkx")
    assert_close(a, b, 1e-9)
    assert_close(b, nx.betweenness_centrality(by_hand(False), k=4, seed=7), 1e-9)


def test_backend_is_passed_to_networkx_dispatch(tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = nx.betweenness_centrality

    def spy(G, *args, **kwargs):
        seen.append(kwargs.get("backend"))
        return real(G, *args, **kwargs)

    monkeypatch.setattr(nx, "betweenness_centrality", spy)
    scores = analysis.centrality_scores(tiny, "betweenness", backend="networkx", cached=False)
    assert seen == ["networkx"]
    assert_close(scores, real(by_hand(False)))


def test_whole_graph_scores_are_cached_per_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from caucasus_kg.graph import centrality as module

    kg = KnowledgeGraph.open(TINY)
    calls = []
    real = module._igraph_scores
    monkeypatch.setattr(module, "_igraph_scores", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    for _ in range(3):
        analysis.centrality(kg, "pagerank")
        analysis.centrality(kg, "pagerank", top=2, rank_types="Country")
    assert calls == ["pagerank"]
    analysis.centrality_scores(kg, "pagerank", cached=False)
    assert calls == ["pagerank", "pagerank"]
    kg.remove_triples([(CKR["Kivi"], CKG.capitalOf, CKR["Avalon"])])
    analysis.centrality(kg, "pagerank")
    assert calls == ["pagerank"] * 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"metric": "fame"},
        {"metric": "in_degree", "directed": False},
        {"metric": "eigenvector", "engine": "igraph"},
        {"metric": "betweenness", "engine": "turbo"},
        {"metric": "betweenness", "engine": "igraph", "backend": "parallel"},
        {"metric": "betweenness", "k": 0},
        {"metric": "betweenness", "top": 0},
    ],
)
def test_bad_centrality_arguments(tiny: KnowledgeGraph, kwargs: dict) -> None:
    with pytest.raises(InvalidArgument):
        analysis.centrality(tiny, **kwargs)


graphs = st.builds(
    lambda n, edges, directed: (n, [(a % n, b % n) for a, b in edges], directed),
    st.integers(min_value=2, max_value=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30),
    st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(graphs, st.sampled_from(["betweenness", "closeness", "harmonic", "pagerank"]))
def test_igraph_engine_agrees_with_networkx_on_random_graphs(graph, metric: str) -> None:
    n, edges, directed = graph
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((a, b) for a, b in edges if a != b)
    fast = analysis.compute_centrality(G, metric, engine="igraph")
    if metric == "pagerank":
        reference = nx.pagerank(G, tol=1e-12, max_iter=10_000)
    else:
        reference = analysis.compute_centrality(G, metric, engine="networkx")
    assert_close(fast, reference, 1e-6)


@settings(max_examples=40, deadline=None)
@given(graphs, st.integers(1, 12), st.integers(0, 1000), st.booleans())
def test_sampled_igraph_betweenness_agrees_with_networkx(graph, k: int, seed: int, normalized: bool) -> None:
    n, edges, directed = graph
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((a, b) for a, b in edges if a != b)
    k = min(k, n - 1)
    fast = analysis.compute_centrality(G, "betweenness", k=k, seed=seed, normalized=normalized, engine="igraph")
    slow = nx.betweenness_centrality(G, k=k, seed=seed, normalized=normalized)
    for node in G:
        assert (math.isnan(fast[node]) and math.isnan(slow[node])) or math.isclose(
            fast[node], slow[node], rel_tol=1e-9, abs_tol=1e-9)


def test_louvain_communities_are_pinned_and_deterministic(tiny: KnowledgeGraph) -> None:
    report = analysis.communities(tiny)
    assert [[m.id for m in c.members] for c in report.communities] == [
        ["Avalon", "Elbonia", "Kivi"], ["Borduria", "Carpania", "Dorvia"], ["Energy", "Kivi_summit", "Pat_Envoy"],
        ["Lonely_Isle"],
    ]
    assert [c.internal_pairs for c in report.communities] == [2, 3, 2, 0]  # Avalon-Elbonia, Avalon-Kivi
    partition = [{m.iri for m in c.members} for c in report.communities]
    assert report.modularity == pytest.approx(nx.community.modularity(by_hand(False), partition))
    again = analysis.communities(KnowledgeGraph.open(TINY, backend="memory"))  # computed afresh on another graph
    assert again == report
    assert analysis.communities(tiny, backend="networkx").communities == report.communities  # dispatch passes
    shown = analysis.communities(tiny, min_size=2)
    assert len(shown.communities) == 3 and shown.hidden == 1


def test_label_propagation_and_filters(tiny: KnowledgeGraph) -> None:
    report = analysis.communities(tiny, method="label_propagation")
    expected = list(nx.community.label_propagation_communities(by_hand(False)))
    assert sorted(sorted(m.iri for m in c.members) for c in report.communities) == sorted(map(sorted, expected))
    cooperative = analysis.communities(tiny, polarity="cooperative", min_size=2)
    # cooperation: Avalon-Borduria, Avalon-Carpania, Carpania-Dorvia, Dorvia-Elbonia, Pat-Avalon
    members = set().union(*({m.id for m in c.members} for c in cooperative.communities))
    assert members == {"Avalon", "Borduria", "Carpania", "Dorvia", "Elbonia", "Pat_Envoy"}


@pytest.mark.parametrize("kwargs", [{"method": "magic"}, {"min_size": 0}, {"resolution": 0}])
def test_bad_community_arguments(tiny: KnowledgeGraph, kwargs: dict) -> None:
    with pytest.raises(InvalidArgument):
        analysis.communities(tiny, **kwargs)


def test_bundled_top_actors_by_betweenness(bundled_kg: KnowledgeGraph) -> None:
    top = analysis.centrality(bundled_kg, "betweenness", top=5)
    labels = [s.entity.label for s in top]
    assert {"Russia", "Azerbaijan"} <= set(labels[:3])
    assert all(s.score > 0 for s in top)
    assert [s.score for s in top] == sorted((s.score for s in top), reverse=True)
