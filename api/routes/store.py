"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (``?default`` or ``?graph=IRI``).

``GET`` returns the graph (Turtle, N-Triples, JSON-LD or RDF/XML by ``Accept``;
404 for a named graph the store does not hold). ``PUT`` replaces it with the
request body, ``POST`` adds the body to it (201 when a named graph is created,
204 otherwise), ``DELETE`` empties the default graph or drops a named one.
Writes need the update token (``Authorization: Bearer``; 403 when the server has
none, 401 when it is missing or wrong). Each write is one SPARQL update, so it
is atomic, and it persists when the store is on disk. The body is parsed by the
store's parser first: malformed RDF is refused (422) and changes nothing.
"""

from __future__ import annotations

import re
import sys

from fastapi import APIRouter, Request, Response
from rdflib import Graph
from starlette.concurrency import run_in_threadpool

from ...graph import KnowledgeGraph
from ...graph.formats import RDF_FORMATS, rdf_format
from ..deps import GraphDep, SettingsDep, WriterDep
from ..errors import HTTPError
from ..negotiation import GRAPH_OFFERS, negotiate, supported
from ..schemas import ErrorOut

__all__ = ["router"]

router = APIRouter(tags=["Graph Store"])

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*")
_BODY_TYPES = {offer.media_type: offer.format for offer in GRAPH_OFFERS} | {
    alias: offer.format for offer in GRAPH_OFFERS for alias in offer.aliases if alias != "application/json"
}
_ERRORS = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (400, "Neither or both of ?default and ?graph, or a bad IRI"),
        (401, "Write without a valid token"),
        (403, "Writes disabled (no token configured)"),
        (404, "No such named graph"),
        (406, "No acceptable format"),
        (415, "Unsupported body type"),
        (422, "Malformed RDF body"),
    )
}
_PARAMS = [
    {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
     "schema": {"type": "string"}, "description": "The default graph (give this or graph)."},
    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "IRI of a named graph (give this or default)."},
]
_BODY = {"requestBody": {"required": True, "content": {offer.media_type: {"schema": {"type": "string"}}
                                                        for offer in GRAPH_OFFERS}}}


def _target(request: Request) -> str | None:
    """The named graph of the request, or None for the default graph."""
    params = request.query_params
    graphs = params.getlist("graph")
    if ("default" in params) == bool(graphs) or len(graphs) > 1:
        raise HTTPError(400, "give exactly one of ?default or ?graph=<IRI>")
    if not graphs:
        return None
    iri = graphs[0]
    if not _IRI.fullmatch(iri):
        raise HTTPError(400, f"not an absolute IRI: {iri!r}")
    return iri


@router.get("/store", summary="Read a graph", openapi_extra={"parameters": _PARAMS},
            responses={200: {"content": {o.media_type: {} for o in GRAPH_OFFERS}}, **_ERRORS})
async def store_get(request: Request, kg: GraphDep, settings: SettingsDep) -> Response:
    iri = _target(request)
    offer = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
    if offer is None:
        raise HTTPError(406, f"graphs are available as {supported(GRAPH_OFFERS)}")
    if iri is None:
        data = await run_in_threadpool(kg.export, offer.format)
    else:
        await _require_graph(kg, iri)
        result = await run_in_threadpool(
            kg.query_serialized,
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
            offer.format,
            timeout=settings.query_timeout,
            max_rows=sys.maxsize - 1,
        )
        data = result.data
    return Response(content=data, media_type=offer.media_type, headers={"Vary": "Accept"})


@router.put("/store", summary="Replace a graph", status_code=204, openapi_extra={"parameters": _PARAMS, **_BODY},
            responses={201: {"description": "Named graph created"}, **_ERRORS})
async def store_put(request: Request, kg: GraphDep, settings: SettingsDep, _: WriterDep) -> Response:
    iri = _target(request)
    data = await _body(request, kg)
    if iri is None:
        await _update(kg, settings, f"CLEAR SILENT DEFAULT ;\nINSERT DATA {{\n{data}\n}}")
        return Response(status_code=204)
    existed = iri in await run_in_threadpool(kg.named_graphs)
    await _update(kg, settings,
                  f"DROP SILENT GRAPH <{iri}> ;\nCREATE GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{data}\n}} }}")
    return Response(status_code=204 if existed else 201)


@router.post("/store", summary="Add to a graph", status_code=204, openapi_extra={"parameters": _PARAMS, **_BODY},
             responses={201: {"description": "Named graph created"}, **_ERRORS})
async def store_post(request: Request, kg: GraphDep, settings: SettingsDep, _: WriterDep) -> Response:
    iri = _target(request)
    data = await _body(request, kg)
    if iri is None:
        await _update(kg, settings, f"INSERT DATA {{\n{data}\n}}")
        return Response(status_code=204)
    existed = iri in await run_in_threadpool(kg.named_graphs)
    await _update(kg, settings, f"CREATE SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{data}\n}} }}")
    return Response(status_code=204 if existed else 201)


@router.delete("/store", summary="Empty the default graph or drop a named graph", status_code=204,
               openapi_extra={"parameters": _PARAMS}, responses=_ERRORS)
async def store_delete(request: Request, kg: GraphDep, settings: SettingsDep, _: WriterDep) -> Response:
    iri = _target(request)
    if iri is None:
        await _update(kg, settings, "CLEAR DEFAULT")
    else:
        await _require_graph(kg, iri)
        await _update(kg, settings, f"DROP GRAPH <{iri}>")
    return Response(status_code=204)


async def _require_graph(kg: KnowledgeGraph, iri: str) -> None:
    if iri not in await run_in_threadpool(kg.named_graphs):
        raise HTTPError(404, f"the store has no graph <{iri}>", code="graph_not_found")


async def _body(request: Request, kg: KnowledgeGraph) -> str:
    """The request body parsed by the store's parser and written back as N-Triples for INSERT DATA."""
    media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    name = _BODY_TYPES.get(media)
    if name is None:
        raise HTTPError(415, f"unsupported body type {media or '(none)'!r}; send one of {supported(GRAPH_OFFERS)}")
    body = await request.body()

    def parse() -> str:
        triples = kg.parse(body, rdf_format(name), source="the request body")
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        return graph.serialize(format=RDF_FORMATS["nt"].rdflib_name, encoding="utf-8").decode("utf-8")

    return await run_in_threadpool(parse)


async def _update(kg: KnowledgeGraph, settings, sparql: str) -> None:
    await run_in_threadpool(kg.update, sparql, timeout=max(settings.query_timeout, 60.0))
