"""A real Oxigraph SPARQL server for the external-store tests, and stand-in servers that misbehave.

``oxigraph serve`` comes from the PyPI package ``oxigraph`` (the ``test`` extra).
Each server binds a free loopback port and is stopped by its PID.

Test modules load this file by path (the tests folders are not packages)::

    server = load_helper()
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` process."""

    process: subprocess.Popen
    port: int
    location: Path

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/update"

    def update(self, sparql: str) -> None:
        """Send a SPARQL update directly (test set-up, bypassing our client)."""
        request = urllib.request.Request(
            self.update_url, data=sparql.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of this environment (fails the test run when missing)."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        import pytest

        pytest.fail("the `oxigraph` command is missing: pip install -e '.[test]' installs it (package `oxigraph`)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path, *, timeout_s: int = 30) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` on a free loopback port with its data in ``location``; stop it by PID."""
    binary = oxigraph_binary()
    for _ in range(5):  # another process may grab the port between free_port() and bind
        port = free_port()
        log = open(location.parent / f"{location.name}-{port}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        if _wait_ready(process, port):
            break
        _stop(process)
        log.close()
    else:  # pragma: no cover - the machine is unusable
        raise RuntimeError(f"oxigraph serve did not start; see {log.name}")
    try:
        yield OxigraphServer(process, port, location)
    finally:
        _stop(process)
        log.close()


def _wait_ready(process: subprocess.Popen, port: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait(timeout=10)


class _StubHandler(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the server's canned status and body, after its delay."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        stub: StubServer = self.server.stub  # type: ignore[attr-defined]
        if stub.hang.wait(stub.delay):
            return  # released: drop the connection without an answer
        body = stub.body.encode()
        self.send_response(stub.status)
        self.send_header("Content-Type", stub.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class StubServer:
    """A loopback HTTP server with a fixed answer: an error status, a slow or a hanging endpoint."""

    status: int = 200
    body: str = ""
    content_type: str = "text/plain"
    delay: float = 0.0
    port: int = 0

    def __post_init__(self) -> None:
        self.hang = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@contextmanager
def stub_server(**answer: object) -> Iterator[StubServer]:
    """Run a :class:`StubServer` in a thread for the duration of the block."""
    stub = StubServer(**answer)  # type: ignore[arg-type]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
    httpd.daemon_threads = True
    httpd.stub = stub  # type: ignore[attr-defined]
    stub.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.hang.set()
        httpd.shutdown()
        httpd.server_close()
