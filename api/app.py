"""The HTTP API: :func:`create_app` builds a FastAPI app around one KnowledgeGraph.

Nothing happens at import time. ``create_app()`` returns an app whose lifespan
opens the graph described by its settings (:meth:`KnowledgeGraph.from_settings`)
once, and closes it at shutdown; ``create_app(kg=...)`` serves a graph the caller
owns (tests, embedding). Routes (one module per resource in ``routes/``) get the
graph and the settings through the dependencies of :mod:`caucasus_kg.api.deps`.

Everything that computes runs in the thread pool or in the graph's query
worker processes, never on the event loop. Limits come from the settings:
``query_timeout`` and ``max_rows`` for queries, ``max_body_bytes`` for request
bodies (413), ``cors_origins`` for CORS (off when empty; credentials never
allowed), ``update_token`` for writes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..graph import KnowledgeGraph, Settings
from .errors import error_body, install_error_handlers

__all__ = ["DEFAULT_SERVER_WORKERS", "BodyTooLarge", "create_app"]

DEFAULT_SERVER_WORKERS = 2
"""Query worker processes of the server when ``settings.query_workers`` is unset."""

_DESCRIPTION = """
A knowledge graph of South Caucasus relations, with provenance for every fact.

* **SPARQL 1.1 Protocol** at `/sparql` (GET, POST form, POST `application/sparql-query`;
  updates with the update token) and the **Graph Store Protocol** at `/store`.
* **JSON API** under `/api/`: entities, facts with their quotes and sources, paths,
  neighbours, centrality, communities, structural balance, diffs, statistics, export.

Every error has one shape: `{"error": {"status": 400, "code": "query_error", "message": "..."}}`.
The machine-readable description of this API is `/openapi.json`.
"""


class BodyTooLarge(Exception):
    """A request body past ``settings.max_body_bytes``."""


class _BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413, by Content-Length or while they stream."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await _send_json(send, 413, error_body(413, "payload_too_large", self._message()))
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self._message())
            return message

        await self.app(scope, limited, send)

    def _message(self) -> str:
        return f"the request body is larger than the limit of {self.limit} bytes (max_body_bytes)"


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                        (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _server_settings(settings: Settings) -> Settings:
    if settings.query_workers is None:
        return settings.replace(query_workers=DEFAULT_SERVER_WORKERS)
    return settings


def create_app(kg: KnowledgeGraph | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app.

    Parameters
    ----------
    kg
        A graph to serve; the caller keeps it open and closes it. None: the
        lifespan opens ``KnowledgeGraph.from_settings(settings)`` at startup
        (with ``query_workers`` worker processes, 2 when unset) and closes it at
        shutdown.
    settings
        HTTP limits, update token, CORS origins. Default: ``kg.settings``, or
        ``Settings.from_env()`` when no graph is given.
    """
    if settings is None:
        settings = kg.settings if kg is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if kg is not None:
            app.state.kg = kg
            yield
            return
        graph = await run_in_threadpool(KnowledgeGraph.from_settings, _server_settings(settings))
        try:
            await run_in_threadpool(graph.query, "ASK {}")  # starts the query workers before the first request
            app.state.kg = graph
            yield
        finally:
            app.state.kg = None
            await run_in_threadpool(graph.close)

    app = FastAPI(
        title="caucasus-kg",
        description=_DESCRIPTION,
        version=_version(),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.kg = kg
    install_error_handlers(app)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=False,  # bearer tokens, no cookies: never credentials, with or without '*'
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Authorization", "Content-Type"],
            expose_headers=["X-CKG-Truncated", "X-CKG-Rows", "X-CKG-Max-Rows"],
        )
    app.add_middleware(_BodyLimit, limit=settings.max_body_bytes)

    from .routes import analytics, entities, export, facts, pages, sparql, stats, store

    for module in (sparql, store, entities, facts, stats, export, analytics, pages):
        app.include_router(module.router)
    _add_docs(app)
    return app


async def _body_too_large(request: Any, exc: Exception):
    from .errors import error_response

    return error_response(413, "payload_too_large", str(exc), {"connection": "close"})


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the assets of the swagger-ui-bundle package: no CDN, works offline."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a dependency; /openapi.json still documents the API
        return
    from starlette.staticfiles import StaticFiles

    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="caucasus-kg API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("caucasus-kg")
    except PackageNotFoundError:  # pragma: no cover - not installed
        return "0"
