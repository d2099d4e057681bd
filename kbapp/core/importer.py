"""Importing digest files and folders into a library, each file atomically.

Files share a transaction (at most `BATCH`, for at most `BATCH_SECONDS`), each in a
savepoint of its own: a file is all written or not at all, one commit serves many files,
and what was written stays committed when a later file stops the import. A file's
outcome is reported (`progress`, the report) only once its batch has committed, so
nothing is called imported that a full disk or a kill then rolled back.

A file whose exact bytes were imported before is "unchanged" and costs a hash and one
indexed lookup: nothing is parsed and nothing is written, so re-importing a whole series
is quick and leaves the library file untouched. A file that cannot be read or is not a
digest is "failed" with a reason for a person, and nothing of it is written; the other
files go on. Environment errors of the library itself (locked, disk full) stop the whole
import with a LibraryError: every following file would fail the same way.

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
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.digest import files as reader
from kbapp.core.digest.model import DigestError
from kbapp.core.images.cache import (
    FetchResult,
    ImageFiles,
    copy_local_image,
    image_key,
    split_local_key,
)
from kbapp.core.images.check import Decoder
from kbapp.core.import_report import FileOutcome, ImportReport, Progress, Status
from kbapp.core.import_workers import cpu_count, spawn_is_safe, yield_to_the_writer
from kbapp.core.store.digests import DigestInfo
from kbapp.core.store.library import Library, LibraryError
from kbapp.core.store.rows import DigestRows, digest_rows

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

SERIES_INDEX = "series index"
# Files written in one transaction (each still atomic: a savepoint): at most BATCH, and
# for at most BATCH_SECONDS, which bounds how long the window's own writes (a note) wait
# for the lock. Fewer commits: each flushes the search index's pending terms as a new
# segment for FTS5 to merge (16 files a commit cost the 3,650-day import ~0.4 s more).
BATCH = 256
BATCH_SECONDS = 0.25
CHUNK = 16  # files a worker parses per round trip


# Below this many files to parse, starting worker processes (~0.3 s) costs more than
# they save (~1.5 ms a file on two cores); measured on bench/generate.py digests.
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True, slots=True)
class _Todo:
    path: Path


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A file read and parsed (in a worker process or here), ready to write."""

    content_hash: str | None
    source_path: str = ""  # resolved, as stored
    rows: DigestRows | None = None
    items: int = 0
    date: str | None = None
    error: str | None = None
    is_index: bool = False


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
    found = collect_files(paths)
    if workers is None:
        auto = len(found) >= PARALLEL_MIN_FILES and spawn_is_safe()
        workers = cpu_count() if auto else 0
    pool: ProcessPoolExecutor | None = None
    plan: list[FileOutcome | _Todo] = []
    for path, problem in found:
        step = _plan(library, path, problem)
        if pool is None and workers > 0 and isinstance(step, _Todo):
            # At the first file that needs parsing, so the workers boot while the rest
            # is hashed; a re-import of unchanged files never spawns them.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")  # fork is unsafe under Qt threads
            pool = ProcessPoolExecutor(workers, context, initializer=yield_to_the_writer)
            pool.submit(int)  # processes start at the first submit: start them now
        plan.append(step)
    todo = [(n, step.path) for n, step in enumerate(plan) if isinstance(step, _Todo)]
    # Files go to the workers in chunks of CHUNK: fewer round trips between the writer
    # and the workers.
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    where = {n: (c, k) for c, chunk in enumerate(chunks) for k, (n, _) in enumerate(chunk)}
    futures: dict[int, Future[list[_Prepared]]] = {}
    ready: dict[int, list[_Prepared]] = {}
    ahead = iter(enumerate(chunks))

    def submit(count: int) -> None:
        for c, chunk in itertools.islice(ahead, count):
            assert pool is not None
            futures[c] = pool.submit(_prepare_many, [path for _, path in chunk])

    def prepared_for(n: int, path: Path) -> _Prepared:
        if pool is None:
            return _prepare(path)
        c, k = where[n]
        if c not in ready:
            ready[c] = futures.pop(c).result()
            submit(1)
        return ready[c][k]

    try:
        if pool is not None:
            submit(workers * 3)
        n = 0
        while n < len(plan) and not report.cancelled:
            end = min(n + BATCH, len(plan))
            written: list[FileOutcome] = []  # told once their batch is committed
            commits = library.db.commits
            try:
                with library.batch():  # a commit per batch; each file stays atomic
                    started = time.monotonic()  # once the lock is ours: every batch writes
                    while n < end and time.monotonic() - started < BATCH_SECONDS:
                        if cancel is not None and cancel():
                            report.cancelled = True
                            break
                        step = plan[n]
                        if isinstance(step, _Todo):
                            prepared = prepared_for(n, step.path)
                            step = _store(library, step.path, prepared, image_decoder)
                        written.append(step)
                        n += 1
            except BaseException:
                if library.db.commits > commits:  # what the batch wrote before the error
                    _tell(report, written, n - len(written), len(plan), progress)
                raise
            _tell(report, written, n - len(written), len(plan), progress)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return report


def _tell(
    report: ImportReport,
    outcomes: list[FileOutcome],
    before: int,
    total: int,
    progress: Progress | None,
) -> None:
    """Outcomes of a committed batch into the report and to `progress`, in order."""
    for k, outcome in enumerate(outcomes, start=before + 1):
        report.outcomes.append(outcome)
        if progress is not None:
            progress(k, total, outcome)


def import_file(
    library: Library, path: Path, *, image_decoder: Decoder | None = None
) -> FileOutcome:
    """Import one file (see the module doc for what each outcome means)."""
    step = _plan(library, path, None)
    if isinstance(step, _Todo):
        return _store(library, path, _prepare(path), image_decoder)
    return step


def _plan(library: Library, path: Path, problem: str | None) -> FileOutcome | _Todo:
    """The outcome of a file when reading and hashing settle it, else a file to parse."""
    if problem is not None:
        return FileOutcome(path, Status.FAILED, reason=problem)
    try:
        data = reader.read_bytes(path)
    except DigestError as error:
        return FileOutcome(path, Status.FAILED, reason=str(error))
    known = library.digests.digest_by_hash(hashlib.sha256(data).hexdigest())
    if known is not None:
        return FileOutcome(path, Status.UNCHANGED, known.date, items=known.items)
    return _Todo(path)


def _prepare_many(paths: list[Path]) -> list[_Prepared]:
    return [_prepare(path) for path in paths]


def _prepare(path: Path) -> _Prepared:
    """Read, hash, parse and turn into rows: everything but the write (runs in workers).

    The file is read again rather than passed along, and hashed again, so what is
    written always matches the hash stored with it even if the file just changed.
    """
    try:
        data = reader.read_bytes(path)
    except DigestError as error:
        return _Prepared(None, error=str(error))
    content_hash = hashlib.sha256(data).hexdigest()
    resolved = path.resolve()
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


def _store(
    library: Library, path: Path, prepared: _Prepared, decoder: Decoder | None = None
) -> FileOutcome:
    if prepared.error is not None or prepared.content_hash is None:
        return FileOutcome(path, Status.FAILED, reason=prepared.error)
    if prepared.is_index:
        return FileOutcome(path, Status.SKIPPED, prepared.date, reason=SERIES_INDEX)
    known = library.digests.digest_by_hash(prepared.content_hash)  # a copy met earlier in this run
    if known is not None or prepared.rows is None:
        date = known.date if known else prepared.date
        return FileOutcome(path, Status.UNCHANGED, date, items=prepared.items)
    stored = library.digests.digest(prepared.rows.date)
    source = prepared.source_path
    replaced = _other_file(stored, source)
    if stored is not None and replaced is not None and _day_stays(stored, prepared.rows, source):
        reason = _kept_day(stored, prepared.rows)
        return FileOutcome(path, Status.CONFLICT, prepared.date, reason=reason)
    try:
        write = library.digests.write_rows(
            prepared.rows, content_hash=prepared.content_hash, source_path=prepared.source_path
        )
    except LibraryError:
        raise  # the library itself (locked, full, damaged): every file would fail so
    except Exception as error:  # a bug met by this file (its savepoint undone): go on
        log.exception("writing %s failed", path)
        return FileOutcome(path, Status.FAILED, prepared.date, reason=_unexpected(error))
    status = Status.IMPORTED if write.created else Status.UPDATED
    problems = tuple(
        f"{split_local_key(result.url)[1]}: {result.error}"
        for result in cache_local_images(library, _local_keys(prepared.rows), decoder)
        if result.status != "ok"
    )
    return FileOutcome(
        path,
        status,
        write.date,
        items=prepared.items,
        changes=write.changes,
        image_problems=problems,
        replaced=replaced,
    )


def _unexpected(error: Exception) -> str:
    """A bug's reason, in one line: kbapp could not take this file, and why."""
    detail = str(error).splitlines()[0][:200] if str(error) else ""
    return f"kbapp could not take this file ({type(error).__name__}: {detail}); please report it"


def _other_file(stored: DigestInfo | None, source: str) -> str | None:
    """The other file, still there, whose day this file's date is; None if none."""
    if stored is None or not stored.source_path or stored.source_path == source:
        return None
    return stored.source_path if Path(stored.source_path).is_file() else None


def _day_stays(stored: DigestInfo, rows: DigestRows, source: str) -> bool:
    """Whether the day stays with the other file (this one a conflict): one day, one
    file, the same at every import (two files of one date used to take turns). The file
    under the date's own path (`202103/0307.md` for 2021-03-07) wins over one that is
    not; between equals, the one changed last (an edited copy dragged in replaces the
    day; re-importing both changes nothing)."""
    own, theirs = rows.path_date == rows.date, stored.path_date == rows.date
    if own != theirs:
        return theirs
    return _changed_at(source) <= _changed_at(stored.source_path or "")


def _changed_at(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _kept_day(stored: DigestInfo, rows: DigestRows) -> str:
    if stored.path_date == stored.date and rows.path_date != rows.date:
        why = "it is under the date's own path"
    else:
        why = "it was changed more recently"
    return (
        f"{stored.date} is already the day of {stored.source_path} ({why}); "
        "this file was not imported"
    )


def _local_keys(rows: DigestRows) -> list[str]:
    """The keys of a digest's local pictures, read from its rows: no query, so a digest
    without any costs nothing. (An image row is `store.rows._image_row`: src at 1,
    is_local at 2.)"""
    images = [image for item in rows.items for image in item.images] + rows.images
    return list(dict.fromkeys(image_key(rows.date, row[1], True) for row in images if row[2]))


def cache_local_images(
    library: Library, keys: Iterable[str], decoder: Decoder | None = None
) -> list[FetchResult]:
    """Copy local pictures (`local:` keys) from their notes' folders into the library's
    image cache and record each, ok or failed, in one transaction.

    The folder is the one the day's digest was imported from: used at import, and to
    try again later (`kbapp images fetch`) a picture that was missing then.
    """
    results: list[FetchResult] = []
    files = ImageFiles(library.images.folder)
    folders: dict[str, Path | None] = {}
    for key in dict.fromkeys(keys):
        date = split_local_key(key)[0]
        if date not in folders:
            digest = library.digests.digest(date)
            source = digest.source_path if digest else None
            folders[date] = Path(source).parent if source else None
        folder = folders[date]
        if folder is None:
            results.append(FetchResult(key, "failed", error="the note's folder is unknown"))
        else:
            results.append(copy_local_image(key, folder, files, decoder))
    if results:
        library.images.record_many(results)
    return results


def collect_files(paths: Iterable[Path | str]) -> list[tuple[Path, str | None]]:
    """The files to import, each with a problem (a missing path) or None.

    Folders are searched recursively for `*.md` (any case), skipping hidden folders such
    as `.git`; a file named explicitly is tried whatever its extension. A file reached
    twice is imported once.
    """
    found: list[tuple[Path, str | None]] = []
    seen: set[Path] = set()

    def add(path: Path, problem: str | None = None) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.append((path, problem))

    for given in paths:
        path = Path(given)
        if path.is_dir():
            below = (
                p
                for p in path.rglob("*")
                if p.suffix.lower() == ".md"
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in sorted(below, key=lambda p: p.relative_to(path).parts):
                add(file)
        elif path.is_file():
            add(path)
        elif path.exists():
            add(path, "not a regular file or folder")
        else:
            add(path, "no such file or folder")
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
]
