"""Whole days taken out of the library, and put back (`Library.removal`).

Removing a day deletes what its file gave: the digest row and, by its ON DELETE
CASCADE, its items with their links, images, videos and identities, and the items'
rows of the search index. The user's own data on those items (ratings and their
history, notes and their revisions, my links, decisions on cross-links) is never
touched: it hangs on the items' stable keys (`<date>/<article key>`), so importing the
same file again brings it back on the same items. Until then `kbapp stats` counts it as
`kept_annotations`.

The digests table keeps no copy of the file's raw text (only its path and hash), so
what undoes a removal is a snapshot of the removed rows, exactly as stored: `restore`
writes them back, with the same item keys, the same hash (a re-import of the same
file is then "unchanged") and the same search index entries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kbapp.core.store.backups import make_backup
from kbapp.core.store.connection import Part
from kbapp.core.store.migrations import ITEM_HAS_USER_DATA
from kbapp.core.store.results import Changes
from kbapp.core.store.search_index import index_items, renote, unindex

_CHUNK = 500  # values per `IN (...)`

# The tables a day's rows live in, parents first (restored in this order), and which
# rows are the day's: by its digest's id, or by its items' ids.
_BY_DIGEST = "digest_id = :digest"
_BY_ITEM = "item_id IN (SELECT id FROM items WHERE digest_id = :digest)"
_TABLES = (
    ("digests", "id = :digest"),
    ("items", _BY_DIGEST),
    ("links", _BY_ITEM),
    ("identities", _BY_ITEM),
    ("images", _BY_DIGEST),
    ("videos", _BY_DIGEST),
)


class NoSuchDaysError(LookupError):
    """Dates asked for that the library holds no digest of; nothing was removed."""

    def __init__(self, dates: Sequence[str]) -> None:
        self.dates = tuple(dates)
        super().__init__(f"no digest for {', '.join(self.dates)} in the library")


@dataclass(frozen=True, slots=True)
class TableRows:
    """Rows of one table as stored, with their column names."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class RemovedDay:
    """One removed day: what it was, and its rows as stored, to put it back."""

    date: str
    source_path: str | None  # the file it was imported from, as stored
    content_hash: str  # sha256 of that file's bytes when imported
    items: int  # items that were in the file (not those kept marked removed)
    keys: tuple[str, ...]  # every item's key, the kept removed ones included
    annotated: tuple[str, ...]  # keys of the items the user's data is kept for
    rows: dict[str, TableRows] = field(hash=False)  # table → the day's rows (`_TABLES`)
    near_duplicates: tuple[tuple[str, float], ...]  # days that were near copies of it


@dataclass(frozen=True, slots=True)
class Removed:
    """What `Removal.remove_days` did, and what `Removal.restore` needs to undo it."""

    days: tuple[RemovedDay, ...]
    changes: Changes

    @property
    def dates(self) -> tuple[str, ...]:
        return tuple(day.date for day in self.days)

    @property
    def kept_annotations(self) -> int:
        """Items of these days whose ratings, notes or links were kept."""
        return sum(len(day.annotated) for day in self.days)


class Removal(Part):
    """Remove whole days (their imported content), and put them back."""

    def remove_days(self, dates: Iterable[str]) -> Removed:
        """Remove these days in one transaction; all of them, or (when one is not in the
        library: NoSuchDaysError) none. The user's data on their items stays."""
        wanted = list(dict.fromkeys(dates))
        present = set(_each(self._conn, "SELECT date FROM digests WHERE date IN ({marks})", wanted))
        if len(present) == len(wanted):  # (an unknown date is refused below, unwritten)
            make_backup(self._db.path, "before-removal")  # the days as they were, on disk
        with self._transaction() as conn:
            ids = dict(_each(conn, "SELECT date, id FROM digests WHERE date IN ({marks})", wanted))
            unknown = [date for date in wanted if date not in ids]
            if unknown:
                raise NoSuchDaysError(unknown)
            digest_ids = [ids[date] for date in wanted]
            item_ids = _item_ids(conn, digest_ids)
            neighbours = _neighbours(conn, item_ids)
            days = tuple(self._snapshot(conn, date, ids[date]) for date in wanted)
            keys = frozenset(key for day in days for key in day.keys)
            links = _link_ends(conn, keys)
            unindex(conn, item_ids)  # (and out of the filters' facet counts)
            conn.executemany("DELETE FROM digests WHERE id = ?", [(i,) for i in digest_ids])
            conn.execute(
                "UPDATE digests SET near_duplicate_of = NULL, near_duplicate_ratio = NULL "
                f"WHERE near_duplicate_of IN ({_marks(wanted)})",
                wanted,
            )
            if _has_paper_notes(conn):  # a removed item may have joined a paper's links
                renote(conn, sorted(neighbours))
            others = _dates_of(conn, neighbours) | _dates_of_targets(conn, links)
            others |= {other for day in days for other, _ in day.near_duplicates}
            changes = Changes(dates=frozenset(wanted) | others, items=keys, links=links)
            return Removed(days, self._db.record(changes))

    def restore(self, removed: Removed) -> Changes:
        """Put removed days back, in one transaction, as they were stored: the same
        item keys, texts, links and images, found again by search. A day imported again
        since its removal is left as it is now."""
        with self._transaction() as conn:
            present = {row[0] for row in conn.execute("SELECT date FROM digests")}
            days = [day for day in removed.days if day.date not in present]
            if not days:
                return Changes()
            new_items: list[int] = []
            for day in days:
                new_items += _write_back(conn, day)
            index_items(conn, new_items)
            neighbours = _neighbours(conn, new_items)
            if _has_paper_notes(conn):
                renote(conn, sorted(neighbours))
            keys = frozenset(key for day in days for key in day.keys)
            links = _link_ends(conn, keys)
            dates = frozenset(day.date for day in days)
            dates |= _dates_of(conn, neighbours) | _dates_of_targets(conn, links)
            dates |= {other for day in days for other, _ in day.near_duplicates}
            return self._db.record(Changes(dates=dates, items=keys, links=links))

    def _snapshot(self, conn: sqlite3.Connection, date: str, digest_id: int) -> RemovedDay:
        rows: dict[str, TableRows] = {}
        for table, where in _TABLES:
            cursor = conn.execute(
                f"SELECT * FROM {table} WHERE {where} ORDER BY id", {"digest": digest_id}
            )
            columns = tuple(column[0] for column in cursor.description)
            rows[table] = TableRows(columns, tuple(cursor.fetchall()))
        digest = dict(zip(rows["digests"].columns, rows["digests"].rows[0], strict=True))
        items = [dict(zip(rows["items"].columns, row, strict=True)) for row in rows["items"].rows]
        annotated = conn.execute(
            f"SELECT i.key FROM items i WHERE i.digest_id = ? AND ({ITEM_HAS_USER_DATA}) "
            "ORDER BY i.ordinal",
            (digest_id,),
        ).fetchall()
        near = conn.execute(
            "SELECT date, near_duplicate_ratio FROM digests WHERE near_duplicate_of = ?", (date,)
        ).fetchall()
        return RemovedDay(
            date=date,
            source_path=digest["source_path"],
            content_hash=digest["content_hash"],
            items=sum(1 for item in items if not item["removed"]),
            keys=tuple(item["key"] for item in items),
            annotated=tuple(row[0] for row in annotated),
            rows=rows,
            near_duplicates=tuple((str(other), float(ratio)) for other, ratio in near),
        )


def _generated_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The table's generated columns (`links.url`, `images.src`: migration 0015), which
    `SELECT *` reads and an INSERT may not name."""
    return {row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})") if row[6] in (2, 3)}


def _write_back(conn: sqlite3.Connection, day: RemovedDay) -> list[int]:
    """One day's rows inserted again (new ids, each reference mapped to them); the ids
    of its items that were in the file, for the search index."""
    digest_ids: dict[int, int] = {}
    item_ids: dict[int, int] = {}
    live: list[int] = []
    for table, _ in _TABLES:
        stored = day.rows[table]
        generated = _generated_columns(conn, table)
        columns = [c for c in stored.columns if c != "id" and c not in generated]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(columns)})"
        for row in stored.rows:
            values = dict(zip(stored.columns, row, strict=True))
            if "digest_id" in values:
                values["digest_id"] = digest_ids[values["digest_id"]]
            if values.get("item_id") is not None:
                values["item_id"] = item_ids[values["item_id"]]
            cursor = conn.execute(sql, [values[column] for column in columns])
            new_id = int(cursor.lastrowid or 0)
            if table == "digests":
                digest_ids[values["id"]] = new_id
            elif table == "items":
                item_ids[values["id"]] = new_id
                if not values["removed"]:
                    live.append(new_id)
    conn.executemany(
        "UPDATE digests SET near_duplicate_of = ?, near_duplicate_ratio = ? WHERE date = ?",
        [(day.date, ratio, other) for other, ratio in day.near_duplicates],
    )
    return live


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _each(
    conn: sqlite3.Connection, sql: str, values: Sequence[object], repeat: int = 1
) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` for `values`, 500 at a time: `{marks}` in it is their
    placeholders, given `repeat` times."""
    for start in range(0, len(values), _CHUNK):
        chunk = list(values[start : start + _CHUNK])
        yield from conn.execute(sql.format(marks=_marks(chunk)), chunk * repeat)


def _item_ids(conn: sqlite3.Connection, digest_ids: Sequence[int]) -> list[int]:
    sql = "SELECT id FROM items WHERE digest_id IN ({marks})"
    return [row[0] for row in _each(conn, sql, digest_ids)]


def _neighbours(conn: sqlite3.Connection, item_ids: Sequence[int]) -> set[int]:
    """Other items that may be cross-linked with these (more, not fewer): those sharing
    an identity, a paper URL or a paper title with them (indexed, migration 0006)."""
    sql = (
        "SELECT o.item_id FROM identities x JOIN identities o "
        "ON o.kind = x.kind AND o.value = x.value WHERE x.item_id IN ({marks}) "
        "UNION SELECT o.item_id FROM links l JOIN links o ON o.field = 'paper' "
        "AND o.url = l.url WHERE l.field = 'paper' AND l.item_id IN ({marks}) "
        "UNION SELECT o.item_id FROM links l JOIN links o ON o.title_key = l.title_key "
        "WHERE l.title_key IS NOT NULL AND l.item_id IN ({marks})"
    )
    return {row[0] for row in _each(conn, sql, item_ids, repeat=3)} - set(item_ids)


def _dates_of(conn: sqlite3.Connection, item_ids: Iterable[int]) -> frozenset[str]:
    sql = (
        "SELECT DISTINCT d.date FROM items i JOIN digests d ON d.id = i.digest_id "
        "WHERE i.id IN ({marks})"
    )
    return frozenset(row[0] for row in _each(conn, sql, sorted(item_ids)))


def _dates_of_targets(conn: sqlite3.Connection, targets: Iterable[str]) -> frozenset[str]:
    keys = sorted(target[5:] for target in targets if target.startswith("item:"))
    sql = (
        "SELECT DISTINCT d.date FROM items i JOIN digests d ON d.id = i.digest_id "
        "WHERE i.key IN ({marks})"
    )
    return frozenset(row[0] for row in _each(conn, sql, keys))


def _link_ends(conn: sqlite3.Connection, keys: Iterable[str]) -> frozenset[str]:
    """Both ends of my links that have one of these items at an end (their cards show
    the other end's title, or its bare key while it is not in the library)."""
    sql = "SELECT source, target FROM user_links WHERE source IN ({marks}) OR target IN ({marks})"
    targets = sorted(f"item:{key}" for key in keys)
    return frozenset(end for row in _each(conn, sql, targets, repeat=2) for end in row)


def _has_paper_notes(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM paper_notes)").fetchone()[0])


__all__ = ["NoSuchDaysError", "Removal", "Removed", "RemovedDay", "TableRows"]
