"""Backups of the library: consistent copies made with SQLite's online backup API while
the library is open (a window writing meanwhile included), verified after writing, kept
by a rotation in a `backups/` folder beside the library.

A backup is named `<library stem>-YYYYmmdd-HHMMSS-<reason>.sqlite`, so the folder lists
them in time order and one folder can serve several libraries. The rotation keeps the
newest backup of each of the last `daily` days, of each of the last `weekly` ISO weeks
and of each of the last `monthly` months (7, 4 and 12 by default); everything older
goes. Where they go and how many are kept is the user's `Policy` (Settings in the
window), kept in `backups.json` in kbapp's config folder so that the commands and the
window agree. Restoring a backup never deletes the current file: it is moved aside, beside the
library, and the caller is told where.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kbapp.core.store.schema import LibraryError, describe
from kbapp.paths import config_dir

FOLDER = "backups"
STAMP = "%Y%m%d-%H%M%S"
KEEP = {"daily": 7, "weekly": 4, "monthly": 12}
POLICY_FILE = "backups.json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """Where backups go and how many of each period the rotation keeps."""

    folder: Path | None = None  # None: `backups/` beside each library
    daily: int = KEEP["daily"]
    weekly: int = KEEP["weekly"]
    monthly: int = KEEP["monthly"]

    def keep(self) -> dict[str, int]:
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}

    def folder_for(self, library: Path) -> Path:
        return self.folder if self.folder is not None else library.parent / FOLDER


def load_policy(folder: Path | None = None) -> Policy:
    """The saved policy (in `folder`, default kbapp's config folder); the defaults when
    there is none or it does not read."""
    path = (folder or config_dir()) / POLICY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        where = data.get("folder")
        counts = {name: int(data.get(name, KEEP[name])) for name in KEEP}
        if not all(0 <= n <= 1000 for n in counts.values()):
            raise ValueError("a count out of 0-1000")
        return Policy(Path(where).expanduser() if where else None, **counts)
    except FileNotFoundError:
        return Policy()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        log.warning("ignoring %s (%s): the default backup policy applies", path, error)
        return Policy()


def save_policy(policy: Policy, folder: Path | None = None) -> Path:
    path = (folder or config_dir()) / POLICY_FILE
    data = {"folder": str(policy.folder) if policy.folder else None, **policy.keep()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Backup:
    path: Path
    at: dt.datetime  # local time, from the name
    reason: str
    size: int
    digests: int | None = None  # None: the file could not be read
    ratings: int | None = None
    notes: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "at": self.at.isoformat(timespec="seconds"),
            "reason": self.reason,
            "size": self.size,
            "digests": self.digests,
            "ratings": self.ratings,
            "notes": self.notes,
        }


def folder_of(library: Path) -> Path:
    return load_policy().folder_for(library)


def make_backup(
    library: Path,
    reason: str = "manual",
    *,
    to: Path | None = None,
    now: dt.datetime | None = None,
) -> Backup:
    """A verified copy of the library at `library` (into its backups folder, or `to`)."""
    at = (now or dt.datetime.now()).replace(microsecond=0)
    if to is None:
        folder = folder_of(library)
        target = folder / f"{library.stem}-{at.strftime(STAMP)}-{reason}.sqlite"
        n = 1
        while target.exists():  # two backups in one second
            n += 1
            target = folder / f"{library.stem}-{at.strftime(STAMP)}-{reason}-{n}.sqlite"
    else:
        target = to
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{library}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # one consistent snapshot, whatever writes meanwhile
                copy.execute("PRAGMA journal_mode = DELETE")  # one file: no -wal to carry
            finally:
                copy.close()
        finally:
            source.close()
        problem = check_file(partial)
        if problem:
            raise LibraryError(f"the backup {target} did not verify: {problem}")
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise LibraryError(describe(error, target)) from error
    except LibraryError:
        partial.unlink(missing_ok=True)
        raise
    return describe_backup(target, at, reason)


def check_file(path: Path) -> str | None:
    """None when SQLite finds the file sound (`PRAGMA quick_check`), else its words."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return str(error)
    return None if rows == ["ok"] else "; ".join(map(str, rows[:3]))


def describe_backup(path: Path, at: dt.datetime, reason: str) -> Backup:
    counts: list[int | None] = [None, None, None]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            counts = [
                int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("digests", "ratings", "notes")
            ]
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    return Backup(path, at, reason, path.stat().st_size, *counts)


def list_backups(library: Path, *, counts: bool = True) -> list[Backup]:
    """The library's backups in its backups folder, oldest first."""
    folder = folder_of(library)
    found = []
    for path in sorted(folder.glob(f"{library.stem}-*.sqlite")) if folder.is_dir() else []:
        parsed = _parse_name(path.name, library.stem)
        if parsed is None:
            continue
        at, reason = parsed
        if counts:
            found.append(describe_backup(path, at, reason))
        else:
            found.append(Backup(path, at, reason, path.stat().st_size))
    return sorted(found, key=_order)


def _order(backup: Backup) -> tuple[dt.datetime, int]:
    """By time, then by the `-2`, `-3` of backups made within one second."""
    stem = backup.path.stem
    head, _, n = stem.rpartition("-")
    return backup.at, int(n) if head and n.isdigit() and len(n) < 4 else 1


def _parse_name(name: str, stem: str) -> tuple[dt.datetime, str] | None:
    rest = name.removeprefix(f"{stem}-").removesuffix(".sqlite")
    stamp, _, reason = rest[:15], rest[15:16], rest[16:]
    try:
        at = dt.datetime.strptime(stamp, STAMP)
    except ValueError:
        return None
    head, _, n = reason.rpartition("-")
    if head and n.isdigit():  # `manual-2`: the second manual backup within a second
        reason = head
    return at, reason or "manual"


def to_keep(
    backups: list[Backup], now: dt.datetime, keep: dict[str, int] | None = None
) -> set[Path]:
    """The backups the rotation keeps: the newest of each recent day, week and month."""
    keep = {**load_policy().keep(), **(keep or {})}
    kept: set[Path] = set()

    def period(name: str, at: dt.datetime) -> tuple[int, ...]:
        if name == "daily":
            return (at.year, at.month, at.day)
        if name == "weekly":
            return tuple(at.isocalendar()[:2])
        return (at.year, at.month)

    for name in ("daily", "weekly", "monthly"):
        newest: dict[tuple[int, ...], Backup] = {}
        for backup in sorted(backups, key=_order):
            if backup.at <= now:
                newest[period(name, backup.at)] = backup  # oldest first: the last one wins
        recent = sorted(newest, reverse=True)[: keep[name]]
        kept |= {newest[key].path for key in recent}
    return kept


def rotate(
    library: Path, now: dt.datetime | None = None, keep: dict[str, int] | None = None
) -> list[Path]:
    """Delete the backups the rotation does not keep; the paths deleted."""
    backups = list_backups(library, counts=False)
    kept = to_keep(backups, now or dt.datetime.now(), keep)
    gone = [backup.path for backup in backups if backup.path not in kept]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def backup_if_due(library: Path, now: dt.datetime | None = None) -> Backup | None:
    """The daily backup: one when the newest is from an earlier day (then rotate)."""
    now = now or dt.datetime.now()
    if not library.exists():
        return None
    backups = list_backups(library, counts=False)
    if backups and backups[-1].at.date() >= now.date():
        return None
    made = make_backup(library, "daily", now=now)
    rotate(library, now)
    return made


def restore_backup(library: Path, backup: Path, now: dt.datetime | None = None) -> Path:
    """Put `backup` in the library's place; the current file (and its WAL) is moved
    aside, never deleted. The path it was moved to."""
    problem = check_file(backup)
    if problem:
        raise LibraryError(f"{backup} is not a sound library: {problem}")
    stamp = (now or dt.datetime.now()).strftime(STAMP)
    aside = library.with_name(f"{library.name}.replaced-{stamp}")
    partial = library.with_name(library.name + ".partial")
    try:  # the copy first: a disk too full for it leaves the library where it was
        shutil.copyfile(backup, partial)
        if library.exists():
            os.replace(library, aside)
            for suffix in ("-wal", "-shm"):
                extra = library.with_name(library.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
        os.replace(partial, library)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise LibraryError(describe(error, library)) from error
    return aside
