"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the running app.

The app serves the bundled graph plus hostile entities (see tests/fixtures/hostile_kg.py)
on a free loopback port, from a uvicorn server in a thread. Every page gets a fresh
browser context in which any request to another host is aborted and recorded; console
errors, page errors, failed requests, error responses and dialogs are recorded too, so
each test can assert there were none. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CKG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def _chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM} (install Debian's chromium: make chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (make chromium) to run the browser tests")


def _load_hostile():
    spec = importlib.util.spec_from_file_location("ckg_hostile_kg", ROOT / "fixtures" / "hostile_kg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="session")
def hostile():
    return _load_hostile()


@pytest.fixture(scope="session")
def kg(hostile):
    """The served graph (read-only): the bundled graph plus the hostile entities, on the server's default backend."""
    return hostile.build(backend="oxigraph")


@dataclass
class Server:
    url: str
    host: str
    port: int


@pytest.fixture(scope="session")
def server(kg):
    """The app on 127.0.0.1 on a free port, in a thread; stopped at the end of the session."""
    import uvicorn

    from caucasus_kg.api.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(kg=kg), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, name="ckg-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", "127.0.0.1", port)
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh, temporary user-data dir.
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@dataclass
class Watch:
    """What a page did that it should not: each list must stay empty."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {k: v for k, v in vars(self).items() if v and k != "requests"}


@pytest.fixture
def watched(browser, server, request):
    """(page, watch): a fresh context that can reach only the test server (or file: URLs)."""
    context = browser.new_context(viewport={"width": 1400, "height": 860}, accept_downloads=True)
    watch = Watch()
    context.set_default_timeout(20_000)

    def route(r):
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme == "file" or (parts.hostname == server.host and parts.port == server.port):
            r.continue_()
        else:
            watch.external.append(url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: watch.failed.append(f"{r.url}: {r.failure}"))
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("response", lambda r: watch.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def dialog(d):
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    yield page, watch
    context.close()


@pytest.fixture
def shoot():
    """``shoot(page, name)`` saves a screenshot as tests/artifacts/<name>.png."""

    def screenshot(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return screenshot
