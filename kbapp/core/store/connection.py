"""The library file's one connection: its transactions, and the log of what they changed.

Every part of the library (`Library.days`, `.user`, ...) holds the same `Connection` and
writes through `transaction()`. A write records its `Changes` in the `change_log` table in
the same transaction (`record`), so another process with the library open (the window
while `kbapp import` runs in a terminal) can read what changed: `PRAGMA data_version`
says cheaply that someone committed, `changes_since` says what.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.store.results import Changes
from kbapp.core.store.schema import LibraryError, database, describe

if TYPE_CHECKING:
    from sqlite_utils import Database

    from kbapp.core.store.integrity import DamagedLibraryError

CHANGE_LOG_KEPT = 500  # rows of change_log kept; a reader further behind reloads everything


def now() -> str:
    """The time a write stores (`imported_at`, `updated_at`, ...): UTC, ISO 8601, seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Connection:
    """One library file's connection, made (and migrated) by `Library`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.origin = os.getpid()  # whose writes a change_log row records
        self._db: Database | None = None  # sqlite-utils' view, made on the first write
        # Recorded inside the open transaction, not yet logged: merged once, at its commit
        # (merging at every write of a batch copied the batch's sets again each time).
        self._pending: list[Changes] = []
        self.damaged: DamagedLibraryError | None = None  # once the file failed a check
        self.commits = 0  # transactions committed: whether a batch's writes were kept
        self._on_wait: Callable[[], None] | None = None  # see `wait_for_writers`
        self._wait_limit = 0.0

    def wait_for_writers(self, on_wait: Callable[[], None], limit_s: float) -> None:
        """Let a write wait for another process's writing to end (an import in another
        terminal), up to `limit_s` rather than the busy timeout, calling `on_wait` once
        when it starts to wait (to say so). Without it a write waits the busy timeout."""
        self._on_wait, self._wait_limit = on_wait, limit_s

    def _begin(self) -> None:
        """BEGIN IMMEDIATE: take the write lock first, waiting for another writer.

        A plain BEGIN reads first, and SQLite does not wait for a reader that turns
        writer while another holds the lock: it fails at once with "database is
        locked". Each try waits up to the busy timeout; another process's import holds
        the lock for a quarter of a second at a time, so a second try usually wins.
        """
        deadline: float | None = None
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if self._on_wait is None or "locked" not in str(error).lower():
                    raise
                if deadline is None:
                    deadline = time.monotonic() + self._wait_limit
                    self._on_wait()
                elif time.monotonic() > deadline:
                    raise

    def refuse_writes(self, damage: DamagedLibraryError) -> None:
        """The file is damaged: every later write raises `damage` again, and SQLite
        itself refuses one (`query_only`) should any path get past that."""
        self.damaged = damage
        self.conn.execute("PRAGMA query_only = 1")

    def _library_error(self, error: sqlite3.DatabaseError) -> LibraryError:
        """A write's SQLite error as one line for a person; damage also stops writes."""
        from kbapp.core.store.integrity import DamagedLibraryError, is_damage

        if is_damage(error, self.path):
            damage = DamagedLibraryError(self.path, str(error))
            self.refuse_writes(damage)
            return damage
        if not isinstance(error, sqlite3.OperationalError):
            raise error  # an IntegrityError is a bug in the caller, not the environment
        return LibraryError(describe(error, self.path))

    def _refuse_if_damaged(self) -> None:
        if self.damaged is not None:
            raise self.damaged.again()

    def close(self) -> None:
        self.conn.close()

    def prepare_writes(self) -> None:
        """Load what a write inside a batch needs (sqlite-utils' savepoints). A plain
        transaction needs none of it: a window that only saves notes never loads it
        (~110 ms and ~8 MB)."""
        if self._db is None:
            self._db = database(self.conn)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one transaction (an import's files, a quarter second's): each
        write inside stays atomic (a savepoint), and what was written is committed even
        when a later write fails, so an import keeps the files it had imported. One
        commit for many files instead of one each: most of an import's writing time."""
        self._refuse_if_damaged()
        self.prepare_writes()
        if self.conn.in_transaction:
            yield
            return
        try:
            self._begin()
            try:
                yield
            finally:
                if self.conn.in_transaction:
                    self._log_pending()
                    self.conn.execute("COMMIT")
                    self.commits += 1
                self._pending = []
        except sqlite3.DatabaseError as error:
            raise self._library_error(error) from error

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; a locked or full database becomes a LibraryError. It takes
        the write lock first (`_begin`), waiting for another process (`kbapp import`
        while the window saves a note)."""
        self._refuse_if_damaged()
        conn = self.conn
        try:
            if conn.in_transaction:  # inside `batch()`: a savepoint of its own
                pending = len(self._pending)
                self.prepare_writes()
                assert self._db is not None
                try:
                    with self._db.atomic():
                        yield conn
                except BaseException:
                    del self._pending[pending:]  # what the savepoint undid is not logged
                    raise
                return
            self._begin()
            try:
                yield conn
                self._log_pending()
            except BaseException:
                self._pending = []
                if conn.in_transaction:  # an error may have rolled it back already
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
                self.commits += 1
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as error:
            raise self._library_error(error) from error

    # -- the change log -------------------------------------------------------------------
    def record(self, changes: Changes) -> Changes:
        """Note what the open transaction changed; logged when it commits. Returns it, so
        a write ends with `return self._db.record(Changes(...))`."""
        self._pending.append(changes)
        return changes

    def _log_pending(self) -> None:
        changes, self._pending = Changes.union(self._pending), []
        if not changes:
            return
        cursor = self.conn.execute(
            "INSERT INTO change_log (origin, changes) VALUES (?, ?)",
            (self.origin, json.dumps(changes.to_json(), ensure_ascii=False)),
        )
        newest = int(cursor.lastrowid or 0)
        if newest % 64 == 0:  # pruned now and then: one index range delete
            self.conn.execute("DELETE FROM change_log WHERE id <= ?", (newest - CHANGE_LOG_KEPT,))

    def data_version(self) -> int:
        """A number that moves when another connection commits (SQLite's own, costs
        microseconds): polled to notice writes made elsewhere."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def last_change(self) -> int:
        row = self.conn.execute("SELECT MAX(id) FROM change_log").fetchone()
        return int(row[0] or 0)

    def changes_since(self, seen: int) -> tuple[int, Changes]:
        """What writes of other processes changed after log row `seen`, and the newest
        row now. When rows were pruned past `seen`, everything may have changed."""
        rows = self.conn.execute(
            "SELECT id, origin, changes FROM change_log WHERE id > ? ORDER BY id", (seen,)
        ).fetchall()
        if not rows:
            return seen, Changes()
        merged = Changes()
        if rows[0][0] != seen + 1:  # pruned past `seen`, or a gap: was it pruned?
            oldest = self.conn.execute("SELECT MIN(id) FROM change_log").fetchone()[0]
            if oldest is None or oldest > seen + 1:
                merged = Changes(everything=True)
        for _id, origin, text in rows:
            if origin != self.origin:
                merged = merged | Changes.from_json(json.loads(text))
        return int(rows[-1][0]), merged


class Part:
    """A part of the library (`Library.days`, `.user`, ...): a few queries named for
    what they mean, over the library's one connection."""

    def __init__(self, db: Connection) -> None:
        self._db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._db.conn

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._db.transaction()
