"""JSON answers of the routes: the bytes of the core's :func:`~caucasus_kg.graph.to_json` in a Response.

Routes keep ``response_model`` for the OpenAPI schema; the tests check real
answers against those models (``tests/api/test_rest.py``), so answers are not
validated again per request, and orjson writes the core's dataclasses directly
(a path answer with its quotes: 0.08 ms instead of 1.4 ms through dicts and
``json``).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..graph import to_json

__all__ = ["JSONBytes", "json_answer"]


class JSONBytes(Response):
    """A response whose body is JSON already written."""

    media_type = "application/json"


def json_answer(obj: Any) -> JSONBytes:
    """``obj`` (core objects, lists and dicts of them) as a JSON response."""
    return JSONBytes(to_json(obj))
