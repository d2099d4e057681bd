"""Scanning a source: import what is new or changed under its folder, by each file's
size and modification time, so an unchanged source costs a `stat` a file and no read.

The sizes and times of the files last imported (or found unreadable) are kept in the
library beside the source (`Library.sources`); a file whose pair matches is not read at
all; the others go to `import_paths`, which settles byte-identical ones by their hash.
A file written within the last `settle_s` seconds is left for the next scan (`fresh`):
it may be half written (an editor or `git` still at it). A file that is gone keeps its
days: the user removes days explicitly; only its size and time are forgotten.

Qt-free: the window runs `scan` on its worker when a source changes and once at start.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kbapp.core.images.check import Decoder
from kbapp.core.import_report import ImportReport, Progress, Status
from kbapp.core.store.library import Library

SETTLE_S = 0.75  # a file younger than this may still be being written


@dataclass(slots=True)
class ScanResult:
    folder: Path
    files: int = 0  # digest files found under it
    read: int = 0  # of which read (new or changed by size or time)
    fresh: list[Path] = field(default_factory=list)  # still being written: the next scan
    report: ImportReport | None = None  # of the files read; None when none was
    error: str | None = None  # the folder could not be scanned (gone, unreadable)
    folders: list[str] = field(default_factory=list)  # it and its folders, for a watcher
    paths: list[str] = field(default_factory=list)  # its digest files, for a watcher

    @property
    def new_dates(self) -> list[str]:
        """The days this scan brought that the library did not have."""
        if self.report is None:
            return []
        return [o.date for o in self.report.outcomes if o.status is Status.IMPORTED and o.date]

    @property
    def failed(self) -> int:
        if self.report is None:
            return 0
        return sum(1 for o in self.report.outcomes if o.status is Status.FAILED)


def scan(
    library: Library,
    folder: Path,
    *,
    settle_s: float = 0.0,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    image_decoder: Decoder | None = None,
) -> ScanResult:
    """Import what changed under `folder` (a source's path, absolute) since its last
    scan, and record the scan (with what went wrong) on the source."""
    from kbapp.core.importer import import_paths, notes_below

    result = ScanResult(folder)
    if not folder.is_dir():
        result.error = "the folder is gone (moved or deleted)"
        library.sources.scanned(str(folder), result.error)
        return result
    known = library.sources.file_stats(str(folder))
    now = time.time()
    seen: dict[str, tuple[int, int]] = {}
    todo: list[Path] = []
    for shown, _resolved in notes_below(folder, result.folders):
        result.files += 1
        result.paths.append(str(shown))
        try:
            info = os.stat(shown)
        except OSError:
            continue  # gone since the listing: its days stay
        stat = (info.st_size, info.st_mtime_ns)
        key = str(shown)
        if known.get(key) == stat:
            seen[key] = stat
            continue
        if settle_s and now - info.st_mtime_ns / 1e9 < settle_s:
            result.fresh.append(shown)
            continue
        todo.append(shown)
        seen[key] = stat
    if todo:
        result.read = len(todo)
        result.report = import_paths(
            library, todo, progress=progress, cancel=cancel, image_decoder=image_decoder
        )
        reached = {str(outcome.path) for outcome in result.report.outcomes}
        for path in todo:  # a cancelled scan reads the rest next time
            if str(path) not in reached:
                del seen[str(path)]
    gone = set(known) - seen.keys() - {str(path) for path in result.fresh}
    changed = {key: stat for key, stat in seen.items() if known.get(key) != stat}
    failed = result.failed
    error = f"{failed} files could not be read" if failed else None
    library.sources.files_scanned(str(folder), changed, gone, error)
    return result


__all__ = ["SETTLE_S", "ScanResult", "scan"]
