"""HTML pages: ``/`` (home), ``/viz/graph``, ``/viz/entity/{id}``, ``/viz/path``, ``/viz/centrality``,
``/viz/source/{id}``, ``/query`` (SPARQL), and the page assets under ``/viz/assets/``.

Each route parses its parameters, makes one call to :mod:`caucasus_kg.viz` and returns
the HTML. Errors are the core's exceptions (``EntityNotFound``, ``NoPath``,
``InvalidArgument``); the app maps them to its one error shape. Assets (vis-network,
our JS and CSS) come from package data: the pages make no request to another host.

``GET /sparql`` from a browser without a query shows the query page:
the SPARQL route calls :func:`query_page_response`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ... import viz
from ...viz.assets import ASSET_NAMES, asset
from ..deps import GraphDep
from ..errors import HTTPError

__all__ = ["LINKS", "query_page_response", "router"]

router = APIRouter(include_in_schema=False)

LINKS = viz.Links()
"""Where the served pages link: entity and source pages, views, the SPARQL endpoint, assets."""

_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}

Many = Annotated[list[str] | None, Query()]


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=_HEADERS)


def _many(values: list[str] | None) -> list[str] | None:
    """Repeated parameters and comma-separated lists, both accepted (``?polarity=a&polarity=b`` or ``a,b``)."""
    if not values:
        return None
    out = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return out or None


async def _filters(
    relations: Many = None,
    polarity: Many = None,
    types: Many = None,
    start: str | None = None,
    end: str | None = None,
    as_of: str | None = None,
    include_undated: bool = True,
) -> dict:
    """The filter parameters every network page takes, as keywords of the viz functions."""
    return {
        "relations": _many(relations),
        "polarity": _many(polarity),
        "types": _many(types),
        "start": start or None,
        "end": end or None,
        "as_of": as_of or None,
        "include_undated": include_undated,
    }


ViewFilters = Annotated[dict, Depends(_filters)]


@router.get("/", response_class=HTMLResponse)
def home(kg: GraphDep, q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """What the graph holds, a search box over labels and aliases, links to the views."""
    return _html(viz.home_page(kg, q=q, links=LINKS))


@router.get("/viz/graph", response_class=HTMLResponse)
def graph(
    kg: GraphDep,
    filters: ViewFilters,
) -> HTMLResponse:
    """The whole graph, or a view filtered by relation types, polarity, node types and a date window."""
    return _html(viz.graph_page(kg, links=LINKS, **filters))


@router.get("/viz/entity/{ref:path}", response_class=HTMLResponse)
def entity(
    kg: GraphDep,
    filters: ViewFilters,
    ref: str,
    depth: Annotated[int, Query(ge=0, le=4)] = 1,
) -> HTMLResponse:
    """An entity's ego network (``depth`` hops) and its facts with their quotes and sources."""
    return _html(viz.entity_page(kg, ref, depth=depth, links=LINKS, **filters))


@router.get("/viz/path", response_class=HTMLResponse)
def path(
    kg: GraphDep,
    filters: ViewFilters,
    source: Annotated[str, Query(min_length=1, max_length=500)],
    target: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    directed: bool = False,
) -> HTMLResponse:
    """The ``k`` shortest paths between two entities, highlighted within their neighbourhood."""
    return _html(viz.path_page(kg, source, target, k=k, directed=directed, links=LINKS, **filters))


@router.get("/viz/centrality", response_class=HTMLResponse)
def centrality(
    kg: GraphDep,
    filters: ViewFilters,
    metric: str = "betweenness",
    directed: bool = False,
) -> HTMLResponse:
    """Nodes sized by a centrality metric, coloured by community."""
    return _html(viz.centrality_page(kg, metric=metric, directed=directed, links=LINKS, **filters))


@router.get("/viz/source/{source}", response_class=HTMLResponse)
def source(
    kg: GraphDep,
    source: str,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    """A source document's text with a quote marked (``start``/``end`` in code points)."""
    return _html(viz.source_page(kg, source, start=start, end=end, links=LINKS))


def query_page_response(request: Request | None = None, query: str | None = None) -> HTMLResponse:
    """The SPARQL query page as a response (for ``GET /sparql`` from a browser, and ``/query``)."""
    return _html(viz.query_page(links=LINKS, query=query))


@router.get("/query", response_class=HTMLResponse)
def query(request: Request, query: Annotated[str | None, Query(max_length=100_000)] = None) -> HTMLResponse:
    """The SPARQL query page: editor, examples, results table, CSV/JSON download."""
    return query_page_response(request, query)


@router.get("/viz/assets/{name}")
def assets(request: Request, name: str, v: str | None = None) -> Response:
    """vis-network and the pages' own JS and CSS, from package data (long-cached when versioned)."""
    if name not in ASSET_NAMES:
        raise HTTPError(404, f"no asset {name!r}")
    item = asset(name)
    etag = f'"{item.etag}"'
    cache = "public, max-age=31536000, immutable" if v == item.etag else "no-cache"
    headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(item.text, media_type=f"{item.media_type}; charset=utf-8", headers=headers)
