"""Several processes on one library at once: creating it, migrating it and importing
into it take turns instead of failing ("table note_revisions already exists", "locked
by another program")."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

from kbapp.core.store.library import Library
from kbapp.core.store.schema import MIGRATIONS, MIGRATIONS_TABLE

OPENERS = 6


def _open(
    path: str, start: multiprocessing.synchronize.Barrier, errors: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    start.wait()
    try:
        Library(Path(path)).close()
    except Exception:  # reported to the test, which names it
        errors.put(traceback.format_exc())


def test_processes_creating_one_new_library_at_once_all_open_it(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        path = tmp_path / f"library-{round_}.sqlite"
        start = context.Barrier(OPENERS)
        errors: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
        workers = [
            context.Process(target=_open, args=(str(path), start, errors)) for _ in range(OPENERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        found = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
        assert found == [] and [w.exitcode for w in workers] == [0] * OPENERS
        with sqlite3.connect(path) as conn:
            names = [row[0] for row in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")]
        assert names == [name for name, _ in MIGRATIONS]  # each applied once


def _kbapp(library: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kbapp", "--library", str(library), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _days(library: Path) -> list[str]:
    with Library(library) as opened:
        return opened.digests.dates()


def test_an_import_waits_for_another_writer_and_says_so(corpus: Path, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    Library(library).close()
    other = sqlite3.connect(library, isolation_level=None)  # another program, writing
    other.execute("BEGIN IMMEDIATE")
    importing = _kbapp(library, "import", str(corpus / "notes" / "202103"))
    try:
        assert importing.stderr is not None
        said = importing.stderr.readline()  # after the busy timeout, while it waits
    finally:
        other.execute("ROLLBACK")
        other.close()
    out, err = importing.communicate(timeout=120)
    assert said == (
        f"kbapp: another program is writing to the library {library}; waiting for it to finish\n"
    )
    assert (importing.returncode, err) == (0, "")
    assert out.count("imported  ") == 12 and len(_days(library)) == 12


def test_two_imports_at_once_both_finish(corpus: Path, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    Library(library).close()
    months = sorted(p for p in (corpus / "notes").iterdir() if p.is_dir())
    halves = months[::2], months[1::2]
    runs = [_kbapp(library, "import", *map(str, half)) for half in halves]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    expected = [len(list(f for m in half for f in m.rglob("*.md"))) for half in halves]
    assert [out.count("imported  ") for out, _ in results] == expected
    assert len(_days(library)) == sum(expected) == 69
