"""Dependencies of the routes, as ``Annotated`` aliases: the graph, the settings, write access.

The app's lifespan builds one :class:`KnowledgeGraph` and keeps it on
``app.state``; these read it from there, so tests can pass their own graph to
``create_app(kg=...)`` or replace a dependency with ``app.dependency_overrides``.

The dependencies are ``async def`` although they never wait: FastAPI runs a
plain ``def`` dependency in the thread pool, and those hops (one per
dependency) cost more than a point lookup. The SPARQL endpoint, the hot path,
calls :func:`graph_of` and :func:`settings_of` directly: solving even async
dependencies was 40% of its time in the framework.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from ..graph import KnowledgeGraph, Settings
from .errors import HTTPError

__all__ = ["GraphDep", "SettingsDep", "WriterDep", "check_write_token", "get_graph", "get_settings", "graph_of",
           "settings_of"]


def graph_of(request: Request) -> KnowledgeGraph:
    """The app's one KnowledgeGraph (503 while the server is starting or stopping)."""
    kg = getattr(request.app.state, "kg", None)
    if kg is None:
        raise HTTPError(503, "the graph is not loaded (the server is starting or stopping)")
    return kg


def settings_of(request: Request) -> Settings:
    """The app's settings (limits, update token, CORS)."""
    return request.app.state.settings


async def get_graph(request: Request) -> KnowledgeGraph:
    """The dependency form of :func:`graph_of`."""
    return graph_of(request)


async def get_settings(request: Request) -> Settings:
    """The dependency form of :func:`settings_of`."""
    return settings_of(request)


def check_write_token(request: Request, settings: Settings) -> None:
    """Allow a write only with the configured update token sent as ``Authorization: Bearer <token>``.

    Raises 403 when the server has no token (writes are disabled) and 401 when
    the request has none or a wrong one; tokens are compared in constant time.
    """
    if not settings.update_token:
        raise HTTPError(
            403,
            "writes are disabled on this server: no update token is configured (set CKG_UPDATE_TOKEN or --update-token)",
            code="writes_disabled",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPError(
            401,
            "this write needs the update token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="caucasus-kg"'},
        )
    if not hmac.compare_digest(token.strip().encode("utf-8"), settings.update_token.encode("utf-8")):
        raise HTTPError(
            401,
            "the update token is not valid",
            headers={"WWW-Authenticate": 'Bearer realm="caucasus-kg", error="invalid_token"'},
        )


async def require_writer(request: Request) -> None:
    check_write_token(request, settings_of(request))


GraphDep = Annotated[KnowledgeGraph, Depends(get_graph)]
"""The app's KnowledgeGraph."""
SettingsDep = Annotated[Settings, Depends(get_settings)]
"""The app's Settings."""
WriterDep = Annotated[None, Depends(require_writer)]
"""Present on routes that write: refuses the request (401/403) without the update token."""
