"""Scale benchmark: load time, peak memory, SPARQL query shapes, projection and analytics at ~10k, ~100k and ~1M triples.

Data. The bundled graph plus coded events from ``../shared/datasets`` (the South Caucasus
slices first, then ICEWS14, ICEWS18 and GDELT), imported by the project's own importer
(:func:`caucasus_kg.graph.events.import_events`, in chunks of rows) until each size is reached,
then topped up with deterministic generated events (same TSV format, same importer) when the
files run out or are missing. Without the importer a simple built-in conversion is used. Each
dataset is exported once to N-Triples and cached in ``bench/results/cache/`` (keyed by the
importer's source, the ontology and the input files), so a second run starts at once.

Measured side by side, each size in fresh subprocesses (for honest peak memory):

* load: ``KnowledgeGraph.open(file.nt)`` vs raw ``pyoxigraph.Store.load`` vs rdflib's Memory
  store ``Graph.parse``: seconds and peak RSS (``ru_maxrss``) of the process, and RSS after loading;
* SPARQL shapes: point lookup, 1-hop with labels, 2-hop join, date filter (scan), group-by count
  (aggregate), transitive property path, each on our library (``KnowledgeGraph.query``, rows of
  rdflib terms, shared across queries; ``cold/ox``: with that term cache emptied before each run;
  and ``query_serialized`` to SPARQL JSON, the HTTP path) vs raw pyoxigraph on the
  same data (solutions materialised; and serialised to JSON) vs rdflib's Memory store (each query
  in a forked child killed at ``--rdflib-cap`` seconds; rdflib skipped at a size whose load
  alone would exceed ``--rdflib-load-cap``, estimated from the previous size);
* first use: the entity index (first ``kg.entity``), ``kg.stats()`` and the networkx projection;
* analytics: shortest path, sampled betweenness and PageRank through our API vs the same
  networkx call on the same graph (the projection, or its collapsed pair graph);
* growth: the exponent of each step's cost between sizes (1 = linear in the data).

Medians of repeated runs (``bench/common.measure``); results go to ``bench/results/scale.json``
and a comparison with the previous results is printed when there are any.

Run: ``.venv/bin/python bench/bench_scale.py`` (``--sizes 10k,100k`` for a shorter run, ``--help``).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # igraph's OpenMP threads spin on a busy 2-core machine

from common import RESULTS, ROOT, fmt_seconds, measure, median, print_table, shared_dataset, write_results  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
FILES = [
    "icews_south_caucasus.tsv",
    "gdelt_south_caucasus.tsv",
    "icews14_train.tsv",
    "icews18_valid.tsv",
    "gdelt_2018_valid.tsv",
]
CACHE = RESULTS / "cache"
DATASET_VERSION = "1"  # bump when the dataset recipe below changes
HUB = "https://w3id.org/caucasus-kg/id/Elmar_Mammadyarov"  # Azerbaijan's foreign minister: in the events at every size

SHAPES: dict[str, tuple[str, str]] = {
    # name: (kind, query); kind "scan" / "aggregate" / "path" are what the 1.5x target covers.
    "point lookup": ("lookup", f"SELECT ?p ?o WHERE {{ <{HUB}> ?p ?o }}"),
    "1-hop with labels": (
        "lookup",
        f"SELECT ?p ?o ?label WHERE {{ <{HUB}> ?p ?o . ?p a ckg:Relation . ?o rdfs:label ?label }}",
    ),
    "2-hop join": (
        "join",
        f"SELECT DISTINCT ?z WHERE {{ <{HUB}> ?p ?y . ?p a ckg:Relation . ?y ?q ?z . ?q a ckg:Relation }}",
    ),
    "date filter": (
        "scan",
        'SELECT ?c ?d WHERE { ?c ckg:pointInTime ?d FILTER(?d >= "2008-01-01"^^xsd:date && ?d < "2009-01-01"^^xsd:date) }',
    ),
    "date range, many rows": (
        "scan",
        'SELECT ?c ?d WHERE { ?c ckg:pointInTime ?d FILTER(?d >= "2014-01-01"^^xsd:date && ?d < "2015-01-01"^^xsd:date) }',
    ),
    "group-by count": ("aggregate", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)"),
    "transitive path": (
        "path",
        f"SELECT DISTINCT ?x WHERE {{ <{HUB}> (ckg:cooperativeInteractionWith|ckg:hostileInteractionWith)+ ?x }}",
    ),
}
TARGET_KINDS = ("scan", "aggregate", "path")


# ---------------------------------------------------------------------- memory


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now, in MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ---------------------------------------------------------------------- datasets


def _dataset_key() -> str:
    """What the cached datasets depend on: the recipe, the importer, the ontology, the bundled data, the files."""
    h = hashlib.sha256(DATASET_VERSION.encode())
    for rel in ("graph/events.py", "graph/gazetteer.py", "graph/ingest.py", "ontology/ckg.ttl"):
        path = ROOT / rel
        if path.is_file():
            h.update(path.read_bytes())
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        h.update(path.read_bytes())
    for name in FILES:
        path = shared_dataset(name)
        h.update(f"{name}:{path.stat().st_size if path else 'missing'}".encode())
    return h.hexdigest()[:12]


def dataset_path(label: str) -> Path:
    return CACHE / f"scale-{label}-{_dataset_key()}.nt"


def _event_rows() -> tuple[list[tuple[str, list[str]]], int]:
    """(file name, data lines) of the shared event files that are present; and how many files were missing."""
    found, missing = [], 0
    for name in FILES:
        path = shared_dataset(name)
        if path is None:
            missing += 1
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        found.append((name, lines))
    return found, missing


def _generated_lines(count: int, start: int, relations: list[str]) -> list[str]:
    """Deterministic event rows in the ICEWS format: a few hundred actors, real CAMEO labels, dates from 2019."""
    rng = random.Random(20_240_000 + start)
    countries = ["Azerbaijan", "Armenia", "Georgia", "Russia", "Turkey", "Iran", "United States", "France"]
    actors = countries + [f"Generated Actor {i}" for i in range(600)] + [f"Government ({c})" for c in countries]
    lines = []
    for i in range(count):
        day = 17_897 + (start + i) // 40  # 2019-01-01 + n days, 40 events a day
        when = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
        s, o = rng.sample(actors, 2)
        lines.append(f"{s}\t{rng.choice(relations)}\t{o}\t{when}")
    return lines


def build_dataset(label: str, out: Path) -> dict[str, Any]:
    """Import events into the bundled graph until ``SIZES[label]`` triples; write N-Triples to ``out``."""
    from caucasus_kg.graph import KnowledgeGraph

    target = SIZES[label]
    started = time.perf_counter()
    kg = KnowledgeGraph.open()
    try:
        from caucasus_kg.graph import events

        relations = sorted({t.label for t in events.cameo_types().values()})
        importer = "caucasus_kg.graph.events.import_events"
    except Exception as exc:  # noqa: BLE001 - the importer is optional here
        events, relations = None, ["Consult", "Make statement", "Host a visit", "Criticize or denounce"]
        importer = f"built-in conversion ({type(exc).__name__}: {exc})"
    chunk = max(40, target // 250)  # about 25 triples a row: ~10 imports per size
    tmp = Path(tempfile.mkdtemp(prefix="ckg-bench-"))
    used: dict[str, int] = {}
    files, missing = _event_rows()
    generated = 0

    def add(name: str, header: str, lines: list[str]) -> None:
        nonlocal events, importer
        path = tmp / f"{name}-{len(used)}-{sum(used.values())}.tsv"
        path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        if events is not None:
            try:
                events.import_events(kg, path, title=f"bench {name} ({len(lines)} rows)")
                return
            except Exception as exc:  # noqa: BLE001 - fall back to the built-in conversion
                events, importer = None, f"built-in conversion (the importer failed: {type(exc).__name__}: {exc})"
        kg.add_triples(_simple_triples(name, [line.split("\t") for line in lines]))

    for name, lines in files:
        header, rows = lines[0], lines[1:]
        for i in range(0, len(rows), chunk):
            if len(kg) >= target:
                break
            add(name, header, rows[i : i + chunk])
            used[name] = used.get(name, 0) + len(rows[i : i + chunk])
    while len(kg) < target:
        lines = _generated_lines(chunk, generated, relations)
        add("generated", "subject\trelation\tobject\tdate", lines)
        generated += len(lines)
        used["generated"] = generated
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    partial.write_bytes(kg.export("nt"))
    partial.replace(out)
    info = {
        "label": label,
        "triples": len(kg),
        "rows_used": used,
        "files_missing": missing,
        "importer": importer,
        "build_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    out.with_suffix(".json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def _simple_triples(name: str, rows: list[list[str]]) -> list:
    """The fallback conversion: actors, the asserted relation and one claim node per row."""
    from rdflib import RDF, RDFS, XSD, Literal
    from rdflib.namespace import PROV

    from caucasus_kg.ontology import CKG, CKR, CLM, SRC

    def actor(text: str):
        return CKR["".join(ch if ch.isalnum() else "_" for ch in text)]

    src = SRC[f"bench_{hashlib.sha256(name.encode()).hexdigest()[:12]}"]
    out = [(src, RDF.type, CKG.Dataset)]
    for i, row in enumerate(rows):
        if len(row) < 4:
            continue
        s, rel, o, when = row[:4]
        p = CKG.hostileInteractionWith if any(w in rel.lower() for w in ("force", "criticiz", "threat")) else CKG.cooperativeInteractionWith
        c = CLM[hashlib.sha256(f"{name}\x1f{i}\x1f{'|'.join(row)}".encode()).hexdigest()[:20]]
        dtype = XSD.dateTime if "T" in when else XSD.date
        out += [
            (actor(s), RDF.type, CKG.Actor), (actor(s), RDFS.label, Literal(s, lang="en")),
            (actor(o), RDF.type, CKG.Actor), (actor(o), RDFS.label, Literal(o, lang="en")),
            (actor(s), p, actor(o)),
            (c, RDF.type, CKG.Claim), (c, RDF.subject, actor(s)), (c, RDF.predicate, p), (c, RDF.object, actor(o)),
            (c, PROV.wasDerivedFrom, src), (c, CKG.pointInTime, Literal(when + (":00" if "T" in when else ""), datatype=dtype)),
            (c, CKG.method, CKG.Imported), (c, CKG.eventActorName, Literal(rel)),
        ]
    return out


# ---------------------------------------------------------------------- children (run in subprocesses)


def child_load(engine: str, path: str) -> dict[str, Any]:
    """Load ``path`` with one engine; report time and memory."""
    import pyoxigraph as ox
    import rdflib

    from caucasus_kg.graph import KnowledgeGraph

    base = peak_rss_mb()
    started = time.perf_counter()
    if engine == "library":
        kg = KnowledgeGraph.open(path)
        triples = len(kg)
    elif engine == "pyoxigraph":
        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
        triples = len(store)
    elif engine == "rdflib":
        graph = rdflib.Graph()
        graph.parse(path, format="nt")
        triples = len(graph)
    else:
        raise SystemExit(f"unknown engine {engine}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": triples, "peak_rss_mb": peak_rss_mb(), "base_rss_mb": base, "rss_after_mb": rss_mb()}


def _materialise(result) -> int:
    n = 0
    for solution in result:
        tuple(solution)
        n += 1
    return n


def paired(fns: dict[str, Any], *, repeat: int, max_seconds: float) -> dict[str, list[float]]:
    """Time several callables round-robin (so that load on the machine hits them alike); seconds per call.

    One untimed warm-up each, then up to ``repeat`` rounds, each starting with the next callable,
    stopping after ``max_seconds`` once three rounds are done. A callable whose warm-up alone
    takes more than ``max_seconds / 3`` is timed by that one run (the costly networkx calls at 1M).
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    slow = set()
    for name, fn in fns.items():
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        if first > max_seconds / 3:
            times[name].append(first)
            slow.add(name)
    names = [n for n in fns if n not in slow]
    gc.collect()
    started = time.perf_counter()
    for r in range(repeat):
        for name in names[r % len(names):] + names[: r % len(names)] if names else []:
            t0 = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t0)
        if r >= 2 and time.perf_counter() - started > max_seconds:
            break
    return times


def child_queries(path: str, repeat: int, max_seconds: float) -> dict[str, Any]:
    """Every query shape on the library and raw pyoxigraph; then first use, projection and analytics.

    The library's store is loaded with Oxigraph's own loader (the library's load is timed by
    ``child_load``), and "raw pyoxigraph" queries that very store: the two differ only by our layer.
    """
    import networkx as nx
    import pyoxigraph as ox

    from caucasus_kg.graph import KnowledgeGraph
    from caucasus_kg.graph.store import OxigraphBackend
    from caucasus_kg.ontology import PREFIXES

    backend = OxigraphBackend()
    backend.store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
    kg = KnowledgeGraph(backend)
    store = backend.store
    out: dict[str, Any] = {"triples": len(kg), "shapes": {}, "first_use": {}, "analytics": {}}
    big = 10**9
    for name, (kind, sparql) in SHAPES.items():
        rows = len(kg.query(sparql, max_rows=big, timeout=600))
        assert rows == _materialise(store.query(sparql, prefixes=PREFIXES)), name
        fns = {
            "pyoxigraph": lambda: _materialise(store.query(sparql, prefixes=PREFIXES)),
            "library": lambda: kg.query(sparql, max_rows=big, timeout=600),
            # The library interns rdflib terms across queries; cold: each run builds every term again.
            "library_cold": lambda: (_forget_terms(), kg.query(sparql, max_rows=big, timeout=600)),
            "pyoxigraph_json": lambda: store.query(sparql, prefixes=PREFIXES).serialize(format=ox.QueryResultsFormat.JSON),
        }
        if hasattr(kg, "query_serialized"):
            fns["library_json"] = lambda: kg.query_serialized(sparql, "json", max_rows=big, timeout=600)
        out["shapes"][name] = {"kind": kind, "rows": rows, **paired(fns, repeat=repeat, max_seconds=max_seconds)}

    # First use: what a fresh process pays once per graph version (cached afterwards).
    t0 = time.perf_counter()
    kg.entity(HUB)
    out["first_use"]["entity index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kg.stats()
    out["first_use"]["stats"] = time.perf_counter() - t0
    try:
        from caucasus_kg.graph import centrality as centrality_mod
        from caucasus_kg.graph import paths as paths_mod
        from caucasus_kg.graph import projection
    except ImportError as exc:  # pragma: no cover - analytics not there
        out["analytics_error"] = f"{type(exc).__name__}: {exc}"
        return out
    t0 = time.perf_counter()
    G = projection.to_networkx(kg)
    out["first_use"]["projection"] = time.perf_counter() - t0
    out["projection"] = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}

    # Analytics: our API against the same networkx call on the same graph.
    lengths = nx.single_source_shortest_path_length(G, HUB)
    target = max(lengths, key=lambda n: (lengths[n], n))  # the farthest entity reachable from the hub
    out["path"] = {"target": target, "hops": lengths[target]}
    H = centrality_mod._pair_graph(kg, projection._scope(kg, {}), False)  # the collapsed pair graph of our metrics
    out["pair_graph"] = {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()}
    k = min(200, H.number_of_nodes())
    calls = {
        "shortest path": (lambda: paths_mod.shortest_path(kg, HUB, target), lambda: nx.shortest_path(G, HUB, target)),
        "betweenness (k=200)": (
            lambda: centrality_mod.centrality_scores(kg, "betweenness", k=k, seed=1, cached=False),
            lambda: nx.betweenness_centrality(H, k=k, seed=1),
        ),
        "pagerank": (lambda: centrality_mod.centrality_scores(kg, "pagerank", cached=False), lambda: nx.pagerank(H)),
    }
    for name, (ours, theirs) in calls.items():
        out["analytics"][name] = paired({"ours": ours, "networkx": theirs}, repeat=repeat, max_seconds=max_seconds)
    out["analytics"]["shortest path"]["note"] = "ours also gathers each step's relations and their evidence"
    return out


def _rdflib_one(graph, sparql: str, prefixes: dict, repeat: int, max_seconds: float, conn) -> None:
    times = measure(lambda: list(graph.query(sparql, initNs=prefixes)), repeat=min(repeat, 3), max_seconds=max_seconds)
    conn.send(times)
    conn.close()


def child_rdflib(path: str, repeat: int, max_seconds: float, cap: float) -> dict[str, Any]:
    """rdflib's Memory store: load, then each query shape in a forked child killed at ``cap`` seconds."""
    import rdflib

    from caucasus_kg.ontology import PREFIXES

    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(path, format="nt")
    out: dict[str, Any] = {"load_seconds": time.perf_counter() - started, "shapes": {}}
    ctx = multiprocessing.get_context("fork")
    for name, (_, sparql) in SHAPES.items():
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_rdflib_one, args=(graph, sparql, PREFIXES, repeat, max_seconds, child))
        proc.start()
        child.close()
        if parent.poll(cap):
            out["shapes"][name] = parent.recv()
        else:
            out["shapes"][name] = None  # past the cap
        proc.kill()
        proc.join()
    return out


def _run_child(args: list[str], timeout: float) -> dict[str, Any] | None:
    """Run this script as a child; return the JSON of its last line, None past ``timeout``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------- the run


def _fmt(times: list[float] | None, cap: float | None = None) -> str:
    if times is None:
        return f"> {cap:g} s" if cap else "-"
    return fmt_seconds(median(times))


def _ratio(a: list[float] | None, b: list[float] | None) -> str:
    if not a or not b:
        return "-"
    return f"{median(a) / median(b):.2f}x"


def _exponent(t1: float, t2: float, n1: int, n2: int) -> float | None:
    if t1 <= 0 or t2 <= 0 or n2 <= n1:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated subset of 10k, 100k, 1M")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (after one warm-up)")
    parser.add_argument("--max-seconds", type=float, default=6.0, help="stop repeating a measurement after this long")
    parser.add_argument("--rdflib-cap", type=float, default=15.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--rdflib-load-cap", type=float, default=60.0, help="skip rdflib where its load would take longer")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        if kind == "build":
            result = build_dataset(rest[0], Path(rest[1]))
        elif kind == "load":
            result = child_load(rest[0], rest[1])
        elif kind == "queries":
            result = child_queries(rest[0], int(rest[1]), float(rest[2]))
        elif kind == "rdflib":
            result = child_rdflib(rest[0], int(rest[1]), float(rest[2]), float(rest[3]))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result, default=str))
        return 0

    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {', '.join(SIZES)}")
    started = time.perf_counter()
    previous_path = RESULTS / "scale.json"
    previous = json.loads(previous_path.read_text(encoding="utf-8")) if previous_path.is_file() else None

    # 1. Datasets (cached).
    datasets: dict[str, dict[str, Any]] = {}
    for label in labels:
        path = dataset_path(label)
        if not path.is_file():
            print(f"building the {label} dataset (once; cached in {path.parent.relative_to(ROOT)}) ...", flush=True)
            _run_child(["build", label, str(path)], timeout=1800)
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        info["path"] = str(path)
        info["nt_mb"] = round(path.stat().st_size / 2**20, 1)
        datasets[label] = info
    print_table(
        "Datasets (bundled graph + coded events; N-Triples)",
        ["size", "triples", "N-Triples", "event rows used", "built by", "build time"],
        [[label, f"{d['triples']:,}", f"{d['nt_mb']} MiB",
          ", ".join(f"{k} {v:,}" for k, v in d["rows_used"].items()),
          d["importer"].split(" (")[0], f"{d['build_seconds']} s (cached)"] for label, d in datasets.items()],
    )
    if any(d["files_missing"] for d in datasets.values()):
        print("note: some shared event files are missing; generated events stand in for them")

    results: dict[str, Any] = {"sizes": {}, "settings": vars(args) | {"child": None}}
    rdflib_skip: dict[str, str] = {}
    last_rdflib: tuple[int, float] | None = None
    for label in labels:
        d = datasets[label]
        n = d["triples"]
        size: dict[str, Any] = {"triples": n, "dataset": d}
        print(f"\n== {label}: {n:,} triples", flush=True)

        # rdflib at this size? Estimated from the previous size's load (rdflib loads linearly, at best).
        if last_rdflib is not None:
            estimate = last_rdflib[1] * n / last_rdflib[0]
            if estimate > args.rdflib_load_cap:
                rdflib_skip[label] = f"rdflib skipped: its load would take ~{estimate:.0f} s (> {args.rdflib_load_cap:g} s cap)"

        # 2. Load and memory, one subprocess per engine.
        loads = {}
        for engine in ("library", "pyoxigraph", "rdflib"):
            if engine == "rdflib" and label in rdflib_skip:
                loads[engine] = None
                continue
            cap = args.rdflib_load_cap * 1.5 if engine == "rdflib" else 1200
            loads[engine] = _run_child(["load", engine, d["path"]], timeout=cap)
            if engine == "rdflib":
                if loads[engine] is None:
                    rdflib_skip[label] = f"rdflib skipped: its load took more than {cap:g} s"
                else:
                    last_rdflib = (n, loads[engine]["seconds"])
        size["load"] = loads

        # 3. Queries, first use, projection, analytics (library and raw pyoxigraph in one process).
        size["queries"] = _run_child(["queries", d["path"], str(args.repeat), str(args.max_seconds)], timeout=1800)
        if label not in rdflib_skip:
            budget = args.rdflib_load_cap * 1.5 + len(SHAPES) * (args.rdflib_cap + 5)
            size["rdflib"] = _run_child(
                ["rdflib", d["path"], str(args.repeat), str(args.max_seconds), str(args.rdflib_cap)], timeout=budget
            )
            if size["rdflib"] is None:
                rdflib_skip[label] = "rdflib skipped: it ran past its time budget"
        size["rdflib_skipped"] = rdflib_skip.get(label)
        results["sizes"][label] = size
        _print_size(label, size, args)

    _print_summary(results, labels, args)
    results["total_seconds"] = time.perf_counter() - started
    if previous:
        _print_comparison(previous, results)
    path = write_results("scale", results)
    print(f"\nresults: {path.relative_to(ROOT)}  ({fmt_seconds(results['total_seconds'])} in all)")
    return 0


def _forget_terms() -> None:
    """Empty the library's cache of rdflib terms (absent in older versions: nothing to do)."""
    from caucasus_kg.graph import store

    for name in ("_uri", "_literal"):
        cache = getattr(store, name, None)
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()


def _print_size(label: str, size: dict[str, Any], args: argparse.Namespace) -> None:
    q = size["queries"]
    rd = (size.get("rdflib") or {}).get("shapes", {})
    rows = []
    for name, e in q["shapes"].items():
        rdflib_times = rd.get(name) if size.get("rdflib") else None
        rdflib_cell = "skipped" if size.get("rdflib_skipped") else _fmt(rdflib_times, args.rdflib_cap)
        rows.append([
            name, e["kind"], f"{e['rows']:,}", _fmt(e["pyoxigraph"]), _fmt(e["library"]), _ratio(e["library"], e["pyoxigraph"]),
            _ratio(e.get("library_cold"), e["pyoxigraph"]),
            _fmt(e["pyoxigraph_json"]), _fmt(e.get("library_json")), _ratio(e.get("library_json"), e["pyoxigraph_json"]),
            rdflib_cell, _ratio(rdflib_times, e["pyoxigraph"]) if rdflib_times else "-",
        ])
    print_table(
        f"SPARQL query shapes at {label} ({size['triples']:,} triples), medians",
        ["shape", "kind", "rows", "pyoxigraph", "library", "lib/ox", "cold/ox", "ox->JSON", "lib->JSON", "ratio", "rdflib",
         "rdflib/ox"],
        rows,
    )
    if size.get("rdflib_skipped"):
        print(f"  {size['rdflib_skipped']}")
    a = q.get("analytics", {})
    if a:
        print_table(
            f"Analytics at {label}: projection {q['projection']['nodes']:,} nodes / {q['projection']['edges']:,} edges, "
            f"pair graph {q['pair_graph']['nodes']:,} / {q['pair_graph']['edges']:,}; "
            f"path {q['path']['hops']} hops",
            ["call", "ours", "networkx", "ours/networkx"],
            [[name, _fmt(v["ours"]), _fmt(v["networkx"]), _ratio(v["ours"], v["networkx"])] for name, v in a.items()],
        )


def _print_summary(results: dict[str, Any], labels: list[str], args: argparse.Namespace) -> None:
    sizes = results["sizes"]
    rows = []
    for label in labels:
        for engine, r in sizes[label]["load"].items():
            if r is None:
                rows.append([label, engine, "-", "-", "-", "-", sizes[label].get("rdflib_skipped") or "past the cap"])
                continue
            rows.append([
                label, engine, fmt_seconds(r["seconds"]), f"{r['triples'] / r['seconds']:,.0f}/s",
                f"{r['peak_rss_mb']:,.0f} MiB", f"{r['rss_after_mb']:,.0f} MiB", f"(interpreter {r['base_rss_mb']:,.0f} MiB)",
            ])
    print_table("Load and memory (one fresh process each; peak = ru_maxrss)", ["size", "engine", "load", "rate", "peak RSS", "RSS after", ""], rows)

    rows = []
    for label in labels:
        f = sizes[label]["queries"]["first_use"]
        rows.append([label, *(fmt_seconds(f[k]) if k in f else "-" for k in ("entity index", "stats", "projection"))])
    print_table("First use (once per graph version, cached afterwards)", ["size", "entity index", "stats", "projection build"], rows)

    # Growth: exponent of cost between consecutive sizes (1.0 = linear in the data). "The data" is the
    # triples for loads and scans, but a query's cost also follows its output, and an algorithm's the
    # projected graph: those steps are also compared with their rows, or with the pair graph's nodes + edges.
    steps: dict[str, dict[str, Any]] = {}

    def step(name: str, label: str, cost: float, scale: float | None = None, scale_name: str = "") -> None:
        entry = steps.setdefault(name, {"cost": {}, "scale": {}, "scale_name": scale_name})
        entry["cost"][label] = cost
        if scale is not None:
            entry["scale"][label] = scale

    for label in labels:
        s = sizes[label]
        lib = s["load"]["library"]
        step("load (library)", label, lib["seconds"])
        step("peak RSS (library)", label, lib["peak_rss_mb"] - lib["base_rss_mb"])
        q = s["queries"]
        for name, e in q["shapes"].items():
            step(f"query: {name}", label, median(e["library"]), max(e["rows"], 1), "rows")
        for name, v in q["first_use"].items():
            step(f"first use: {name}", label, v)
        if "pair_graph" in q:
            size_of_graph = q["pair_graph"]["nodes"] + q["pair_graph"]["edges"]
            for name, v in q.get("analytics", {}).items():
                step(f"analytics: {name}", label, median(v["ours"]), size_of_graph, "pair graph V+E")
    rows, flagged, explained = [], [], []
    for name, entry in steps.items():
        cost, scale = entry["cost"], entry["scale"]
        cells = []
        for a, b in zip(labels, labels[1:]):
            e = _exponent(cost[a], cost[b], sizes[a]["triples"], sizes[b]["triples"]) if a in cost and b in cost else None
            cells.append("-" if e is None else f"{e:.2f}")
        # The verdict takes the whole range, smallest to largest size: single steps are noisy on a busy machine.
        first, last = labels[0], labels[-1]
        overall = scaled = None
        if len(labels) > 1 and first in cost and last in cost:
            overall = _exponent(cost[first], cost[last], sizes[first]["triples"], sizes[last]["triples"])
            if scale.get(first) and scale.get(last) and scale[last] > scale[first] and cost[first] > 0:
                scaled = math.log(cost[last] / cost[first]) / math.log(scale[last] / scale[first])
        if len(labels) > 2:
            cells.append("-" if overall is None else f"{overall:.2f}")
        if overall is None or overall <= 1.2 or cost[last] <= 0.05:
            verdict = "ok"
        elif scaled is not None and scaled <= 1.2:
            verdict = f"follows its {entry['scale_name']} ({scaled:.2f})"
            explained.append(name)
        else:
            verdict = "superlinear"
            flagged.append(name)
        unit = (lambda v: f"{v:,.0f} MiB") if "RSS" in name else fmt_seconds
        rows.append([name, *cells, *(unit(cost[label]) if label in cost else "-" for label in labels), verdict])
    print_table(
        "Growth: cost exponent between sizes (1 = linear in the triples). Verdict on the whole range: flagged above 1.2 "
        "when the largest cost is over 50 ms, unless the step follows its output rows or the analysed graph",
        ["step", *(f"{a}->{b}" for a, b in zip(labels, labels[1:])), *([f"{labels[0]}->{labels[-1]}"] if len(labels) > 2 else []),
         *labels, "verdict"],
        rows,
    )
    results["growth"] = {"steps": steps, "superlinear": flagged, "explained": explained}

    # Targets.
    rows = []
    by_shape: dict[str, dict[str, float]] = {}
    for label in labels:
        for name, e in sizes[label]["queries"]["shapes"].items():
            if e["kind"] in TARGET_KINDS:
                by_shape.setdefault(name, {})[label] = median(e["library"]) / median(e["pyoxigraph"])
    for name, ratios in by_shape.items():
        measured = ", ".join(f"{r:.2f}x at {label}" for label, r in ratios.items())
        over = [label for label, r in ratios.items() if r > 1.5]
        verdict = "met" if not over else ("MISSED at " + ", ".join(over))
        rows.append([f"library SPARQL within 1.5x of pyoxigraph: {name}", measured, verdict])
    if "1M" in sizes:
        peak = sizes["1M"]["load"]["library"]["peak_rss_mb"]
        rows.append(["1M triples loaded in < 1 GB RSS (library)", f"{peak:,.0f} MiB peak", "met" if peak < 1024 else "MISSED"])
    rows.append(["no step grows faster than the data without a reason", ", ".join(flagged) or "none flagged",
                 "met" if not flagged else "MISSED: see the growth table"])
    print_table("Targets", ["target", "measured", "verdict"], rows)
    results["targets"] = rows


def _flatten(results: dict[str, Any]) -> dict[str, float]:
    flat: dict[str, float] = {}
    for label, s in results.get("sizes", {}).items():
        for engine, r in (s.get("load") or {}).items():
            if r:
                flat[f"{label} load {engine}"] = r["seconds"]
                flat[f"{label} peak RSS MiB {engine}"] = r["peak_rss_mb"]
        q = s.get("queries") or {}
        for name, e in q.get("shapes", {}).items():
            for engine in ("library", "pyoxigraph", "library_json"):
                if e.get(engine):
                    flat[f"{label} {name} {engine}"] = median(e[engine])
        for name, v in q.get("first_use", {}).items():
            flat[f"{label} first use {name}"] = v
        for name, v in q.get("analytics", {}).items():
            flat[f"{label} {name} ours"] = median(v["ours"])
    return flat


def _print_comparison(previous: dict[str, Any], current: dict[str, Any]) -> None:
    old, new = _flatten(previous), _flatten(current)
    rows = []
    for key in new:
        if key in old and old[key] > 0:
            change = new[key] / old[key] - 1
            value = (lambda v: f"{v:,.0f}") if "RSS" in key else fmt_seconds
            rows.append([key, value(old[key]), value(new[key]), f"{change:+.0%}" + ("  <--" if abs(change) > 0.25 else "")])
    if rows:
        print_table(f"Compared with the previous run ({previous.get('when', '?')}); changes past 25% marked", ["measure", "before", "now", "change"], rows)


if __name__ == "__main__":
    sys.exit(main())
