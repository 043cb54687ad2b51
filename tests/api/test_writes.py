"""Writes: SPARQL Update and the Graph Store Protocol are refused without the token (403 when the server has
none, 401 when it is missing or wrong); with it they are atomic, and they persist in an on-disk store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from caucasus_kg.api import create_app
from caucasus_kg.graph import KnowledgeGraph, Settings

from .conftest import POINT, TOKEN, client_for

AUTH = {"Authorization": f"Bearer {TOKEN}"}
EX = "http://example.org/"
TRIPLE = f"<{EX}s> <{EX}p> <{EX}o>"
TTL = f"@prefix ex: <{EX}> . ex:a ex:p ex:b . ex:b ex:p ex:c .".encode()
NAMED = f"{EX}graph/one"

WRITES = [
    ("POST", "/sparql", {"data": {"update": f"INSERT DATA {{ {TRIPLE} }}"}}),
    ("POST", "/sparql", {"content": f"INSERT DATA {{ {TRIPLE} }}".encode(),
                         "headers": {"Content-Type": "application/sparql-update"}}),
    ("PUT", "/store?default", {"content": TTL, "headers": {"Content-Type": "text/turtle"}}),
    ("POST", f"/store?graph={NAMED}", {"content": TTL, "headers": {"Content-Type": "text/turtle"}}),
    ("DELETE", "/store?default", {}),
]


def _request(client: TestClient, method: str, url: str, kwargs: dict, auth: dict | None = None):
    kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), **(auth or {})}}
    return client.request(method, url, **kwargs)


@pytest.fixture(params=["oxigraph", "memory"])
def writable(request: pytest.FixtureRequest) -> TestClient:
    kg = KnowledgeGraph.open(backend=request.param)
    return client_for(kg, update_token=TOKEN)


@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES, ids=[f"{m} {u}" for m, u, _ in WRITES])
def test_writes_without_a_configured_token_are_forbidden(fresh_kg: KnowledgeGraph, method: str, url: str, kwargs: dict) -> None:
    client = client_for(fresh_kg)  # no update_token
    size = len(fresh_kg)
    response = _request(client, method, url, kwargs, AUTH)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "writes_disabled"
    assert len(fresh_kg) == size


@pytest.mark.parametrize("auth", [None, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer"},
                                  {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Bearer {TOKEN}x"}],
                         ids=["none", "basic", "empty", "wrong", "longer"])
@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES, ids=[f"{m} {u}" for m, u, _ in WRITES])
def test_writes_without_the_right_token_are_unauthorized(bundled_kg: KnowledgeGraph, method: str, url: str,
                                                         kwargs: dict, auth: dict | None) -> None:
    client = client_for(bundled_kg, update_token=TOKEN)
    size = len(bundled_kg)
    response = _request(client, method, url, kwargs, auth)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert len(bundled_kg) == size


def test_sparql_update_with_the_token(writable: TestClient) -> None:
    assert _request(writable, *WRITES[0], AUTH).status_code == 204
    ask = writable.get("/sparql", params={"query": f"ASK {{ {TRIPLE} }}"})
    assert ask.json()["boolean"] is True
    delete = writable.post("/sparql", content=f"DELETE DATA {{ {TRIPLE} }}".encode(),
                           headers={"Content-Type": "application/sparql-update", **AUTH})
    assert delete.status_code == 204
    assert writable.get("/sparql", params={"query": f"ASK {{ {TRIPLE} }}"}).json()["boolean"] is False


def test_a_failing_update_changes_nothing(writable: TestClient) -> None:
    kg = writable.app.state.kg
    size = len(kg)
    response = writable.post("/sparql", data={"update": f"INSERT DATA {{ {TRIPLE} }} ; DELETE WHERE {{ ?s ?p }}"},
                             headers=AUTH)
    assert response.status_code == 400 and response.json()["error"]["code"] == "query_error"
    assert len(kg) == size


def test_oxigraph_update_is_one_transaction() -> None:
    client = client_for(KnowledgeGraph.open(), update_token=TOKEN)
    response = client.post("/sparql", data={"update": f"INSERT DATA {{ {TRIPLE} }} ; DROP GRAPH <{EX}missing>"},
                           headers=AUTH)
    assert response.status_code == 400
    assert client.get("/sparql", params={"query": f"ASK {{ {TRIPLE} }}"}).json()["boolean"] is False


def test_update_parameters_of_the_dataset_are_refused_clearly(writable: TestClient) -> None:
    response = writable.post("/sparql", data={"update": f"INSERT DATA {{ {TRIPLE} }}", "using-graph-uri": NAMED},
                             headers=AUTH)
    assert response.status_code == 400 and "USING" in response.json()["error"]["message"]


def test_graph_store_named_graph_lifecycle() -> None:
    client = client_for(KnowledgeGraph.open(), update_token=TOKEN)
    url = f"/store?graph={NAMED}"
    turtle = {"Content-Type": "text/turtle", **AUTH}
    assert client.get(url).status_code == 404
    assert client.put(url, content=TTL, headers=turtle).status_code == 201
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/n-triples")
    graph = Graph().parse(data=got.content, format="nt")
    assert len(graph) == 2 and (URIRef(f"{EX}a"), URIRef(f"{EX}p"), URIRef(f"{EX}b")) in graph
    # the protocol's dataset parameters reach graphs of the store
    in_graph = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", "default-graph-uri": NAMED})
    assert [b["s"]["value"] for b in in_graph.json()["results"]["bindings"]] == [f"{EX}a", f"{EX}b"]
    named = client.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
                                          "named-graph-uri": NAMED})
    assert named.json()["results"]["bindings"][0]["g"]["value"] == NAMED
    # POST adds, PUT replaces, DELETE drops
    extra = f"<{EX}x> <{EX}p> <{EX}y> .".encode()
    assert client.post(url, content=extra, headers={"Content-Type": "application/n-triples", **AUTH}).status_code == 204
    assert len(Graph().parse(data=client.get(url).content, format="turtle")) == 3
    assert client.put(url, content=extra, headers={"Content-Type": "application/n-triples", **AUTH}).status_code == 204
    assert len(Graph().parse(data=client.get(url).content, format="turtle")) == 1
    assert client.delete(url, headers=AUTH).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=AUTH).status_code == 404


def test_graph_store_default_graph(writable: TestClient) -> None:
    kg = writable.app.state.kg
    before = len(kg)
    got = writable.get("/store?default", headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and len(Graph().parse(data=got.content, format="nt")) == before
    assert writable.post("/store?default", content=TTL, headers={"Content-Type": "text/turtle", **AUTH}).status_code == 204
    assert len(kg) == before + 2
    assert writable.put("/store?default", content=TTL, headers={"Content-Type": "text/turtle", **AUTH}).status_code == 204
    assert len(kg) == 2
    assert writable.delete("/store?default", headers=AUTH).status_code == 204
    assert len(kg) == 0


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "code"), [
    ("GET", "/store", {}, 400, "bad_request"),
    ("GET", f"/store?default&graph={NAMED}", {}, 400, "bad_request"),
    ("GET", "/store?graph=not%20an%20iri", {}, 400, "bad_request"),
    ("GET", "/store?default", {"headers": {"Accept": "text/csv"}}, 406, "not_acceptable"),
    ("PUT", "/store?default", {"content": b"x", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported_media_type"),
    ("PUT", "/store?default", {"content": b"@prefix broken", "headers": {"Content-Type": "text/turtle"}}, 422, "data_error"),
])
def test_graph_store_errors(bundled_kg: KnowledgeGraph, method: str, url: str, kwargs: dict, status: int, code: str) -> None:
    client = client_for(bundled_kg, update_token=TOKEN)
    size = len(bundled_kg)
    response = _request(client, method, url, kwargs, AUTH)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert len(bundled_kg) == size


def test_writes_persist_in_an_on_disk_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    settings = Settings(store=store, update_token=TOKEN, query_workers=1)
    with TestClient(create_app(settings=settings)) as client:
        assert client.post("/sparql", data={"update": f"INSERT DATA {{ {TRIPLE} }}"}, headers=AUTH).status_code == 204
        assert client.put(f"/store?graph={NAMED}", content=TTL, headers={"Content-Type": "text/turtle", **AUTH}).status_code == 201
        # the query workers read a checkpoint of the new version
        assert client.get("/sparql", params={"query": f"ASK {{ {TRIPLE} }}"}).json()["boolean"] is True
        assert client.get("/sparql", params={"query": POINT}).status_code == 200
    check = (
        "from caucasus_kg.graph import KnowledgeGraph\n"
        f"kg = KnowledgeGraph.open(store={str(store)!r})\n"
        f"assert kg.query('ASK {{ {TRIPLE} }}').boolean\n"
        f"assert kg.query('ASK {{ GRAPH <{NAMED}> {{ <{EX}a> <{EX}p> <{EX}b> }} }}').boolean\n"
        "print('persisted')\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "persisted", result.stderr
