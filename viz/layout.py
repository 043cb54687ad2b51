"""Server-side node positions, so that large pages draw at once with physics off.

igraph's Fruchterman–Reingold (with its grid approximation from 200 nodes) scales to
tens of thousands of nodes in seconds, where networkx's ``spring_layout`` takes minutes.
Positions are cached per graph version and view through ``KnowledgeGraph.cached``.
"""

from __future__ import annotations

import math
import random
import threading
import zlib
from collections.abc import Hashable, Mapping
from typing import Any

__all__ = ["LAYOUT_METHODS", "cached_layout", "compute_layout"]

LAYOUT_METHODS = ("auto", "fr", "fr-grid", "drl")
"""``auto`` = Fruchterman–Reingold, on a grid from 200 nodes; ``drl`` = igraph's DrL."""

_GRID_FROM = 200
_RNG_LOCK = threading.Lock()
_SPACING = 90.0  # pixels of canvas per node side: area = n * spacing²


def compute_layout(
    graph: Any, *, method: str = "auto", seed: int = 7, niter: int | None = None
) -> dict[Hashable, tuple[float, float]]:
    """Positions (in vis-network pixels, centred on 0) of every node of a networkx graph.

    Parallel edges, directions and self-loops are ignored; the result depends only on the
    nodes, their neighbours and ``seed`` (the start positions come from hashing node ids).

    Parameters
    ----------
    graph
        Any networkx graph (Graph, DiGraph, MultiDiGraph, a view).
    method
        One of :data:`LAYOUT_METHODS`.
    seed
        Varies the start positions; the same seed gives the same layout.
    niter
        Iterations of Fruchterman–Reingold (default 500, fewer on very large graphs).

    Examples
    --------
    >>> import networkx as nx
    >>> pos = compute_layout(nx.path_graph(4))
    >>> sorted(pos) == [0, 1, 2, 3] and all(len(p) == 2 for p in pos.values())
    True
    """
    from ..graph.errors import InvalidArgument

    if method not in LAYOUT_METHODS:
        raise InvalidArgument(f"layout method must be one of {', '.join(LAYOUT_METHODS)}, not {method!r}")
    nodes = list(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    import igraph

    # igraph draws random numbers through a process-wide generator: seed our own for the
    # duration of the call (under a lock) so that a layout depends only on the graph and seed.
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            return _layout(igraph, graph, nodes, method, seed, niter)
        finally:
            igraph.set_random_number_generator(random)


def _layout(igraph: Any, graph: Any, nodes: list, method: str, seed: int, niter: int | None) -> dict:
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(a, b), max(a, b)) for a, b in ((index[u], index[v]) for u, v in graph.edges()) if a != b}
    whole = igraph.Graph(n=n, edges=sorted(pairs), directed=False)
    # Each connected component is laid out on its own and the pieces are packed in rows:
    # force-directed layouts push disconnected pieces (and isolated nodes) far away.
    pieces: list[tuple[list[int], list[tuple[float, float]]]] = []
    for members in sorted(whole.connected_components(), key=lambda c: (-len(c), c[0])):
        if len(members) == 1:
            pieces.append((members, [(0.0, 0.0)]))
            continue
        if len(members) == 2:
            pieces.append((members, [(-_SPACING / 2, 0.0), (_SPACING / 2, 0.0)]))
            continue
        sub = whole.induced_subgraph(members)
        side = math.sqrt(len(members))  # igraph's own start box: a smaller one crowds its grid cells (O(n²))
        start = [_start(nodes[i], seed, side) for i in members]
        if method == "drl":
            coords = sub.layout_drl(seed=start).coords
        else:
            grid = method == "fr-grid" or (method == "auto" and len(members) >= _GRID_FROM)
            iterations = niter or (500 if len(members) < 10_000 else 300)
            coords = sub.layout_fruchterman_reingold(seed=start, niter=iterations, grid=grid).coords
        pieces.append((members, _scale(coords)))
    positions = _pack(pieces)
    return {nodes[i]: positions[i] for i in range(n)}


def _pack(pieces: list[tuple[list[int], list[tuple[float, float]]]]) -> dict[int, tuple[float, float]]:
    """Shelf-pack laid-out components (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    total_area = 0.0
    for members, coords in pieces:
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        w, h = max(xs) - min(xs) + _SPACING, max(ys) - min(ys) + _SPACING
        boxes.append((members, coords, min(xs), min(ys), w, h))
        total_area += w * h
    row_width = max(math.sqrt(total_area) * 1.2, boxes[0][4])
    out: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members, coords, x0, y0, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for i, (cx, cy) in zip(members, coords):
            out[i] = (cx - x0 + x, cy - y0 + y)
        x += w
        row_height = max(row_height, h)
    # Centre the drawing on the origin.
    xs = [p[0] for p in out.values()]
    ys = [p[1] for p in out.values()]
    mx, my = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {i: (round(px - mx, 1), round(py - my, 1)) for i, (px, py) in out.items()}


def _start(node: Hashable, seed: int, side: float) -> list[float]:
    h = zlib.crc32(f"{seed}\x1f{node}".encode())
    return [((h & 0xFFFF) / 0xFFFF - 0.5) * side, ((h >> 16) / 0xFFFF - 0.5) * side]


def _scale(coords: list[list[float]]) -> list[tuple[float, float]]:
    """Centre and scale so that the drawing has about ``_SPACING`` pixels per node side."""
    n = len(coords)
    xs = sorted(c[0] for c in coords)
    ys = sorted(c[1] for c in coords)
    # Robust extent (2nd to 98th percentile) so that a few far-flung nodes do not squash the rest.
    lo, hi = int(n * 0.02), max(int(n * 0.98) - 1, 0)
    width = max(xs[hi] - xs[lo], 1e-9)
    height = max(ys[hi] - ys[lo], 1e-9)
    cx, cy = (xs[lo] + xs[hi]) / 2, (ys[lo] + ys[hi]) / 2
    target = math.sqrt(n) * _SPACING
    factor = target / max(width, height)
    return [(round((x - cx) * factor, 1), round((y - cy) * factor, 1)) for x, y in coords]


def cached_layout(
    kg: Any, key: Hashable, graph: Any, *, method: str = "auto", seed: int = 7
) -> Mapping[Hashable, tuple[float, float]]:
    """:func:`compute_layout`, computed once per graph version, view ``key``, method and seed.

    ``key`` names the view (e.g. ``("entity", iri, depth)``); it must determine ``graph``
    for a given version of ``kg``.
    """
    return kg.cached(("viz-layout", key, method, seed), lambda: compute_layout(graph, method=method, seed=seed))
