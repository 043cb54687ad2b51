"""Coded event import at scale: time and peak memory of ``import_events`` into an on-disk store.

Each dataset is imported into a new on-disk Oxigraph store (initialised with the
bundled graph) by a fresh Python process, so that the peak resident memory
(``ru_maxrss``) belongs to that import alone. Reports wall-clock and CPU
seconds per phase (checking rows, building triples, storing), triples added,
peak RSS, and the time of a second import of the same file (which adds nothing).

Datasets: ``icews_south_caucasus.tsv`` (1,957 rows) and ``gdelt_2018_valid.tsv``
(238,765 rows), from ``$CKG_SHARED_DATASETS`` or ``../shared/datasets``; a
missing file is skipped.

Run: ``.venv/bin/python bench/bench_import.py [--only icews_south_caucasus.tsv]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, fmt_seconds, machine, print_table, shared_dataset, write_results  # noqa: E402

DATASETS = ["icews_south_caucasus.tsv", "gdelt_2018_valid.tsv"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(path: Path, store: Path) -> dict:
    """Import one file into a new store in this process; return the measures (run in a child process)."""
    from caucasus_kg.graph import KnowledgeGraph
    from caucasus_kg.graph.events import import_events

    t0, c0 = time.perf_counter(), time.process_time()
    kg = KnowledgeGraph.open(store=store)
    opened = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "triples": len(kg)}
    rss_open = _rss_mb()
    phases: dict[str, dict[str, float]] = {}
    last = {"stage": None, "wall": time.perf_counter(), "cpu": time.process_time()}

    def progress(stage: str, done: int, total: int) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        if last["stage"] is not None:
            entry = phases.setdefault(last["stage"], {"wall": 0.0, "cpu": 0.0})
            entry["wall"] += now - last["wall"]
            entry["cpu"] += cpu - last["cpu"]
        last.update(stage=stage, wall=now, cpu=cpu)

    t1, c1 = time.perf_counter(), time.process_time()
    report = import_events(kg, path, progress=progress)
    wall, cpu = time.perf_counter() - t1, time.process_time() - c1
    rss_peak = _rss_mb()
    t2 = time.perf_counter()
    again = import_events(kg, path)
    second = time.perf_counter() - t2
    size = len(kg)
    t3 = time.perf_counter()
    kg.close()
    closed = time.perf_counter() - t3
    disk = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
    return {
        "file": path.name,
        "rows": report.rows,
        "triples_added": report.triples_added,
        "store_triples": size,
        "aggregates": report.aggregates,
        "actors": report.actors,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "phases": {k: {m: round(v, 2) for m, v in d.items()} for k, d in phases.items()},
        "open_store_s": round(opened["wall"], 2),
        "close_flush_s": round(closed, 2),
        "rss_after_open_mb": round(rss_open, 1),
        "rss_peak_mb": round(rss_peak, 1),
        "second_import_s": round(second, 3),
        "second_import_added": again.triples_added,
        "store_disk_mb": round(disk / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="import only this dataset file name")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.store)))
        return 0

    results = []
    for name in [args.only] if args.only else DATASETS:
        path = shared_dataset(name)
        if path is None:
            print(f"skip {name}: not found (set CKG_SHARED_DATASETS)")
            continue
        with tempfile.TemporaryDirectory(prefix="ckg-bench-import-") as tmp:
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            proc = subprocess.run(
                [sys.executable, __file__, "--one", str(path), "--store", str(Path(tmp) / "store")],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    rows = [
        [
            r["file"],
            f"{r['rows']:,}",
            f"{r['triples_added']:,}",
            fmt_seconds(r["wall_s"]),
            fmt_seconds(r["cpu_s"]),
            " / ".join(f"{k} {fmt_seconds(v['wall'])}" for k, v in r["phases"].items()),
            f"{r['rss_peak_mb']:,.0f} MB",
            f"{r['store_disk_mb']:,.0f} MB",
            fmt_seconds(r["second_import_s"]),
        ]
        for r in results
    ]
    print_table(
        "import_events into a new on-disk Oxigraph store (one fresh process per file)",
        ["file", "rows", "triples added", "wall", "CPU", "phases (wall)", "peak RSS", "store on disk", "2nd import"],
        rows,
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"\nmachine: {machine()}; load average at the end: {load}")
    path = write_results("import", {"results": results, "load_average": load})
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
