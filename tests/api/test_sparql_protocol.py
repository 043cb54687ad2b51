"""The SPARQL 1.1 Protocol at /sparql: the three ways to send a query, content negotiation, the service
description, the row cap and the protocol's error codes (TestClient; test_real_clients runs a real server)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.query import Result

from caucasus_kg.graph import KnowledgeGraph

from .conftest import POINT, TURKEY, client_for

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
AZ = URIRef("https://w3id.org/caucasus-kg/id/Azerbaijan")
ALLIED = URIRef("https://w3id.org/caucasus-kg/ontology#alliedWith")
CONSTRUCT = "CONSTRUCT { ?a ckg:alliedWith ?b } WHERE { ?a ckg:alliedWith ?b }"


def parse_rows(body: bytes, fmt: str) -> list[dict[str, str]]:
    """SELECT results parsed by rdflib's own result parsers."""
    result = Result.parse(io.BytesIO(body), format=fmt)
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in result]


def send(client: TestClient, how: str, query: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    if how == "form":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    return client.post("/sparql", params=params, content=query.encode(),
                       headers={**headers, "Content-Type": "application/sparql-query"})


SELECT_TYPES = [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ("application/json", "application/sparql-results+json", "json"),
    ("application/xml;q=0.5, text/csv;q=0.9", "text/csv", "csv"),
    ("*/*", "application/sparql-results+json", "json"),
    (None, "application/sparql-results+json", "json"),
]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize(("accept", "media", "fmt"), SELECT_TYPES)
def test_select_in_every_results_format(client: TestClient, how: str, accept: str | None, media: str, fmt: str) -> None:
    response = send(client, how, POINT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    rows = parse_rows(response.content, fmt)
    assert [r["ally"].strip("<>") for r in rows] == [TURKEY]
    assert response.headers["x-ckg-rows"] == "1" and response.headers["x-ckg-truncated"] == "false"


@pytest.mark.parametrize(("accept", "fmt"), [("application/sparql-results+json", "json"),
                                             ("application/sparql-results+xml", "xml")])
@pytest.mark.parametrize(("query", "answer"), [("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }", True),
                                               ("ASK { ckr:Armenia ckg:alliedWith ckr:Azerbaijan }", False)])
def test_ask(client: TestClient, accept: str, fmt: str, query: str, answer: bool) -> None:
    response = send(client, "get", query, accept)
    assert response.status_code == 200
    assert Result.parse(io.BytesIO(response.content), format=fmt).askAnswer is answer


GRAPH_TYPES = [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    (None, "text/turtle", "turtle"),
    ("application/json", "application/ld+json", "json-ld"),
]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize(("accept", "media", "fmt"), GRAPH_TYPES)
def test_construct_in_every_rdf_format(client: TestClient, how: str, accept: str | None, media: str, fmt: str) -> None:
    response = send(client, how, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    graph = Graph().parse(data=response.content, format=fmt)
    assert (AZ, ALLIED, URIRef(TURKEY)) in graph


def test_describe(client: TestClient) -> None:
    response = send(client, "get", "DESCRIBE ckr:Azerbaijan", "application/n-triples")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="nt")
    assert (AZ, ALLIED, URIRef(TURKEY)) in graph


def test_default_prefixes_and_declared_ones(client: TestClient) -> None:
    declared = "PREFIX x: <https://w3id.org/caucasus-kg/ontology#> SELECT ?ally WHERE { ckr:Azerbaijan x:alliedWith ?ally }"
    assert parse_rows(send(client, "get", declared).content, "json") == [{"ally": TURKEY}]


def test_service_description(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # no token: no updates
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert (endpoint, RDF.type, SD.Service) in Graph().parse(data=as_jsonld.content, format="json-ld")
    with_token = client_for(bundled_kg, update_token="t").get("/sparql")
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) in Graph().parse(data=with_token.content, format="turtle")


def test_browser_without_query_goes_to_the_query_page(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.text == client.get("/query").text  # the pages module's query page
    # with a query, a browser gets results (XML, through its application/xml;q=0.9), not the page
    assert send(client, "get", POINT, accept).headers["content-type"] == "application/sparql-results+xml"


def test_row_cap_is_marked(bundled_kg: KnowledgeGraph) -> None:
    capped = client_for(bundled_kg, max_rows=3)
    response = send(capped, "get", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert response.headers["x-ckg-truncated"] == "true"
    assert response.headers["x-ckg-rows"] == "3" and response.headers["x-ckg-max-rows"] == "3"
    body = response.json()
    assert body["truncated"] is True and len(body["results"]["bindings"]) == 3
    assert len(parse_rows(response.content, "json")) == 3  # still valid SPARQL JSON for rdflib
    as_csv = send(capped, "get", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "text/csv")
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == 4 and as_csv.headers["x-ckg-truncated"] == "true"
    graph = send(capped, "get", "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert graph.headers["x-ckg-truncated"] == "true" and len(Graph().parse(data=graph.content, format="nt")) == 3
    small = send(capped, "get", POINT)
    assert small.headers["x-ckg-truncated"] == "false" and "truncated" not in small.json()


def test_protocol_dataset_of_unknown_graphs_is_refused(client: TestClient) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        response = send(client, "get", POINT, **{name: "http://example.org/not-in-the-store"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "query_refused"


ERRORS = [
    # (description, request kwargs, status, code, words in the message)
    ("malformed query", {"method": "GET", "params": {"query": "SELECT ?x WHERE { ?x ?y }"}}, 400, "query_error", "malformed"),
    ("no query form", {"method": "GET", "params": {"query": "hello"}}, 400, "query_error", "not a SPARQL"),
    ("two query parameters", {"method": "GET", "params": [("query", POINT), ("query", POINT)]}, 400, "bad_request", "one 'query'"),
    ("update by GET", {"method": "GET", "params": {"update": "CLEAR ALL"}}, 400, "bad_request", "POST"),
    ("update as a query", {"method": "GET", "params": {"query": "CLEAR ALL"}}, 400, "query_error", "update"),
    ("query and update in one form", {"method": "POST", "data": {"query": POINT, "update": "CLEAR ALL"}}, 400, "bad_request", "not both"),
    ("empty form", {"method": "POST", "data": {"x": "1"}}, 400, "bad_request", "no 'query'"),
    ("unsupported body type", {"method": "POST", "content": POINT, "headers": {"Content-Type": "text/plain"}}, 415,
     "unsupported_media_type", "text/plain"),
    ("no body type", {"method": "POST", "content": POINT}, 415, "unsupported_media_type", "(none)"),
    ("unacceptable results type", {"method": "GET", "params": {"query": POINT}, "headers": {"Accept": "image/png"}}, 406,
     "not_acceptable", "application/sparql-results+json"),
    ("CSV for a graph", {"method": "GET", "params": {"query": CONSTRUCT}, "headers": {"Accept": "text/csv"}}, 406,
     "not_acceptable", "text/turtle"),
    ("update without a configured token", {"method": "POST", "data": {"update": "CLEAR ALL"}}, 403, "writes_disabled", "token"),
    ("SERVICE", {"method": "GET", "params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400,
     "query_refused", "SERVICE"),
    ("wrong method", {"method": "DELETE"}, 405, "method_not_allowed", "DELETE"),
]


@pytest.mark.parametrize(("what", "request_kwargs", "status", "code", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_protocol_errors(client: TestClient, what: str, request_kwargs: dict, status: int, code: str, words: str) -> None:
    kwargs = dict(request_kwargs)
    response = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert words in response.json()["error"]["message"]


def test_malformed_query_carries_the_parser_message(client: TestClient) -> None:
    message = send(client, "get", "SELECT ?x WHERE { ?x ?y }").json()["error"]["message"]
    assert "error at 1:" in message  # Oxigraph's parser says where


@pytest.mark.parametrize("chunked", [False, True])
def test_body_size_cap(bundled_kg: KnowledgeGraph, chunked: bool) -> None:
    small = client_for(bundled_kg, max_body_bytes=200)
    query = POINT + " #" + "x" * 400
    content = iter([query.encode()[:100], query.encode()[100:]]) if chunked else query.encode()
    response = small.post("/sparql", content=content, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "status": 413, "code": "payload_too_large",
        "message": "the request body is larger than the limit of 200 bytes (max_body_bytes)",
    }
    assert small.post("/sparql", content=POINT.encode(), headers={"Content-Type": "application/sparql-query"}).status_code == 200


def test_results_are_the_stores_serialisation(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    """The body is what Oxigraph writes for the query, byte for byte (no hand-made JSON)."""
    import pyoxigraph as ox

    from caucasus_kg.ontology import PREFIXES

    expected = bundled_kg._backend.store.query(POINT, prefixes=PREFIXES).serialize(format=ox.QueryResultsFormat.JSON)
    assert send(client, "get", POINT).content == expected
    assert json.loads(expected)["results"]["bindings"][0]["ally"]["value"] == TURKEY
