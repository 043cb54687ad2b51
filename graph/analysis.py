"""Graph analytics over the knowledge graph: one import for the whole surface.

Free functions that take the :class:`~caucasus_kg.graph.KnowledgeGraph`
first, in the style of networkx, all over one networkx projection built once
per graph version (:func:`to_networkx`):

=========================  ==================================================
:func:`shortest_path`      the shortest path between two actors, with quotes
:func:`shortest_paths`     the k shortest simple paths
:func:`all_paths`          every simple path up to a length cutoff
:func:`neighbourhood`      the k-hop ego network of an actor
:func:`centrality`         top entities by degree, betweenness, closeness,
                           harmonic, PageRank or eigenvector centrality
:func:`communities`        Louvain (seeded) or label-propagation communities
:func:`structural_balance` balanced and unbalanced triads of signed relations
:func:`signed_neighbours`  friends of enemies, enemies of enemies, ...
:func:`diff`               relations that appeared, disappeared or changed
                           polarity between two dates
:func:`export_graph`       GraphML, GEXF, node-link JSON or CSV
=========================  ==================================================

Every function accepts the same filters: ``relations``, ``polarity``,
``as_of`` or ``start``/``end``, ``include_undated`` and ``types`` (see
:mod:`caucasus_kg.graph.projection` for their exact meaning, including time
views and undated facts). Unknown actors raise ``EntityNotFound``; two actors
no path links raise ``NoPath``; bad parameters raise ``InvalidArgument``.

Examples
--------
>>> from caucasus_kg.graph import KnowledgeGraph
>>> from caucasus_kg.graph import analysis
>>> kg = KnowledgeGraph.open()
>>> print(analysis.shortest_path(kg, "Dyumin", "Turkey").text())
Alexei Dyumin --envoy to--> Azerbaijan --allied with-- | --cooperates with-- Turkey
"""

from __future__ import annotations

from .balance import (
    MIXED_RULES,
    BalanceReport,
    SignedRelative,
    SignedTie,
    Triad,
    friends_of_enemies,
    signed_graph,
    signed_neighbours,
    structural_balance,
)
from .centrality import METRICS, Score, centrality, centrality_scores, compute_centrality
from .communities import METHODS, Community, CommunityReport, communities
from .graph_export import NETWORK_FORMATS, NetworkFormat, export_graph, exportable_graph
from .paths import Path, PathStep, Subgraph, all_paths, neighbourhood, shortest_path, shortest_paths
from .projection import Filters, GraphEdge, GraphNode, graph_view, period, to_networkx
from .temporal import PolarityChange, TimeDiff, diff

__all__ = [
    "BalanceReport",
    "Community",
    "CommunityReport",
    "Filters",
    "GraphEdge",
    "GraphNode",
    "METHODS",
    "METRICS",
    "MIXED_RULES",
    "NETWORK_FORMATS",
    "NetworkFormat",
    "Path",
    "PathStep",
    "PolarityChange",
    "Score",
    "SignedRelative",
    "SignedTie",
    "Subgraph",
    "TimeDiff",
    "Triad",
    "all_paths",
    "centrality",
    "centrality_scores",
    "communities",
    "compute_centrality",
    "diff",
    "export_graph",
    "exportable_graph",
    "friends_of_enemies",
    "graph_view",
    "neighbourhood",
    "period",
    "shortest_path",
    "shortest_paths",
    "signed_graph",
    "signed_neighbours",
    "structural_balance",
    "to_networkx",
]
