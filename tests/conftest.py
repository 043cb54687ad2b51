"""Shared fixtures: the bundled graph is parsed once per session, per backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from caucasus_kg.graph import KnowledgeGraph

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE_ID = "000_4fb1f75b4de7c57b"


@pytest.fixture(scope="session")
def bundled_kg() -> KnowledgeGraph:
    """The bundled graph on the default (Oxigraph) backend. Read-only: do not write to it."""
    return KnowledgeGraph.open()


@pytest.fixture(scope="session", params=["oxigraph", "memory"])
def any_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """The bundled graph on each backend in turn. Read-only."""
    return KnowledgeGraph.open(backend=request.param)


@pytest.fixture(params=["oxigraph", "memory"])
def fresh_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """A new bundled graph on each backend, for tests that write."""
    return KnowledgeGraph.open(backend=request.param)
