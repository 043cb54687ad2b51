"""SERVICE, LOAD and FROM/FROM NAMED/USING of graphs outside the store are refused before any engine runs:
a loopback canary server is never called and a local file (a FIFO that notices readers) is never read,
on both backends and with query workers. The control cases show that both canaries do notice an engine
that reaches out, when reaching out is allowed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from caucasus_kg.graph import KnowledgeGraph, QueryError, QueryRefused, Settings

from .conftest import POINT, TOKEN, Canary, client_for

QUERIES: list[Callable[[Canary], str]] = [
    lambda c: f"SELECT * WHERE {{ SERVICE <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"SELECT * WHERE {{ service silent <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"ASK {{ ?x ?y ?z . SERVICE <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"SELECT * WHERE {{ \\u0053ERVICE <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"SELECT * WHERE {{ SERVICE # comment\n <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"SELECT * FROM <{c.url}> WHERE {{ ?s ?p ?o }}",
    lambda c: f"SELECT * FROM <{c.file_url}> WHERE {{ ?s ?p ?o }}",
    lambda c: f"SELECT * FROM NAMED <{c.file_url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    lambda c: f"select * from named<{c.url}> where {{ graph ?g {{ ?s ?p ?o }} }}",
    lambda c: f"PREFIX c: <{c.url}> SELECT * FROM c:data WHERE {{ ?s ?p ?o }}",
    lambda c: f"BASE <{c.file_url.rsplit('/', 1)[0]}/> SELECT * FROM <secret.nt> WHERE {{ ?s ?p ?o }}",
    lambda c: f"CONSTRUCT {{ ?s ?p ?o }} FROM <{c.file_url}> WHERE {{ ?s ?p ?o }}",
    lambda c: f"DESCRIBE ?s FROM <{c.url}> WHERE {{ ?s ?p ?o }}",
]

UPDATES: list[Callable[[Canary], str]] = [
    lambda c: f"LOAD <{c.url}>",
    lambda c: f"LOAD <{c.file_url}>",
    lambda c: f"LOAD SILENT <{c.file_url}> INTO GRAPH <http://example.org/g>",
    lambda c: f"INSERT {{ ?s ?p ?o }} USING <{c.file_url}> WHERE {{ ?s ?p ?o }}",
    lambda c: f"INSERT {{ ?s ?p ?o }} USING NAMED <{c.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    lambda c: f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{c.url}> {{ ?s ?p ?o }} }}",
    lambda c: f"DELETE {{ ?s ?p ?o }} WHERE {{ \\u0053ERVICE <{c.url}> {{ ?s ?p ?o }} }}",
]


@pytest.fixture(scope="module", params=["oxigraph", "memory", "oxigraph-workers"])
def guarded(request: pytest.FixtureRequest) -> TestClient:
    """Apps with writes enabled (so updates reach the guard) on each backend, and with query workers."""
    backend, _, workers = request.param.partition("-")
    kg = KnowledgeGraph.open(settings=Settings(backend=backend, query_workers=2 if workers else None))
    yield client_for(kg, update_token=TOKEN)
    kg.close()


@pytest.mark.parametrize("make", QUERIES, ids=[f"query{i}" for i in range(len(QUERIES))])
@pytest.mark.parametrize("how", ["get", "form"])
def test_outside_queries_are_refused(guarded: TestClient, canary: Canary, make: Callable[[Canary], str], how: str) -> None:
    query = make(canary)
    if how == "get":
        response = guarded.get("/sparql", params={"query": query})
    else:
        response = guarded.post("/sparql", data={"query": query})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "query_refused"
    assert any(word in error["message"] for word in ("SERVICE", "FROM"))
    assert not canary.touched


@pytest.mark.parametrize("make", UPDATES, ids=[f"update{i}" for i in range(len(UPDATES))])
def test_outside_updates_are_refused(guarded: TestClient, canary: Canary, make: Callable[[Canary], str]) -> None:
    response = guarded.post("/sparql", data={"update": make(canary)}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "query_refused"
    assert not canary.touched


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_outside_protocol_graphs_are_refused(guarded: TestClient, canary: Canary, param: str) -> None:
    for graph in (canary.url, canary.file_url):
        response = guarded.get("/sparql", params={"query": POINT, param: graph})
        assert response.status_code == 400 and response.json()["error"]["code"] == "query_refused"
    assert not canary.touched


def test_refusal_says_why(guarded: TestClient, canary: Canary) -> None:
    message = guarded.get("/sparql", params={"query": f"SELECT * FROM <{canary.file_url}> {{ ?s ?p ?o }}"}).json()
    assert canary.file_url in message["error"]["message"] and "not in the store" in message["error"]["message"]
    load = guarded.post("/sparql", data={"update": f"LOAD <{canary.url}>"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert load.json()["error"]["message"] == "LOAD is disabled on this server"


# ---------------------------------------------------------------------- controls: the canaries do notice


def test_control_rdflib_loads_a_file_when_allowed(fresh_canary: Canary) -> None:
    kg = KnowledgeGraph.open(settings=Settings(backend="memory", allow_service=True))
    kg.update(f"LOAD <{fresh_canary.file_url}>")
    assert fresh_canary.reads >= 1
    assert kg.query("ASK { <http://canary/s> <http://canary/p> <http://canary/file> }").boolean


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_control_engines_call_a_service_when_allowed(fresh_canary: Canary, backend: str) -> None:
    kg = KnowledgeGraph.open(settings=Settings(backend=backend, allow_service=True))
    with contextlib.suppress(QueryError):  # the canary answers N-Triples, which no engine takes for results
        kg.query(f"SELECT * WHERE {{ SERVICE <{fresh_canary.url}> {{ ?s ?p ?o }} }}")
    assert fresh_canary.hits


def test_core_refuses_without_http(canary: Canary, any_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryRefused):
        any_kg.query(f"SELECT * FROM <{canary.file_url}> WHERE {{ ?s ?p ?o }}")
    assert not canary.touched
