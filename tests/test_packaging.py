"""Packaging: every mapped folder is a listed package, and the built wheel holds code and data."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_fixed_top_level_folders_are_mapped(setuptools_config: dict) -> None:
    mapping = setuptools_config["package-dir"]
    for folder in ("graph", "ontology", "api", "viz", "data"):
        assert mapping[f"caucasus_kg.{folder}"] == folder


def test_every_python_folder_is_a_listed_package(setuptools_config: dict) -> None:
    listed = set(setuptools_config["packages"])
    found = set()
    for package, folder in setuptools_config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert found == listed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("caucasus_kg-*.whl")
    return wheel


def test_wheel_holds_every_module_and_data_file(wheel: Path, setuptools_config: dict) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for package, folder in setuptools_config["package-dir"].items():
        base = ROOT / folder
        for path in base.rglob("*"):
            if path.is_file() and path.suffix in {".py", ".ttl", ".html", ".js", ".css", ".txt", ".csv", ".json", ".tsv"}:
                if "__pycache__" in path.parts:
                    continue
                expected.add("/".join([*package.split("."), *path.relative_to(base).parts]))
    assert expected - names == set()


def test_wheel_works_on_its_own(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import caucasus_kg, pathlib;"
        f"assert pathlib.Path(caucasus_kg.__file__).is_relative_to({str(tmp_path)!r}), caucasus_kg.__file__;"
        "kg = caucasus_kg.KnowledgeGraph.open();"
        "assert kg.entity('Dyumin').wikidata == 'Q2425119';"
        "assert kg.validate(shacl=False).conforms;"
        "from caucasus_kg.api.cli import main"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
