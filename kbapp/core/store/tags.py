"""The store's tags and saved searches (`Library.tags`): the user's own words on items
and papers, and queries kept under a name. The user's data, never written by an import
(migration 0018); all its SQL lives here.

A tag's name is matched without regard to case (`Matting` and `matting` are one tag,
spelled as it was first written) and is kept as typed otherwise; a tag with nothing
left on it is gone. Each write is one transaction and returns `Changes`: `tags` holds
the targets whose tags changed and `tag:<name>` of each tag that changed (`saved:<name>`
for a saved search), and `restore` puts a tag back as `targets` gave it, for undo.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kbapp.core.store.connection import Part, now
from kbapp.core.store.reading import check_targets, item_dates
from kbapp.core.store.results import Changes

MAX_NAME = 80  # characters in a tag's or a saved search's name


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    count: int  # items and papers carrying it


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str


def clean_name(name: str, what: str = "a tag") -> str:
    """A name as stored: NFKC, spaces collapsed; ValueError when nothing is left, it is
    too long or it holds control characters."""
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    if not text:
        raise ValueError(f"{what} needs a name")
    if len(text) > MAX_NAME:
        raise ValueError(f"{what}'s name is at most {MAX_NAME} characters")
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise ValueError(f"{what}'s name cannot hold control characters")
    return text


class Tags(Part):
    """Tags on items and papers, and saved searches."""

    def all(self) -> list[TagCount]:
        """Every tag with how many items and papers carry it, by name."""
        rows = self._conn.execute(
            "SELECT t.name, COUNT(x.target) FROM tags t LEFT JOIN tagged x ON x.tag_id = t.id "
            "GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
        )
        return [TagCount(name, count) for name, count in rows]

    def of(self, targets: Iterable[str]) -> dict[str, list[str]]:
        """The tags of each target that has any, by name."""
        found: dict[str, list[str]] = {}
        wanted = sorted(set(targets))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for target, name in self._conn.execute(
                "SELECT x.target, t.name FROM tagged x JOIN tags t ON t.id = x.tag_id "
                f"WHERE x.target IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                found.setdefault(target, []).append(name)
        return found

    def every_target(self) -> dict[str, list[str]]:
        """Every tagged target with its tags (an export's, a listing's)."""
        found: dict[str, list[str]] = {}
        for target, name in self._conn.execute(
            "SELECT x.target, t.name FROM tagged x JOIN tags t ON t.id = x.tag_id "
            "ORDER BY x.target, t.name COLLATE NOCASE"
        ):
            found.setdefault(target, []).append(name)
        return found

    def targets(self, name: str) -> list[str]:
        """What carries the tag, in the order it was tagged."""
        return [row[0] for row in self._conn.execute(
            "SELECT x.target FROM tagged x JOIN tags t ON t.id = x.tag_id WHERE t.name = ? "
            "ORDER BY x.at, x.target", (name.strip(),))]  # fmt: skip

    def name_of(self, name: str) -> str | None:
        """The tag's name as stored (its first spelling), or None when there is none."""
        row = self._conn.execute("SELECT name FROM tags WHERE name = ?", (name.strip(),)).fetchone()
        return str(row[0]) if row else None

    def add(self, name: str, targets: Iterable[str]) -> Changes:
        """Put the tag on these items and papers (made when new)."""
        name = clean_name(name)
        with self._transaction() as conn:
            ordered, _ = check_targets(conn, targets)
            tag_id = self._tag_id(conn, name, create=True)
            at = now()
            added = [t for t in ordered if conn.execute(
                "INSERT OR IGNORE INTO tagged (tag_id, target, at) VALUES (?, ?, ?)",
                (tag_id, t, at)).rowcount]  # fmt: skip
            return self._changed(conn, name, added)

    def remove(self, name: str, targets: Iterable[str]) -> Changes:
        """Take the tag off these (a tag left on nothing is gone)."""
        with self._transaction() as conn:
            tag_id = self._tag_id(conn, name)
            if tag_id is None:
                return Changes()
            gone = [t for t in dict.fromkeys(targets) if conn.execute(
                "DELETE FROM tagged WHERE tag_id = ? AND target = ?", (tag_id, t)
            ).rowcount]  # fmt: skip
            stored = self.name_of(name) or name
            self._drop_if_empty(conn, tag_id)
            return self._changed(conn, stored, gone)

    def rename(self, old: str, new: str) -> Changes:
        """Call a tag by another name; when that tag exists too, the two become one
        (merged, under `new`)."""
        new = clean_name(new)
        with self._transaction() as conn:
            old_id = self._tag_id(conn, old)
            if old_id is None:
                raise KeyError(f"no tag {old.strip()!r}")
            stored_old = self.name_of(old) or old
            carried = self.targets(stored_old)
            new_id = self._tag_id(conn, new)
            if new_id is None or new_id == old_id:
                conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, old_id))
            else:
                conn.execute(
                    "INSERT OR IGNORE INTO tagged (tag_id, target, at) "
                    "SELECT ?, target, at FROM tagged WHERE tag_id = ?",
                    (new_id, old_id),
                )
                conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))
                conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, new_id))
            changes = self._changed(conn, new, carried)
            return changes | self._db.record(Changes(tags=frozenset({f"tag:{stored_old}"})))

    def restore(self, name: str, targets: Iterable[str]) -> Changes:
        """The tag on exactly these targets (none: no tag), for undo."""
        wanted = list(dict.fromkeys(targets))
        with self._transaction() as conn:
            have = set(self.targets(name))
            changes = Changes()
            if set(wanted) - have:
                changes |= self.add(name, [t for t in wanted if t not in have])
            if have - set(wanted):
                changes |= self.remove(name, [t for t in have if t not in set(wanted)])
            if not wanted and self._tag_id(conn, name) is not None:
                self._drop_if_empty(conn, self._tag_id(conn, name))
            return changes

    def _tag_id(self, conn: sqlite3.Connection, name: str, *, create: bool = False) -> int | None:
        row = conn.execute("SELECT id FROM tags WHERE name = ?", (name.strip(),)).fetchone()
        if row is not None or not create:
            return int(row[0]) if row else None
        cursor = conn.execute("INSERT INTO tags (name, created_at) VALUES (?, ?)", (name, now()))
        return int(cursor.lastrowid or 0)

    def _drop_if_empty(self, conn: sqlite3.Connection, tag_id: int | None) -> None:
        conn.execute(
            "DELETE FROM tags WHERE id = ? AND NOT EXISTS (SELECT 1 FROM tagged WHERE tag_id = ?)",
            (tag_id, tag_id),
        )

    def _changed(self, conn: sqlite3.Connection, name: str, targets: list[str]) -> Changes:
        if not targets:
            return Changes()
        dates = item_dates(conn, (t[5:] for t in targets if t.startswith("item:")))
        tagged = frozenset([*targets, f"tag:{name}"])
        return self._db.record(Changes(dates=frozenset(dates.values()), tags=tagged))

    # -- saved searches ---------------------------------------------------------------------
    def saved(self) -> list[SavedSearch]:
        """The saved searches, by name."""
        return [SavedSearch(*row) for row in self._conn.execute(
            "SELECT name, query FROM saved_searches ORDER BY name COLLATE NOCASE")]  # fmt: skip

    def save_search(self, name: str, query: str) -> Changes:
        """Keep a query under a name (replacing one of that name)."""
        name = clean_name(name, "a saved search")
        if not query.strip():
            raise ValueError("a saved search needs a query")
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT query FROM saved_searches WHERE name = ?", (name,)
            ).fetchone()
            if row is not None and row[0] == query:
                return Changes()
            conn.execute(
                "INSERT INTO saved_searches (name, query, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET query = excluded.query",
                (name, query, now()),
            )
            return self._db.record(Changes(tags=frozenset({f"saved:{name}"})))

    def delete_search(self, name: str) -> Changes:
        with self._transaction() as conn:
            if not conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount:
                return Changes()
            return self._db.record(Changes(tags=frozenset({f"saved:{name}"})))


__all__ = ["SavedSearch", "TagCount", "Tags", "clean_name"]
