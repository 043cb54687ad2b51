"""The one place that turns core objects into plain dicts (for the CLI and pages) and JSON (for the API)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import orjson

from .model import Claim, Entity, EntityRef, Fact, QueryResult, Stats

__all__ = ["to_dict", "to_json"]


def to_dict(obj: Any) -> Any:
    """A JSON-ready form of an Entity, Fact, Claim, Stats, QueryResult, ValidationReport or a list of them.

    Examples
    --------
    >>> from caucasus_kg.graph.model import EntityRef
    >>> to_dict(EntityRef("https://w3id.org/caucasus-kg/id/Baku", "Baku", "Baku"))
    {'iri': 'https://w3id.org/caucasus-kg/id/Baku', 'id': 'Baku', 'label': 'Baku'}
    """
    if isinstance(obj, _SCALARS):  # most values: tested first
        return obj
    if isinstance(obj, (list, tuple)):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, QueryResult):
        return _query_result(obj)
    shape = _shape(type(obj))
    if shape is None:
        return obj
    names, extra = shape
    out = {name: to_dict(getattr(obj, name)) for name in names}
    for name in extra:
        out[name] = getattr(obj, name)
    return out


_SCALARS = (str, int, float, type(None))
_EXTRA_PROPERTIES = ("conforms",)  # properties that belong in the dict (ValidationReport.conforms)


@functools.cache
def _shape(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(field names, extra property names) of a dataclass type, None for other types.

    Computed once per type: ``dataclasses.fields`` per object was most of the
    time of turning a path answer into JSON.
    """
    if not dataclasses.is_dataclass(cls):
        return None
    names = tuple(f.name for f in dataclasses.fields(cls))
    return names, tuple(name for name in _EXTRA_PROPERTIES if name not in names and hasattr(cls, name))


def to_json(obj: Any) -> bytes:
    """UTF-8 JSON of ``to_dict(obj)``, written by orjson.

    orjson writes dataclasses itself, over ten times faster than building the
    dicts first. The objects whose dict form is not just their fields (a
    QueryResult, a ValidationReport with its ``conforms``) are answers of
    their own, never parts of others: at the top level, or in a top-level list
    or dict, they go through :func:`to_dict` first.

    Examples
    --------
    >>> from caucasus_kg.graph.model import EntityRef
    >>> to_json([EntityRef("https://w3id.org/caucasus-kg/id/Baku", "Baku", "Baku")])
    b'[{"iri":"https://w3id.org/caucasus-kg/id/Baku","id":"Baku","label":"Baku"}]'
    """
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else (obj,)
    if any(_special(item) for item in items):
        obj = to_dict(obj)
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def _special(obj: Any) -> bool:
    if isinstance(obj, QueryResult):
        return True
    shape = _shape(type(obj))
    return shape is not None and bool(shape[1])


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
