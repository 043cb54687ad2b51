"""ckg commands: server (registered on caucasus_kg.api.cli.main).

``ckg serve`` builds the settings from its flags and the ``CKG_*`` environment
(flags win), then runs :func:`caucasus_kg.api.create_app` under uvicorn. The app's
lifespan opens the graph once; Ctrl-C stops the server and closes the graph.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..graph import Settings
from .cli import backend_option, main, store_option

__all__: list[str] = []


@main.command()
@click.option("--host", default=None, help="Address to bind (default CKG_HOST or 127.0.0.1: loopback only).")
@click.option("--port", type=int, default=None, help="Port (default CKG_PORT or 8000).")
@store_option
@backend_option
@click.option("--query-timeout", type=float, default=None, help="Time limit of one query, in seconds (default 5).")
@click.option("--max-rows", type=int, default=None, help="Most rows one query returns (default 10000).")
@click.option("--max-body-bytes", type=int, default=None, help="Largest request body, in bytes (default 1 MiB).")
@click.option("--query-workers", type=int, default=None,
              help="Worker processes that run queries and are killed at the time limit (default 2; 0: threads).")
@click.option("--update-token", default=None,
              help="Bearer token that enables SPARQL Update and Graph Store writes (prefer CKG_UPDATE_TOKEN: "
                   "flags show in the process list).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow this origin by CORS; repeat for several. Default: CORS off.")
@click.option("--allow-service", is_flag=True, default=None,
              help="Allow SERVICE, LOAD and FROM of graphs outside the store (off: refused).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="uvicorn's log level.")
def serve(
    host: str | None,
    port: int | None,
    store: Path | None,
    backend: str | None,
    query_timeout: float | None,
    max_rows: int | None,
    max_body_bytes: int | None,
    query_workers: int | None,
    update_token: str | None,
    cors_origins: tuple[str, ...],
    allow_service: bool | None,
    log_level: str,
) -> None:
    """Serve the graph over HTTP: SPARQL at /sparql, the JSON API under /api, pages at /, docs at /docs."""
    import uvicorn

    from .app import create_app

    settings = Settings.from_env(
        host=host,
        port=port,
        store=store,
        backend=backend,
        query_timeout=query_timeout,
        max_rows=max_rows,
        max_body_bytes=max_body_bytes,
        query_workers=query_workers,
        update_token=update_token,
        cors_origins=cors_origins or None,
        allow_service=allow_service,
    )
    click.echo(f"ckg: serving on http://{settings.host}:{settings.port}/ (SPARQL at /sparql, API docs at /docs)",
               err=True)
    uvicorn.run(create_app(settings=settings), host=settings.host, port=settings.port, log_level=log_level)
