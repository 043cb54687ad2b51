"""Run every benchmark of this folder (``bench/bench_*.py``) in turn: what ``make bench`` runs.

Each script runs in its own subprocess (fresh memory, its own crash) through its ``main()``,
its output streamed as it comes; a script that fails or runs past ``--timeout`` is reported
and the run goes on with the next. A summary table closes the run and goes to
``bench/results/run_all.json`` with every script's status and time.

Run: ``.venv/bin/python bench/run_all.py`` (``--only scale,http`` or ``--skip viz`` to choose,
``--list`` to see the scripts). The whole suite is meant to finish within about 15 minutes
on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, fmt_seconds, machine, print_table, write_results  # noqa: E402

BENCH = Path(__file__).resolve().parent

# Runs the script's main() whether or not it has an ``if __name__ == "__main__"`` block.
_RUNNER = (
    "import runpy, sys; path = sys.argv[1]; sys.argv = [path, *sys.argv[2:]]; "
    "ns = runpy.run_path(path, run_name='ckg_bench'); "
    "main = ns.get('main'); "
    "sys.exit(main() or 0) if callable(main) else sys.exit(f'{path} has no main()')"
)


# What each script runs under `make bench`, so the suite fits in about 15 minutes on 2 cores.
# Run a script on its own for its full defaults (larger repeats, the networkx and pyvis
# baselines at every size, the 100k-edge analytics scale run).
SUITE_ARGS: dict[str, list[str]] = {
    "analytics": ["--repeat", "2", "--no-scale", "--skip-networkx-betweenness"],
    "scale": ["--repeat", "3", "--max-seconds", "3"],
    # pyvis with physics does not finish 1,000 nodes in minutes: 60 s is enough to show >= 50x.
    "viz": ["--repeat", "2", "--baseline-cap", "60", "--cap", "20"],
    "import": ["--only", "icews_south_caucasus.tsv"],
}


def scripts() -> list[Path]:
    """The benchmark scripts, in name order."""
    return sorted(BENCH.glob("bench_*.py"))


def short(path: Path) -> str:
    return path.stem.removeprefix("bench_")


def run_one(path: Path, timeout: float) -> tuple[str, float, int | None]:
    """Run one script; stream its output; return (status, seconds, exit code)."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = SUITE_ARGS.get(short(path), [])
    proc = subprocess.Popen([sys.executable, "-c", _RUNNER, str(path), *args], cwd=ROOT, env=env)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return f"stopped after {timeout:g} s", time.perf_counter() - started, None
    seconds = time.perf_counter() - started
    return ("ok" if code == 0 else f"failed (exit {code})"), seconds, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated scripts to run (e.g. scale,http)")
    parser.add_argument("--skip", default="", help="comma-separated scripts to leave out")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a script is stopped")
    parser.add_argument("--list", action="store_true", help="list the scripts and exit")
    args = parser.parse_args(argv)

    found = scripts()
    if args.list:
        for path in found:
            print(short(path), path.relative_to(ROOT))
        return 0
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = (only | skip) - {short(p) for p in found}
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(short(p) for p in found)})")
    chosen = [p for p in found if (not only or short(p) in only) and short(p) not in skip]

    info = machine()
    print(f"caucasus-kg benchmarks: {len(chosen)} scripts on {info['cpus']} CPUs, Python {info['python']}, {info['platform']}")
    started = time.perf_counter()
    rows, summary = [], {}
    for path in chosen:
        print(f"\n{'=' * 100}\n{path.relative_to(ROOT)}\n{'=' * 100}", flush=True)
        status, seconds, code = run_one(path, args.timeout)
        rows.append([short(path), status, fmt_seconds(seconds)])
        summary[short(path)] = {"status": status, "seconds": round(seconds, 2), "exit_code": code}
        if status != "ok":
            print(f"\n!! {path.name}: {status}; going on with the next benchmark", flush=True)
    total = time.perf_counter() - started
    rows.append(["total", "", fmt_seconds(total)])
    print_table("Benchmarks run", ["benchmark", "status", "time"], rows)
    results = write_results("run_all", {"scripts": summary, "total_seconds": round(total, 2)})
    print(f"\nresults: {results.relative_to(ROOT)} (each benchmark also writes its own JSON there)")
    return 0 if all(s["status"] == "ok" for s in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
