"""Fixtures of the viz tests: the hostile graph (labels and quotes that try to run script) and an HTML parser."""

from __future__ import annotations

import importlib.util
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_hostile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ckg_hostile_kg", FIXTURES / "hostile_kg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="session")
def hostile():
    """The module with the payloads (``hostile.PAYLOADS``) and ``build()``."""
    return load_hostile()


@pytest.fixture(scope="session")
def hostile_kg(hostile):
    """The bundled graph plus hostile entities, source and claims (memory backend). Read-only."""
    return hostile.build()


class Page(HTMLParser):
    """Every element of a page with its attributes, the text of each script, and the <title> text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        self.tags.append((tag, attrs_d))
        if tag in ("script", "style", "title"):
            self._in, self._attrs, self._buf = tag, attrs_d, []

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag == "script":
                self.scripts.append((self._attrs, text))
            elif tag == "style":
                self.styles.append(text)
            else:
                self.title = text
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


@pytest.fixture
def parse():
    return Page
