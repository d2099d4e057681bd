"""The imported side of the library (`Library.digests`): each file's digest written
in one transaction, and its days and items read back.

Data safety is the point of the design: an item's `key` (`<date>/<article key>`) is
stable across re-imports, the user's ratings and notes hang on that key, and a re-import
of a changed file updates items in place instead of recreating them. An item that
disappears from its file is deleted only when the user has nothing on it; otherwise it
stays, marked `removed`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kbapp.core.digest.model import Digest
from kbapp.core.store.addresses import SRC_OWN, URL_OWN
from kbapp.core.store.connection import Part, now
from kbapp.core.store.days import all_dates
from kbapp.core.store.migrations import ITEM_HAS_USER_DATA, UPDATE_DAY_COUNTS
from kbapp.core.store.near_duplicates import NearDuplicates
from kbapp.core.store.results import DigestWrite, ItemRecord
from kbapp.core.store.rows import (
    DigestRows,
    digest_rows,
    match_items,
)
from kbapp.core.store.search_index import reindex, rows_as_indexed

_ITEM_COLUMNS = (
    "ordinal, idx, title, article_url_raw, article_url_own, article_key, title_key, "
    "author_stars, abstract, tips, body, body_hash, flags, line_start, line_end"
)
# Where an item's article key and body hash are in its row (`ItemRows.values`).
_SHARED_AT = tuple(
    [name.strip() for name in _ITEM_COLUMNS.split(",")].index(name)
    for name in ("article_key", "body_hash")
)
_DIGEST_COLUMNS = (
    "source_path, content_hash, imported_at, title, date_source, heading_date, path_date, "
    "sections, preamble, structure, diagnostics"
)
# A link's `url` and an image's `src` are read from generated columns (migration 0015):
# what is stored is only how they differ from `url_raw` and `src_raw` (`URL_OWN`, `SRC_OWN`).
_CHILD_INSERTS = {
    "links": "INSERT INTO links (item_id, ordinal, field, label, name, grp, text, url_raw, "
    f"url_own, url_kind, note, line, context, title_key) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
    f"{URL_OWN.format(url='?9', raw='?8')},?10,?11,?12,?13,?14)",
    "images": "INSERT INTO images (item_id, digest_id, src_raw, src_own, is_local, host, "
    "format_hint, zoom, alt, wrapped_in_div, resolved_path, flags, line) "
    f"VALUES (?1,?2,?3,{SRC_OWN.format(src='?4', raw='?3')},?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    "videos": "INSERT INTO videos (item_id, digest_id, src_raw, src, host, wrapped_in_div, "
    "line) VALUES (?,?,?,?,?,?,?)",
    "identities": "INSERT INTO identities (item_id, link_ordinal, kind, value, version, "
    "paper) VALUES (?,?,?,?,?,?)",
}
_ITEM_SELECT = """
    SELECT i.key, d.date, i.ordinal, i.idx, i.title, i.article_url, i.article_key,
           i.author_stars, i.abstract, i.tips, i.removed, r.stars, n.text
    FROM items i JOIN digests d ON d.id = i.digest_id
    LEFT JOIN ratings r ON r.item_key = i.key
    LEFT JOIN notes n ON n.item_key = i.key
"""


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


def _sets(columns: str) -> str:
    return ", ".join(f"{column.strip()} = ?" for column in columns.split(","))


def _item_marks(first: int) -> list[str]:
    """The parameters of `_ITEM_COLUMNS` numbered from `first`: `article_url_own` is
    worked out from the URL and its raw form (`URL_OWN`), as a link's `url_own` is."""
    names = [column.strip() for column in _ITEM_COLUMNS.split(",")]
    at = {name: f"?{first + n}" for n, name in enumerate(names)}
    own = URL_OWN.format(url=at["article_url_own"], raw=at["article_url_raw"])
    return [own if name == "article_url_own" else at[name] for name in names]


_ITEM_INSERT = (
    f"INSERT INTO items (key, digest_id, {_ITEM_COLUMNS}) "
    f"VALUES (?1, ?2, {', '.join(_item_marks(3))})"
)
_ITEM_UPDATE = (
    "UPDATE items SET "
    + ", ".join(
        f"{name.strip()} = {mark}"
        for name, mark in zip(_ITEM_COLUMNS.split(","), _item_marks(1), strict=True)
    )
    + f", removed = 0 WHERE id = ?{len(_ITEM_COLUMNS.split(',')) + 1}"
)


@dataclass(frozen=True, slots=True)
class DigestInfo:
    """One imported digest as a list of days shows it."""

    date: str
    source_path: str | None
    content_hash: str
    title: str | None
    items: int  # items still in the file (not removed)
    imported_at: str
    near_duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class DayFile:
    """The file a day came from, and the date its path gives (`notes/202103/0307.md`)."""

    date: str
    source_path: str | None
    path_date: str | None


class Digests(Part):
    """Digests as their files gave them: written by imports, read by day and item."""

    @cached_property
    def _near(self) -> NearDuplicates:
        return NearDuplicates()

    # -- digests ------------------------------------------------------------------------
    def digest_by_hash(self, content_hash: str) -> DigestInfo | None:
        """The digest imported from a file with these exact bytes, if any."""
        return self._digest_where("d.content_hash = ?", content_hash)

    def date_of_hash(self, content_hash: str) -> str | None:
        """The date of the digest imported from a file with these exact bytes, if any: an
        import asks it of every file it writes (`digest_by_hash` also counts the items)."""
        row = self._conn.execute(
            "SELECT date FROM digests WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        return str(row[0]) if row else None

    def imported_hashes(self) -> dict[str, tuple[str, int]]:
        """Each imported file's content hash → (its date, its items not removed: the day's
        `item_count`), in one query: an import settles its unchanged files from this
        (`digest_by_hash` each cost a re-import of ten years five times reading the files;
        counting each day's items here, a fifth of what is left)."""
        found: dict[str, tuple[str, int]] = {}
        for content_hash, date, items in self._conn.execute(
            "SELECT content_hash, date, item_count FROM digests ORDER BY id"
        ):
            found.setdefault(content_hash, (date, items))
        return found

    def digest(self, date: str) -> DigestInfo | None:
        return self._digest_where("d.date = ?", date)

    def day_file(self, date: str) -> DayFile | None:
        """Where the day `date` came from: one lookup on the date (an import asks it of
        every file it writes, to keep one day to one file)."""
        row = self._conn.execute(
            "SELECT date, source_path, path_date FROM digests WHERE date = ?", (date,)
        ).fetchone()
        return DayFile(*row) if row else None

    def _digest_where(self, condition: str, value: str) -> DigestInfo | None:
        row = self._conn.execute(
            "SELECT d.date, d.source_path, d.content_hash, d.title, "
            "(SELECT COUNT(*) FROM items i WHERE i.digest_id = d.id AND i.removed = 0), "
            f"d.imported_at, d.near_duplicate_of FROM digests d WHERE {condition} LIMIT 1",
            (value,),
        ).fetchone()
        return DigestInfo(*row) if row else None

    def imported_since(self, when: str) -> list[str]:
        """The days imported at or after `when` (ISO 8601 UTC to the second, as `now()`
        writes it: a day of that same second counts)."""
        rows = self._conn.execute(
            "SELECT date FROM digests WHERE imported_at >= ? ORDER BY date", (when,)
        ).fetchall()
        return [date for (date,) in rows]

    def dates(self) -> list[str]:
        """Every digest's date, oldest first."""
        return all_dates(self._conn)

    def write_digest(
        self, digest: Digest, *, content_hash: str, source_path: str | None = None
    ) -> DigestWrite:
        """Import or re-import one parsed file in one transaction (see the module doc).
        `content_hash` is the file's bytes' hash: equal hashes mean equal files (an
        import skips an unchanged one, the near-duplicate check trusts it too)."""
        return self.write_rows(
            digest_rows(digest), content_hash=content_hash, source_path=source_path
        )

    def write_rows(
        self, rows: DigestRows, *, content_hash: str, source_path: str | None = None
    ) -> DigestWrite:
        """`write_digest` for rows built beforehand (by an import's worker processes)."""
        with self._transaction() as conn:
            written = self._write_rows(conn, rows, content_hash, source_path or rows.source_path)
            self._db.record(written.changes)
            return written

    def write_rows_in_batch(
        self, rows: DigestRows, *, content_hash: str, source_path: str | None = None
    ) -> DigestWrite:
        """`write_rows` inside an open `Library.batch()`, without a savepoint of its own.

        FTS5 flushes its pending terms at every savepoint's release, which cost an
        import a third of its writing time; so an import writes its batch's files bare,
        and when one of them fails half-way the caller calls `discard_batch` and writes
        the batch's earlier files again (`importer.write_plan`): nothing of the failed
        file stays, and what was written before it is committed.
        """
        conn = self._conn
        if not conn.in_transaction:
            raise RuntimeError("write_rows_in_batch outside a batch")
        try:
            written = self._write_rows(conn, rows, content_hash, source_path or rows.source_path)
        except sqlite3.DatabaseError as error:  # as `Connection.transaction` says them
            raise self._db._library_error(error) from error
        self._db.record(written.changes)
        return written

    def discard_batch(self) -> None:
        """Roll the open batch back, all of it (its changes are not logged): after a
        `write_rows_in_batch` that failed. A no-op when no transaction is open."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _write_rows(
        self, conn: sqlite3.Connection, rows: DigestRows, content_hash: str, source_path: str | None
    ) -> DigestWrite:
        values = (source_path, content_hash, now(), *rows.values)
        row = conn.execute("SELECT id FROM digests WHERE date = ?", (rows.date,)).fetchone()
        if row is None:
            cursor = conn.execute(
                f"INSERT INTO digests (date, {_DIGEST_COLUMNS}) "
                f"VALUES (?, {_marks(_DIGEST_COLUMNS)})",
                (rows.date, *values),
            )
            digest_id = int(cursor.lastrowid or 0)
        else:
            digest_id = row[0]
            conn.execute(
                f"UPDATE digests SET {_sets(_DIGEST_COLUMNS)} WHERE id = ?", (*values, digest_id)
            )

        existing = [] if row is None else conn.execute(
            f"SELECT i.id, i.key, i.title_key, i.removed, {ITEM_HAS_USER_DATA} "
            "FROM items i WHERE i.digest_id = ? ORDER BY i.ordinal",
            (digest_id,),
        ).fetchall()  # fmt: skip
        indexed = rows_as_indexed(conn, [r[0] for r in existing])  # (before they change)
        targets, unmatched = match_items(rows.items, existing)
        removed = [(r[0], r[1]) for r in unmatched if r[4]]
        deleted = [(r[0], r[1]) for r in unmatched if not r[4]]
        if existing:  # (a new day has nothing stored to take back)
            conn.executemany(
                "UPDATE items SET removed = 1 WHERE id = ?", [(i,) for i, _ in removed]
            )
            conn.executemany("DELETE FROM items WHERE id = ?", [(i,) for i, _ in deleted])
            kept_ids = [(target[0],) for target in targets if target is not None]
            for table in ("links", "images", "videos", "identities"):
                conn.executemany(f"DELETE FROM {table} WHERE item_id = ?", kept_ids)
        if row is not None:
            for table in ("images", "videos"):
                conn.execute(
                    f"DELETE FROM {table} WHERE digest_id = ? AND item_id IS NULL", (digest_id,)
                )

        added = [item for item, target in zip(rows.items, targets, strict=True) if not target]
        if added:  # (an empty executemany still prepares its statement: ~13 µs a file)
            conn.executemany(_ITEM_INSERT, [(item.key, digest_id, *item.values) for item in added])
        if existing:
            conn.executemany(
                _ITEM_UPDATE,
                [(*item.values, t[0]) for item, t in zip(rows.items, targets, strict=True) if t],
            )
        ids = dict(conn.execute("SELECT key, id FROM items WHERE digest_id = ?", (digest_id,)))
        children: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _CHILD_INSERTS}
        for item, target in zip(rows.items, targets, strict=True):
            item_id = target[0] if target else ids[item.key]
            children["links"].extend((item_id, *link) for link in item.links)
            children["identities"].extend((item_id, *ident) for ident in item.identities)
            children["images"].extend((item_id, digest_id, *image) for image in item.images)
            children["videos"].extend((item_id, digest_id, *video) for video in item.videos)
        children["images"].extend((None, digest_id, *image) for image in rows.images)
        children["videos"].extend((None, digest_id, *video) for video in rows.videos)
        for table, child_rows in children.items():
            if child_rows:
                conn.executemany(_CHILD_INSERTS[table], child_rows)

        notes = dict(conn.execute(
            "SELECT n.item_key, n.text FROM notes n JOIN items i ON i.key = n.item_key "
            "WHERE i.digest_id = ?", (digest_id,)).fetchall())  # fmt: skip
        reindex(conn, indexed, [
            (target[0] if target else ids[item.key], item.search, notes.get(item.key))
            for item, target in zip(rows.items, targets, strict=True)
        ], rows.date)  # fmt: skip
        conn.execute(UPDATE_DAY_COUNTS, (digest_id,))
        key_at, body_at = _SHARED_AT
        shared = [(item.values[key_at], item.values[body_at]) for item in rows.items]
        near = self._near.mark(conn, digest_id, rows.date, content_hash, shared)
        return DigestWrite(
            date=rows.date,
            created=row is None,
            added=tuple(item.key for item in added),
            kept=tuple(target[1] for target in targets if target),
            removed=tuple(key for _, key in removed),
            deleted=tuple(key for _, key in deleted),
            near_duplicate_of=near,
        )

    # -- items ----------------------------------------------------------------------------
    def items_for_date(self, date: str, *, include_removed: bool = False) -> list[ItemRecord]:
        """The items of one day in file order; removed ones (kept for the user's data) last."""
        where = "d.date = ?" + ("" if include_removed else " AND i.removed = 0")
        rows = self._conn.execute(
            f"{_ITEM_SELECT} WHERE {where} ORDER BY i.removed, i.ordinal", (date,)
        )
        return [ItemRecord(*row) for row in rows]

    def item(self, key: str) -> ItemRecord | None:
        row = self._conn.execute(f"{_ITEM_SELECT} WHERE i.key = ?", (key,)).fetchone()
        return ItemRecord(*row) if row else None
