"""The ingest, accept and import-events commands: outputs, exit codes and an unchanged store on bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from caucasus_kg.api.cli import main
from caucasus_kg.api.cli_ingest import _ProgressBar
from caucasus_kg.graph import KnowledgeGraph

from ..conftest import FIXTURES

ARTICLE = FIXTURES / "article_peace_talks.txt"
ICEWS = FIXTURES / "icews_south_caucasus_slice.tsv"
TRUNCATED = FIXTURES / "icews_truncated.tsv"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def store_snapshot(store: Path) -> tuple[int, str]:
    with KnowledgeGraph.open(store=store) as kg:
        return len(kg), hashlib.sha256(b"\n".join(sorted(kg.export("nt").splitlines()))).hexdigest()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    with KnowledgeGraph.open(store=path):
        pass
    return path


def test_commands_are_documented() -> None:
    for command in ("ingest", "accept", "import-events"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--store" in result.output
    assert "--accept-above" in run("ingest", "--help").output
    assert "--format" in run("import-events", "--help").output


def test_ingest_prints_a_json_review_and_changes_nothing(store: Path) -> None:
    before = store_snapshot(store)
    result = run("ingest", ARTICLE, "--store", store, "--title", "Peace talks (fixture)", "--date", "2023-05-15")
    assert result.exit_code == 0, result.stderr
    review = json.loads(result.stdout)
    assert review["format"] == "caucasus-kg/review" and review["document"]["title"] == "Peace talks (fixture)"
    assert review["candidates"] and all(c["accept"] for c in review["candidates"])
    assert "unknown actor 'Hovik Abrahamyan'" in result.stderr
    assert store_snapshot(store) == before


def test_ingest_accept_and_accept_again(store: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.json"
    result = run("ingest", ARTICLE, "--store", store, "-o", review, "--title", "Peace talks (fixture)")
    assert result.exit_code == 0 and review.is_file()
    assert f"ckg accept {review}" in result.stderr
    data = json.loads(review.read_text())
    data["candidates"][0]["accept"] = False  # the reviewer rejects one
    review.write_text(json.dumps(data))
    first = run("accept", review, "--store", store, "--json")
    assert first.exit_code == 0
    report = json.loads(first.stdout)
    assert report["rejected"] == 1 and report["claims_added"] == len(data["candidates"]) - 1 and report["source_added"]
    again = run("accept", review, "--store", store)
    assert again.exit_code == 0 and "0 triples added" in again.stdout
    query = run(
        "query", 'SELECT ?q WHERE { ?c ckg:pattern "closure.verb" ; ckg:quote ?q }', "--store", store, "--format", "csv"
    )
    assert "Azerbaijan blockaded the Lachin corridor" in query.stdout


def test_ingest_turtle_review(store: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.ttl"
    result = run("ingest", ARTICLE, "--store", store, "-o", review)
    assert result.exit_code == 0
    text = review.read_text()
    assert text.startswith("# caucasus-kg review file") and "a ckg:Claim" in text
    assert run("accept", review, "--store", store).exit_code == 0


def test_accept_above_merges_the_confident_ones(tmp_path: Path) -> None:
    store = tmp_path / "store"
    rest = tmp_path / "rest.json"
    result = run("ingest", ARTICLE, "--store", store, "--accept-above", "0.8", "-o", rest)
    assert result.exit_code == 0, result.stderr
    assert "accepted" in result.stderr and "confidence >= 0.8" in result.stderr
    left = json.loads(rest.read_text())["candidates"]
    assert left and all(c["confidence"] < 0.8 for c in left)
    with KnowledgeGraph.open(store=store) as kg:
        extracted = [c for c in kg.claims() if c.method == "extracted"]
        assert extracted and all(c.confidence >= 0.8 for c in extracted)


def test_accept_above_without_a_store_says_so() -> None:
    result = run("ingest", ARTICLE, "--accept-above", "0.9")
    assert result.exit_code == 0
    assert "no --store given" in result.stderr


def test_import_events_and_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run("import-events", ICEWS, "--store", store)
    assert first.exit_code == 0, first.stderr
    assert "imported icews_south_caucasus_slice.tsv (ICEWS, 213 rows)" in first.stdout
    before = store_snapshot(store)
    again = run("import-events", ICEWS, "--store", store, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["already_imported"] is True
    assert store_snapshot(store) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import-events", TRUNCATED], "icews_truncated.tsv: line 7: truncated or malformed row"),
        (["import-events", ARTICLE], "line 1: not an ICEWS or GDELT event file"),
        (["import-events", FIXTURES / "gdelt_south_caucasus_slice.tsv", "--format", "icews"], "the header is GDELT's"),
        (["ingest", ICEWS.with_name("nope.txt")], "nope.txt: no such file"),
        (["accept", ARTICLE], "not a caucasus-kg review file"),
    ],
)
def test_bad_input_exits_3_and_leaves_the_store(store: Path, args: list, message: str) -> None:
    before = store_snapshot(store)
    result = run(*args, "--store", store)
    assert result.exit_code == 3
    assert message in result.stderr and "Traceback" not in result.output
    assert store_snapshot(store) == before


def test_binary_and_non_utf8_files(store: Path, tmp_path: Path) -> None:
    before = store_snapshot(store)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(ICEWS.read_bytes()[:200] + "\ncaf\u00e9".encode("latin-1"))
    for args, message in (
        (["ingest", binary], "binary"),
        (["import-events", binary], "binary"),
        (["import-events", latin], "not valid UTF-8"),
    ):
        result = run(*args, "--store", store)
        assert result.exit_code == 3 and message in result.stderr
    assert store_snapshot(store) == before


def test_unknown_format_is_a_usage_error() -> None:
    result = run("import-events", ICEWS, "--format", "csv")
    assert result.exit_code == 2 and "csv" in result.stderr


def test_progress_bar_appears_only_after_the_delay() -> None:
    quiet = _ProgressBar(delay=3600, force=True)
    quiet("checking rows", 10, 100)
    assert quiet.bar is None
    piped = _ProgressBar(delay=0)  # pytest's stderr is no terminal: no bar
    piped("checking rows", 10, 100)
    assert piped.bar is None
    shown = _ProgressBar(delay=0, force=True)
    try:
        shown("checking rows", 10, 100)
        shown("storing", 0, 1)
        assert shown.bar is not None and set(shown.tasks) == {"checking rows", "storing"}
        assert shown.bar.tasks[shown.tasks["checking rows"]].completed == 100  # a finished stage is drawn full
    finally:
        shown.close()
