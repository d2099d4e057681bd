"""Writing an import's files into the library (`importer` reads and parses them).

Files share a transaction (at most `BATCH`, for at most `BATCH_SECONDS`), written
without a savepoint each (FTS5 flushes its pending terms at every savepoint's release:
per-file savepoints made the search index's inserts 2.6x slower). When a file's write
fails half-way, the batch is rolled back and the files before it written again from the
rows kept for the batch, so a file is all written or not at all and what was written
stays, as a savepoint per file would leave them. A file's outcome is reported only once
its batch has committed.

Each file's write (`_store`) also applies one day, one file (`_day_stays`) and copies
the digest's local pictures into the image cache (`cache_local_images`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kbapp.core.images.cache import (
    FetchResult,
    ImageFiles,
    copy_local_image,
    image_key,
    split_local_key,
)
from kbapp.core.images.check import Decoder
from kbapp.core.import_report import FileOutcome, ImportReport, Progress, Status
from kbapp.core.store.digests import DayFile
from kbapp.core.store.library import Library, LibraryError
from kbapp.core.store.rows import DigestRows

log = logging.getLogger("kbapp.core.importer")

SERIES_INDEX = "series index"
# Files written in one transaction (each still atomic: a savepoint): at most BATCH, and
# for at most BATCH_SECONDS, which bounds how long the window's own writes (a note) wait
# for the lock. Fewer commits: each flushes the search index's pending terms as a new
# segment for FTS5 to merge (16 files a commit cost the 3,650-day import ~0.4 s more).
BATCH = 256
BATCH_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class _Todo:
    path: Path
    resolved: Path | None = None  # found by `collect_files` already: the workers skip it


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


def write_plan(
    library: Library,
    plan: list[FileOutcome | _Todo],
    prepared_for: Callable[[int, Path], _Prepared],
    report: ImportReport,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    image_decoder: Decoder | None = None,
) -> None:
    """The writing side of `import_paths`: each step of `plan` in order, the files to
    parse written from `prepared_for(n, path)`, in batches (see the module doc).

    The files of a batch are written without savepoints (`write_rows_in_batch`: FTS5
    flushes its pending terms at each one's release). When a write fails half-way, the
    batch is rolled back and its files before that one are written again from the
    rows kept for the batch: the failed file leaves nothing and the others stay, as a
    savepoint per file would leave them. Inside a transaction already open, each file
    has its savepoint as ever (rolling back would undo the caller's writes too).
    """
    settled = [step for step in plan if not isinstance(step, _Todo)]
    if len(settled) == len(plan):  # nothing to write (a re-import): no transaction
        for k, outcome in enumerate(settled):
            if cancel is not None and cancel():
                report.cancelled = True
                break
            _tell(report, [outcome], k, len(plan), progress)
        return
    bare = not library.db.conn.in_transaction
    n = 0
    while n < len(plan) and not report.cancelled:
        n = _write_batch(library, plan, n, prepared_for, report, progress, cancel,
                         image_decoder, bare)  # fmt: skip


def _write_batch(
    library: Library,
    plan: list[FileOutcome | _Todo],
    start: int,
    prepared_for: Callable[[int, Path], _Prepared],
    report: ImportReport,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    decoder: Decoder | None,
    bare: bool,
) -> int:
    """One batch of `write_plan` from `plan[start]`, committed; where the next starts."""
    n, end = start, min(start + BATCH, len(plan))
    taken: list[_Prepared | None] = []  # the batch's rows, to write again after a failure
    written: list[FileOutcome] = []  # told once their batch is committed
    commits = library.db.commits
    try:
        with library.batch():  # a commit per batch; each file stays atomic
            started = time.monotonic()  # once the lock is ours: every batch writes
            while n < end and time.monotonic() - started < BATCH_SECONDS:
                if cancel is not None and cancel():
                    report.cancelled = True
                    break
                step, prepared = plan[n], None
                if isinstance(step, _Todo):
                    prepared = prepared_for(n, step.path)
                    step = _store(library, step.path, prepared, decoder, bare=bare)
                taken.append(prepared)
                written.append(step)
                n += 1
    except _Undone as undone:  # the batch is rolled back: write its files before n again
        written = _write_again(library, plan, start, taken, decoder)
        error, failed = undone.error, plan[n]
        if isinstance(error, LibraryError) or not isinstance(error, Exception):
            _tell(report, written, start, len(plan), progress)
            raise error from None
        assert isinstance(failed, _Todo)
        log.error("writing %s failed", failed.path, exc_info=error)  # a bug: the rest go on
        date = undone.date
        written.append(FileOutcome(failed.path, Status.FAILED, date, reason=_unexpected(error)))
        _tell(report, written, start, len(plan), progress)
        return n + 1
    except BaseException:
        if library.db.commits > commits:  # what the batch wrote before the error
            _tell(report, written, start, len(plan), progress)
        raise
    _tell(report, written, start, len(plan), progress)
    plan[start:n] = report.outcomes[len(report.outcomes) - len(written) :]  # paths freed
    return n


def _write_again(
    library: Library,
    plan: list[FileOutcome | _Todo],
    start: int,
    taken: list[_Prepared | None],
    decoder: Decoder | None,
) -> list[FileOutcome]:
    """The files of a rolled-back batch that were written, written again and committed."""
    written: list[FileOutcome] = []
    try:
        with library.batch():
            for k, prepared in enumerate(taken):
                step = plan[start + k]
                if isinstance(step, _Todo):
                    assert prepared is not None
                    step = _store(library, step.path, prepared, decoder, bare=True)
                written.append(step)
    except _Undone as undone:  # failed the second time: nothing of the batch stays
        raise undone.error from None
    return written


class _Undone(Exception):
    """A write without a savepoint failed half-way, and its batch was rolled back."""

    def __init__(self, error: BaseException, date: str | None) -> None:
        super().__init__(str(error))
        self.error, self.date = error, date


def _tell(
    report: ImportReport,
    outcomes: list[FileOutcome],
    before: int,
    total: int,
    progress: Progress | None,
) -> None:
    """Outcomes of a committed batch into the report and to `progress`, in order."""
    for k, outcome in enumerate(outcomes, start=before + 1):
        report.add(outcome)
        if progress is not None:
            progress(k, total, outcome)


def _store(
    library: Library,
    path: Path,
    prepared: _Prepared,
    decoder: Decoder | None = None,
    *,
    bare: bool = False,
) -> FileOutcome:
    if prepared.error is not None or prepared.content_hash is None:
        return FileOutcome(path, Status.FAILED, reason=prepared.error)
    if prepared.is_index:
        return FileOutcome(path, Status.SKIPPED, prepared.date, reason=SERIES_INDEX)
    known = library.digests.date_of_hash(prepared.content_hash)  # a copy met earlier in this run
    if known is not None or prepared.rows is None:
        return FileOutcome(path, Status.UNCHANGED, known or prepared.date, items=prepared.items)
    stored = library.digests.day_file(prepared.rows.date)
    source = prepared.source_path
    replaced = _other_file(stored, source)
    if stored is not None and replaced is not None and _day_stays(stored, prepared.rows, source):
        reason = _kept_day(stored, prepared.rows)
        return FileOutcome(path, Status.CONFLICT, prepared.date, reason=reason)
    digests = library.digests
    try:
        write = (digests.write_rows_in_batch if bare else digests.write_rows)(
            prepared.rows, content_hash=prepared.content_hash, source_path=prepared.source_path
        )
    except BaseException as error:
        if bare:  # half a file in the batch: rolled back, `write_plan` writes it again
            digests.discard_batch()
            raise _Undone(error, prepared.date) from error
        if isinstance(error, LibraryError) or not isinstance(error, Exception):
            raise  # the library itself (locked, full, damaged): every file would fail so
        log.exception("writing %s failed", path)  # a bug met by this file, undone: go on
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


def _other_file(stored: DayFile | None, source: str) -> str | None:
    """The other file, still there, whose day this file's date is; None if none."""
    if stored is None or not stored.source_path or stored.source_path == source:
        return None
    return stored.source_path if Path(stored.source_path).is_file() else None


def _day_stays(stored: DayFile, rows: DigestRows, source: str) -> bool:
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


def _kept_day(stored: DayFile, rows: DigestRows) -> str:
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
    keys = list(dict.fromkeys(keys))
    if not keys:  # (most days: no picture beside the note)
        return results
    files = ImageFiles(library.images.folder)
    folders: dict[str, Path | None] = {}
    for key in keys:
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
