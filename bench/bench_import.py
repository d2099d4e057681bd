"""Import benchmark: each phase of kbapp's import beside what that work could cost.

    python bench/bench_import.py [--days 3650] [--seed 1] [--runs 3]

Generates (or reuses, from bench/out/) a synthetic library of `--days` daily digests and
measures, on the same files and in the same run, `--runs` rounds, each round A then B
(interleaved: A B A B; medians printed):

* whole import (A): `import_paths` in a fresh process (`python bench_import.py --child`,
  its default workers), wall time from start to exit, into an empty library; the child
  reports its own peak RSS (`VmHWM`, the writing process; workers are not counted);
* the limit (B), in this process: read the files + `classify` (a minimal regex line
  classifier: every item, image and most links) + `bulk_insert` (kbapp's own rows, ids
  assigned beforehand, into a fresh library with kbapp's schema: one transaction, one
  executemany per table, the search rows included);
* parse + rows (`importer._prepare` of every file, here, one core) against `classify`;
* the writer (`importer.write_plan` given the prepared rows) against `bulk_insert`;
* unchanged re-import (`import_paths` again on the child's library) against reading the
  files;
* the library's size (file + WAL, after the child closed it) against the markdown's.

The in-process phases take the first `--phase-files` files (default 3650): they hold
every prepared row at once, which the importer itself never does.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import generate

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# -- the limit: read, classify, bulk insert --------------------------------------------

_ITEM = re.compile(r"(\d+)\.\s+\[(.*)\]\((\S+?)\)(.*)")
_BULLET = re.compile(r"(\s*)[-*+]\s+([^:：\s]*)\s*[:：]?\s*(.*)")
_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
_BARE = re.compile(r"(?<![(\[])https?://[^\s)\]<>]+")
_IMG = re.compile(r"<img\s[^>]*?src=[\"']?([^\"' >]+)|!\[[^\]]*\]\(([^)\s]+)")
_STAR = re.compile(r":star:|⭐|★")


def classify(text: str) -> tuple[int, int, int]:
    """(items, images, links) of one digest, one regex pass per line class: what a
    parser must at least do to find every item, picture and link."""
    items = images = links = 0
    out: list[tuple[Any, ...]] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped:
            continue
        first = stripped[0]
        if first.isdigit():
            match = _ITEM.match(stripped)
            if match:
                items += 1
                out.append(("item", match[1], match[2], match[3], len(_STAR.findall(match[4]))))
                continue
        if first in "-*+":
            match = _BULLET.match(line)
            if match:
                found = _LINK.findall(match[3])
                bare = _BARE.findall(match[3])
                links += len(found) + len(bare)
                out.append(("bullet", len(match[1]), match[2], match[3], found, bare))
                continue
        if first == "<" or "![" in line:
            found_images = _IMG.findall(line)
            if found_images:
                images += len(found_images)
                out.append(("image", found_images))
                continue
        if first == "#":
            out.append(("heading", stripped))
            continue
        out.append(("text", line))
    return items, images, links


def read_texts(files: Sequence[Path]) -> list[str]:
    texts = []
    for path in files:
        with path.open("rb") as handle:
            texts.append(handle.read().decode("utf-8"))
    return texts


def read_all(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb") as handle:
            total += len(handle.read())
    return total


def bulk_tables(prepared: Sequence[Any]) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """kbapp's rows of these prepared files as (INSERT, rows) per table, ids assigned."""
    from kbapp.core.search.text import day_facets
    from kbapp.core.store import digests as store
    from kbapp.core.store.connection import now
    from kbapp.core.store.search_index import INSERT, note_text

    tables: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
        "digests": (
            f"INSERT INTO digests (id, date, {store._DIGEST_COLUMNS}) "
            f"VALUES (?, ?, {store._marks(store._DIGEST_COLUMNS)})",
            [],
        ),
        "items": (
            f"INSERT INTO items (id, key, digest_id, {store._ITEM_COLUMNS}) "
            f"VALUES (?, ?, ?, {store._marks(store._ITEM_COLUMNS)})",
            [],
        ),
        **{table: (sql, []) for table, sql in store._CHILD_INSERTS.items()},
        "search": (INSERT, []),
    }
    item_id = 0
    empty_note = note_text(None, None)
    for digest_id, p in enumerate(prepared, start=1):
        rows = p.rows
        tables["digests"][1].append((digest_id, rows.date, p.source_path, p.content_hash, now(),
                                     *rows.values))  # fmt: skip
        day = day_facets(rows.date)
        for item in rows.items:
            item_id += 1
            tables["items"][1].append((item_id, item.key, digest_id, *item.values))
            tables["links"][1].extend((item_id, *link) for link in item.links)
            tables["identities"][1].extend((item_id, *ident) for ident in item.identities)
            tables["images"][1].extend((item_id, digest_id, *i) for i in item.images)
            tables["videos"][1].extend((item_id, digest_id, *v) for v in item.videos)
            s = item.search
            tables["search"][1].append((item_id, *s[:5], empty_note, s[5], f"{day} {s[6]}"))
        tables["images"][1].extend((None, digest_id, *i) for i in rows.images)
        tables["videos"][1].extend((None, digest_id, *v) for v in rows.videos)
    return tables


def bulk_insert(path: Path, tables: dict[str, tuple[str, list[tuple[Any, ...]]]]) -> float:
    """Seconds to write `tables` into a fresh library at `path` in one transaction."""
    from kbapp.core.store.library import Library
    from kbapp.core.store.migrations import UPDATE_DAY_COUNTS

    library = Library(path)
    conn = library.db.conn
    try:
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for sql, rows in tables.values():
            conn.executemany(sql, rows)
        conn.executemany(UPDATE_DAY_COUNTS, [(row[0],) for row in tables["digests"][1]])
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        library.close()


# -- kbapp's phases --------------------------------------------------------------------


def child(notes: Path, library_path: Path) -> None:
    """The whole import in this (fresh) process: prints its figures as JSON."""
    from kbapp.core.importer import import_paths
    from kbapp.core.store.library import Library

    started = time.perf_counter()
    with Library(library_path) as library:
        report = import_paths(library, [notes])
    seconds = time.perf_counter() - started
    print(json.dumps({
        "import_s": seconds,
        "vmhwm_mb": vmhwm_mb(),
        "statuses": Counter(o.status.value for o in report.outcomes),
        "items": sum(o.items for o in report.outcomes),
    }))  # fmt: skip


def vmhwm_mb() -> float:
    """This process's peak resident memory in MB (`/proc/self/status` VmHWM)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def whole_import(notes: Path, library_path: Path) -> tuple[float, dict[str, Any]]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{library_path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(notes), str(library_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def prepare_all(files: Sequence[Path]) -> list[Any]:
    from kbapp.core import importer

    return [importer._prepare(path) for path in files]


def prepare_each(files: Sequence[Path]) -> int:
    """`_prepare` of each file, its rows dropped at once as a worker sends its chunk off
    (held, a whole library's rows would make the collector's full passes walk them all:
    ~11% of this phase at 3,650 files, a cost the import never has)."""
    from kbapp.core import importer

    return sum(importer._prepare(path).items for path in files)


def write_prepared(path: Path, files: Sequence[Path], prepared: Sequence[Any]) -> float:
    from kbapp.core import importer
    from kbapp.core.import_report import ImportReport
    from kbapp.core.store.library import Library

    library = Library(path)
    try:
        plan: list[Any] = [importer._Todo(p) for p in files]
        report = ImportReport()
        started = time.perf_counter()
        importer.write_plan(library, plan, lambda n, _path: prepared[n], report)
        seconds = time.perf_counter() - started
    finally:
        library.close()
    bad = [o for o in report.outcomes if o.status.value != "imported"]
    assert not bad, bad[:3]
    return seconds


def reimport(library_path: Path, notes: Path) -> tuple[float, Counter[str]]:
    from kbapp.core.importer import import_paths
    from kbapp.core.store.library import Library

    with Library(library_path) as library:
        started = time.perf_counter()
        report = import_paths(library, [notes])
        seconds = time.perf_counter() - started
    return seconds, Counter(o.status.value for o in report.outcomes)


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# -- the run ---------------------------------------------------------------------------


def markdown_files(root: Path) -> list[Path]:
    """Every `*.md` below root outside hidden folders, in the importer's order."""
    from kbapp.core.importer import collect_files

    return [path for path, _ in collect_files([root])]


def synthetic_library(days: int, seed: int) -> Path:
    """bench/out/synthetic-<days>d-seed<seed>, generated unless an identical one is there."""
    out_dir = OUT / f"synthetic-{days}d-seed{seed}"
    options = generate.Options(days=days, seed=seed)
    if generate.up_to_date(out_dir, options):
        return out_dir / "notes"
    summary = generate.generate(out_dir, options, force=True)
    print(f"generated {out_dir.relative_to(REPO)}: {summary.files:,} files, "
          f"{summary.items:,} items, {summary.bytes / 1e6:.1f} MB")  # fmt: skip
    return out_dir / "notes"


def line(name: str, kbapp: Sequence[float], limit: Sequence[float], unit: str = "s") -> float:
    a, b = statistics.median(kbapp), statistics.median(limit)
    shown = " ".join(f"{x / y:.2f}" for x, y in zip(kbapp, limit, strict=True))
    print(f"{name:<34} {a:9.3f} {unit:<2} {b:9.3f} {unit:<2} {a / b:6.2f}x   (runs: {shown})")
    return a / b


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=3650, help="synthetic library size")
    parser.add_argument("--seed", type=int, default=1, help="synthetic library seed")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--phase-files", type=int, default=3650, help="in-process phases")
    parser.add_argument("--child", nargs=2, metavar=("NOTES", "LIBRARY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    notes = synthetic_library(args.days, args.seed)
    files = markdown_files(notes)
    some = files[: args.phase_files]
    markdown = sum(p.stat().st_size for p in files)
    print(f"{args.days} days: {len(files):,} files, {markdown / 1e6:.1f} MB; in-process "
          f"phases on {len(some):,} files; {args.runs} rounds, A B interleaved")  # fmt: skip
    read_all(files)  # page cache warm for every phase
    prepared = prepare_all(some)
    tables = bulk_tables(prepared)
    texts = read_texts(some)
    counts = [sum(c) for c in zip(*(classify(t) for t in texts), strict=True)]
    # What this process holds for the phases (every prepared row) is frozen out of the
    # garbage collector: its full passes would otherwise walk millions of held objects
    # inside kbapp's phases, a cost the importer (which drops each chunk) never pays.
    gc.freeze()
    kbapp_items = sum(p.items for p in prepared)
    print(f"classifier: {counts[0]:,} items ({kbapp_items:,} kbapp), {counts[1]:,} images, "
          f"{counts[2]:,} links")  # fmt: skip
    fig: dict[str, list[float]] = {k: [] for k in (
        "whole", "limit", "read", "classify_all", "parse", "classify", "writer", "bulk",
        "reimport", "read_again", "rss", "size")}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="kbapp-bench-") as tmp:
        tmpdir = Path(tmp)
        child_info: dict[str, Any] = {}
        for _ in range(args.runs):
            library_path = tmpdir / "whole.sqlite"
            wall, child_info = whole_import(notes, library_path)
            fig["whole"].append(wall)
            fig["rss"].append(child_info["vmhwm_mb"])
            size = sum(Path(f"{library_path}{s}").stat().st_size for s in ("", "-wal")
                       if Path(f"{library_path}{s}").exists())  # fmt: skip
            fig["size"].append(size / markdown)
            # the limit of the whole import, on every file
            read_s = timed(lambda: read_texts(files))
            classify_s = timed(lambda: [classify(t) for t in read_texts(files)]) - read_s
            all_prepared = prepared if len(some) == len(files) else prepare_all(files)
            all_tables = tables if len(some) == len(files) else bulk_tables(all_prepared)
            gc.freeze()
            Path(tmpdir / "bulk-all.sqlite").unlink(missing_ok=True)
            bulk_s = bulk_insert(tmpdir / "bulk-all.sqlite", all_tables)
            del all_prepared, all_tables
            gc.unfreeze()
            gc.collect()
            gc.freeze()  # the phases' own rows stay frozen
            fig["limit"].append(read_s + classify_s + bulk_s)
            # parse + rows against the classifier (both read the files)
            fig["parse"].append(timed(lambda: prepare_each(some)))
            fig["classify"].append(timed(lambda: [classify(t) for t in read_texts(some)]))
            # the writer against the bulk insert
            for name in ("writer.sqlite", "bulk.sqlite"):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{tmpdir / name}{suffix}").unlink(missing_ok=True)
            fig["writer"].append(write_prepared(tmpdir / "writer.sqlite", some, prepared))
            fig["bulk"].append(bulk_insert(tmpdir / "bulk.sqlite", tables))
            # unchanged re-import against reading the files
            seconds, statuses = reimport(library_path, notes)
            assert statuses == Counter(unchanged=len(files)), statuses
            fig["reimport"].append(seconds)
            fig["read_again"].append(timed(lambda: read_all(files)))
    print(f"child: {dict(child_info['statuses'])}, {child_info['items']:,} items")
    print()
    print(f"{'measure':<34} {'kbapp':>12} {'limit':>12} {'ratio':>7}")
    line("whole import (subprocess, wall)", fig["whole"], fig["limit"])
    line("parse + rows vs classifier", fig["parse"], fig["classify"])
    line("writer vs bulk insert", fig["writer"], fig["bulk"])
    line("unchanged re-import vs read", fig["reimport"], fig["read_again"])
    rss = statistics.median(fig["rss"])
    print(f"{'writer peak RSS (VmHWM)':<34} {rss:9.1f} MB {100:9.1f} MB {rss / 100:6.2f}x   "
          f"(runs: {' '.join(f'{x:.0f}' for x in fig['rss'])})")  # fmt: skip
    ratio = statistics.median(fig["size"])
    print(f"{'library size vs markdown':<34} {ratio * markdown / 1e6:9.1f} MB "
          f"{markdown / 1e6:9.1f} MB {ratio:6.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
