"""Is the library sound? SQLite's own checks, and what to say when it is not.

Opening a library runs `PRAGMA quick_check` (every page and b-tree well formed: about
0.15-0.2 s for a ten-year, 158 MB library, so the window runs it on its worker right
after the first paint and the commands run it at open). `check_library` is `kbapp
check` and Library ▸ Check library: `PRAGMA integrity_check` (quick_check plus every
index against its table) and `PRAGMA foreign_key_check`, on a read-only connection, so
that checking never writes.

A damaged library is never written to: opening one raises `DamagedLibraryError`, whose
message names the newest backup that is sound and how to get back to it (`kbapp
restore-backup`, or `kbapp recover` to rebuild from the digest files; see
`kbapp.core.recovery`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kbapp.core.store.schema import LibraryError, describe

if TYPE_CHECKING:  # backups (and shutil) load when a damaged library looks for one
    from kbapp.core.store.backups import Backup

SQLITE_HEADER = b"SQLite format 3\x00"


class DamagedLibraryError(LibraryError):
    """The library file is damaged: nothing will be written to it. The newest good
    backup is looked up once (it reads the backups), unless `backup` is given."""

    def __init__(
        self, path: Path, problem: str, backup: Backup | None | Literal["newest"] = "newest"
    ) -> None:
        self.path = path
        self.problem = problem
        self.backup = newest_good_backup(path) if backup == "newest" else backup
        super().__init__(damage_message(path, problem, self.backup))

    def again(self) -> DamagedLibraryError:
        """The same damage, raised anew by a later write (no second look at backups)."""
        return DamagedLibraryError(self.path, self.problem, self.backup)


@dataclass(frozen=True)
class Report:
    """What `check_library` found; `ok` when SQLite finds nothing wrong."""

    path: Path
    integrity: list[str] = field(default_factory=list)  # integrity_check's lines, not "ok"
    foreign_keys: list[str] = field(default_factory=list)  # "table row N → parent"

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.foreign_keys

    def problem(self) -> str:
        """The first few problems in SQLite's words, on one line."""
        lines = self.integrity + self.foreign_keys
        more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
        return "; ".join(lines[:3]) + more

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "integrity": self.integrity,
            "foreign_keys": self.foreign_keys,
        }


def quick_check(conn: sqlite3.Connection, path: Path) -> str | None:
    """None when `PRAGMA quick_check` finds the open file sound, else SQLite's words.
    An error that is not damage (a locked or unreadable file) is raised as it is."""
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as error:  # the schema page itself may be unreadable
        if is_damage(error, path):
            return str(error)
        raise
    return None if rows == ["ok"] else "; ".join(rows[:3])


def is_damage(error: BaseException, path: Path) -> bool:
    """Whether an SQLite error means the file is a damaged SQLite file (rather than a
    foreign file, a locked one or a full disk)."""
    text = str(error).lower()
    if "malformed" in text or "corrupt" in text:
        return True
    if "not a database" in text:  # page 1 garbled, or a file that never was SQLite
        try:
            with path.open("rb") as file:
                return file.read(16) == SQLITE_HEADER
        except OSError:
            return False
    return False


def check_library(path: Path) -> Report:
    """The full check, read-only: integrity_check and foreign_key_check."""
    if not path.is_file():
        raise LibraryError(f"there is no library at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise LibraryError(f"cannot open the library {path} ({error})") from error
    try:
        try:
            rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(100)")]
        except sqlite3.DatabaseError as error:
            if not is_damage(error, path):  # locked, unreadable, a read-only folder
                raise LibraryError(describe(error, path)) from error
            return Report(path, [str(error)])
        integrity = [] if rows == ["ok"] else rows
        try:
            keys = [
                f"{table} row {rowid} refers to a missing {parent}"
                for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
            ]
        except sqlite3.DatabaseError as error:
            keys = [str(error)]
        return Report(path, integrity, keys)
    finally:
        conn.close()


def recorded_sources(path: Path) -> list[Path]:
    """The digest files a library (or backup) says it was imported from, read-only;
    none when it does not read (a damaged file may not)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT source_path FROM digests WHERE source_path IS NOT NULL"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [Path(row[0]) for row in rows]


def newest_good_backup(library: Path) -> Backup | None:
    """The newest backup of `library` that SQLite finds sound, with its counts."""
    from kbapp.core.store.backups import check_file, describe_backup, list_backups

    try:
        found = list_backups(library, counts=False)
    except OSError:
        return None
    for backup in reversed(found):  # newest first; only the one chosen is counted
        if check_file(backup.path) is None:
            counted = describe_backup(backup.path, backup.at, backup.reason)
            if counted.digests is not None:
                return counted
    return None


def damage_message(path: Path, problem: str, backup: Backup | None) -> str:
    """One line for a person: what is wrong, that nothing is written, the way back."""
    head = f"the library {path} is damaged (SQLite: {problem}); kbapp will not write to it"
    if backup is None:
        return (
            f"{head}. There is no good backup beside it: `kbapp recover --from EXPORT.json` "
            "rebuilds it from the digest files and a JSON export of your data"
        )
    return (
        f"{head}. The newest good backup is {backup.path} ({backup.at:%Y-%m-%d %H:%M}: "
        f"{backup.digests} digests, {backup.ratings} ratings, {backup.notes} notes): "
        f"`kbapp restore-backup {backup.path}` puts it back, or `kbapp recover` rebuilds "
        "the library from the digest files with that backup's ratings and notes"
    )


__all__ = [
    "DamagedLibraryError",
    "Report",
    "check_library",
    "damage_message",
    "is_damage",
    "newest_good_backup",
    "quick_check",
    "recorded_sources",
]
