"""The analytics commands of the ckg CLI: exact output on the tiny fixture, JSON, exit codes, exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from caucasus_kg.api import cli, cli_analysis
from caucasus_kg.graph import KnowledgeGraph

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"
COMMANDS = ["path", "neighbours", "centrality", "communities", "balance", "friends-of-enemies", "diff"]


@pytest.fixture()
def tiny_cli(monkeypatch: pytest.MonkeyPatch):
    """Run ckg over the tiny fixture graph instead of the bundled one."""
    opened = []

    def open_tiny(*args, **kwargs) -> KnowledgeGraph:
        opened.append(args)
        return KnowledgeGraph.open(TINY)

    monkeypatch.setattr(cli_analysis, "open_graph", open_tiny)
    monkeypatch.setattr(cli, "open_graph", open_tiny)

    def run(*args: str):
        return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)

    return run


def run_bundled(*args: str):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def test_path_dyumin_to_turkey_prints_each_relation_and_its_quote() -> None:
    result = run_bundled("path", "Dyumin", "Turkey")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Alexei Dyumin \u2192 Turkey, 2 hops"
    assert "  Azerbaijan --allied with-- Turkey  [cooperative]" in lines
    assert "      \u201cTurkey, a key ally of Azerbaijan\u201d  (000_4fb1f75b4de7c57b [6681:6713])" in lines
    relations = [line for line in lines if line.startswith("  ") and not line.startswith("      ")]
    quotes = [line for line in lines if line.startswith("      \u201c")]
    assert relations and len(quotes) >= len(relations)


def test_path_json_is_the_to_dict_of_paths() -> None:
    result = run_bundled("path", "Dyumin", "Turkey", "--undirected", "-k", "2", "--relation", "participatedIn",
                         "--relation", "alliedWith", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [[n["id"] for n in p["nodes"]] for p in data] == [["Alexei_Dyumin", "Baku_talks", "Azerbaijan", "Turkey"]]
    edge = data[0]["steps"][1]["edges"][0]
    assert (edge["direction"], edge["label"], edge["subject"]["id"]) == ("backward", "participated in", "Azerbaijan")
    assert edge["evidence"][0]["quote"].startswith("make these talks a critical moment")


def test_path_exit_codes(tiny_cli) -> None:
    no_path = tiny_cli("path", "Elbonia", "Pat")
    assert no_path.exit_code == 7
    assert no_path.stderr == "ckg: error: no directed path from 'Elbonia' to 'Pat Envoy'\n"
    unknown = tiny_cli("path", "Atlantis", "Pat")
    assert unknown.exit_code == 6 and unknown.stderr == "ckg: error: no entity matches 'Atlantis'\n"
    bad_date = tiny_cli("path", "Pat", "Avalon", "--as-of", "someday")
    assert bad_date.exit_code == 2 and "YYYY" in bad_date.stderr


def test_path_undirected_output(tiny_cli) -> None:
    result = tiny_cli("path", "Elbonia", "Pat", "--undirected")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Elbonia \u2192 Pat Envoy, 2 hops (undirected)",
        "  Elbonia --maintains relations with-- Avalon  [neutral]",
        "      \u201cAvalon maintains relations with Elbonia\u201d  (analytics_tiny [388:427])",
        "  Elbonia --pressed--> Avalon  [hostile]",
        "      \u201cIn 2022 Elbonia pressed Avalon\u201d  (analytics_tiny [356:386]; 2022)",
        "  Pat Envoy --envoy of--> Avalon  (walked backwards)  [cooperative]",
        "      \u201cPat Envoy is the envoy of Avalon\u201d  (analytics_tiny [468:500])",
    ]


@pytest.mark.parametrize(
    ("args", "expected_heads"),
    [
        (["--as-of", "2020"], ["Pat Envoy \u2192 Carpania, 3 hops"]),
        # directed: via Avalon; via Borduria; round Elbonia and Dorvia; and on through Borduria
        (["-k", "5"], ["path 1: Pat Envoy \u2192 Carpania, 2 hops", "path 2: Pat Envoy \u2192 Carpania, 3 hops",
                       "path 3: Pat Envoy \u2192 Carpania, 4 hops", "path 4: Pat Envoy \u2192 Carpania, 5 hops"]),
        (["--all", "--undirected"], ["path 1: Pat Envoy \u2192 Carpania, 2 hops (undirected)",
                                     "path 2: Pat Envoy \u2192 Carpania, 3 hops (undirected)",
                                     "path 3: Pat Envoy \u2192 Carpania, 3 hops (undirected)"]),
        (["-k", "5", "--max-hops", "2"], ["Pat Envoy \u2192 Carpania, 2 hops"]),
        (["--polarity", "cooperative", "--from", "2015", "--to", "2016"], ["Pat Envoy \u2192 Carpania, 2 hops"]),
    ],
)
def test_path_options(tiny_cli, args: list[str], expected_heads: list[str]) -> None:
    result = tiny_cli("path", "Pat", "Carpania", *args)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if not line.startswith(" ")] == expected_heads


def test_neighbours(tiny_cli) -> None:
    result = tiny_cli("neighbours", "Avalon", "--direction", "out")
    assert result.stdout.splitlines() == [
        "4 entities within 1 hop of Avalon:",
        "  0  Avalon  (country)",
        "  1  Borduria  (country)",
        "  1  Carpania  (country)",
        "  1  Elbonia  (country)",
        "6 relations:",
        "  Avalon --allied with-- Borduria  [cooperative]",
        "  Avalon --cooperates with-- Carpania  [cooperative]",
        "  Avalon --criticised--> Carpania  [hostile]",
        "  Avalon --maintains relations with-- Elbonia  [neutral]",
        "  Borduria --has tensions with-- Carpania  [hostile]",
        "  Elbonia --pressed--> Avalon  [hostile]",
    ]
    deeper = tiny_cli("neighbours", "Pat", "--depth", "2", "--json")
    data = json.loads(deeper.stdout)
    second = [n["id"] for n in data["nodes"] if n["distance"] == 2]
    assert second == ["Borduria", "Carpania", "Elbonia", "Energy", "Kivi"]
    assert all(edge["evidence"] for edge in data["edges"])
    quotes = tiny_cli("neighbours", "Kivi", "--quotes")
    assert "      \u201cKivi is the capital of Avalon\u201d  (analytics_tiny [633:662])" in quotes.stdout.splitlines()


def test_centrality(tiny_cli) -> None:
    result = tiny_cli("centrality", "--metric", "betweenness", "--top", "3")
    assert result.stdout.splitlines() == [
        "  1      0.3495  Avalon       (country)",
        "  2      0.2361  Borduria     (country)",
        "  3      0.2153  Kivi summit  (visit or talks)",
    ]
    persons = json.loads(tiny_cli("centrality", "--type", "Person", "--json").stdout)
    assert [(s["rank"], s["entity"]["id"], s["type"]) for s in persons] == [(1, "Pat_Envoy", "person")]
    within = json.loads(
        tiny_cli("centrality", "--metric", "degree", "--within", "Country", "--top", "1", "--json").stdout)
    assert within[0]["entity"]["id"] == "Avalon" and within[0]["score"] == pytest.approx(3 / 5)
    bad = tiny_cli("centrality", "--metric", "in_degree")
    assert bad.exit_code == 2 and "directed" in bad.stderr


def test_communities(tiny_cli) -> None:
    result = tiny_cli("communities")
    assert result.stdout.splitlines() == [
        "3 communities (louvain, modularity 0.236, 1 smaller not shown)",
        "  1. 3 members: Avalon, Elbonia, Kivi",
        "  2. 3 members: Borduria, Carpania, Dorvia",
        "  3. 3 members: energy, Kivi summit, Pat Envoy",
    ]
    lp = json.loads(tiny_cli("communities", "--method", "label_propagation", "--min-size", "1", "--json").stdout)
    assert lp["method"] == "label_propagation" and sum(c["size"] for c in lp["communities"]) == 10


def test_balance(tiny_cli) -> None:
    result = tiny_cli("balance", "--as-of", "2018")
    assert result.stdout.splitlines() == [
        "signed ties: 5 cooperative (+), 1 hostile (-); mixed pairs signed by the 'hostile' rule",
        "triads: 1, balanced 0, unbalanced 1 (balance ratio 0%); by kind: +++ 0, +-- 0, ++- 1, --- 0",
        "  UNBALANCED ++-: Avalon + Borduria, Avalon + Carpania, Borduria - Carpania",
        "      Avalon + Borduria (Avalon --allied with-- Borduria)",
        "      Avalon + Carpania (Avalon --cooperates with-- Carpania)",
        "      Borduria - Carpania (Borduria --has tensions with-- Carpania)",
    ]
    report = json.loads(tiny_cli("balance", "--json").stdout)
    assert (report["triads_total"], report["balanced"], report["unbalanced"]) == (2, 2, 0)
    assert [(t["a"]["id"], t["b"]["id"]) for t in report["mixed_ties"]] == [("Avalon", "Carpania")]
    skip = json.loads(tiny_cli("balance", "--mixed", "skip", "--json").stdout)
    assert skip["triads_total"] == 1


def test_friends_of_enemies(tiny_cli) -> None:
    result = tiny_cli("friends-of-enemies", "Avalon")
    assert result.stdout.splitlines()[0] == "Dorvia via Carpania: predicted -, no direct tie"
    assert "Dorvia via Elbonia: predicted -, no direct tie" in result.stdout.splitlines()
    enemies = json.loads(tiny_cli("friends-of-enemies", "Borduria", "--pattern", "--", "--json").stdout)
    assert [(r["actor"]["id"], r["direct"], r["consistent"]) for r in enemies] == [("Avalon", "+", True)]
    assert tiny_cli("friends-of-enemies", "Avalon", "--pattern", "x").exit_code == 2


def test_diff(tiny_cli) -> None:
    result = tiny_cli("diff", "--from", "2018", "--to", "2021")
    assert result.stdout.splitlines() == [
        "from 2018 to 2021:",
        "appeared (1):",
        "  Avalon --criticised--> Carpania  [hostile]  2021",
        "disappeared (1):",
        "  Avalon --cooperates with-- Carpania  [cooperative]  2015..2019",
        "changed polarity (1):",
        "  Avalon / Carpania: cooperative \u2192 hostile",
    ]
    data = json.loads(tiny_cli("diff", "--from", "2021", "--to", "2022", "--json").stdout)
    assert [e["label"] for e in data["appeared"]] == ["pressed"]
    assert tiny_cli("diff", "--from", "2018").exit_code == 2  # --to is required


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_export_network_formats(tiny_cli, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = tiny_cli("export", "--format", fmt, "-o", str(out), "--polarity", "hostile")
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "graphml":
        G = nx.read_graphml(io.BytesIO(data))
    elif fmt == "gexf":
        G = nx.read_gexf(io.BytesIO(data))
    elif fmt == "json":
        G = nx.node_link_graph(json.loads(data), edges="edges")
    else:
        G = nx.MultiDiGraph()
        G.add_edges_from((r["source"], r["target"], r) for r in csv.DictReader(io.StringIO(data.decode())))
    labels = sorted(d["label"] for _, _, d in G.edges(data=True))
    assert labels == ["criticised", "criticised", "has tensions with", "pressed"]


def test_export_rdf_formats_are_unchanged_and_refuse_network_filters(tiny_cli) -> None:
    ttl = tiny_cli("export", "--format", "nt")
    assert ttl.exit_code == 0 and "<https://w3id.org/caucasus-kg/id/Avalon>" in ttl.stdout
    refused = tiny_cli("export", "--format", "ttl", "--as-of", "2020")
    assert refused.exit_code == 2 and "network formats" in refused.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_analytics_command_is_registered_and_documented(command: str) -> None:
    assert command in cli.main.commands
    help_text = CliRunner().invoke(cli.main, [command, "--help"]).stdout
    assert cli.main.commands[command].help
    if command not in ("diff",):
        for option in ("--relation", "--polarity", "--as-of", "--json"):
            assert option in help_text, (command, option)
