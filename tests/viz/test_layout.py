"""Server-side layout: every node placed, deterministic, components packed, cached per version and view."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from caucasus_kg.graph import InvalidArgument, KnowledgeGraph
from caucasus_kg.viz.layout import LAYOUT_METHODS, cached_layout, compute_layout


@pytest.mark.parametrize("method", LAYOUT_METHODS)
def test_every_node_gets_a_finite_position(method):
    g = nx.MultiDiGraph(nx.gnm_random_graph(60, 90, seed=3, directed=True))
    g.add_edge(0, 0)  # self-loops and parallel edges are fine
    g.add_edge(1, 2)
    g.add_edge(1, 2)
    pos = compute_layout(g, method=method)
    assert set(pos) == set(g)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())


def test_deterministic_and_seeded():
    g = nx.gnm_random_graph(80, 160, seed=1)
    assert compute_layout(g) == compute_layout(g)
    assert compute_layout(g, seed=1) != compute_layout(g, seed=2)


@pytest.mark.parametrize("graph", [nx.empty_graph(0), nx.empty_graph(1), nx.empty_graph(2), nx.path_graph(2)])
def test_tiny_graphs(graph):
    assert len(compute_layout(graph)) == graph.number_of_nodes()


def test_disconnected_pieces_stay_close():
    """Isolated nodes and small components are packed next to the big one, not flung away."""
    g = nx.gnm_random_graph(400, 800, seed=5)
    g.add_nodes_from(range(400, 450))  # isolated
    g.add_edges_from((i, i + 1) for i in range(450, 480, 2))  # pairs
    pos = compute_layout(g)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    side = math.sqrt(len(g)) * 90
    assert max(xs) - min(xs) < 4 * side and max(ys) - min(ys) < 4 * side
    # Distinct positions (no pile-up at one point).
    assert len({(round(x), round(y)) for x, y in pos.values()}) > 0.95 * len(g)


def test_unknown_method():
    with pytest.raises(InvalidArgument):
        compute_layout(nx.path_graph(3), method="spring")


def test_cached_per_version_and_key():
    kg = KnowledgeGraph.open(backend="memory")
    g = nx.path_graph(50)
    first = cached_layout(kg, "k", g)
    assert cached_layout(kg, "k", g) is first
    assert cached_layout(kg, "other", g) is not first
    kg.add_entity("Somebody", "Person")
    assert cached_layout(kg, "k", g) is not first


@pytest.mark.slow
def test_large_graph_layout_is_fast():
    import time

    g = nx.gnm_random_graph(5000, 10000, seed=7)
    t0 = time.perf_counter()
    compute_layout(g)
    assert time.perf_counter() - t0 < 30
