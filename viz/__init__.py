"""Interactive graph pages (vis-network, as shipped by pyvis), rendered offline-safe.

``render_html(view)`` draws any networkx view of the graph as one self-contained HTML
page; the ``*_page`` functions build the pages the app serves from a KnowledgeGraph
(whole graph or filtered, ego network, paths, centrality, home, SPARQL query, source).
``show(kg, ...)`` displays them in Jupyter. Nothing here imports a web framework.
"""

from .layout import LAYOUT_METHODS, cached_layout, compute_layout
from .notebook import Page, show
from .pages import (
    EXAMPLE_QUERIES,
    FILTER_NAMES,
    centrality_network,
    centrality_page,
    entity_network,
    entity_page,
    graph_network,
    graph_page,
    home_page,
    path_network,
    path_page,
    query_page,
    source_page,
)
from .render import network_data, render_html
from .style import DEFAULT_STYLE, LegendEntry, NodeStyle, Style
from .templating import OFFLINE, Links

__all__ = [
    "DEFAULT_STYLE",
    "EXAMPLE_QUERIES",
    "FILTER_NAMES",
    "LAYOUT_METHODS",
    "LegendEntry",
    "Links",
    "NodeStyle",
    "OFFLINE",
    "Page",
    "Style",
    "cached_layout",
    "centrality_network",
    "centrality_page",
    "compute_layout",
    "entity_network",
    "entity_page",
    "graph_network",
    "graph_page",
    "home_page",
    "network_data",
    "path_network",
    "path_page",
    "query_page",
    "render_html",
    "show",
    "source_page",
]
