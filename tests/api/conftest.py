"""Fixtures of the HTTP tests: apps over the session's graphs, a real server on a free loopback port, canaries."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from caucasus_kg.api import create_app
from caucasus_kg.graph import KnowledgeGraph, Settings

TOKEN = "s3cret-token-for-tests"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
POINT = "SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }"
TURKEY = "https://w3id.org/caucasus-kg/id/Turkey"


def client_for(kg: KnowledgeGraph, **settings: object) -> TestClient:
    """A TestClient of an app that serves ``kg`` with these settings (the graph's own for the rest)."""
    return TestClient(create_app(kg=kg, settings=kg.settings.replace(**settings)))


@pytest.fixture(scope="session")
def client(bundled_kg: KnowledgeGraph) -> TestClient:
    """The bundled graph behind the app, default settings (no token: writes refused)."""
    return TestClient(create_app(kg=bundled_kg))


@pytest.fixture(scope="module")
def worker_kg() -> Iterator[KnowledgeGraph]:
    """The bundled graph whose queries run in 2 worker processes, with a 1 s time limit."""
    kg = KnowledgeGraph.open(settings=Settings(query_workers=2, query_timeout=1.0))
    kg.query("ASK {}")  # start the workers
    yield kg
    kg.close()


@contextlib.contextmanager
def live_server(app: object) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free port of 127.0.0.1; yield its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture(scope="module")
def live_url(bundled_kg: KnowledgeGraph) -> Iterator[str]:
    """A real uvicorn server of the bundled graph, for real clients."""
    with live_server(create_app(kg=bundled_kg)) as url:
        yield url


class Canary:
    """A loopback HTTP server and a local file (a FIFO) that count every request and every open for reading."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _hit(self) -> None:
                canary.hits.append(f"{self.command} {self.path}")
                body = b"<http://canary/s> <http://canary/p> <http://canary/o> ."
                self.send_response(200)
                self.send_header("Content-Type", "application/n-triples")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _hit

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        self.dir = tempfile.mkdtemp(prefix="ckg-canary-")
        self.path = Path(self.dir) / "secret.nt"
        os.mkfifo(self.path)
        self.file_url = self.path.as_uri()
        self.reads = 0
        self._stop = threading.Event()
        threading.Thread(target=self._watch_fifo, daemon=True).start()

    def _watch_fifo(self) -> None:
        # Opening a FIFO for writing without blocking succeeds only while a reader has it open.
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.005)
                continue
            self.reads += 1
            with contextlib.suppress(OSError):
                os.write(fd, b"<http://canary/s> <http://canary/p> <http://canary/file> .\n")
            os.close(fd)
            time.sleep(0.05)

    @property
    def touched(self) -> bool:
        time.sleep(0.02)  # let a late request or open land before we look
        return bool(self.hits) or self.reads > 0

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        with contextlib.suppress(OSError):
            self.path.unlink()
            os.rmdir(self.dir)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    """One canary per module: any touch fails that test and every later one of the module."""
    c = Canary()
    yield c
    c.close()


@pytest.fixture
def fresh_canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()
