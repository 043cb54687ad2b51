"""Every error path of the app answers one JSON shape: {"error": {"status", "code", "message"}}, with the
HTTP status repeated in the body. The table walks core exceptions, protocol errors and framework errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caucasus_kg.api import create_app
from caucasus_kg.api.deps import get_graph
from caucasus_kg.graph import KnowledgeGraph, QueryTimeout

from .conftest import POINT, TOKEN

CASES = [
    # (request, status, code)
    (("GET", "/no/such/route", {}), 404, "not_found"),
    (("DELETE", "/api/stats", {}), 405, "method_not_allowed"),
    (("GET", "/api/entities/Nobody", {}), 404, "entity_not_found"),
    (("GET", "/api/paths", {"params": {"source": "Dyumin", "target": "Turkey", "max_hops": 1}}), 404, "no_path"),
    (("GET", "/api/paths", {"params": {"source": "Dyumin", "target": "Turkey", "k": "x"}}), 400, "invalid_argument"),
    (("GET", "/api/centrality", {"params": {"metric": "x"}}), 400, "invalid_argument"),
    (("GET", "/sparql", {"params": {"query": "SELECT ?x WHERE {"}}), 400, "query_error"),
    (("GET", "/sparql", {"params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }"}}), 400, "query_refused"),
    (("GET", "/sparql", {"params": [("query", POINT), ("query", POINT)]}), 400, "bad_request"),
    (("GET", "/sparql", {"params": {"query": POINT}, "headers": {"Accept": "image/png"}}), 406, "not_acceptable"),
    (("POST", "/sparql", {"content": b"x", "headers": {"Content-Type": "text/plain"}}), 415, "unsupported_media_type"),
    (("POST", "/sparql", {"content": b"x" * 5000, "headers": {"Content-Type": "application/sparql-query"}}), 413,
     "payload_too_large"),
    (("POST", "/sparql", {"data": {"update": "CLEAR ALL"}}), 401, "unauthorized"),
    (("POST", "/sparql", {"data": {"update": "CLEAR ALL"}, "headers": {"Authorization": "Bearer no"}}), 401,
     "unauthorized"),
    (("PUT", "/store?default", {"content": b"<a> <b", "headers": {"Content-Type": "text/turtle",
                                                                   "Authorization": f"Bearer {TOKEN}"}}), 422, "data_error"),
    (("GET", "/store?graph=http://example.org/none", {}), 404, "graph_not_found"),
]


@pytest.fixture(scope="module")
def app_client(bundled_kg: KnowledgeGraph) -> TestClient:
    return TestClient(create_app(kg=bundled_kg, settings=bundled_kg.settings.replace(update_token=TOKEN,
                                                                                     max_body_bytes=4096)))


def assert_shape(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "code", "message"]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.mark.parametrize(("request_", "status", "code"), CASES, ids=[f"{s}-{c}" for _, s, c in CASES])
def test_error_shape(app_client: TestClient, request_: tuple, status: int, code: str) -> None:
    method, url, kwargs = request_
    assert_shape(app_client.request(method, url, **kwargs), status, code)


def test_every_status_of_the_table_is_walked() -> None:
    from caucasus_kg.api.errors import HTTP_STATUS

    walked = {status for _, status, _ in CASES} | {403, 500, 503}
    assert {status for _, status in HTTP_STATUS} <= walked


def test_forbidden_timeout_and_internal_errors(bundled_kg: KnowledgeGraph) -> None:
    assert_shape(TestClient(create_app(kg=bundled_kg)).post("/sparql", data={"update": "CLEAR ALL"}), 403,
                 "writes_disabled")

    class Slow:
        settings = bundled_kg.settings

        async def query_serialized_async(self, *args: object, **kwargs: object) -> None:
            raise QueryTimeout(5.0)

    assert_shape(TestClient(create_app(kg=Slow())).get("/sparql", params={"query": POINT}), 503, "query_timeout")

    def broken() -> None:
        raise RuntimeError("boom")

    app = create_app(kg=bundled_kg)
    app.dependency_overrides[get_graph] = broken
    response = TestClient(app, raise_server_exceptions=False).get("/api/stats")
    assert_shape(response, 500, "internal_error")
    assert "boom" not in response.text  # details go to the log, not to the client
