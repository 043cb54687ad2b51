"""HTTP benchmark: our /sparql vs the Oxigraph server, /api/paths vs the in-process call, a bare FastAPI endpoint.

One run, same data for everyone: the bundled graph plus a generated graph of about 100k triples
(entities, relations of the ontology, claims with dates). Three servers on loopback:

* ours: ``ckg serve --store DIR`` (on-disk Oxigraph, 2 query worker processes, uvicorn);
* ``oxigraph serve --location DIR`` (the Rust server from PyPI's ``oxigraph`` package);
* a bare FastAPI app with one ``async`` JSON endpoint under the same uvicorn: the framework's ceiling.

Load comes from ``wrk`` (Debian's package; installed with apt-get when missing and allowed, otherwise a
keep-alive httpx client in threads is used), one client thread, 1 and 4 connections, a few seconds each.
Printed: throughput (requests/s), median latency, and the ratios against the targets:

* analytical SPARQL (2-hop join, date filter, group-by count) >= 0.5x the Oxigraph server's throughput;
* point lookups >= 0.5x the bare endpoint's throughput;
* /api/paths within 1.5x of the same ``shortest_paths`` call in-process (median latency, one client),
  on a copy of the served store, so that both walk the same projection.

The machine has 2 cores shared by the client, the server under test and anything else running: read the
load average printed with the results. Results also go to ``bench/results/http.json``.

Run: ``.venv/bin/python bench/bench_http.py`` (about 2 minutes).
"""

from __future__ import annotations

import gc
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fmt_seconds, measure, median, print_table, write_results  # noqa: E402

BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("CKG_BENCH_SECONDS", "3"))
ROUNDS = 3  # alternating runs of the bare endpoint and the point lookup
PREFIXES = (
    "PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#> PREFIX ckr: <https://w3id.org/caucasus-kg/id/> "
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
)
QUERIES = {
    "point lookup": PREFIXES + "SELECT ?p ?o WHERE { ckr:E123 ?p ?o }",
    "2-hop join": PREFIXES + "SELECT ?a ?c WHERE { ?a ckg:alliedWith ?b . ?b ckg:alliedWith ?c }",
    "date filter": PREFIXES + 'SELECT ?c ?d WHERE { ?c ckg:pointInTime ?d FILTER(?d >= "2022-01-01"^^xsd:date) }',
    "group-by count": PREFIXES + "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
}
ACCEPT = "application/sparql-results+json"
BARE_APP = (
    "import sys, uvicorn\n"
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    "@app.get('/ping')\n"
    "async def ping():\n"
    "    return {'ok': True}\n"
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
)


# ---------------------------------------------------------------------- data


def generate(path: Path, *, entities: int = 5000, facts: int = 7000, seed: int = 7) -> int:
    """Write a synthetic graph shaped like ours (typed, labelled entities; relations with dated claims)."""
    import pyoxigraph as ox

    from caucasus_kg.ontology import CKG, CKR, CLM, SRC

    rng = random.Random(seed)
    N, L = ox.NamedNode, ox.Literal
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rdfs_label = N("http://www.w3.org/2000/01/rdf-schema#label")
    derived = N("http://www.w3.org/ns/prov#wasDerivedFrom")
    a = N(rdf + "type")
    types = [N(str(t)) for t in (CKG.Person, CKG.Country, CKG.Person, CKG.Country)]
    relations = [N(str(r)) for r in (CKG.alliedWith, CKG.cooperatesWith, CKG.tensionsWith, CKG.hostileInteractionWith)]
    source = N(str(SRC["bench"]))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    triples = [ox.Triple(source, a, N(str(CKG.NewsArticle))), ox.Triple(source, N(str(CKG.content)), L("generated"))]
    for i in range(entities):
        e = N(str(CKR[f"E{i}"]))
        triples += [ox.Triple(e, a, rng.choice(types)), ox.Triple(e, rdfs_label, L(f"Entity {i}", language="en"))]
    for j in range(facts):
        s, o = N(str(CKR[f"E{rng.randrange(entities)}"])), N(str(CKR[f"E{rng.randrange(entities)}"]))
        p = rng.choice(relations)
        c = N(str(CLM[f"bench{j}"]))
        day = f"{rng.randrange(1990, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        triples += [
            ox.Triple(s, p, o), ox.Triple(c, a, N(str(CKG.Claim))),
            ox.Triple(c, N(rdf + "subject"), s), ox.Triple(c, N(rdf + "predicate"), p), ox.Triple(c, N(rdf + "object"), o),
            ox.Triple(c, derived, source), ox.Triple(c, N(str(CKG.quote)), L("generated")),
            ox.Triple(c, N(str(CKG.quoteStart)), L("0", datatype=N(xsd + "integer"))),
            ox.Triple(c, N(str(CKG.quoteEnd)), L("9", datatype=N(xsd + "integer"))),
            ox.Triple(c, N(str(CKG.method)), N(str(CKG.Curated))),
            ox.Triple(c, N(str(CKG.confidence)), L("1.0", datatype=N(xsd + "decimal"))),
            ox.Triple(c, N(str(CKG.pointInTime)), L(day, datatype=N(xsd + "date"))),
        ]
    ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    return len(triples)


# ---------------------------------------------------------------------- servers and load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(args: list[str], url: str, *, env: dict[str, str] | None = None):
    """Start a server process, wait until ``url`` answers, stop it (SIGINT, then SIGKILL) at the end."""
    import httpx

    process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(url, timeout=30).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"{args[0]} exited: {process.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} did not start")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get") and os.environ.get("CKG_BENCH_NO_INSTALL") != "1":
        print("installing wrk from Debian's packages (set CKG_BENCH_NO_INSTALL=1 to skip) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise RuntimeError(f"cannot read wrk's latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}[unit]


def load(url: str, connections: int, *, headers: dict[str, str] | None = None) -> dict[str, float]:
    """Throughput (req/s) and median latency (ms) of GET ``url`` for SECONDS, with ``connections`` clients."""
    headers = headers or {}
    if shutil.which("wrk"):
        args = ["wrk", "-t1", f"-c{connections}", f"-d{SECONDS:g}s", "--timeout", "30s", "--latency"]
        for name, value in headers.items():
            args += ["-H", f"{name}: {value}"]
        out = subprocess.run(args + [url], capture_output=True, text=True, timeout=SECONDS + 60).stdout
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors or "Socket errors" in out or not re.search(r"Requests/sec:\s+[1-9]", out):
            raise RuntimeError(f"errors (or no answer) while loading {url}:\n{out}")
        return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                "median_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)), "client": "wrk"}
    return _load_httpx(url, connections, headers)


def _load_httpx(url: str, connections: int, headers: dict[str, str]) -> dict[str, float]:
    import httpx

    stop = time.monotonic() + SECONDS
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        mine = []
        with httpx.Client(headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                response = http.get(url)
                mine.append(time.perf_counter() - t0)
                response.raise_for_status()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": len(latencies) / (time.monotonic() - started), "median_ms": statistics.median(latencies) * 1e3,
            "client": "httpx"}


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    return {"rps": median([r["rps"] for r in runs]), "median_ms": median([r["median_ms"] for r in runs]),
            "runs": [r["rps"] for r in runs]}


def rows(url: str, query: str) -> int:
    import httpx

    response = httpx.get(url, params={"query": query}, headers={"Accept": ACCEPT}, timeout=60)
    response.raise_for_status()
    return len(response.json()["results"]["bindings"])


# ---------------------------------------------------------------------- the run


def main() -> int:
    from caucasus_kg.graph import KnowledgeGraph
    from caucasus_kg.graph.analysis import shortest_paths

    load_before = os.getloadavg()
    wrk = have_wrk()
    work = Path(tempfile.mkdtemp(prefix="ckg-bench-http-"))
    results: dict[str, object] = {"seconds_per_run": SECONDS, "client": "wrk" if wrk else "httpx threads"}
    try:
        data = work / "generated.nt"
        generated = generate(data)
        store = work / "ckg-store"
        kg = KnowledgeGraph.open(store=store)
        kg.load(data)
        total = len(kg)
        kg.close()
        del kg
        gc.collect()
        local_store = work / "ckg-store-in-process"
        shutil.copytree(store, local_store)  # the in-process side of /api/paths reads the same store
        oxdir = work / "oxigraph"
        for path in [*KnowledgeGraph.bundled_paths(), data]:
            subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(oxdir), "--file", str(path)],
                           check=True, capture_output=True)
        print(f"data: bundled graph + {generated} generated triples = {total} triples; "
              f"load client: {results['client']}; {SECONDS:g} s per run")
        results["triples"] = total

        ours_port, ox_port, bare_port = free_port(), free_port(), free_port()
        ours, oxigraph, bare = (f"http://127.0.0.1:{p}" for p in (ours_port, ox_port, bare_port))
        env = {"CKG_QUERY_TIMEOUT": "60", "CKG_MAX_ROWS": "1000000"}
        with ExitStack() as stack:
            stack.enter_context(server([str(BIN / "ckg"), "serve", "--store", str(store), "--port", str(ours_port),
                                        "--log-level", "warning"], f"{ours}/api/stats", env=env))
            stack.enter_context(server([str(BIN / "oxigraph"), "serve", "--location", str(oxdir), "--bind",
                                        f"127.0.0.1:{ox_port}"], f"{oxigraph}/query?query=ASK%7B%7D"))
            stack.enter_context(server([sys.executable, "-c", BARE_APP, str(bare_port)], f"{bare}/ping"))

            sparql_rows = []
            table: dict[str, dict] = {}
            for name, query in QUERIES.items():
                n_ours, n_ox = rows(f"{ours}/sparql", query), rows(f"{oxigraph}/query", query)
                if n_ours != n_ox:
                    raise RuntimeError(f"{name}: {n_ours} rows from us, {n_ox} from Oxigraph")
                q = urllib.parse.quote(query)
                for connections in (1, 4):
                    a = load(f"{ours}/sparql?query={q}", connections, headers={"Accept": ACCEPT})
                    b = load(f"{oxigraph}/query?query={q}", connections, headers={"Accept": ACCEPT})
                    ratio = a["rps"] / b["rps"]
                    table[f"{name} c={connections}"] = {"rows": n_ours, "ours": a, "oxigraph": b, "ratio": ratio}
                    sparql_rows.append([name, n_ours, connections, f"{a['rps']:.0f}", f"{b['rps']:.0f}", f"{ratio:.2f}",
                                        f"{a['median_ms']:.2f}", f"{b['median_ms']:.2f}"])
            print_table("SPARQL: our /sparql vs oxigraph serve (same data, JSON results)",
                        ["query", "rows", "clients", "ours req/s", "oxigraph req/s", "ratio", "ours median ms",
                         "oxigraph median ms"], sparql_rows)

            # Bare and point runs alternate, ROUNDS of each: a shared machine drifts over a run.
            point_url = f"{ours}/sparql?query={urllib.parse.quote(QUERIES['point lookup'])}"
            bare_runs: dict[int, dict] = {}
            point_runs: dict[int, dict] = {}
            point_rows = []
            for c in (1, 4):
                pairs = [(load(f"{bare}/ping", c), load(point_url, c, headers={"Accept": ACCEPT}))
                         for _ in range(ROUNDS)]
                bare_runs[c] = _median_run([b for b, _ in pairs])
                point_runs[c] = _median_run([p for _, p in pairs])
                point_rows.append([c, f"{bare_runs[c]['rps']:.0f}", f"{point_runs[c]['rps']:.0f}",
                                   f"{point_runs[c]['rps'] / bare_runs[c]['rps']:.2f}",
                                   f"{bare_runs[c]['median_ms']:.2f}", f"{point_runs[c]['median_ms']:.2f}"])
            print_table(f"Point lookups vs the bare FastAPI endpoint (framework ceiling), medians of {ROUNDS} "
                        "alternating runs",
                        ["clients", "bare req/s", "point req/s", "ratio", "bare median ms", "point median ms"],
                        point_rows)

            local = KnowledgeGraph.open(store=local_store)
            path_rows = []
            paths: dict[str, dict] = {}
            for label, params in (("k=1", {"k": 1}), ("k=5 undirected", {"k": 5, "undirected": "true"})):
                source, target = "E1", "E2"
                kwargs = {"k": params["k"], "directed": "undirected" not in params}
                shortest_paths(local, source, target, **kwargs)  # projection built and cached
                inproc = median(measure(lambda: shortest_paths(local, source, target, **kwargs), repeat=15))
                url = f"{ours}/api/paths?" + urllib.parse.urlencode({"source": source, "target": target, **params})
                import httpx

                warm = httpx.get(url, timeout=600)  # the server builds its projection once, at the first call
                warm.raise_for_status()
                http = load(url, 1)
                ratio = http["median_ms"] / 1e3 / inproc
                paths[label] = {"in_process_s": inproc, "http": http, "ratio": ratio}
                path_rows.append([label, fmt_seconds(inproc), f"{http['median_ms']:.2f} ms", f"{ratio:.2f}"])
            print_table("/api/paths vs the same shortest_paths call in-process (median, one client)",
                        ["paths", "in-process", "HTTP", "ratio"], path_rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    analytical = [v["ratio"] for k, v in table.items() if not k.startswith("point")]
    point_ratio = min(point_runs[c]["rps"] / bare_runs[c]["rps"] for c in (1, 4))
    worst_path = max(v["ratio"] for v in paths.values())
    verdicts = [
        ["analytical SPARQL vs Oxigraph server (worst)", f"{min(analytical):.2f}x", ">= 0.5x",
         "met" if min(analytical) >= 0.5 else "MISSED"],
        ["point lookups vs bare endpoint (worst)", f"{point_ratio:.2f}x", ">= 0.5x",
         "met" if point_ratio >= 0.5 else "MISSED"],
        ["/api/paths vs in-process (worst)", f"{worst_path:.2f}x", "<= 1.5x", "met" if worst_path <= 1.5 else "MISSED"],
    ]
    load_after = os.getloadavg()
    print_table("Targets", ["measure", "value", "target", "verdict"], verdicts)
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} cores "
          "(other work on the machine makes these numbers noisy)")
    results.update(sparql=table, bare=bare_runs, point=point_runs, paths=paths, targets=verdicts,
                   load_average={"before": load_before, "after": load_after})
    print(f"results: {write_results('http', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
