"""The analytics modules' public surface: sorted, and every function documented with Examples.

(The Examples themselves run in tests/test_doctests.py.)
"""

from __future__ import annotations

import importlib

import pytest

MODULES = ["analysis", "balance", "centrality", "communities", "graph_export", "paths", "projection", "temporal"]


@pytest.mark.parametrize("name", MODULES)
def test_public_surface_is_sorted_and_documented(name: str) -> None:
    module = importlib.import_module(f"caucasus_kg.graph.{name}")
    assert module.__all__ == sorted(module.__all__)
    for attr in module.__all__:
        obj = getattr(module, attr)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__ and "Examples" in obj.__doc__, f"{name}.{attr} needs a docstring with Examples"
