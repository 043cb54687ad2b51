"""Shared helpers of the benchmark scripts: timing with medians, tables, JSON results, dataset paths.

Every script measures our code and its baseline side by side in one run and
reports medians and ratios; results also go to ``bench/results/<name>.json``.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def shared_dataset(name: str) -> Path | None:
    """A file of the shared datasets folder (``$CKG_SHARED_DATASETS`` or ``../shared/datasets``), if present."""
    base = Path(os.environ.get("CKG_SHARED_DATASETS", ROOT.parent / "shared" / "datasets"))
    path = base / name
    return path if path.is_file() else None


def measure(fn: Callable[[], Any], *, repeat: int = 7, warmup: int = 1, max_seconds: float = 60.0) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls after ``warmup`` calls (stops early past ``max_seconds``)."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    started = time.perf_counter()
    gc.collect()
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - started > max_seconds and len(times) >= 3:
            break
    return times


def median(times: Sequence[float]) -> float:
    return statistics.median(times)


def fmt_seconds(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print an aligned plain-text table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(cells[0], widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def write_results(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` (with the machine description) and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return path
