"""Graph analytics benchmark: our API against plain networkx, igraph (and rustworkx when installed).

Part 1, side by side (the target of issue 3): exact betweenness, closeness, harmonic and PageRank on a
deterministic ~5,000-node / ~10,000-edge graph (Barabási-Albert, seed 7), loaded into a KnowledgeGraph
as typed entities, relation triples and dated claims. "ours" is ``centrality_scores(kg, metric,
cached=False)``: the projection and its igraph conversion are cached per graph version (built once,
timed separately), the metric itself is recomputed each time. The baselines run on the very same graph
(the projection collapsed to undirected pairs). Every result is checked against networkx.

Part 2, scale: the GDELT validation split in ../shared/datasets (about 116k relation triples,
163k projection edges, 4,208 entities) when present, with CAMEO event types mapped onto the ontology's
relations by keywords (a rough mapping for scale testing only, not an import): projection build,
sampled betweenness, PageRank, closeness, Louvain, structural balance, a path and a neighbourhood.

Run: ``.venv/bin/python bench/bench_analytics.py`` (``--help`` for options); results also go to
``bench/results/analytics.json``.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
# igraph's PRPACK PageRank uses OpenMP, whose threads spin when the 2 cores are busy: one thread each side.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from common import fmt_seconds, measure, median, print_table, shared_dataset, write_results  # noqa: E402

from caucasus_kg.graph import KnowledgeGraph  # noqa: E402
from caucasus_kg.graph import analysis, projection  # noqa: E402
from caucasus_kg.graph.centrality import _pair_graph  # noqa: E402
from caucasus_kg.graph.projection import _scope  # noqa: E402
from caucasus_kg.ontology import CKG, CKR, CLM, ONTOLOGY_PATH  # noqa: E402
from rdflib import RDF, RDFS, XSD, Literal  # noqa: E402

SYMMETRIC = ["cooperatesWith", "tensionsWith", "maintainsRelationsWith", "economicTiesWith", "alliedWith"]
DIRECTED = ["criticised", "pressed", "envoyTo"]

# CAMEO event type -> ontology relation, first match wins (scale testing only).
CAMEO_RULES = [
    ("tensionsWith", r"force|fight|attack|assault|violen|kill|bomb|occup|clash|mass"),
    ("pressed", r"coerce|sanction|threat|blockade|expel|arrest|seize|mobiliz|ultimatum|demand|halt|reduce|boycott"),
    ("criticised", r"criticiz|denounc|accus|reject|protest|complain|condemn|disapprov|deny|refuse"),
    ("economicTiesWith", r"econom|trade|financ"),
    ("alliedWith", r"military cooperation|defen|alliance|ally"),
    ("cooperatesWith", r"cooperat|aid|agree|sign|praise|support|endorse|apolog|forgive|yield|release|ceasefire|"
                       r"settle|grant|share|help|assist|host"),
    ("visited", r"visit"),
    ("maintainsRelationsWith", r"."),
]


def _claim_triples(i: int, s, p, o, when: str | None) -> list:
    c = CLM[f"bench{i}"]
    triples = [(c, RDF.type, CKG.Claim), (c, RDF.subject, s), (c, RDF.predicate, p), (c, RDF.object, o)]
    if when:
        dtype = XSD.date if len(when) == 10 else XSD.gYear
        triples.append((c, CKG.pointInTime, Literal(when, datatype=dtype)))
    return triples


def generated_kg(nodes: int, attach: int, seed: int) -> KnowledgeGraph:
    """A Barabási-Albert graph as a KnowledgeGraph: countries, relation triples and (mostly dated) claims."""
    rng = random.Random(seed)
    G = nx.barabasi_albert_graph(nodes, attach, seed=seed)
    kg = KnowledgeGraph.open(ONTOLOGY_PATH)
    triples: list = []
    for n in G:
        triples += [(CKR[f"G{n}"], RDF.type, CKG.Country), (CKR[f"G{n}"], RDFS.label, Literal(f"Actor {n}", lang="en"))]
    for i, (u, v) in enumerate(G.edges()):
        name = rng.choice(SYMMETRIC) if rng.random() < 0.6 else rng.choice(DIRECTED)
        s, o = (CKR[f"G{u}"], CKR[f"G{v}"]) if rng.random() < 0.5 else (CKR[f"G{v}"], CKR[f"G{u}"])
        triples.append((s, CKG[name], o))
        triples += _claim_triples(i, s, CKG[name], o, str(rng.randint(2000, 2020)) if rng.random() < 0.7 else None)
    kg.add_triples(triples)
    return kg


def dataset_kg(path: Path) -> tuple[KnowledgeGraph, int]:
    """A TSV of coded events (subject, relation, object, date) as a KnowledgeGraph; returns it and the row count."""
    rules = [(name, re.compile(pattern, re.I)) for name, pattern in CAMEO_RULES]
    ids: dict[str, Any] = {}
    first_seen: dict[tuple, str] = {}
    rows = 0
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for subject, relation, obj, when, *_ in reader:
            rows += 1
            if subject == obj:
                continue
            name = next(n for n, rx in rules if rx.search(relation))
            for actor in (subject, obj):
                if actor not in ids:
                    ids[actor] = CKR[f"D{len(ids)}"]
            key = (subject, name, obj)
            first_seen[key] = min(first_seen.get(key, when[:10]), when[:10])
    kg = KnowledgeGraph.open(ONTOLOGY_PATH)
    triples: list = []
    for actor, iri in ids.items():
        triples += [(iri, RDF.type, CKG.Organisation), (iri, RDFS.label, Literal(actor, lang="en"))]
    for i, ((subject, name, obj), when) in enumerate(sorted(first_seen.items())):
        s, p, o = ids[subject], CKG[name], ids[obj]
        triples.append((s, p, o))
        triples += _claim_triples(i, s, p, o, when)
    kg.add_triples(triples)
    return kg, rows


def max_diff(a: dict, b: dict) -> float:
    return max((abs(a[n] - b[n]) for n in b if not (math.isnan(a[n]) and math.isnan(b[n]))), default=0.0)


def side_by_side(kg: KnowledgeGraph, repeat: int, networkx_betweenness: bool) -> dict[str, Any]:
    import igraph

    t0 = time.perf_counter()
    G = analysis.to_networkx(kg)
    t_projection = time.perf_counter() - t0
    H = _pair_graph(kg, _scope(kg, {}), False)  # the graph every engine computes on
    t0 = time.perf_counter()
    analysis.centrality_scores(kg, "pagerank")  # builds and caches the igraph conversion
    t_convert = time.perf_counter() - t0
    print(f"projection: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges; "
          f"pair graph: {H.number_of_nodes():,} nodes, {H.number_of_edges():,} edges")
    print(f"projection build {fmt_seconds(t_projection)}, first PageRank incl. igraph conversion {fmt_seconds(t_convert)}")

    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()], directed=False)
    try:
        import rustworkx as rx
    except ImportError:
        rx = None
    if rx is not None:
        R = rx.PyGraph()
        R.add_nodes_from(nodes)
        R.add_edges_from_no_data([(index[u], index[v]) for u, v in H.edges()])
        RD = rx.PyDiGraph()
        RD.add_nodes_from(nodes)
        RD.add_edges_from_no_data([e for u, v in H.edges() for e in ((index[u], index[v]), (index[v], index[u]))])

    baselines = {
        "betweenness": {
            "networkx": lambda: nx.betweenness_centrality(H),
            "igraph": lambda: g.betweenness(directed=False),
            "rustworkx": (lambda: rx.betweenness_centrality(R, normalized=True)) if rx else None,
        },
        "closeness": {
            "networkx": lambda: nx.closeness_centrality(H),
            "igraph": lambda: g.closeness(normalized=True),
            "rustworkx": (lambda: rx.closeness_centrality(R, wf_improved=True)) if rx else None,
        },
        "harmonic": {
            "networkx": lambda: nx.harmonic_centrality(H),
            "igraph": lambda: g.harmonic_centrality(normalized=False),
            "rustworkx": None,
        },
        "pagerank": {
            "networkx": lambda: nx.pagerank(H),
            "igraph": lambda: g.pagerank(directed=False),
            "rustworkx": (lambda: rx.pagerank(RD)) if rx else None,
        },
    }
    results: dict[str, Any] = {
        "graph": {"nodes": H.number_of_nodes(), "pair_edges": H.number_of_edges(),
                  "projection_edges": G.number_of_edges()},
        "projection_build_s": t_projection,
        "first_pagerank_with_conversion_s": t_convert,
        "metrics": {},
    }
    rows = []
    for metric, engines in baselines.items():
        ours_times = measure(lambda: analysis.centrality_scores(kg, metric, cached=False), repeat=repeat)
        ours = analysis.centrality_scores(kg, metric, cached=False)
        entry: dict[str, Any] = {"ours_s": median(ours_times)}
        for engine, fn in engines.items():
            if fn is None:
                continue
            if engine == "networkx" and metric == "betweenness" and not networkx_betweenness:
                continue
            if engine == "networkx" and metric in ("betweenness", "closeness", "harmonic"):
                t0 = time.perf_counter()  # slow in pure Python: one run, whose result is the reference
                reference = fn()
                entry[f"{engine}_s"] = time.perf_counter() - t0
            else:
                entry[f"{engine}_s"] = median(measure(fn, repeat=repeat))
                reference = fn() if engine == "networkx" else None
            if engine == "networkx":
                entry["max_abs_diff_vs_networkx"] = max_diff(ours, reference)
        results["metrics"][metric] = entry
        row = [metric, fmt_seconds(entry["ours_s"])]
        for engine in ("igraph", "rustworkx", "networkx"):
            value = entry.get(f"{engine}_s")
            row.append(fmt_seconds(value) if value else "-")
        row.append(f"{entry['ours_s'] / entry['igraph_s']:.2f}x")
        row.append(f"{entry['networkx_s'] / entry['ours_s']:.0f}x faster" if entry.get("networkx_s") else "-")
        row.append(f"{entry.get('max_abs_diff_vs_networkx', float('nan')):.1e}")
        rows.append(row)
    print_table(
        f"exact centrality on {H.number_of_nodes():,} nodes / {H.number_of_edges():,} edges (medians)",
        ["metric", "ours", "igraph", "rustworkx", "networkx", "ours/igraph", "vs networkx", "max |ours-nx|"],
        rows,
    )

    # eigenvector: numpy vs the pure-Python power iteration; sampled betweenness
    extra = []
    t_numpy = median(measure(lambda: analysis.centrality_scores(kg, "eigenvector", cached=False), repeat=repeat))
    t_power = median(measure(lambda: nx.eigenvector_centrality(H, max_iter=1000), repeat=3))
    extra.append(["eigenvector (numpy) vs nx.eigenvector_centrality", fmt_seconds(t_numpy), fmt_seconds(t_power)])
    t_k = median(measure(lambda: analysis.centrality_scores(kg, "betweenness", k=256, seed=1, cached=False), repeat=repeat))
    t_k_nx = median(measure(lambda: nx.betweenness_centrality(H, k=256, seed=1), repeat=1, warmup=0))
    extra.append(["betweenness k=256 sampled: ours vs networkx", fmt_seconds(t_k), fmt_seconds(t_k_nx)])
    a, b = "https://w3id.org/caucasus-kg/id/G0", f"https://w3id.org/caucasus-kg/id/G{len(nodes) - 1}"
    t_path = median(measure(lambda: analysis.shortest_path(kg, a, b, directed=False), repeat=repeat))
    t_path_nx = median(measure(lambda: nx.shortest_path(H, a, b), repeat=repeat))
    extra.append(["shortest path with quotes: ours vs nx.shortest_path", fmt_seconds(t_path), fmt_seconds(t_path_nx)])
    print_table("other operations (medians)", ["operation", "ours", "baseline"], extra)
    results["eigenvector"] = {"ours_numpy_s": t_numpy, "networkx_power_iteration_s": t_power}
    results["betweenness_k256"] = {"ours_s": t_k, "networkx_s": t_k_nx}
    results["shortest_path"] = {"ours_s": t_path, "networkx_s": t_path_nx}
    return results


def scale(path: Path, repeat: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    kg, rows = dataset_kg(path)
    t_load = time.perf_counter() - t0
    t_build = median(measure(lambda: projection._build_projection(kg), repeat=max(1, repeat // 2), warmup=0))
    G = analysis.to_networkx(kg)
    hub = max(G.degree, key=lambda nd: nd[1])[0]
    other = next(n for n in G if G.degree(n) == 1)
    steps = {
        "betweenness, k=256 sampled": lambda: analysis.centrality_scores(kg, "betweenness", k=256, seed=1, cached=False),
        "closeness (exact)": lambda: analysis.centrality_scores(kg, "closeness", cached=False),
        "pagerank": lambda: analysis.centrality_scores(kg, "pagerank", cached=False),
        "louvain communities": lambda: analysis.communities(kg, seed=1),
        "structural balance (every triangle counted)": lambda: analysis.structural_balance(kg, types=None),
        "shortest path (undirected)": lambda: analysis.shortest_path(kg, other, hub, directed=False),
        "neighbourhood depth 1 of the hub": lambda: analysis.neighbourhood(kg, hub, depth=1),
        "time view: as of 2018-01-26 (view, edges counted)": lambda: analysis.graph_view(
            kg, as_of="2018-01-26", include_undated=False).number_of_edges(),
    }
    table = [["load into a KnowledgeGraph", fmt_seconds(t_load)], ["projection build", fmt_seconds(t_build)]]
    out: dict[str, Any] = {"dataset": path.name, "rows": rows, "nodes": G.number_of_nodes(),
                           "projection_edges": G.number_of_edges(), "load_s": t_load, "projection_build_s": t_build}
    for name, fn in steps.items():
        first = time.perf_counter()
        fn()
        cold = time.perf_counter() - first
        t = median(measure(fn, repeat=1, warmup=0)) if "communities" not in name and "balance" not in name else cold
        table.append([name, fmt_seconds(min(cold, t))])
        out[name] = min(cold, t)
    print_table(f"scale: {path.name}: {rows:,} rows -> {G.number_of_nodes():,} nodes, "
                f"{G.number_of_edges():,} projection edges", ["step", "time"], table)
    kg.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000, help="Nodes of the generated graph (default 5000).")
    parser.add_argument("--attach", type=int, default=2, help="Barabási-Albert attachment: edges ~ nodes x attach.")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs per measurement (median reported).")
    parser.add_argument("--skip-networkx-betweenness", action="store_true",
                        help="Leave out networkx's exact betweenness (about a minute at 5,000 nodes).")
    parser.add_argument("--no-scale", action="store_true", help="Leave out the 100k-edge scale run.")
    parser.add_argument("--scale-only", action="store_true", help="Only the 100k-edge scale run.")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}
    if not args.scale_only:
        print(f"generating a Barabási-Albert graph: {args.nodes} nodes, attachment {args.attach}, seed 7")
        kg = generated_kg(args.nodes, args.attach, seed=7)
        results["side_by_side"] = side_by_side(kg, args.repeat, not args.skip_networkx_betweenness)
        kg.close()
    gdelt = shared_dataset("gdelt_2018_valid.tsv")
    if args.no_scale:
        pass
    elif gdelt is None:
        print("\nscale run skipped: ../shared/datasets/gdelt_2018_valid.tsv not found")
    else:
        results["scale"] = scale(gdelt, args.repeat)
    path = write_results("analytics-scale" if args.scale_only else "analytics", results)
    print(f"\nresults written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
