"""The one place that turns core objects into plain dicts (for JSON, the CLI and pages)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Claim, Entity, EntityRef, Fact, QueryResult, Stats

__all__ = ["to_dict"]


def to_dict(obj: Any) -> Any:
    """A JSON-ready form of an Entity, Fact, Claim, Stats, QueryResult, ValidationReport or a list of them.

    Examples
    --------
    >>> from caucasus_kg.graph.model import EntityRef
    >>> to_dict(EntityRef("https://w3id.org/caucasus-kg/id/Baku", "Baku", "Baku"))
    {'iri': 'https://w3id.org/caucasus-kg/id/Baku', 'id': 'Baku', 'label': 'Baku'}
    """
    if isinstance(obj, (list, tuple)):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, QueryResult):
        return _query_result(obj)
    if isinstance(obj, (Entity, EntityRef, Fact, Claim, Stats)):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if hasattr(obj, "conforms"):
            out["conforms"] = obj.conforms
        return out
    return obj


def _query_result(result: QueryResult) -> dict[str, Any]:
    if result.type == "ASK":
        return {"type": "ASK", "boolean": result.boolean}
    if result.type == "SELECT":
        return {"type": "SELECT", "variables": list(result.variables), "rows": result.values(), "truncated": result.truncated}
    return {
        "type": result.type,
        "triples": [[str(t) for t in triple] for triple in result.triples],
        "truncated": result.truncated,
    }
