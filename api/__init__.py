"""Adapters over the core: the ``ckg`` command line and the HTTP API (:func:`create_app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from .app import create_app


def __getattr__(name: str) -> Any:
    # FastAPI is imported when the app is asked for, not when the CLI starts.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
