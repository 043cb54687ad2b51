"""`ckg serve` starts uvicorn with the app factory (settings from flags and CKG_* variables), answers
SPARQL as CSV like the README's curl example, and stops cleanly on Ctrl-C with its query workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from caucasus_kg.api.cli import main

from .conftest import POINT, TURKEY

CKG = Path(sys.executable).with_name("ckg")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_serve_help_lists_the_settings() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in ("--host", "--port", "--store", "--backend", "--query-timeout", "--max-rows", "--update-token",
                 "--cors-origin", "--allow-service", "--query-workers", "--max-body-bytes"):
        assert flag in result.output


def test_serve_answers_csv_and_stops_on_ctrl_c() -> None:
    port = _free_port()
    env = {**os.environ, "CKG_MAX_ROWS": "7"}
    server = subprocess.Popen([str(CKG), "serve", "--port", str(port), "--query-workers", "1", "--log-level", "warning"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"{base}/sparql", params={"query": POINT}, headers={"Accept": "text/csv"}, timeout=10)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert response.text.splitlines() == ["ally", TURKEY]
        capped = httpx.get(f"{base}/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, timeout=10)
        assert capped.headers["x-ckg-max-rows"] == "7"  # CKG_MAX_ROWS reached the app
        workers = _children(server.pid)
        assert len(workers) == 1
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "Traceback" not in err
    time.sleep(0.2)
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}"), "a query worker outlived the server"
