"""Search benchmark: latency per query class on a 100,000-item library, beside ripgrep.

    python bench/bench_search.py [--days 9500] [--queries 20]

In one run: generates (or reuses) the synthetic library of `--days` digests (9,500 days
make about 100,000 items) and imports it once into bench/out/library-search-<days>d.sqlite
(reused while the notes and kbapp/core are unchanged); then

* reports the size on disk of the search index as the import left it (the FTS5 tables'
  pages, from `dbstat`) and times rebuilding it (`library.search.rebuild`, one
  transaction) in a copy of the library: the queries below run on the index the imports
  made, as the user's would, not on a freshly rebuilt one;
* for each query class (1-character CJK, 2-character CJK, longer CJK, English word,
  phrase, filtered, mixed) runs `--queries` queries taken from the library's own titles,
  each once untimed and then timed 5 times in-process (`library.search.find(q, limit=50)`,
  as the search panel asks), and reports p50 and p95 over all timed runs;
* searches the same digests as markdown files with ripgrep (`rg --fixed-strings
  --count-matches` over the notes folder; for a query of several words, its first word)
  for the same queries, once each, and reports its p50 and the ratio;
* reports the process's peak memory (ru_maxrss).

Targets: p95 under 20 ms for every class, and at least 10x faster than ripgrep (p50 to
p50). The exit status is 1 when a target fails.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import bench_import
from bench_window import library_file

TARGET_P95_MS = 20.0
TARGET_SPEEDUP = 10.0
REPEATS = 5
SEED = 7


def pick_queries(library: object, count: int) -> dict[str, list[str]]:
    """Queries of each class, taken from the titles the library holds."""
    conn = library.db.conn
    titles = [row[0] for row in conn.execute("SELECT title FROM items ORDER BY id")]
    rng = random.Random(SEED)
    sample = rng.sample(titles, min(len(titles), 4000))
    han = [m.group(0) for t in sample for m in re.finditer(r"[\u4e00-\u9fff]{4,}", t)]
    latin = [w for t in sample for w in re.findall(r"[A-Za-z]{4,}", t)]
    pairs = [m.group(0) for t in sample for m in re.finditer(r"[A-Za-z]{3,} [A-Za-z]{3,}", t)]

    def some(values: Sequence[str]) -> list[str]:
        unique = sorted(set(values))
        return rng.sample(unique, min(count, len(unique)))

    return {
        "1-char CJK": some([h[0] for h in han]),
        "2-char CJK": some([h[:2] for h in han]),
        "longer CJK": some([h[:4] for h in han]),
        "English word": some(latin),
        "phrase": [f'"{p}"' for p in some(pairs)],
        "filtered": [f"{h[:2]} stars>=2 date:2019..2022" for h in some(han)],
        "mixed": [f"{w} {h[:2]}" for w, h in zip(some(latin), some(han), strict=False)],
    }


def time_searches(library: object, queries: list[str]) -> list[float]:
    times = []
    for query in queries:
        library.search.find(query, limit=50)  # type: ignore[attr-defined]
        for _ in range(REPEATS):
            started = time.perf_counter()
            library.search.find(query, limit=50)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - started) * 1000)
    return times


def time_ripgrep(rg: str, notes: Path, queries: list[str]) -> list[float]:
    times = []
    for query in queries:
        word = query.strip('"').split()[0] if not query.startswith('"') else query.strip('"')
        started = time.perf_counter()
        subprocess.run([rg, "--fixed-strings", "--count-matches", "--ignore-case", word,
                        str(notes)], stdout=subprocess.DEVNULL, check=False)  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_rebuild(open_library: Callable[[Path], Any], path: Path) -> tuple[float, int]:
    """Seconds to rebuild the index of a copy of the library, and its size after."""
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        library = open_library(copy)
        started = time.perf_counter()
        library.search.rebuild()
        seconds = time.perf_counter() - started
        size = library.db.conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'"
        ).fetchone()[0]
        library.close()
    return seconds, size


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=9500, help="synthetic days (~10.5 items each)")
    parser.add_argument("--queries", type=int, default=20, help="queries per class")
    args = parser.parse_args(argv)
    notes = bench_import.synthetic_library(args.days, 1)
    path = library_file(f"search-{args.days}d", notes)
    open_library, _ = bench_import.load_api()
    library = open_library(path)
    items = library.db.conn.execute("SELECT COUNT(*) FROM items WHERE removed = 0").fetchone()[0]
    size = library.db.conn.execute(
        "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'"
    ).fetchone()[0]
    library.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy is the whole library
    build_s, rebuilt_size = time_rebuild(open_library, path)
    rg = shutil.which("rg")
    print(f"{items:,} items in {path.name}; search index {size / 1e6:.1f} MB on disk as "
          f"imported, rebuilt in {build_s:.1f} s to {rebuilt_size / 1e6:.1f} MB")  # fmt: skip
    queries = pick_queries(library, args.queries)
    ok = True
    print(f"\n{'class':<14} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'rg p50 ms':>10} {'speedup':>8}")
    for name, batch in queries.items():
        times = time_searches(library, batch)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        rg_p50 = statistics.median(time_ripgrep(rg, notes, batch)) if rg else float("nan")
        speedup = rg_p50 / p50 if rg else float("nan")
        print(
            f"{name:<14} {len(batch):>4} {p50:>8.2f} {p95:>8.2f} {rg_p50:>10.1f} {speedup:>7.0f}x"
        )
        ok &= p95 < TARGET_P95_MS and (rg is None or speedup >= TARGET_SPEEDUP)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:.0f} MB (ru_maxrss)")
    if rg is None:
        print("ripgrep (rg) is not on PATH: the comparison was skipped (apt-get install ripgrep)")
    print(f"{'PASS' if ok else 'FAIL'}  p95 < {TARGET_P95_MS:.0f} ms for every class, "
          f"at least {TARGET_SPEEDUP:.0f}x faster than ripgrep")  # fmt: skip
    library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
