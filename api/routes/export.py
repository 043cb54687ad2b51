"""Export the graph: RDF (Turtle, JSON-LD, N-Triples, RDF/XML, ...) by the store's writer, or the networkx
projection as GraphML, GEXF, node-link JSON or a CSV edge list by networkx's writers (with the analytics filters).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from ...graph import InvalidArgument
from ...graph.formats import RDF_FORMATS
from ..deps import GraphDep
from ..schemas import ERROR_RESPONSES, GraphFilters, graph_filters

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["Export"], responses=ERROR_RESPONSES)

_RDF = ("ttl", "jsonld", "nt", "xml", "nq", "trig")
_NETWORK = ("graphml", "gexf", "json", "csv")


@router.get(
    "/export",
    summary="The whole graph as RDF, or its projection as GraphML, GEXF, node-link JSON or CSV",
    response_class=Response,
    responses={200: {"content": {"text/turtle": {}, "application/ld+json": {}, "application/graphml+xml": {},
                                 "application/gexf+xml": {}, "application/json": {}}}},
)
async def export(
    kg: GraphDep,
    filters: Annotated[GraphFilters, Depends(graph_filters)],
    format: Annotated[str, Query(description=f"One of {', '.join(_NETWORK + _RDF)}.")] = "ttl",
    entailed: Annotated[bool, Query(description="Network formats: also the reverse edges of symmetric relations.")] = False,
) -> Response:
    name = format.strip().lower()
    if name in _RDF:
        if filters:
            raise InvalidArgument("filters apply to the network formats (graphml, gexf, json, csv), not to RDF exports")
        spec = RDF_FORMATS[name]
        data = await run_in_threadpool(kg.export, name)
        media, extension = spec.media_type, spec.extension
    elif name in _NETWORK:
        from ...graph.analysis import NETWORK_FORMATS, export_graph

        data = await run_in_threadpool(lambda: export_graph(kg, name, entailed=entailed, **filters))
        media, extension = NETWORK_FORMATS[name].media_type, NETWORK_FORMATS[name].extension.lstrip(".")
    else:
        raise InvalidArgument(f"format must be one of {', '.join(_NETWORK + _RDF)}, not {format!r}")
    return Response(
        content=data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="caucasus-kg.{extension}"'},
    )
