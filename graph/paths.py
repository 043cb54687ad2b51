"""Paths between actors and neighbourhoods of an actor, over the projection.

Searches run on the projection collapsed to node pairs (a pair is linked when
at least one relation between them passes the filters) through subgraph
views; each step of a result then lists every relation between the two
nodes that passes the filters, with its claims and quotes. With
``directed=True`` a path follows relations from subject to object (symmetric
relations either way); with ``directed=False`` it may also walk a relation
backwards, and the edge says so (``direction="backward"``).

Errors: an actor the graph does not know raises
:class:`~caucasus_kg.graph.errors.EntityNotFound`; two known actors that no
path links under the filters raise :class:`~caucasus_kg.graph.errors.NoPath`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .errors import InvalidArgument, NoPath
from .model import EntityRef
from .projection import (
    GraphEdge,
    GraphNode,
    _edge,
    _graph_node,
    _node_ref,
    _pair_view,
    _resolve_node,
    _scope,
    _Scope,
    to_networkx,
)

__all__ = [
    "Path",
    "PathStep",
    "Subgraph",
    "all_paths",
    "neighbourhood",
    "shortest_path",
    "shortest_paths",
]


@dataclass(frozen=True)
class PathStep:
    """One hop of a path: every relation linking ``source`` to ``target`` under the filters."""

    source: EntityRef
    target: EntityRef
    edges: tuple[GraphEdge, ...]

    def text(self) -> str:
        """The hop as ``--label-->`` / ``<--label--`` arrows between the two labels."""
        arrows = []
        for edge in self.edges:
            if edge.symmetric:
                arrows.append(f"--{edge.label}--")
            elif edge.direction == "backward":
                arrows.append(f"<--{edge.label}--")
            else:
                arrows.append(f"--{edge.label}-->")
        return f"{self.source.label} {' | '.join(arrows)} {self.target.label}"


@dataclass(frozen=True)
class Path:
    """A path between two entities: its nodes in order and one step per hop."""

    source: EntityRef
    target: EntityRef
    directed: bool
    length: int
    nodes: tuple[EntityRef, ...]
    steps: tuple[PathStep, ...]

    def text(self) -> str:
        """The path on one line, e.g. ``A --allied with-- B <--participated in-- C``."""
        if not self.steps:
            return self.source.label
        parts = [self.steps[0].source.label]
        for step in self.steps:
            parts.append(step.text()[len(step.source.label) + 1 :])
        return " ".join(parts)


@dataclass(frozen=True)
class Subgraph:
    """A set of nodes and the relations among them, e.g. the neighbourhood of ``center``."""

    center: EntityRef | None
    depth: int | None
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


def _endpoints(kg, source: str, target: str, scope: _Scope) -> tuple[nx.MultiDiGraph, str, str]:
    G = to_networkx(kg)
    s = _resolve_node(kg, G, source)
    t = _resolve_node(kg, G, target)
    for iri in (s, t):
        if not scope.node_ok(G.nodes[iri]):
            raise NoPath(source, target, f"{G.nodes[iri]['label']!r} is not a node of the types asked for")
    return G, s, t


def _steps(kg, G, scope: _Scope, nodes: Sequence[str], *, directed: bool) -> tuple[PathStep, ...]:
    steps = []
    for u, v in itertools.pairwise(nodes):
        edges = []
        for key, d in G.succ[u].get(v, {}).items():
            if scope.edge_ok(d):
                edges.append(_edge(kg, G, scope, u, v, key, d, evidence=True))
        if not directed:
            for key, d in G.succ[v].get(u, {}).items():
                if scope.edge_ok(d) and not d["symmetric"]:
                    edges.append(_edge(kg, G, scope, v, u, key, d, direction="backward", evidence=True))
        edges.sort(key=lambda e: (e.direction, e.label, e.predicate))
        steps.append(PathStep(_node_ref(G, u), _node_ref(G, v), tuple(edges)))
    return tuple(steps)


def _path(kg, G, scope: _Scope, nodes: Sequence[str], *, directed: bool) -> Path:
    return Path(
        source=_node_ref(G, nodes[0]),
        target=_node_ref(G, nodes[-1]),
        directed=directed,
        length=len(nodes) - 1,
        nodes=tuple(_node_ref(G, n) for n in nodes),
        steps=_steps(kg, G, scope, nodes, directed=directed),
    )


def shortest_path(kg, source: str, target: str, *, directed: bool = True, **filters: Any) -> Path:
    """The shortest path (fewest hops) from ``source`` to ``target``.

    Parameters
    ----------
    kg : KnowledgeGraph
    source, target : str
        Entities by label, alias, id or IRI.
    directed : bool
        Follow relations from subject to object only (symmetric relations
        either way); False also walks them backwards.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types`` (see :mod:`caucasus_kg.graph.projection`).

    Returns
    -------
    Path
        Each step lists every relation linking its two nodes under the
        filters, with predicate, label, direction and the supporting claims
        (``evidence``, with quotes).

    Raises
    ------
    EntityNotFound
        ``source`` or ``target`` names no entity.
    NoPath
        Both exist but no path links them under the filters.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> path = shortest_path(kg, "Dyumin", "Turkey", relations=["participatedIn", "alliedWith"], directed=False)
    >>> print(path.text())
    Alexei Dyumin --participated in--> Dyumin's talks in Baku <--participated in-- Azerbaijan --allied with-- Turkey
    >>> path.steps[-1].edges[0].evidence[0].quote
    'Turkey, a key ally of Azerbaijan'
    """
    scope = _scope(kg, filters)
    G, s, t = _endpoints(kg, source, target, scope)
    view = _pair_view(kg, scope, directed=directed)
    try:
        nodes = nx.shortest_path(view, s, t)
    except nx.NetworkXNoPath:
        raise NoPath(source, target, _no_path_message(G, s, t, directed, scope)) from None
    return _path(kg, G, scope, nodes, directed=directed)


def _no_path_message(G, s: str, t: str, directed: bool, scope: _Scope, extra: str = "") -> str:
    how = "directed " if directed else ""
    filtered = " under the filters" if not scope.trivial else ""
    return f"no {how}path from {G.nodes[s]['label']!r} to {G.nodes[t]['label']!r}{extra}{filtered}"


def _simple_paths(view, s: str, t: str) -> Iterator[list[str]]:
    if s == t:
        yield [s]
        return
    yield from nx.shortest_simple_paths(view, s, t)


def shortest_paths(
    kg, source: str, target: str, *, k: int = 3, max_hops: int | None = None, directed: bool = True, **filters: Any
) -> list[Path]:
    """The ``k`` shortest simple paths from ``source`` to ``target``, shortest first.

    Paths are simple (no node twice) and distinct as node sequences; ties in
    length come in the order networkx's ``shortest_simple_paths`` finds them
    (Yen's algorithm).

    Parameters
    ----------
    k : int
        How many paths at most (at least 1).
    max_hops : int, optional
        Leave out paths longer than this.
    directed, **filters
        As for :func:`shortest_path`.

    Raises
    ------
    EntityNotFound, NoPath, InvalidArgument

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> [p.length for p in shortest_paths(kg, "Dyumin", "Turkey", k=4)]
    [2, 2, 2, 3]
    """
    if k < 1:
        raise InvalidArgument("k must be at least 1")
    if max_hops is not None and max_hops < 1:
        raise InvalidArgument("max_hops must be at least 1")
    scope = _scope(kg, filters)
    G, s, t = _endpoints(kg, source, target, scope)
    view = _pair_view(kg, scope, directed=directed)
    found: list[list[str]] = []
    try:
        for nodes in _simple_paths(view, s, t):
            if max_hops is not None and len(nodes) - 1 > max_hops:
                break
            found.append(nodes)
            if len(found) == k:
                break
    except nx.NetworkXNoPath:
        pass
    if not found:
        extra = f" within {max_hops} hops" if max_hops is not None else ""
        raise NoPath(source, target, _no_path_message(G, s, t, directed, scope, extra))
    return [_path(kg, G, scope, nodes, directed=directed) for nodes in found]


def all_paths(
    kg, source: str, target: str, *, cutoff: int = 3, limit: int = 1000, directed: bool = True, **filters: Any
) -> list[Path]:
    """Every simple path of at most ``cutoff`` hops, shortest first (then by labels).

    Parameters
    ----------
    cutoff : int
        Longest path, in hops (at least 1).
    limit : int
        Stop after this many paths (the search can explode on dense graphs).
    directed, **filters
        As for :func:`shortest_path`.

    Raises
    ------
    EntityNotFound, NoPath, InvalidArgument

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> for p in all_paths(kg, "Dyumin", "Azerbaijan", cutoff=2):
    ...     print(p.text())
    Alexei Dyumin --envoy to--> Azerbaijan
    Alexei Dyumin --visited--> Baku --capital of--> Azerbaijan
    Alexei Dyumin --envoy of--> Russia --cooperates in energy with-- | --has economic ties with-- | --has tensions with-- | --maintains relations with-- | --pressed--> Azerbaijan
    """
    if cutoff < 1:
        raise InvalidArgument("cutoff must be at least 1")
    if limit < 1:
        raise InvalidArgument("limit must be at least 1")
    scope = _scope(kg, filters)
    G, s, t = _endpoints(kg, source, target, scope)
    view = _pair_view(kg, scope, directed=directed)
    found = list(itertools.islice(nx.all_simple_paths(view, s, t, cutoff=cutoff), limit))
    if not found:
        raise NoPath(source, target, _no_path_message(G, s, t, directed, scope, f" within {cutoff} hops"))
    found.sort(key=lambda nodes: (len(nodes), [G.nodes[n]["label"].casefold() for n in nodes], nodes))
    return [_path(kg, G, scope, nodes, directed=directed) for nodes in found]


_DIRECTIONS = ("out", "in", "both")


def neighbourhood(
    kg, center: str, *, depth: int = 1, direction: str = "both", evidence: bool = False, **filters: Any
) -> Subgraph:
    """The ``depth``-hop ego network of an entity: nearby nodes and every relation among them.

    Parameters
    ----------
    kg : KnowledgeGraph
    center : str
        An entity by label, alias, id or IRI.
    depth : int
        Radius in hops (0 gives the entity alone).
    direction : {"both", "out", "in"}
        Reach nodes through relations in any direction, only outgoing ones
        (the centre is the subject), or only incoming ones. Symmetric
        relations count both ways.
    evidence : bool
        Attach the claims (with quotes) to each edge.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types``.

    Returns
    -------
    Subgraph
        Nodes sorted by distance then label (each with its ``distance``);
        edges are the relations among those nodes that pass the filters (the
        induced subgraph, as :func:`networkx.ego_graph`), each once, in its
        asserted direction.

    Raises
    ------
    EntityNotFound
        ``center`` names no entity.
    InvalidArgument
        A negative depth, an unknown direction, or a centre outside the types asked for.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> sub = neighbourhood(kg, "Turkey", polarity="cooperative")
    >>> [(n.label, n.distance) for n in sub.nodes]
    [('Turkey', 0), ('Azerbaijan', 1)]
    >>> [e.text() for e in sub.edges]
    ['Azerbaijan --allied with-- Turkey', 'Azerbaijan --cooperates with-- Turkey']
    """
    if depth < 0:
        raise InvalidArgument("depth must be 0 or more")
    if direction not in _DIRECTIONS:
        raise InvalidArgument(f"direction must be one of {', '.join(_DIRECTIONS)}")
    scope = _scope(kg, filters)
    G = to_networkx(kg)
    c = _resolve_node(kg, G, center)
    if not scope.node_ok(G.nodes[c]):
        raise InvalidArgument(f"{G.nodes[c]['label']!r} is not a node of the types asked for")
    view = _pair_view(kg, scope, directed=direction != "both")
    if direction == "in":
        view = view.reverse(copy=False)
    distance = nx.single_source_shortest_path_length(view, c, cutoff=depth)
    nodes = sorted(distance, key=lambda n: (distance[n], G.nodes[n]["label"].casefold(), n))
    return Subgraph(
        center=_node_ref(G, c),
        depth=depth,
        nodes=tuple(_graph_node(G, n, distance[n]) for n in nodes),
        edges=_induced_edges(kg, G, scope, distance, evidence=evidence),
    )


def _induced_edges(kg, G, scope: _Scope, nodes: Iterable[str], *, evidence: bool = False) -> tuple[GraphEdge, ...]:
    """The asserted relations among ``nodes`` that pass the filters, each once (symmetric ones too)."""
    members = set(nodes)
    edges = []
    for u in members:
        for v, keyed in G.succ[u].items():
            if v not in members:
                continue
            for key, d in keyed.items():
                if d["entailed"] or not scope.edge_ok(d):
                    continue
                if d["symmetric"] and key in G.succ[v].get(u, {}) and not G.succ[v][u][key]["entailed"] and v < u:
                    continue  # asserted both ways: show once
                edges.append(_edge(kg, G, scope, u, v, key, d, evidence=evidence))
    edges.sort(key=lambda e: (e.subject.label.casefold(), e.label, e.object.label.casefold(), e.predicate))
    return tuple(edges)
