"""README documents every setting and every command (the docs cannot drift from the code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caucasus_kg.api.cli import main
from caucasus_kg.graph import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", [env for env, _, _ in Settings.documentation()])
def test_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_command_is_documented(command: str) -> None:
    assert f"`ckg {command}" in README


@pytest.mark.parametrize("phrase", ["make run", "make test", "make bench", "import caucasus_kg"])
def test_readme_shows_the_ways_in(phrase: str) -> None:
    assert phrase in README
