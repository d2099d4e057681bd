"""Import benchmark: how long kbapp takes to import digests, against just reading them.

    python bench/bench_import.py [--days 3650] [--seed 1]

In one run: generates (or reuses, from bench/out/) a synthetic library of `--days` daily
digests, then for the real corpus (../shared/corpus/notes, skipped with a message when
absent) and for the synthetic library measures, each into a fresh temporary library file:

* read: open + read the bytes of every file, after one warm-up read (page cache warm);
* import: `import_paths(library, [notes])` into the empty library;
* re-import: the same call again, every file unchanged.

Prints one table row per dataset and the targets (10-year import < 10 s, unchanged
re-import < 1 s) with PASS/FAIL; the exit status is 1 when a target fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import generate

REPO = Path(__file__).resolve().parents[1]
CORPUS_NOTES = REPO.parent / "shared" / "corpus" / "notes"
OUT = REPO / "bench" / "out"
TARGET_IMPORT_S = 10.0
TARGET_REIMPORT_S = 1.0
TARGET_DAYS = 3650
ITEM_HEAD = re.compile(rb"^\d+\.[ \t]+\[", re.MULTILINE)


@dataclass
class Row:
    dataset: str
    files: int = 0
    items: int = 0
    megabytes: float = 0.0
    read_s: float = 0.0
    import_s: float | None = None
    reimport_s: float | None = None
    import_statuses: Counter[str] = field(default_factory=Counter)
    reimport_statuses: Counter[str] = field(default_factory=Counter)
    imported_items: int | None = None  # as the importer counted them


# -- the files -------------------------------------------------------------------------


def markdown_files(root: Path) -> list[Path]:
    """Every `*.md` below root outside hidden folders: the files the importer takes."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() == ".md"
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def read_all(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb") as handle:
            total += len(handle.read())
    return total


def count_items(files: Sequence[Path]) -> int:
    """Numbered item heads, counted on the bytes (independent of the parser)."""
    return sum(len(ITEM_HEAD.findall(path.read_bytes())) for path in files)


def read_baseline(row: Row, files: Sequence[Path]) -> None:
    read_all(files)  # warm-up: the import below also finds the files in the page cache
    started = time.perf_counter()
    size = read_all(files)
    row.read_s = time.perf_counter() - started
    row.files, row.megabytes, row.items = len(files), size / 1e6, count_items(files)


def synthetic_library(days: int, seed: int) -> Path:
    """bench/out/synthetic-<days>d-seed<seed>, generated unless an identical one is there."""
    out_dir = OUT / f"synthetic-{days}d-seed{seed}"
    options = generate.Options(days=days, seed=seed)
    manifest = out_dir / generate.MANIFEST
    if manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        wanted = {"generator": generate.generator_hash(), **generate.asdict(options)}
        if all(recorded.get(key) == value for key, value in wanted.items()):
            print(f"reusing {out_dir.relative_to(REPO)} ({recorded['files']:,} files)")
            return out_dir / "notes"
    summary = generate.generate(out_dir, options, force=True)
    print(
        f"generated {out_dir.relative_to(REPO)}: {summary.files:,} files, "
        f"{summary.items:,} items, {summary.bytes / 1e6:.1f} MB in {summary.seconds:.2f} s"
    )
    return out_dir / "notes"


# -- the imports -----------------------------------------------------------------------


def load_api() -> tuple[Callable[[Path], Any], Callable[..., Any]]:
    """(open_library, import_paths) from kbapp, importable from the checkout if need be."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from kbapp.core.importer import import_paths
    from kbapp.core.store.library import Library

    opener = getattr(Library, "open", None)
    return (opener if callable(opener) else Library), import_paths


def statuses(report: Any) -> Counter[str]:
    outcomes = getattr(report, "outcomes", report)
    return Counter(str(getattr(o.status, "value", o.status)) for o in outcomes)


def reported_items(report: Any) -> int | None:
    outcomes = list(getattr(report, "outcomes", report))
    if not all(isinstance(getattr(o, "items", None), int) for o in outcomes):
        return None
    return sum(o.items for o in outcomes)


def timed_imports(row: Row, notes: Path) -> None:
    open_library, import_paths = load_api()
    with tempfile.TemporaryDirectory(prefix="kbapp-bench-") as tmp:
        library = open_library(Path(tmp) / "library.sqlite")
        try:
            started = time.perf_counter()
            first = import_paths(library, [notes])
            row.import_s = time.perf_counter() - started
            started = time.perf_counter()
            second = import_paths(library, [notes])
            row.reimport_s = time.perf_counter() - started
        finally:
            library.close()
    row.import_statuses, row.reimport_statuses = statuses(first), statuses(second)
    row.imported_items = reported_items(first)


def bench(name: str, notes: Path) -> Row:
    print(f"{name}: reading {notes} ...", flush=True)
    row = Row(name)
    read_baseline(row, markdown_files(notes))
    print(f"{name}: importing {row.files:,} files twice ...", flush=True)
    try:
        timed_imports(row, notes)
    except ImportError as error:  # the importer is not written yet: keep the read rows
        print(f"{name}: import not measured, kbapp's importer is unavailable ({error})")
    return row


# -- the report ------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def ratio(value: float | None, base: float) -> str:
    return "n/a" if value is None or base <= 0 else f"{value / base:.1f}x"


def counts(counter: Counter[str]) -> str:
    return " ".join(f"{status}={n}" for status, n in sorted(counter.items())) or "-"


def print_table(rows: Sequence[Row]) -> None:
    header = (
        "dataset",
        "files",
        "items",
        "MB",
        "read s",
        "import s",
        "imp/read",
        "re-import s",
        "re/read",
    )
    lines = [header]
    for r in rows:
        lines.append(
            (
                r.dataset,
                f"{r.files:,}",
                f"{r.items:,}",
                f"{r.megabytes:.1f}",
                seconds(r.read_s),
                seconds(r.import_s),
                ratio(r.import_s, r.read_s),
                seconds(r.reimport_s),
                ratio(r.reimport_s, r.read_s),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for r in rows:
        items = "" if r.imported_items is None else f" ({r.imported_items:,} items)"
        print(
            f"{r.dataset}: import {counts(r.import_statuses)}{items}; "
            f"re-import {counts(r.reimport_statuses)}"
        )


def verdicts(row: Row, days: int) -> list[tuple[str, bool, str]]:
    """(target, passed, detail) for the synthetic library."""
    clean = not row.import_statuses.get("failed", 0)
    unchanged = row.reimport_statuses.get("unchanged", 0) == row.files
    fast = row.import_s is not None and row.import_s < TARGET_IMPORT_S
    fast_again = row.reimport_s is not None and row.reimport_s < TARGET_REIMPORT_S
    return [
        (
            f"{days}-day import < {TARGET_IMPORT_S:g} s",
            clean and fast,
            f"{seconds(row.import_s)} s" + ("" if clean else ", with failed files"),
        ),
        (
            f"unchanged re-import < {TARGET_REIMPORT_S:g} s",
            unchanged and fast_again,
            f"{seconds(row.reimport_s)} s" + ("" if unchanged else ", not every file unchanged"),
        ),
    ]


def print_verdicts(results: Sequence[tuple[str, bool, str]], days: int) -> bool:
    print()
    if days != TARGET_DAYS:
        print(f"(the targets are set for {TARGET_DAYS} days; this run used {days})")
    for target, passed, detail in results:
        print(f"{'PASS' if passed else 'FAIL'}  {target}: {detail}")
    return all(passed for _, passed, _ in results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=TARGET_DAYS, help="synthetic library size")
    parser.add_argument("--seed", type=int, default=1, help="synthetic library seed")
    args = parser.parse_args(argv)
    synthetic = synthetic_library(args.days, args.seed)
    rows = []
    if CORPUS_NOTES.is_dir():
        rows.append(bench("corpus", CORPUS_NOTES))
    else:
        print(f"corpus rows skipped: {CORPUS_NOTES} not found")
    synthetic_row = bench(f"synthetic {args.days}d", synthetic)
    rows.append(synthetic_row)
    print_table(rows)
    return 0 if print_verdicts(verdicts(synthetic_row, args.days), args.days) else 1


if __name__ == "__main__":
    sys.exit(main())
