"""The SPARQL 1.1 Protocol endpoint at ``/sparql``.

Requests
    ``GET /sparql?query=...``, ``POST`` ``application/x-www-form-urlencoded``
    (``query=`` or ``update=``), ``POST application/sparql-query`` and
    ``POST application/sparql-update``; ``default-graph-uri`` and
    ``named-graph-uri`` (graphs of the store) set a query's dataset.
    ``GET /sparql`` without a query answers the SPARQL 1.1 Service Description
    (Turtle unless ``Accept`` asks for N-Triples, JSON-LD or RDF/XML).

Browsers
    A ``GET /sparql`` without a query whose ``Accept`` prefers ``text/html``
    (what a browser sends) gets the query page: this route returns
    :func:`caucasus_kg.api.routes.pages.query_page_response` (the page ``/query``
    serves). That one call is the whole coupling between the two modules.

Results
    Negotiated from ``Accept`` in the registry of ``caucasus_kg.graph.formats``:
    SELECT/ASK as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as
    Turtle (default), N-Triples, JSON-LD or RDF/XML. The store's own serialiser
    writes them (Oxigraph's, inside the query worker process). Rows past
    ``max_rows`` are cut: the response then has ``X-CKG-Truncated: true`` and
    ``X-CKG-Max-Rows``, and a SPARQL JSON body gets a top-level member
    ``"truncated": true`` beside ``head`` and ``results`` (JSON readers ignore
    members they do not know). ``X-CKG-Rows`` gives the number of rows or
    triples sent.

Errors (the JSON shape of :mod:`caucasus_kg.api.errors`)
    400 malformed query (the parser's message), two ``query`` parameters, an
    update sent by GET, a refused SERVICE/LOAD/FROM; 401/403 an update without
    the token; 406 an ``Accept`` we cannot satisfy; 413 a body past
    ``max_body_bytes``; 415 a body type other than the three above;
    503 the time limit (``query_timeout``), after which the query is killed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import VOID
from starlette.concurrency import run_in_threadpool

from ...graph import KnowledgeGraph, Settings
from ...graph.formats import rdf_format
from ...graph.sparql_guard import query_form
from ..deps import check_write_token, graph_of, settings_of
from ..errors import HTTPError
from ..negotiation import GRAPH_OFFERS, HTML, RESULT_OFFERS, negotiate, supported
from ..schemas import ErrorOut

__all__ = ["router", "service_description"]

router = APIRouter(tags=["SPARQL"])

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_FORMAT_IRIS = {
    ("result", "json"): FORMATS.SPARQL_Results_JSON,
    ("result", "xml"): FORMATS.SPARQL_Results_XML,
    ("result", "csv"): FORMATS.SPARQL_Results_CSV,
    ("result", "tsv"): FORMATS.SPARQL_Results_TSV,
    ("graph", "ttl"): FORMATS.Turtle,
    ("graph", "nt"): FORMATS["N-Triples"],
    ("graph", "jsonld"): FORMATS["JSON-LD"],
    ("graph", "xml"): FORMATS.RDF_XML,
}

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"

_ERRORS = {
    400: {"model": ErrorOut, "description": "Malformed or refused query, or bad parameters"},
    401: {"model": ErrorOut, "description": "Update without a valid token"},
    403: {"model": ErrorOut, "description": "Updates disabled (no token configured)"},
    406: {"model": ErrorOut, "description": "No acceptable result format"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    415: {"model": ErrorOut, "description": "Unsupported request body type"},
    503: {"model": ErrorOut, "description": "The query ran past the time limit and was stopped"},
}
# The protocol's parameters are read from the query string by the handler (the protocol
# decides what a repeated one means), so they are declared for OpenAPI only: FastAPI's
# own parameter parsing was a third of a point lookup's time.
_GET_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The SPARQL query; absent: the service description."},
    *({"name": name, "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string"}},
       "style": "form", "explode": True, "description": description}
      for name, description in (("default-graph-uri", "A graph of the store for the query's default graph."),
                                ("named-graph-uri", "A graph of the store for the query's named graphs."))),
]
_RESULT_CONTENT = {offer.media_type: {} for offer in (*RESULT_OFFERS, *GRAPH_OFFERS)}


@router.get(
    "/sparql",
    summary="SPARQL query (GET) or service description",
    responses={200: {"content": _RESULT_CONTENT, "description": "Query results"}, **_ERRORS},
    openapi_extra={"parameters": _GET_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    """Run a SPARQL query given as ``?query=``; without one, describe the service."""
    kg, settings = graph_of(request), settings_of(request)  # not dependencies: see caucasus_kg.api.deps
    params = request.query_params
    if params.getlist("update"):
        raise HTTPError(400, "a SPARQL update must be sent by POST (update= form field or application/sparql-update)")
    queries = params.getlist("query")
    if len(queries) > 1:
        raise HTTPError(400, f"exactly one 'query' parameter is allowed, got {len(queries)}")
    if not queries:
        return await _describe(request, kg, settings)
    return await _answer(request, kg, settings, queries[0], params.getlist("default-graph-uri"),
                         params.getlist("named-graph-uri"))


@router.post(
    "/sparql",
    summary="SPARQL query or update (POST)",
    responses={200: {"content": _RESULT_CONTENT, "description": "Query results"},
               204: {"description": "Update applied"}, **_ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {
                _FORM: {"schema": {"type": "object", "properties": {
                    "query": {"type": "string"}, "update": {"type": "string"},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
                _QUERY: {"schema": {"type": "string"}},
                _UPDATE: {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def sparql_post(request: Request) -> Response:
    """Run a query (form ``query=`` or ``application/sparql-query``) or an update (needs the token)."""
    kg, settings = graph_of(request), settings_of(request)
    media = _media_type(request.headers.get("content-type"))
    url = request.query_params
    if media == _FORM:
        fields = _form(await request.body())
        queries, updates = fields.get("query", []), fields.get("update", [])
        if queries and updates:
            raise HTTPError(400, "send either 'query' or 'update', not both")
        if len(queries) > 1 or len(updates) > 1:
            raise HTTPError(400, "exactly one 'query' or 'update' field is allowed")
        if updates:
            _no_update_dataset(fields, url)
            return await _update(request, kg, settings, updates[0])
        if not queries:
            raise HTTPError(400, "the form has no 'query' or 'update' field")
        return await _answer(request, kg, settings, queries[0],
                             fields.get("default-graph-uri", []) + url.getlist("default-graph-uri"),
                             fields.get("named-graph-uri", []) + url.getlist("named-graph-uri"))
    if media == _QUERY:
        text = _text(await request.body())
        if url.getlist("query"):
            raise HTTPError(400, "a query sent as the body must not also be a 'query' parameter")
        return await _answer(request, kg, settings, text, url.getlist("default-graph-uri"),
                             url.getlist("named-graph-uri"))
    if media == _UPDATE:
        _no_update_dataset({}, url)
        return await _update(request, kg, settings, _text(await request.body()))
    raise HTTPError(
        415,
        f"unsupported request body type {media or '(none)'!r}: send {_FORM}, {_QUERY} or {_UPDATE}",
    )


async def _answer(
    request: Request,
    kg: KnowledgeGraph,
    settings: Settings,
    sparql: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
) -> Response:
    form = query_form(sparql)  # QueryError (400) when it is no query at all
    if form == "UPDATE":
        raise HTTPError(400, "this is a SPARQL update: POST it as 'update=' or application/sparql-update", code="query_error")
    offers = RESULT_OFFERS if form in ("SELECT", "ASK") else GRAPH_OFFERS
    offer = negotiate(request.headers.get("accept"), offers)
    if offer is None:
        raise HTTPError(406, f"cannot answer a {form} query as {request.headers.get('accept')!r}; "
                             f"acceptable: {supported(offers)}")
    result = await kg.query_serialized_async(
        sparql,
        offer.format,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
        default_graph_uris=tuple(default_graphs),
        named_graph_uris=tuple(named_graphs),
    )
    headers = {"Vary": "Accept"}
    body = result.data
    if result.count is not None:
        headers["X-CKG-Rows"] = str(result.count)
        headers["X-CKG-Truncated"] = "true" if result.truncated else "false"
    if result.truncated:
        headers["X-CKG-Max-Rows"] = str(settings.max_rows)
        if result.format == "json" and result.type == "SELECT":
            doc = json.loads(body)
            body = json.dumps({"head": doc.get("head", {}), "truncated": True, **doc}, ensure_ascii=False).encode()
    return Response(content=body, media_type=result.media_type, headers=headers)


async def _update(request: Request, kg: KnowledgeGraph, settings: Settings, sparql: str) -> Response:
    check_write_token(request, settings)
    await run_in_threadpool(kg.update, sparql, timeout=settings.query_timeout)
    return Response(status_code=204)


async def _describe(request: Request, kg: KnowledgeGraph, settings: Settings) -> Response:
    offer = negotiate(request.headers.get("accept"), (*GRAPH_OFFERS, HTML))
    if offer is HTML:
        from .pages import query_page_response

        return query_page_response(request)
    if offer is None:
        raise HTTPError(406, f"the service description is available as {supported(GRAPH_OFFERS)}")
    endpoint = str(request.url.replace(query=None, fragment=None))
    graph = service_description(endpoint, settings=settings, triples=len(kg))
    data = graph.serialize(format=rdf_format(offer.format).rdflib_name, encoding="utf-8")
    return Response(content=data, media_type=offer.media_type, headers={"Vary": "Accept"})


def service_description(endpoint: str, *, settings: Settings, triples: int) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint as an rdflib Graph.

    Examples
    --------
    >>> from caucasus_kg.graph import Settings
    >>> g = service_description("http://127.0.0.1:8000/sparql", settings=Settings(), triples=10)
    >>> (URIRef("http://127.0.0.1:8000/sparql"), RDF.type, SD.Service) in g
    True
    """
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_token:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    if settings.allow_service:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for iri in _FORMAT_IRIS.values():
        g.add((service, SD.resultFormat, iri))
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples)))
    return g


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "the request body is not valid UTF-8") from None


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        pairs = parse_qsl(_text(body), keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(400, "the form body is not valid URL-encoded UTF-8") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _no_update_dataset(fields: dict[str, list[str]], url: object) -> None:
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if fields.get(name) or url.getlist(name):  # type: ignore[attr-defined]
            raise HTTPError(400, f"'{name}' is not supported; write USING <graph> in the update itself")

