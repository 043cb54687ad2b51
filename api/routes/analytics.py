"""Graph analytics over the networkx projection: paths, neighbours, centrality, communities, balance, diff.

Each route parses its parameters, makes one call to :mod:`caucasus_kg.graph.analysis`
(free functions taking the graph first) and answers its result as JSON
(:func:`caucasus_kg.api.responses.json_answer`); the pydantic models of
:mod:`caucasus_kg.api.schemas` document the answers in OpenAPI. The projection
is built once per graph version (``kg.cached``), never per request. The common
filters (``relations``, ``polarity``, ``within``, ``include_undated`` and, except
for ``/api/diff``, the time view ``as_of`` or ``from``/``to``) are those of
:func:`caucasus_kg.api.schemas.graph_filters`.

Time limit: a call runs in a thread and the response is 503 after
``query_timeout`` seconds. Unlike SPARQL queries (which run in worker processes
and are killed), a networkx computation cannot be interrupted: it finishes in
the background, and what it caches (the projection, whole-graph metrics) serves
the next call.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query

from ...graph import Settings
from ..deps import GraphDep, SettingsDep
from ..errors import HTTPError
from ..responses import JSONBytes, json_answer
from ..schemas import (
    ERROR_RESPONSES,
    BalanceOut,
    CentralityOut,
    CommunitiesOut,
    DiffOut,
    GraphFilters,
    PathsOut,
    SubgraphOut,
    graph_filters,
    structure_filters,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["Analytics"], responses=ERROR_RESPONSES)

Filters = Annotated[GraphFilters, Depends(graph_filters)]
StructureFilters = Annotated[GraphFilters, Depends(structure_filters)]


async def compute(settings: Settings, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a worker thread, waited for at most ``settings.query_timeout`` seconds."""
    try:
        with anyio.fail_after(settings.query_timeout):
            return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), abandon_on_cancel=True)
    except TimeoutError:
        raise HTTPError(
            503,
            f"the computation ran past the time limit of {settings.query_timeout:g} s; the server stopped waiting "
            "(it finishes in the background, and what it caches serves the next call)",
            code="query_timeout",
        ) from None


@router.get("/paths", response_model=PathsOut, summary="Shortest paths between two entities, with evidence")
async def get_paths(
    kg: GraphDep,
    settings: SettingsDep,
    filters: Filters,
    source: Annotated[str, Query(description="Entity id, IRI, label or alias.")],
    target: Annotated[str, Query(description="Entity id, IRI, label or alias.")],
    k: Annotated[int, Query(ge=1, le=100, description="How many shortest simple paths, at most.")] = 1,
    max_hops: Annotated[int | None, Query(ge=1, le=50, description="Leave out longer paths.")] = None,
    undirected: Annotated[bool, Query(description="Also walk relations against their direction.")] = False,
) -> JSONBytes:
    from ...graph.analysis import shortest_paths

    paths = await compute(settings, shortest_paths, kg, source, target, k=k, max_hops=max_hops,
                          directed=not undirected, **filters)
    return json_answer({"count": len(paths), "paths": paths})


@router.get("/neighbours/{ref:path}", response_model=SubgraphOut, summary="The neighbourhood of an entity")
async def get_neighbours(
    kg: GraphDep,
    settings: SettingsDep,
    filters: Filters,
    ref: Annotated[str, Path(description="Entity id, IRI, label or alias.")],
    depth: Annotated[int, Query(ge=0, le=6, description="Hops from the entity.")] = 1,
    direction: Annotated[str, Query(pattern="^(out|in|both)$", description="out, in or both.")] = "both",
    evidence: Annotated[bool, Query(description="Include the claims (quotes) of every relation.")] = False,
) -> JSONBytes:
    from ...graph.analysis import neighbourhood

    return json_answer(await compute(settings, neighbourhood, kg, ref, depth=depth, direction=direction,
                                     evidence=evidence, **filters))


@router.get("/centrality", response_model=CentralityOut, summary="The most central entities")
async def get_centrality(
    kg: GraphDep,
    settings: SettingsDep,
    filters: Filters,
    metric: Annotated[str, Query(description="degree, in_degree, out_degree, betweenness, closeness, harmonic, "
                                             "pagerank or eigenvector.")] = "betweenness",
    top: Annotated[int, Query(ge=1, le=10_000)] = 10,
    type: Annotated[list[str] | None, Query(description="List only entities of these classes (computed on the "
                                                        "whole filtered graph).")] = None,
    directed: Annotated[bool, Query(description="Respect the direction of relations.")] = False,
) -> JSONBytes:
    from ...graph.analysis import centrality

    rank_types = [t.strip() for value in type or () for t in value.split(",") if t.strip()] or None
    scores = await compute(settings, centrality, kg, metric, top=top, rank_types=rank_types, directed=directed,
                           **filters)
    return json_answer({"metric": metric, "count": len(scores), "scores": scores})


@router.get("/communities", response_model=CommunitiesOut, summary="Communities of entities")
async def get_communities(
    kg: GraphDep,
    settings: SettingsDep,
    filters: Filters,
    method: Annotated[str, Query(description="louvain or label_propagation.")] = "louvain",
    seed: Annotated[int, Query(description="Louvain's random seed.")] = 42,
    resolution: Annotated[float, Query(gt=0, description="Louvain's resolution.")] = 1.0,
    min_size: Annotated[int, Query(ge=1, description="List only communities this large.")] = 1,
) -> JSONBytes:
    from ...graph.analysis import communities

    return json_answer(await compute(settings, communities, kg, method=method, seed=seed,
                                     resolution=resolution, min_size=min_size, **filters))


@router.get("/balance", response_model=BalanceOut, summary="Structural balance of the signed graph")
async def get_balance(
    kg: GraphDep,
    settings: SettingsDep,
    filters: Filters,
    mixed: Annotated[str, Query(description="How a pair with both signs counts: hostile, cooperative, majority "
                                            "or skip.")] = "hostile",
    limit: Annotated[int, Query(ge=0, le=100_000, description="Most triads listed (the counts cover all).")] = 1000,
) -> JSONBytes:
    from ...graph.analysis import structural_balance

    return json_answer(await compute(settings, structural_balance, kg, mixed=mixed, limit=limit, **filters))


@router.get("/diff", response_model=DiffOut, summary="What changed between two dates")
async def get_diff(
    kg: GraphDep,
    settings: SettingsDep,
    filters: StructureFilters,
    from_: Annotated[str, Query(alias="from", description="The earlier date: YYYY, YYYY-MM or YYYY-MM-DD.")],
    to: Annotated[str, Query(description="The later date: YYYY, YYYY-MM or YYYY-MM-DD.")],
    mixed: Annotated[str, Query(description="How a pair with both signs counts (see /api/balance).")] = "hostile",
) -> JSONBytes:
    from ...graph.analysis import diff

    return json_answer(await compute(settings, diff, kg, from_, to, mixed=mixed, **filters))
