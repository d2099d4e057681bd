"""Opening a library file: connection settings, named migrations, backups, refusals.

The schema is the list of named migrations in `store.migrations` (sqlite-utils
`Migrations`), applied when the library opens and before anything reads it.

A library written by a newer kbapp (one whose applied migrations include names this
version does not know) is refused rather than half-understood, and the file is backed
up (into the `backups/` folder beside it, `store.backups`) before any migration touches
existing data. A damaged file (`store.integrity`) is refused before anything is written.
"""

from __future__ import annotations

import os
import sqlite3
import time
from errno import ENOSPC
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.store.migrations import MIGRATIONS

if TYPE_CHECKING:  # sqlite-utils costs the window ~60 ms to import: only when migrating
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "kbapp"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations.migrations_table


class LibraryError(Exception):
    """An environment problem with the library file (locked, unreadable, foreign, newer).

    The message is one line meant for a person; the CLI prints it and exits 2.
    """


class NewerLibraryError(LibraryError):
    """The library was written by a newer kbapp: it has migrations this one lacks."""


def build_migrations() -> Migrations:
    """The migration set of this kbapp version, in order. Append; never rename."""
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    return migrations


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' view of an open connection (for `atomic()` and migrations)."""
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


def open_database(
    path: Path,
    *,
    busy_timeout_ms: int,
    migrations: Migrations | None = None,
    check: bool = True,
) -> sqlite3.Connection:
    """Connect, check, set the pragmas, refuse foreign or newer files, back up, migrate.

    `migrations` defaults to this version's set, built (and sqlite-utils imported) only
    when the file lacks one of them: opening an up-to-date library stays cheap. `check`
    runs `PRAGMA quick_check` first (a damaged file raises `DamagedLibraryError` before
    anything is written); without it (the window checks on its worker after the first
    paint) the file is still checked before a migration writes to it.
    """
    from kbapp.core.store import integrity  # (it imports backups, which imports this)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise LibraryError(describe(error, path)) from error
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Read only until the file is known to be ours: another program's SQLite file
        # is refused with its bytes as they were (switching to WAL rewrites its header).
        conn.execute("PRAGMA query_only = 1")
        if check:
            _refuse_damage(conn, path)
        known = (
            [name for name, _ in MIGRATIONS]
            if migrations is None
            else [m.name for m in migrations._migrations]  # the set's own list; no public view
        )
        applied = _check_known(conn, path, known)
        conn.execute("PRAGMA query_only = 0")
        _use_wal(conn, busy_timeout_ms)
        conn.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: an import
        # commits once per file, and this halves its writing time.
        conn.execute("PRAGMA wal_autocheckpoint = 10000")
        conn.execute("PRAGMA journal_size_limit = 67108864")
        if set(known) - set(applied):
            _migrate(conn, path, known, migrations, checked=check)
    except LibraryError:
        conn.close()
        raise
    except (OSError, sqlite3.Error) as error:
        conn.close()
        if isinstance(error, sqlite3.DatabaseError) and integrity.is_damage(error, path):
            raise integrity.DamagedLibraryError(path, str(error)) from error
        raise LibraryError(describe(error, path)) from error
    return conn


def _use_wal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch the file to WAL (once in its life: a WAL file stays WAL). SQLite answers
    "locked" at once, without waiting, while another process has a new file open, so
    this waits itself, up to the busy timeout. A read-only file can still be read."""
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            text = str(error).lower()
            if "readonly" in text:
                return
            if "locked" not in text or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _migrate(
    conn: sqlite3.Connection,
    path: Path,
    known: list[str],
    migrations: Migrations | None,
    *,
    checked: bool,
) -> None:
    """Apply the missing migrations under the write lock, asking again what is applied
    once the lock is held: two processes creating or upgrading one library at once take
    turns, and the second finds the work done (it does not make the tables again)."""
    conn.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout for the other one
    try:
        applied = _check_known(conn, path, known)
        if set(known) - set(applied):
            if _has_tables(conn):
                if not checked:
                    _refuse_damage(conn, path)
                from kbapp.core.store.backups import make_backup

                make_backup(path, "before-migration")
            (migrations or build_migrations()).apply(database(conn))  # savepoints inside
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _refuse_damage(conn: sqlite3.Connection, path: Path) -> None:
    from kbapp.core.store import integrity

    problem = integrity.quick_check(conn, path)
    if problem is not None:
        raise integrity.DamagedLibraryError(path, problem)


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return bool(row[0])


def _check_known(conn: sqlite3.Connection, path: Path, known: list[str]) -> list[str]:
    """The names of the migrations applied to the file; refuse a newer or foreign one."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    applied = (
        [
            row[0]
            for row in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                (MIGRATION_SET,),
            )
        ]
        if has_table
        else []
    )
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise NewerLibraryError(
            f"the library {path} was written by a newer kbapp (it has migration "
            f"{', '.join(unknown)}); update kbapp or choose another library"
        )
    if not applied:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if tables - {MIGRATIONS_TABLE}:
            raise LibraryError(f"{path} is an SQLite file but not a kbapp library")
    return applied


def _read_only(error: BaseException, path: Path) -> bool:
    """SQLite says only "unable to open database file" when it cannot make the -shm
    file of a WAL library in a read-only folder (or on a read-only disk)."""
    if "unable to open" not in str(error).lower() and not isinstance(error, PermissionError):
        return False
    folder = path.parent
    return folder.is_dir() and not os.access(folder, os.W_OK) or _read_only_disk(folder)


def _read_only_disk(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def describe(error: BaseException, path: Path) -> str:
    """A one-line message for a person from an sqlite3 or OS error about the library."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"the library {path} is locked by another program (is kbapp already running?)"
    if "not a database" in lowered or "malformed" in lowered:
        return f"{path} is not a readable kbapp library ({text})"
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"the library {path} is read-only (its file, folder or disk cannot be "
            "written): nothing can be saved to it"
        )
    if _read_only(error, path):
        return (
            f"the library {path} is in a read-only folder, where kbapp cannot open it "
            "(SQLite writes its shared-memory file beside it): copy it somewhere writable"
        )
    if ("disk" in lowered and "full" in lowered) or getattr(error, "errno", None) == ENOSPC:
        return f"the disk holding the library {path} is full: free some space and try again"
    if isinstance(error, OSError) or "unable to open" in lowered:
        return f"cannot open the library {path} ({text})"
    return f"library error in {path}: {text}"


__all__ = [
    "LibraryError",
    "NewerLibraryError",
    "build_migrations",
    "describe",
    "open_database",
]
