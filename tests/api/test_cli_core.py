"""The core CLI commands: stats, query, entity, export, validate — and their bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from caucasus_kg.api.cli import main
from caucasus_kg.graph import KnowledgeGraph


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def test_stats(runner: CliRunner) -> None:
    result = run(runner, "stats", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["sources"] == 2 and data["entities_by_type"]["country"] >= 7


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "https://w3id.org/caucasus-kg/id/Turkey"),
        ("csv", "ally\nhttps://w3id.org/caucasus-kg/id/Turkey"),
        ("tsv", "?ally\n<https://w3id.org/caucasus-kg/id/Turkey>"),
        ("json", '"value":"https://w3id.org/caucasus-kg/id/Turkey"'),
        ("xml", "<uri>https://w3id.org/caucasus-kg/id/Turkey</uri>"),
    ],
)
def test_query_formats(runner: CliRunner, fmt: str, expected: str) -> None:
    result = run(runner, "query", "SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }", "--format", fmt)
    assert result.exit_code == 0
    output = result.output.replace("\r\n", "\n")
    assert expected in (output.replace(" ", "") if fmt == "json" else output)


def test_query_from_stdin_and_ask(runner: CliRunner) -> None:
    result = run(runner, "query", "-", input="ASK { ckr:Alexei_Dyumin ckg:envoyOf ckr:Russia }")
    assert result.exit_code == 0 and result.output.strip() == "true"


def test_construct_as_turtle(runner: CliRunner) -> None:
    result = run(runner, "query", "CONSTRUCT { ?s ckg:alliedWith ?o } WHERE { ?s ckg:alliedWith ?o }", "--format", "ttl")
    assert len(Graph().parse(data=result.output, format="turtle")) == 1


def test_entity(runner: CliRunner) -> None:
    result = run(runner, "entity", "the Kremlin")
    assert result.exit_code == 0
    assert result.output.startswith("Russia  (country)")
    assert "\u201cTurkey, a key ally of Azerbaijan\u201d" not in result.output  # that fact is Azerbaijan's
    assert "Russia views Turkey's increasing influence in the region with some concern" in result.output
    data = json.loads(run(runner, "entity", "Azerbaijan", "--json").output)
    quotes = {c["quote"] for f in data["facts"] for c in f["claims"]}
    assert "Turkey, a key ally of Azerbaijan" in quotes


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "jsonld", "xml"])
def test_export_to_file(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    assert run(runner, "export", "--format", fmt, "-o", str(out)).exit_code == 0
    assert len(KnowledgeGraph.open(out)) == len(KnowledgeGraph.open())
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_validate_bundled_conforms(runner: CliRunner) -> None:
    result = run(runner, "validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Conforms")


def test_validate_names_the_claim_whose_quote_was_altered(runner: CliRunner, tmp_path: Path) -> None:
    kg = KnowledgeGraph.open()
    (claim,) = kg.claims(subject="Azerbaijan", predicate="alliedWith")
    data = kg.export("nt").decode().replace('"Turkey, a key ally of Azerbaijan"', '"Turkey, the key ally of Azerbaijan"')
    copy = tmp_path / "copy.nt"
    copy.write_text(data)
    result = run(runner, "validate", str(copy))
    assert result.exit_code == 1
    assert claim.iri in result.output and "quote" in result.output
    assert result.output.count("\n- ") == 1


def test_validate_reports_shacl_problems(runner: CliRunner, tmp_path: Path) -> None:
    copy = tmp_path / "copy.nt"
    kept = [line for line in KnowledgeGraph.open().export("nt").decode().splitlines()
            if "caucasus-kg/ontology#confidence>" not in line]
    copy.write_text("\n".join(kept) + "\n")
    result = run(runner, "validate", str(copy))
    assert result.exit_code == 1 and "confidence" in result.output


# Bad input: one clear line on stderr, a non-zero exit, never a traceback (run as a real process).
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "SELEC nonsense"], 4, "not a SPARQL query"),
        (["query", "SELECT ?x WHERE { ?x ?y }"], 4, "malformed SPARQL"),
        (["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 4, "SERVICE"),
        (["entity", "Atlantis"], 6, "no entity matches 'Atlantis'"),
        (["export", "--format", "docx"], 2, "unknown RDF format"),
        (["validate", "/nonexistent/file.ttl"], 3, "no such file"),
    ],
)
def test_bad_input_one_line_no_traceback(args: list[str], code: int, message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "caucasus_kg.api", *args], capture_output=True, text=True)
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    proc = subprocess.run([sys.executable, "-m", "caucasus_kg.api", "validate", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 3 and "bad.ttl" in proc.stderr and "line 2" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_command_has_help(runner: CliRunner) -> None:
    for name, command in main.commands.items():
        assert command.help, f"ckg {name} has no help"
        assert run(runner, name, "--help").exit_code == 0
