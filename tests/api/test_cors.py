"""CORS is off by default; an explicit allow-list when configured; credentials are never allowed."""

from __future__ import annotations

from caucasus_kg.graph import KnowledgeGraph

from .conftest import POINT, client_for

PREFLIGHT = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "Authorization, Content-Type"}


def test_off_by_default(bundled_kg: KnowledgeGraph) -> None:
    client = client_for(bundled_kg)
    response = client.get("/sparql", params={"query": POINT}, headers={"Origin": "https://app.example"})
    assert response.status_code == 200
    assert not any(h.startswith("access-control-") for h in response.headers)
    assert "access-control-allow-origin" not in client.options("/sparql", headers=PREFLIGHT).headers


def test_allow_list(bundled_kg: KnowledgeGraph) -> None:
    client = client_for(bundled_kg, cors_origins=("https://app.example",))
    allowed = client.get("/sparql", params={"query": POINT}, headers={"Origin": "https://app.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "x-ckg-truncated" in allowed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    other = client.get("/sparql", params={"query": POINT}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options("/sparql", headers=PREFLIGHT)
    assert preflight.status_code == 200 and "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers


def test_wildcard_never_with_credentials(bundled_kg: KnowledgeGraph) -> None:
    client = client_for(bundled_kg, cors_origins=("*",))
    response = client.get("/api/stats", headers={"Origin": "https://any.example", "Cookie": "a=b"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "access-control-allow-credentials" not in client.options("/sparql", headers=PREFLIGHT).headers
