"""Importing digest files and folders into a library, each file atomically.

Files are read, hashed and parsed here (the parse in worker processes when there are
many) and written by `import_writer`: they share a transaction (at most `BATCH`, for at
most `BATCH_SECONDS`); a file is all written or not at all, one commit serves many files,
and what was written stays committed when a later file stops the import. A file's
outcome is reported (`progress`, the report) only once its batch has committed, so
nothing is called imported that a full disk or a kill then rolled back.

A file whose exact bytes were imported before is "unchanged" and costs a hash and one
lookup in the library's hashes (read once per import): nothing is parsed and nothing is
written, so re-importing a whole series is quick and leaves the library file untouched.
A file that cannot be read or is not a digest is "failed" with a reason for a person,
and nothing of it is written; the other files go on. Environment errors of the library
itself (locked, disk full) stop the whole import with a LibraryError: every following
file would fail the same way.

A digest's local pictures (`images/x.png` next to the note) are copied into the
library's image cache as the file is written (`cache_local_images`), so the notes folder
may move or go; a missing, escaping or non-image file is reported in the outcome's
`image_problems` and recorded as a failed image, never fatal to the import.

Qt-free: the GUI runs `import_paths` on its worker and passes `progress` and `cancel`,
and may pass `image_decoder` (`kbapp.qt_image.qt_decoder`) to have Qt prove each local
picture decodes.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.digest import files as reader
from kbapp.core.digest.model import DigestError
from kbapp.core.images.check import Decoder
from kbapp.core.import_report import FileOutcome, ImportReport, Progress, Status
from kbapp.core.import_workers import cpu_count, spawn_is_safe, yield_to_the_writer
from kbapp.core.import_writer import (
    SERIES_INDEX,
    _Prepared,
    _store,
    _Todo,
    _unexpected,
    cache_local_images,
    write_plan,
)
from kbapp.core.store.library import Library
from kbapp.core.store.rows import digest_rows

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

CHUNK = 16  # files a worker parses per round trip


# Below this many files to parse, starting worker processes (~0.3 s) costs more than
# they save (~1.5 ms a file on two cores); measured on bench/generate.py digests.
PARALLEL_MIN_FILES = 200


def import_paths(
    library: Library,
    paths: Iterable[Path | str],
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    *,
    workers: int | None = None,
    image_decoder: Decoder | None = None,
) -> ImportReport:
    """Import files and folders (folders: every `*.md` below them, sorted).

    First every file is read and hashed, which settles the unchanged ones; the others
    are parsed by `workers` processes (default: one per CPU when there are many files;
    0 parses here) while this thread writes them, in path order, each atomically.
    Like any multiprocessing program, a script passing `workers` must guard its entry
    point with `if __name__ == "__main__":`; the default checks for that. `cancel` is
    asked before each file; when it says yes the report is returned as it stands, `cancelled` set.
    """
    report = ImportReport()
    found = _collect(paths)
    if workers is None:
        auto = len(found) >= PARALLEL_MIN_FILES and spawn_is_safe()
        workers = cpu_count() if auto else 0
    pool: ProcessPoolExecutor | None = None
    plan: list[FileOutcome | _Todo] = []
    known = library.digests.imported_hashes()
    for path, problem, resolved in found:
        step = _plan(library, path, problem, known, resolved)
        if pool is None and workers > 0 and isinstance(step, _Todo):
            # At the first file that needs parsing, so the workers boot while the rest
            # is hashed; a re-import of unchanged files never spawns them.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")  # fork is unsafe under Qt threads
            pool = ProcessPoolExecutor(workers, context, initializer=yield_to_the_writer)
            pool.submit(int)  # processes start at the first submit: start them now
        plan.append(step)
    todo = [n for n, step in enumerate(plan) if isinstance(step, _Todo)]
    # Files go to the workers in chunks of CHUNK: fewer round trips between the writer
    # and the workers.
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    where = {n: (c, k) for c, chunk in enumerate(chunks) for k, n in enumerate(chunk)}
    futures: dict[int, Future[list[_Prepared]]] = {}
    ready: dict[int, list[_Prepared]] = {}
    ahead = iter(enumerate(chunks))

    def submit(count: int) -> None:
        for c, chunk in itertools.islice(ahead, count):
            assert pool is not None
            todos = [
                step for n in chunk if isinstance(step := plan[n], _Todo)
            ]  # all still to write
            futures[c] = pool.submit(_prepare_many, todos)

    def prepared_for(n: int, path: Path) -> _Prepared:
        if pool is None:
            step = plan[n]
            return _prepare(path, step.resolved if isinstance(step, _Todo) else None)
        c, k = where[n]
        if c not in ready:
            ready[c] = futures.pop(c).result()
            submit(1)
        prepared = ready[c][k]
        if k == len(chunks[c]) - 1:  # the chunk's last file: drop it (memory stays flat)
            del ready[c]
        return prepared

    try:
        if pool is not None:
            submit(workers * 3)
        write_plan(library, plan, prepared_for, report, progress, cancel, image_decoder)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return report


def import_file(
    library: Library, path: Path, *, image_decoder: Decoder | None = None
) -> FileOutcome:
    """Import one file (see the module doc for what each outcome means)."""
    step = _plan(library, path, None)
    if isinstance(step, _Todo):
        return _store(library, path, _prepare(path), image_decoder)
    return step


def _plan(
    library: Library,
    path: Path,
    problem: str | None,
    known: dict[str, tuple[str, int]] | None = None,
    resolved: Path | None = None,
) -> FileOutcome | _Todo:
    """The outcome of a file when reading and hashing settle it, else a file to parse.
    `known`: the library's `imported_hashes`, when the caller has them."""
    if problem is not None:
        return FileOutcome(path, Status.FAILED, reason=problem)
    try:
        data = reader.read_bytes(path)
    except DigestError as error:
        return FileOutcome(path, Status.FAILED, reason=str(error))
    content_hash = hashlib.sha256(data).hexdigest()
    if known is not None:
        if content_hash in known:
            date, items = known[content_hash]
            return FileOutcome(path, Status.UNCHANGED, date, items=items)
        return _Todo(path, resolved)
    info = library.digests.digest_by_hash(content_hash)
    if info is not None:
        return FileOutcome(path, Status.UNCHANGED, info.date, items=info.items)
    return _Todo(path)


def _prepare_many(todos: list[_Todo]) -> list[_Prepared]:
    return [_prepare(todo.path, todo.resolved) for todo in todos]


def _prepare(path: Path, resolved: Path | None = None) -> _Prepared:
    """Read, hash, parse and turn into rows: everything but the write (runs in workers).

    The file is read again rather than passed along, and hashed again, so what is
    written always matches the hash stored with it even if the file just changed.
    """
    try:
        data = reader.read_bytes(path)
    except DigestError as error:
        return _Prepared(None, error=str(error))
    content_hash = hashlib.sha256(data).hexdigest()
    resolved = path.resolve() if resolved is None else resolved
    try:
        digest = reader.parse_bytes(data, resolved)
        if digest.is_index:
            return _Prepared(content_hash, date=digest.date, is_index=True)
        rows = digest_rows(digest)
    except DigestError as error:
        return _Prepared(content_hash, error=str(error))
    except Exception as error:  # a bug met by this file: the other files go on
        log.exception("reading %s failed", path)
        return _Prepared(content_hash, error=_unexpected(error))
    return _Prepared(content_hash, str(resolved), rows, len(digest.items), digest.date)


def collect_files(paths: Iterable[Path | str]) -> list[tuple[Path, str | None]]:
    """The files to import, each with a problem (a missing path) or None.

    Folders are searched recursively for `*.md` (any case), skipping hidden folders such
    as `.git`; a file named explicitly is tried whatever its extension. A file reached
    twice is imported once.
    """
    return [(path, problem) for path, problem, _ in _collect(paths)]


def _collect(paths: Iterable[Path | str]) -> list[tuple[Path, str | None, Path]]:
    """`collect_files`, each file with its resolved path too."""
    found: list[tuple[Path, str | None, Path]] = []
    seen: set[Path] = set()

    def add(path: Path, problem: str | None = None, resolved: Path | None = None) -> None:
        resolved = path.resolve() if resolved is None else resolved
        if resolved not in seen:
            seen.add(resolved)
            found.append((path, problem, resolved))

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file, resolved in notes_below(path):
                add(file, resolved=resolved)
        elif path.is_file():
            add(path)
        elif path.exists():
            add(path, "not a regular file or folder")
        else:
            add(path, "no such file or folder")
    return found


def notes_below(folder: Path, folders: list[str] | None = None) -> list[tuple[Path, Path]]:
    """Every `*.md` file below `folder` (any case) that is a file or a link to one, with
    its resolved path, in the order of their relative paths' parts; names starting with
    a dot are skipped, and so are linked folders (as `Path.rglob` does). `folders`, when
    given, gets each folder visited (a watcher watches them).

    One `scandir` a folder: a file's resolved path is its folder's plus its name unless
    it is a link (`Path.resolve` each cost an `lstat` per part of the path, and `rglob`
    with `relative_to` as much again: most of an unchanged re-import)."""
    found: list[tuple[Path, Path]] = []

    def visit(shown: Path, real: Path) -> None:
        # Each path is made from its folder's (`/`), not parsed again from a string.
        if folders is not None:
            folders.append(str(shown))
        try:
            with os.scandir(shown) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return  # unreadable folder: rglob skips it too
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                visit(shown / name, real / name)
            elif name[-3:].lower() == ".md" and len(name) > 3 and entry.is_file():
                resolved = Path(os.path.realpath(entry.path)) if entry.is_symlink() else real / name
                found.append((shown / name, resolved))

    visit(folder, folder.resolve())
    return found


__all__ = [
    "SERIES_INDEX",
    "FileOutcome",
    "ImportReport",
    "Progress",
    "Status",
    "cache_local_images",
    "collect_files",
    "import_file",
    "import_paths",
    "notes_below",
    "write_plan",
]
