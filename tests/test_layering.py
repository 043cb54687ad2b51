"""Dependencies point one way: ontology <- graph <- viz <- api; the core imports no web or terminal library."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = {
    "caucasus_kg.ontology": ["fastapi", "starlette", "uvicorn", "click", "pyvis", "rich", "caucasus_kg.api", "caucasus_kg.viz"],
    "caucasus_kg.graph": ["fastapi", "starlette", "uvicorn", "click", "pyvis", "rich", "caucasus_kg.api", "caucasus_kg.viz"],
    "caucasus_kg.viz": ["fastapi", "starlette", "uvicorn", "click", "rich", "caucasus_kg.api"],
}


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN.items())
def test_package_does_not_import(package: str, forbidden: list[str]) -> None:
    code = f"import sys, {package}; print(' '.join(m for m in {forbidden!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert out == "", f"{package} imports {out}"


@pytest.mark.parametrize("package", ["caucasus_kg", "caucasus_kg.graph", "caucasus_kg.ontology", "caucasus_kg.api", "caucasus_kg.viz"])
def test_public_surface_is_sorted_and_real(package: str) -> None:
    module = __import__(package, fromlist=["__all__"])
    names = list(module.__all__)
    assert names == sorted(names)
    assert all(hasattr(module, name) for name in names)
