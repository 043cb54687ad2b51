"""Every docstring Example in the package runs and passes (imported through ``caucasus_kg.``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import tomllib
from pathlib import Path

import pytest

# Entry points that act when imported, not libraries.
SKIP = {"caucasus_kg.api.__main__"}

PACKAGES = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
MODULES = sorted(
    {package for package in PACKAGES}
    | {
        f"{package}.{info.name}"
        for package in PACKAGES
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
        if not info.ispkg
    }
    - SKIP
)


def test_the_walk_finds_the_packages() -> None:
    assert {"caucasus_kg.graph.knowledge_graph", "caucasus_kg.graph.formats", "caucasus_kg.api.cli"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0
