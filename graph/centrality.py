"""Centrality of the entities: degree, betweenness, closeness, harmonic, PageRank, eigenvector.

Every metric is computed on the projection collapsed to node pairs: a pair
is linked once however many relations join it (so five relations between
Russia and Azerbaijan weigh like one). ``directed=True`` keeps the direction
of relations (symmetric relations count both ways); ``directed=False``
ignores it. Filters (relation types, polarity, time, node types) restrict
the graph first; scores of the whole graph are cached per graph version and
filter set, so asking again is free until the data change.

Definitions follow networkx exactly, whatever computes them:

=============  ==============================================================
degree         ``nx.degree_centrality`` (in + out when directed), on pairs
in_degree      ``nx.in_degree_centrality`` (directed only)
out_degree     ``nx.out_degree_centrality`` (directed only)
betweenness    ``nx.betweenness_centrality`` (``k`` sampled sources with ``seed``)
closeness      ``nx.closeness_centrality`` (incoming distances when directed,
               Wasserman-Faust scaling for unreachable nodes)
harmonic       ``nx.harmonic_centrality`` (not normalised)
pagerank       ``nx.pagerank`` (alpha 0.85)
eigenvector    ``nx.eigenvector_centrality_numpy`` on the largest connected
               (strongly connected when directed) component; 0 elsewhere
=============  ==============================================================

Engines: networkx is the model and the API, but exact betweenness,
closeness, harmonic and PageRank are computed by igraph (C) on the same
graph when ``engine="auto"`` (igraph converts the graph once per graph
version and filter set, and the results are rescaled to networkx's
definitions; tests check that both agree). ``engine="networkx"`` forces
networkx, and ``backend=`` is passed to networkx's dispatcher (for example
``backend="parallel"`` where nx-parallel is installed).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .errors import InvalidArgument
from .model import EntityRef
from .projection import _node_ref, _scope, _Scope, _view, to_networkx

__all__ = [
    "METRICS",
    "Score",
    "centrality",
    "centrality_scores",
    "compute_centrality",
]

METRICS = ("degree", "in_degree", "out_degree", "betweenness", "closeness", "harmonic", "pagerank", "eigenvector")
_IGRAPH_METRICS = ("betweenness", "closeness", "harmonic", "pagerank")
_ENGINES = ("auto", "networkx", "igraph")
_KEY = "caucasus_kg.graph.centrality"


@dataclass(frozen=True)
class Score:
    """One ranked entity: its rank (1 = highest), type and score."""

    rank: int
    entity: EntityRef
    type: str
    score: float


def _pair_graph(kg, scope: _Scope, directed: bool) -> nx.Graph | nx.DiGraph:
    """The filtered projection as a frozen simple (Di)Graph, cached per version, filters and direction."""

    def build() -> nx.Graph | nx.DiGraph:
        view = _view(to_networkx(kg), scope)
        H = nx.DiGraph() if directed else nx.Graph()
        H.add_nodes_from(view)
        H.add_edges_from((u, v) for u, v in view.edges() if u != v)
        return nx.freeze(H)

    return kg.cached((_KEY, "pairs", scope, directed), build)


def _to_igraph(H: nx.Graph | nx.DiGraph):
    """(igraph.Graph, node list) with vertex i = the i-th node of H."""
    import igraph

    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()], directed=H.is_directed())
    return g, nodes


def _igraph_available() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:  # pragma: no cover - igraph is a dependency
        return False
    return True


def _rescale_betweenness(raw: list[float], n: int, *, directed: bool, normalized: bool, sources: set[int] | None) -> list[float]:
    """Scale ordered-pair betweenness counts exactly as networkx's ``_rescale`` (endpoints excluded)."""
    N = n - 1
    if N < 2:
        return raw
    if sources is None:
        scale = 1 / (N * (N - 1)) if normalized else 1 / (1 if directed else 2)
        return [b * scale for b in raw]
    k = len(sources)
    correction = 1 if directed else 2
    if normalized:
        scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        scale_other = 1 / (k * (N - 1))
    else:
        scale_source = N / ((k - 1) * correction) if k > 1 else math.nan
        scale_other = N / (k * correction)
    return [b * (scale_source if i in sources else scale_other) for i, b in enumerate(raw)]


def _igraph_scores(
    g, nodes: list, metric: str, *, directed: bool, k: int | None, seed: int | None, normalized: bool
) -> dict[Any, float]:
    n = len(nodes)
    if metric == "betweenness":
        sources = None
        if k is not None and k < n:
            sources = set(random.Random(seed).sample(range(n), k)) if seed is not None else None
            if sources is None:
                sources = set(random.sample(range(n), k))
        raw = g.betweenness(directed=directed, sources=sorted(sources) if sources is not None else None)
        # igraph counts each unordered pair once on undirected graphs; networkx counts ordered pairs.
        raw = [b * (1 if directed else 2) for b in raw]
        values = _rescale_betweenness(raw, n, directed=directed, normalized=normalized, sources=sources)
    elif metric == "closeness":
        # networkx scales igraph's (r - 1) / (total distance to the r - 1 reachable nodes) by (r - 1) / (n - 1).
        mode = "in" if directed else "all"
        scaled = g.closeness(mode=mode, normalized=True)
        if directed:  # r - 1 per node from a second pass: 1 / total distance
            plain = g.closeness(mode=mode, normalized=False)
            reached = [c / u if u and not math.isnan(u) else 0.0 for c, u in zip(scaled, plain)]
        else:  # r is the size of the node's component
            membership = g.connected_components().membership
            sizes: dict[int, int] = {}
            for m in membership:
                sizes[m] = sizes.get(m, 0) + 1
            reached = [sizes[m] - 1 for m in membership]
        values = [
            0.0 if c is None or math.isnan(c) or n < 2 or not r else c * r / (n - 1) for c, r in zip(scaled, reached)
        ]
    elif metric == "harmonic":
        values = g.harmonic_centrality(mode="in" if directed else "all", normalized=False)
    elif metric == "pagerank":
        values = g.pagerank(directed=directed, damping=0.85)
    else:  # pragma: no cover - guarded by the caller
        raise InvalidArgument(f"igraph does not compute {metric}")
    return {node: float(v) for node, v in zip(nodes, values)}


def _networkx_scores(
    H, metric: str, *, k: int | None, seed: int | None, normalized: bool, backend: str | None
) -> dict[Any, float]:
    dispatch = {"backend": backend} if backend else {}
    if metric == "degree":
        return nx.degree_centrality(H, **dispatch)
    if metric == "in_degree":
        return nx.in_degree_centrality(H, **dispatch)
    if metric == "out_degree":
        return nx.out_degree_centrality(H, **dispatch)
    if metric == "betweenness":
        if k is not None and k >= len(H):
            k = None
        return nx.betweenness_centrality(H, k=k, seed=seed, normalized=normalized, **dispatch)
    if metric == "closeness":
        return nx.closeness_centrality(H, **dispatch)
    if metric == "harmonic":
        return nx.harmonic_centrality(H, **dispatch)
    if metric == "pagerank":
        return nx.pagerank(H, alpha=0.85, **dispatch)
    if metric == "eigenvector":
        # Defined on a (strongly) connected graph: the largest such component; 0 elsewhere.
        components = nx.strongly_connected_components(H) if H.is_directed() else nx.connected_components(H)
        largest = max(components, key=lambda c: (len(c), min(map(str, c))))
        scores = dict.fromkeys(H, 0.0)
        if len(largest) < 2:
            return scores
        try:
            scores.update(nx.eigenvector_centrality_numpy(H.subgraph(largest), **dispatch))
            return scores
        except (nx.NetworkXException, ArithmeticError, ValueError) as exc:
            raise InvalidArgument(f"eigenvector centrality is not defined on this graph ({exc}); try directed=False") from None
        except Exception as exc:  # scipy's ArpackNoConvergence and friends
            if type(exc).__name__.startswith("Arpack"):
                raise InvalidArgument(f"eigenvector centrality did not converge ({exc}); try directed=False") from None
            raise
    raise InvalidArgument(f"unknown metric {metric!r}")  # pragma: no cover - guarded by the caller


def _check(metric: str, directed: bool, engine: str, backend: str | None, k: int | None) -> None:
    if metric not in METRICS:
        raise InvalidArgument(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if engine not in _ENGINES:
        raise InvalidArgument(f"engine must be one of {', '.join(_ENGINES)}, not {engine!r}")
    if metric in ("in_degree", "out_degree") and not directed:
        raise InvalidArgument(f"{metric} needs directed=True")
    if engine == "igraph" and metric not in _IGRAPH_METRICS:
        raise InvalidArgument(f"the igraph engine computes {', '.join(_IGRAPH_METRICS)}, not {metric}")
    if engine == "igraph" and backend:
        raise InvalidArgument("backend= is passed to networkx's dispatcher; it needs engine='networkx' or 'auto'")
    if k is not None and k < 1:
        raise InvalidArgument("k must be at least 1")


def _uses_igraph(metric: str, engine: str, backend: str | None) -> bool:
    if engine == "networkx" or backend or metric not in _IGRAPH_METRICS:
        return False
    return engine == "igraph" or _igraph_available()


def compute_centrality(
    G: nx.Graph | nx.DiGraph,
    metric: str = "betweenness",
    *,
    k: int | None = None,
    seed: int | None = None,
    normalized: bool = True,
    engine: str = "auto",
    backend: str | None = None,
) -> dict[Any, float]:
    """A centrality metric of every node of a simple networkx graph (no caching).

    The engine behind :func:`centrality_scores`, usable on any simple
    ``Graph`` or ``DiGraph``. See the module docstring for the definitions.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    metric : str
        One of :data:`METRICS`.
    k, seed : int, optional
        Betweenness only: sample ``k`` source nodes with this random seed.
    normalized : bool
        Betweenness only: networkx's normalisation.
    engine : {"auto", "networkx", "igraph"}
    backend : str, optional
        Passed to networkx's dispatcher (implies the networkx engine).

    Examples
    --------
    >>> G = nx.path_graph(4)
    >>> compute_centrality(G, "betweenness") == nx.betweenness_centrality(G)
    True
    >>> {n: round(s, 3) for n, s in compute_centrality(G, "closeness", engine="igraph").items()}
    {0: 0.5, 1: 0.75, 2: 0.75, 3: 0.5}
    """
    _check(metric, G.is_directed(), engine, backend, k)
    if G.is_multigraph():
        raise InvalidArgument("compute_centrality needs a simple Graph or DiGraph")
    if _uses_igraph(metric, engine, backend):
        g, nodes = _to_igraph(G)
        return _igraph_scores(g, nodes, metric, directed=G.is_directed(), k=k, seed=seed, normalized=normalized)
    return _networkx_scores(G, metric, k=k, seed=seed, normalized=normalized, backend=backend)


def centrality_scores(
    kg,
    metric: str = "betweenness",
    *,
    directed: bool = False,
    k: int | None = None,
    seed: int | None = None,
    normalized: bool = True,
    engine: str = "auto",
    backend: str | None = None,
    cached: bool = True,
    **filters: Any,
) -> dict[str, float]:
    """A centrality metric of every entity (IRI -> score), cached per graph version.

    Parameters
    ----------
    kg : KnowledgeGraph
    metric : str
        One of :data:`METRICS`.
    directed : bool
        Respect the direction of relations (default: ignore it).
    k, seed : int, optional
        Betweenness only: estimate from ``k`` sampled source nodes (for large
        graphs), drawn with ``seed``.
    normalized : bool
        Betweenness only.
    engine : {"auto", "networkx", "igraph"}
        See the module docstring.
    backend : str, optional
        Passed through to networkx's dispatcher.
    cached : bool
        False recomputes the scores (the projection and its conversion stay cached).
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types`` (the graph is restricted to these node
        types before computing).

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> scores = centrality_scores(kg, "degree")
    >>> round(scores["https://w3id.org/caucasus-kg/id/Azerbaijan"], 3)
    0.387
    """
    _check(metric, directed, engine, backend, k)
    scope = _scope(kg, filters)

    def compute() -> dict[str, float]:
        H = _pair_graph(kg, scope, directed)
        if len(H) == 0:
            return {}
        if _uses_igraph(metric, engine, backend):
            g, nodes = kg.cached((_KEY, "igraph", scope, directed), lambda: _to_igraph(H))
            return _igraph_scores(g, nodes, metric, directed=directed, k=k, seed=seed, normalized=normalized)
        return _networkx_scores(H, metric, k=k, seed=seed, normalized=normalized, backend=backend)

    if not cached:
        return compute()
    return kg.cached((_KEY, "scores", metric, scope, directed, k, seed, normalized, engine, backend), compute)


def centrality(
    kg,
    metric: str = "betweenness",
    *,
    top: int | None = 10,
    rank_types: Iterable[str] | str | None = None,
    directed: bool = False,
    k: int | None = None,
    seed: int | None = None,
    normalized: bool = True,
    engine: str = "auto",
    backend: str | None = None,
    **filters: Any,
) -> list[Score]:
    """The top entities by a centrality metric, highest first (ties by label).

    Parameters
    ----------
    kg : KnowledgeGraph
    metric : str
        One of :data:`METRICS` (default betweenness).
    top : int, optional
        How many to list (None: all).
    rank_types : str or list of str, optional
        List only entities of these classes (e.g. ``"Person"``), while
        computing on the whole (filtered) graph. The ``types`` filter, by
        contrast, removes other nodes from the graph before computing.
    directed, k, seed, normalized, engine, backend, **filters
        As for :func:`centrality_scores`.

    Returns
    -------
    list of Score

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> [(s.rank, s.entity.label, round(s.score, 3)) for s in centrality(kg, "betweenness", top=3)]
    [(1, 'Russia', 0.201), (2, "Dyumin's talks in Baku", 0.198), (3, 'Azerbaijan', 0.185)]
    >>> [s.entity.label for s in centrality(kg, "degree", top=2, rank_types="Person")]
    ['Alexei Dyumin', 'Vladimir Putin']
    """
    if top is not None and top < 1:
        raise InvalidArgument("top must be at least 1")
    scores = centrality_scores(
        kg, metric, directed=directed, k=k, seed=seed, normalized=normalized, engine=engine, backend=backend, **filters
    )
    G = to_networkx(kg)
    wanted = _scope(kg, {"types": rank_types}) if rank_types is not None else None
    ranked = sorted(
        (iri for iri in scores if wanted is None or wanted.node_ok(G.nodes[iri])),
        key=lambda iri: (-_sortable(scores[iri]), G.nodes[iri]["label"].casefold(), iri),
    )
    if top is not None:
        ranked = ranked[:top]
    return [Score(i, _node_ref(G, iri), G.nodes[iri]["type"], scores[iri]) for i, iri in enumerate(ranked, 1)]


def _sortable(value: float) -> float:
    return -math.inf if value is None or math.isnan(value) else value
