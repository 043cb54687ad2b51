"""One KnowledgeGraph per app and one projection per graph version: many requests of every kind open the
graph once and build the projection once; a write makes exactly one more projection."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caucasus_kg.api import create_app
from caucasus_kg.graph import KnowledgeGraph, Settings
from caucasus_kg.graph import projection as projection_module

from .conftest import POINT, TOKEN

REQUESTS = [
    ("/api/stats", {}),
    ("/api/entities", {"q": "arm"}),
    ("/api/entities/Azerbaijan", {}),
    ("/api/facts", {"subject": "Russia"}),
    ("/api/paths", {"source": "Dyumin", "target": "Turkey", "k": 2}),
    ("/api/neighbours/Turkey", {"depth": 2}),
    ("/api/centrality", {"metric": "pagerank"}),
    ("/api/communities", {}),
    ("/api/balance", {}),
    ("/api/export", {"format": "graphml"}),
    ("/sparql", {"query": POINT}),
]


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counted = {"opens": 0, "projections": 0}
    real_open = KnowledgeGraph.open.__func__
    real_build = projection_module._build_projection

    def open_(cls, *args, **kwargs):
        counted["opens"] += 1
        return real_open(cls, *args, **kwargs)

    def build(kg):
        counted["projections"] += 1
        return real_build(kg)

    monkeypatch.setattr(KnowledgeGraph, "open", classmethod(open_))
    monkeypatch.setattr(projection_module, "_build_projection", build)
    return counted


def test_many_requests_one_graph_one_projection(counts: dict[str, int]) -> None:
    app = create_app(settings=Settings(update_token=TOKEN, query_workers=0))
    assert counts["opens"] == 0  # nothing at creation
    with TestClient(app) as client:
        for _ in range(5):
            for url, params in REQUESTS:
                assert client.get(url, params=params).status_code == 200, url
        assert counts == {"opens": 1, "projections": 1}
        update = "INSERT DATA { ckr:Armenia ckg:alliedWith ckr:Georgia }"
        assert client.post("/sparql", data={"update": update},
                           headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
        for url, params in REQUESTS:
            assert client.get(url, params=params).status_code == 200, url
        assert counts == {"opens": 1, "projections": 2}
    assert app.state.kg is None  # closed at shutdown
