"""One router per resource; :func:`caucasus_kg.api.app.create_app` includes them all."""

from __future__ import annotations

from . import analytics, entities, export, facts, pages, sparql, stats, store

__all__ = ["analytics", "entities", "export", "facts", "pages", "sparql", "stats", "store"]
