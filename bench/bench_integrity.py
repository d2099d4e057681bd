"""Integrity benchmark: what SQLite's checks cost on a ten-year library, beside the window's
first paint measured in the same run.

    python bench/bench_integrity.py            # 3,650 synthetic days, 3 runs
    python bench/bench_integrity.py --days 365 --runs 2

Per run, interleaved so that drift hits all alike: one fresh kbapp window to its first
paint (offscreen, as `bench_window.py` starts it), then in this process `PRAGMA
quick_check` (what the window runs on its worker after the first paint, and every command
at open), `PRAGMA integrity_check` and `PRAGMA foreign_key_check` (`kbapp check`), each
on a fresh connection. Prints the medians and quick_check as a share of the first paint
beside the 10% the issue allows at open: above it, the check belongs after the paint.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import
import bench_window

LIMIT = 0.10  # of the first paint, for a check at open
CHECKS = {
    "quick_check": "PRAGMA quick_check",
    "integrity_check": "PRAGMA integrity_check",
    "foreign_key_check": "PRAGMA foreign_key_check",
}


def time_check(library: Path, pragma: str) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{library}?mode=ro", uri=True)
    try:
        rows = conn.execute(pragma).fetchall()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    if pragma != "PRAGMA foreign_key_check" and rows != [("ok",)]:
        raise RuntimeError(f"{pragma} on {library}: {rows[:3]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=3650)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    notes = bench_import.synthetic_library(args.days, bench_window.SEED)
    library = bench_window.library_file(f"synthetic-{args.days}d-seed{bench_window.SEED}", notes)
    size_mb = library.stat().st_size / 1e6
    bench_window.compile_bytecode()
    offscreen = bench_window.Platform("offscreen", {"QT_QPA_PLATFORM": "offscreen"})
    bench_window.start_child(offscreen, "kbapp", library)  # warm-up: caches, bytecode
    for pragma in CHECKS.values():
        time_check(library, pragma)
    times: dict[str, list[float]] = {"first paint": [], **{name: [] for name in CHECKS}}
    for run in range(args.runs):
        times["first paint"].append(bench_window.start_child(offscreen, "kbapp", library)["paint"])
        for name, pragma in CHECKS.items():
            times[name].append(time_check(library, pragma))
        line = ", ".join(f"{name} {values[-1]:.0f} ms" for name, values in times.items())
        print(f"run {run + 1}: {line}", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{args.days} days, {size_mb:.0f} MB; medians of {args.runs} runs:")
    for name, value in medians.items():
        print(f"  {name:18} {value:7.0f} ms")
    share = medians["quick_check"] / medians["first paint"]
    verdict = "fits at open" if share <= LIMIT else "runs on the worker after the first paint"
    print(f"quick_check = {share:.0%} of the first paint (limit {LIMIT:.0%} at open): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
