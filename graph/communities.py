"""Communities (blocs) of entities: Louvain with a fixed seed, or label propagation.

Both run on the projection collapsed to undirected node pairs (a pair is
linked once however many relations join it, whatever their direction),
after the filters; restrict the relations (``polarity="cooperative"``) to
find blocs of cooperation rather than clusters of any interaction.
Results are deterministic: Louvain uses the given seed and networkx's
label propagation is semi-synchronous and seedless. They are cached per
graph version, method, parameters and filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from .centrality import _pair_graph
from .errors import InvalidArgument
from .projection import GraphNode, _graph_node, _scope, to_networkx

__all__ = [
    "Community",
    "CommunityReport",
    "METHODS",
    "communities",
]

METHODS = ("louvain", "label_propagation")
_KEY = "caucasus_kg.graph.communities"


@dataclass(frozen=True)
class Community:
    """One community: its members (sorted by label) and how many relation pairs it holds inside."""

    index: int
    size: int
    members: tuple[GraphNode, ...]
    internal_pairs: int


@dataclass(frozen=True)
class CommunityReport:
    """A partition of the nodes into communities, largest first.

    ``modularity`` is networkx's modularity of the whole partition (singletons
    included); ``communities`` lists those of at least ``min_size`` members and
    ``hidden`` counts those left out.
    """

    method: str
    seed: int | None
    resolution: float | None
    modularity: float
    communities: tuple[Community, ...]
    hidden: int


def communities(
    kg,
    *,
    method: str = "louvain",
    seed: int = 42,
    resolution: float = 1.0,
    min_size: int = 1,
    backend: str | None = None,
    **filters: Any,
) -> CommunityReport:
    """Detect communities among the entities.

    Parameters
    ----------
    kg : KnowledgeGraph
    method : {"louvain", "label_propagation"}
        ``nx.community.louvain_communities`` (with ``seed`` and
        ``resolution``) or ``nx.community.label_propagation_communities``.
    seed : int
        Louvain's random seed: the same seed gives the same communities.
    resolution : float
        Louvain's resolution: above 1 favours smaller communities.
    min_size : int
        List only communities of at least this many members (isolated
        entities form communities of one).
    backend : str, optional
        Passed to networkx's dispatcher.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types``.

    Returns
    -------
    CommunityReport

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> report = communities(kg, min_size=2)
    >>> report == communities(kg, min_size=2)
    True
    >>> any({"Azerbaijan", "Turkey"} <= {m.label for m in c.members} for c in report.communities)
    True
    """
    if method not in METHODS:
        raise InvalidArgument(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if min_size < 1:
        raise InvalidArgument("min_size must be at least 1")
    if resolution <= 0:
        raise InvalidArgument("resolution must be positive")
    scope = _scope(kg, filters)

    def compute() -> CommunityReport:
        G = to_networkx(kg)
        H = _pair_graph(kg, scope, False)
        dispatch = {"backend": backend} if backend else {}
        if method == "louvain":
            found = nx.community.louvain_communities(H, seed=seed, resolution=resolution, **dispatch)
        else:
            found = list(nx.community.label_propagation_communities(H, **dispatch))
        found = [set(c) for c in found if c]
        modularity = nx.community.modularity(H, found) if H.number_of_edges() else 0.0

        def label(n: str) -> str:
            return G.nodes[n]["label"].casefold()

        ordered = sorted(found, key=lambda c: (-len(c), min(label(n) for n in c)))
        shown = [c for c in ordered if len(c) >= min_size]
        result = tuple(
            Community(
                index=i,
                size=len(c),
                members=tuple(_graph_node(G, n) for n in sorted(c, key=lambda n: (label(n), n))),
                internal_pairs=H.subgraph(c).number_of_edges(),
            )
            for i, c in enumerate(shown, 1)
        )
        return CommunityReport(
            method=method,
            seed=seed if method == "louvain" else None,
            resolution=resolution if method == "louvain" else None,
            modularity=float(modularity),
            communities=result,
            hidden=len(ordered) - len(shown),
        )

    return kg.cached((_KEY, method, seed, resolution, min_size, backend, scope), compute)
