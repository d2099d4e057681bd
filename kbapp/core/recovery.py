"""Rebuilding a damaged library: its digests imported again from their files, the user's
ratings, notes and links merged back from the newest good backup or a JSON export.

The digests are plain files the library only mirrors, so they come back exactly; what
only the library held (the user's own data) comes from the backup or export, which is
why the rebuild needs one. The damaged file is moved aside, never deleted, and the new
library takes its place only once it is whole: a rebuild that fails or is cancelled
leaves everything as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbapp.core.images.check import Decoder
from kbapp.core.importer import ImportReport, Progress, import_paths
from kbapp.core.store.backups import STAMP
from kbapp.core.store.integrity import newest_good_backup, recorded_sources
from kbapp.core.store.library import Library, LibraryError


@dataclass(frozen=True)
class Rebuilt:
    library: Path
    aside: Path | None  # where the damaged file went (None: there was none)
    user_source: Path | None  # the backup or export the user data came from
    report: ImportReport
    restored: dict[str, int]  # merge counts: ratings, notes, links...


def default_user_source(library: Path) -> Path | None:
    backup = newest_good_backup(library)
    return backup.path if backup is not None else None


def digest_files(library: Path, user_source: Path | None) -> list[Path]:
    """The digest files last imported, as the damaged library (when it still reads), the
    backup or the export records them; only those still on disk."""
    for source in (library, user_source, default_user_source(library)):
        if source is None or not source.is_file():
            continue
        found = sorted({path for path in _recorded_sources(source) if path.is_file()})
        if found:
            return found
    return []


def _recorded_sources(source: Path) -> list[Path]:
    if source.suffix == ".json":
        from kbapp.core.export.restore import RestoreError, read_export

        try:
            digests = read_export(source).get("digests", [])
        except RestoreError:
            return []
        return [
            Path(d["source_path"])
            for d in digests
            if isinstance(d, dict) and isinstance(d.get("source_path"), str)
        ]
    return recorded_sources(source)


def user_data(source: Path) -> dict[str, Any]:
    """The user's data of a backup (read from a copy: opening migrates, and the backup
    must stay as it was) or of a JSON export (validated as `restore-json` does)."""
    if source.suffix == ".json":
        from kbapp.core.export.library_json import user_part
        from kbapp.core.export.restore import read_export

        return user_part(read_export(source))
    with tempfile.TemporaryDirectory(prefix="kbapp-recover-") as folder:
        copy = Path(folder) / "backup.sqlite"
        try:
            shutil.copyfile(source, copy)
        except OSError as error:
            raise LibraryError(f"cannot read the backup {source}: {error.strerror}") from error
        with Library(copy) as backup:
            return backup.transfer.user_data()


@dataclass(frozen=True)
class Built:
    """A rebuilt library waiting in its work folder for `install`."""

    work: Path
    report: ImportReport
    restored: dict[str, int]
    user_source: Path | None


def build(
    library: Path,
    digests: Sequence[Path],
    user_source: Path | None,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    image_decoder: Decoder | None = None,
    workers: int | None = None,
) -> Built:
    """The new library, built beside `library` in a folder of its own (so that its
    image cache, `<stem>-images` beside it, does not mix with the real one until it is
    complete) from `digests` (files or folders) and the user data of `user_source`.
    Nothing of the damaged library is touched. LibraryError when it cannot be built."""
    data = user_data(user_source) if user_source is not None else None
    work = _work_folder(library)
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir(parents=True)
        with Library(work / library.name) as new:
            report = import_paths(
                new, digests, progress, cancel, workers=workers, image_decoder=image_decoder
            )
            if report.cancelled:
                raise LibraryError("the rebuild was cancelled; nothing was changed")
            restored = (
                new.transfer.merge_user_data(data["items"], data["papers"], data["link_decisions"])
                if data is not None
                else {}
            )
    except OSError as error:
        discard(library)
        raise LibraryError(f"cannot rebuild the library {library}: {error}") from error
    except BaseException:
        discard(library)
        raise
    return Built(work, report, restored, user_source)


def install(library: Path, built: Built, now: dt.datetime | None = None) -> Path | None:
    """The built library in the place of `library` (closed by every connection), the
    damaged file moved aside: where it went (None: there was none)."""
    try:
        _merge_images(
            built.work / f"{library.stem}-images", library.parent / f"{library.stem}-images"
        )
        aside = _move_aside(library, now or dt.datetime.now())
        os.replace(built.work / library.name, library)
    except OSError as error:
        raise LibraryError(f"cannot put the rebuilt library in place: {error}") from error
    finally:
        shutil.rmtree(built.work, ignore_errors=True)
    return aside


def discard(library: Path) -> None:
    """A rebuild that will not be installed: its work folder goes."""
    shutil.rmtree(_work_folder(library), ignore_errors=True)


def rebuild(
    library: Path,
    digests: Sequence[Path],
    user_source: Path | None,
    *,
    now: dt.datetime | None = None,
    **options: Any,
) -> Rebuilt:
    """`build` (with its keyword `options`) then `install`: a new library at `library`
    (nothing may have it open)."""
    built = build(library, digests, user_source, **options)
    aside = install(library, built, now)
    return Rebuilt(library, aside, user_source, built.report, built.restored)


def _work_folder(library: Path) -> Path:
    return library.parent / f".{library.name}.rebuilding"


def _merge_images(built: Path, cache: Path) -> None:
    """The pictures the rebuild cached (content-addressed) into the library's cache."""
    for path in built.rglob("*") if built.is_dir() else []:
        if path.is_file():
            into = cache / path.relative_to(built)
            if not into.exists():
                into.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, into)


def _move_aside(library: Path, now: dt.datetime) -> Path | None:
    if not library.exists():
        return None
    aside = library.with_name(f"{library.name}.damaged-{now.strftime(STAMP)}")
    os.replace(library, aside)
    for suffix in ("-wal", "-shm"):
        extra = library.with_name(library.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside


__all__ = [
    "Built",
    "Rebuilt",
    "build",
    "default_user_source",
    "digest_files",
    "discard",
    "install",
    "rebuild",
    "user_data",
]
