"""The store's reading state and reading queue (`Library.reading`): which items the user
has read, and what they keep to read next, in their own order. The user's data, never
written by an import (migration 0018); all its SQL lives here.

Targets are `item:<item key>` or `paper:<paper key>`; a bare item key is accepted where
an item is meant, and a paper ID as the papers view names it (`arxiv:2104.04329`) where
a paper is (`target_for`). Only items have a read state; items and papers can be
queued. Each write is one transaction and returns `Changes` (`reading`: the targets it
changed), and the `restore_*` writes put back what a read gave, for undo.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kbapp.core.store.connection import Part, now
from kbapp.core.store.results import Changes

_ITEM_KEY = re.compile(r"\d{4}-\d{2}-\d{2}/")  # item keys start with their day
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class QueueEntry:
    target: str  # item:<key> or paper:<key>
    queued_at: str  # UTC, ISO 8601


def target_for(key: str) -> str:
    """The target a user's key names: `item:`/`paper:` as given, an item key (it starts
    with its date) as `item:`, anything else (`arxiv:2104.04329`) as `paper:`."""
    key = key.strip()
    if key.startswith(("item:", "paper:")):
        return key
    return f"item:{key}" if _ITEM_KEY.match(key) else f"paper:{key}"


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def item_dates(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, str]:
    """Each item key's date (keys not in the library are left out)."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(keys))):
        found.update(conn.execute(
            "SELECT i.key, d.date FROM items i JOIN digests d ON d.id = i.digest_id "
            f"WHERE i.key IN ({', '.join('?' * len(chunk))})", chunk).fetchall())  # fmt: skip
    return found


def check_targets(conn: sqlite3.Connection, targets: Iterable[str]) -> tuple[list[str], set[str]]:
    """The targets in order, each once, and the dates of their items; KeyError naming
    the first item or paper the library does not have."""
    ordered = list(dict.fromkeys(targets))
    items = [t[5:] for t in ordered if t.startswith("item:")]
    dates = item_dates(conn, items)
    for key in items:
        if key not in dates:
            raise KeyError(f"no item {key} in the library")
    for target in ordered:
        if target.startswith("paper:") and not _known_paper(conn, target[6:]):
            kind = "paper" if ":" in target[6:] else "item or paper"
            raise KeyError(f"no {kind} {target[6:]} in the library")
        if not target.startswith(("item:", "paper:")):
            raise KeyError(f"{target} is neither an item nor a paper")
    return ordered, set(dates.values())


def _known_paper(conn: sqlite3.Connection, key: str) -> bool:
    """Whether a paper key names a paper of the library: an arXiv ID or a DOI one of its
    items links to, a paper the user annotated, or a title key of a paper link."""
    kind, _, value = key.partition(":")
    if (
        kind in ("arxiv", "doi")
        and conn.execute(
            "SELECT 1 FROM identities WHERE kind = ? AND value = ? LIMIT 1", (kind, value)
        ).fetchone()
    ):
        return True
    if (
        kind == "title"
        and conn.execute(
            "SELECT 1 FROM links WHERE title_key = ? AND field = 'paper' LIMIT 1", (value,)
        ).fetchone()
    ):
        return True
    return any(conn.execute(f"SELECT 1 FROM {table} WHERE paper_key = ? LIMIT 1", (key,)).fetchone()
               for table in ("paper_notes", "paper_ratings"))  # fmt: skip


class Reading(Part):
    """Read state of items and the reading queue."""

    # -- read state -------------------------------------------------------------------------
    def read_at(self, keys: Iterable[str]) -> dict[str, str]:
        """When each of these items was read; unread ones are left out."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted({key.removeprefix("item:") for key in keys})):
            marks = ", ".join("?" * len(chunk))
            found.update(self._conn.execute(
                f"SELECT item_key, read_at FROM reads WHERE item_key IN ({marks})", chunk
            ).fetchall())  # fmt: skip
        return found

    def is_read(self, key: str) -> bool:
        return bool(self.read_at([key]))

    def set_read(self, keys: Iterable[str], read: bool = True) -> Changes:
        """Mark items read (now) or unread; those already so are left as they are."""
        at = now()
        wanted = [key.removeprefix("item:") for key in keys]
        with self._transaction():
            had = self.read_at(wanted)
            states = {key: (had.get(key) or at) if read else None for key in wanted}
            return self._write_reads(states)

    def restore_reads(self, states: Mapping[str, str | None]) -> Changes:
        """Each item's read time as given (None: unread): what `read_at` gave before a
        change, to undo it."""
        with self._transaction():
            return self._write_reads({k.removeprefix("item:"): v for k, v in states.items()})

    def _write_reads(self, states: Mapping[str, str | None]) -> Changes:
        conn = self._conn
        targets, dates = check_targets(conn, (f"item:{key}" for key in states))
        had = self.read_at(states)
        changed = [key for key, at in states.items() if had.get(key) != at]
        conn.executemany("DELETE FROM reads WHERE item_key = ?",
                         [(k,) for k in changed if states[k] is None])  # fmt: skip
        conn.executemany(
            "INSERT INTO reads (item_key, read_at) VALUES (?, ?) ON CONFLICT (item_key) "
            "DO UPDATE SET read_at = excluded.read_at",
            [(k, states[k]) for k in changed if states[k] is not None],
        )
        if not changed:
            return Changes()
        dates = set(item_dates(conn, changed).values())
        return self._db.record(
            Changes(dates=frozenset(dates), reading=frozenset(f"item:{k}" for k in changed))
        )

    def day_keys(self, date: str) -> list[str]:
        """The live items of a day, in file order."""
        return [row[0] for row in self._conn.execute(
            "SELECT i.key FROM items i JOIN digests d ON d.id = i.digest_id "
            "WHERE d.date = ? AND i.removed = 0 ORDER BY i.ordinal", (date,))]  # fmt: skip

    def in_order(self, keys: Iterable[str]) -> list[str]:
        """These item keys in the library's order: by day, then as in the file."""
        found: list[tuple[str, int, str]] = []
        for chunk in _chunks(sorted(set(keys))):
            found += self._conn.execute(
                "SELECT d.date, i.ordinal, i.key FROM items i JOIN digests d "
                f"ON d.id = i.digest_id WHERE i.key IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        return [key for _, _, key in sorted(found)]

    def keys_before(self, date: str) -> list[str]:
        """The live items of every day before `date` (the first-run choice: everything
        older than the last week read)."""
        return [row[0] for row in self._conn.execute(
            "SELECT i.key FROM items i JOIN digests d ON d.id = i.digest_id "
            "WHERE d.date < ? AND i.removed = 0", (date,))]  # fmt: skip

    def unread_counts(self) -> dict[str, int]:
        """Unread live items per day that has any."""
        return dict(self._conn.execute(
            "SELECT d.date, COUNT(*) FROM items i JOIN digests d ON d.id = i.digest_id "
            "WHERE i.removed = 0 AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.item_key = i.key) "
            "GROUP BY d.date").fetchall())  # fmt: skip

    def next_unread(self, date: str, after: str | None = None) -> tuple[str, str] | None:
        """(date, key) of the first unread item after the item `after` on `date` (or from
        the start of `date` when None), on that day or a later one; None when none."""
        ordinal = -1
        if after is not None:
            row = self._conn.execute(
                "SELECT ordinal FROM items WHERE key = ?", (after.removeprefix("item:"),)
            ).fetchone()
            ordinal = row[0] if row else -1
        row = self._conn.execute(
            "SELECT d.date, i.key FROM items i JOIN digests d ON d.id = i.digest_id "
            "WHERE i.removed = 0 AND (d.date > ? OR (d.date = ? AND i.ordinal > ?)) "
            "AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.item_key = i.key) "
            "ORDER BY d.date, i.ordinal LIMIT 1",
            (date, date, ordinal),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def first_choice_pending(self) -> bool:
        """Whether the library had days before read state existed and the user has not
        yet chosen what to do with them (the window asks once)."""
        return bool(self._conn.execute(
            "SELECT 1 FROM library_flags WHERE name = 'reading_first_choice'"
        ).fetchone())  # fmt: skip

    def first_choice_made(self) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM library_flags WHERE name = 'reading_first_choice'")

    # -- the queue --------------------------------------------------------------------------
    def queue(self) -> list[QueueEntry]:
        """The reading queue in the user's order."""
        return [QueueEntry(*row) for row in self._conn.execute(
            "SELECT target, queued_at FROM queue ORDER BY position, rowid")]  # fmt: skip

    def queued_at(self, targets: Iterable[str]) -> dict[str, str]:
        """When each of these targets was queued; those not in the queue are left out."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(targets))):
            found.update(self._conn.execute(
                "SELECT target, queued_at FROM queue "
                f"WHERE target IN ({', '.join('?' * len(chunk))})", chunk).fetchall())  # fmt: skip
        return found

    def enqueue(self, targets: Iterable[str]) -> Changes:
        """Add items or papers at the end of the queue, in order; those already in it
        keep their place."""
        entries = self.queue()
        have = {entry.target for entry in entries}
        at = now()
        added = [QueueEntry(t, at) for t in dict.fromkeys(targets) if t not in have]
        return self.restore_queue([*entries, *added]) if added else Changes()

    def dequeue(self, targets: Iterable[str]) -> Changes:
        gone = set(targets)
        entries = self.queue()
        kept = [entry for entry in entries if entry.target not in gone]
        return self.restore_queue(kept) if len(kept) != len(entries) else Changes()

    def move(self, target: str, index: int) -> Changes:
        """Put a queued target at `index` in the queue (the others keep their order)."""
        entries = self.queue()
        moving = [entry for entry in entries if entry.target == target]
        if not moving:
            raise KeyError(f"{target} is not in the reading queue")
        rest = [entry for entry in entries if entry.target != target]
        index = max(0, min(index, len(rest)))
        return self.restore_queue([*rest[:index], moving[0], *rest[index:]])

    def done(self, targets: Iterable[str]) -> Changes:
        """Done with these: out of the queue, and the items among them read."""
        targets = list(targets)
        with self._transaction():
            gone = self.dequeue(targets)
            read = self.set_read([t for t in targets if t.startswith("item:")], True)
            return gone | read

    def restore_queue(self, entries: Sequence[QueueEntry]) -> Changes:
        """The whole queue as given, in that order (what `queue` gave, for undo)."""
        with self._transaction() as conn:
            before = self.queue()
            if list(entries) == before:
                return Changes()
            ordered, _ = check_targets(conn, (entry.target for entry in entries))
            if len(ordered) != len(entries):
                raise ValueError("a target is in the queue once")
            conn.execute("DELETE FROM queue")
            conn.executemany(
                "INSERT INTO queue (target, position, queued_at) VALUES (?, ?, ?)",
                [(e.target, n, e.queued_at) for n, e in enumerate(entries)],
            )
            old = {(e.target, e.queued_at): n for n, e in enumerate(before)}
            new = {(e.target, e.queued_at): n for n, e in enumerate(entries)}
            changed = {t for (t, _), n in old.items() ^ new.items()}
            dates = item_dates(conn, (t[5:] for t in changed if t.startswith("item:")))
            return self._db.record(
                Changes(dates=frozenset(dates.values()), reading=frozenset(changed))
            )


__all__ = ["QueueEntry", "Reading", "check_targets", "item_dates", "target_for"]
