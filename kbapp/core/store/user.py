"""The store's user data: my ratings with their history, notes on items and papers with
their revisions, and my own links between items and papers. Part of `Library` (mixed
in); all its SQL lives here. An import never writes any of it.

Targets are `item:<item key>` or `paper:<paper key>` (`papers`); a bare item key is
accepted where an item is meant. Each method that writes is one transaction and returns
`Changes`, so the window refreshes only what it shows.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kbapp.core.day import MyLink
from kbapp.core.store.connection import Part, now
from kbapp.core.store.results import Changes

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ARXIV = re.compile(r"(?:arxiv:?\s*)?(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
REVISION_EVERY = timedelta(minutes=5)  # autosave keeps at most one revision per 5 minutes
SHOWN = 50  # link targets listed at most
LINK_LABELS = ("builds on", "same task", "compare with")  # offered; any text is allowed


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    text: str
    at: str  # UTC, ISO 8601
    kind: str  # "auto", "save" or "restore"


@dataclass(frozen=True, slots=True)
class UserLink:
    id: int
    source: str  # a target: item:<key> or paper:<key>
    target: str
    label: str | None
    created_at: str


def target_of(key: str) -> str:
    """`item:<key>` for a bare item key; targets pass through."""
    return key if key.startswith(("item:", "paper:")) else f"item:{key}"


class User(Part):
    """My ratings, notes and links, and what they can point at."""

    def _date_of(self, conn: sqlite3.Connection, key: str) -> str:
        row = conn.execute(
            "SELECT d.date FROM items i JOIN digests d ON d.id = i.digest_id WHERE i.key = ?",
            (key,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no item {key!r} in the library")
        return str(row[0])

    def _dates_of(self, conn: sqlite3.Connection, *targets: str) -> frozenset[str]:
        return frozenset(
            self._date_of(conn, t.removeprefix("item:")) for t in targets if t.startswith("item:")
        )

    # -- ratings ----------------------------------------------------------------------------
    def set_rating(self, item_key: str, stars: int | None) -> Changes:
        """The user's own 0-5 rating of an item (None clears it); every change is kept in
        `rating_history`."""
        if stars is not None and not 0 <= stars <= 5:
            raise ValueError(f"a rating is 0 to 5 stars, not {stars}")
        with self._transaction() as conn:
            date = self._date_of(conn, item_key)
            if self.rating(item_key) == stars:
                return Changes()
            at = now()
            if stars is None:
                conn.execute("DELETE FROM ratings WHERE item_key = ?", (item_key,))
            else:
                conn.execute(
                    "INSERT INTO ratings (item_key, stars, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (item_key) DO UPDATE SET stars = excluded.stars, "
                    "updated_at = excluded.updated_at",
                    (item_key, stars, at),
                )
            conn.execute(
                "INSERT INTO rating_history (item_key, stars, at) VALUES (?, ?, ?)",
                (item_key, stars, at),
            )
            return self._db.record(Changes(dates=frozenset({date}), ratings=frozenset({item_key})))

    def rating(self, item_key: str) -> int | None:
        row = self._conn.execute(
            "SELECT stars FROM ratings WHERE item_key = ?", (item_key,)
        ).fetchone()
        return int(row[0]) if row else None

    def set_paper_rating(self, paper_key: str, stars: int | None) -> Changes:
        """My own 0-5 rating of a paper (None clears it)."""
        if stars is not None and not 0 <= stars <= 5:
            raise ValueError(f"a rating is 0 to 5 stars, not {stars}")
        with self._transaction() as conn:
            if self.paper_rating(paper_key) == stars:
                return Changes()
            if stars is None:
                conn.execute("DELETE FROM paper_ratings WHERE paper_key = ?", (paper_key,))
            else:
                conn.execute(
                    "INSERT INTO paper_ratings (paper_key, stars, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (paper_key) DO UPDATE SET stars = excluded.stars, "
                    "updated_at = excluded.updated_at",
                    (paper_key, stars, now()),
                )
            return self._db.record(Changes(papers=frozenset({paper_key})))

    def paper_rating(self, paper_key: str) -> int | None:
        row = self._conn.execute(
            "SELECT stars FROM paper_ratings WHERE paper_key = ?", (paper_key,)
        ).fetchone()
        return int(row[0]) if row else None

    def rating_history(self, item_key: str) -> list[tuple[int | None, str]]:
        """(stars, when) for every rating change of an item, oldest first."""
        rows = self._conn.execute(
            "SELECT stars, at FROM rating_history WHERE item_key = ? ORDER BY id", (item_key,)
        )
        return [(row[0], row[1]) for row in rows]

    # -- notes ------------------------------------------------------------------------------
    def set_note(self, item_key: str, text: str) -> Changes:
        """The user's note on an item; blank text deletes it (no revision kept)."""
        return self.save_note(item_key, text, kind=None)

    def note(self, key: str) -> str | None:
        """The note on an item (a bare key or `item:`) or a paper (`paper:`)."""
        target = target_of(key)
        if target.startswith("paper:"):
            sql, value = "SELECT text FROM paper_notes WHERE paper_key = ?", target[6:]
        else:
            sql, value = "SELECT text FROM notes WHERE item_key = ?", target[5:]
        row = self._conn.execute(sql, (value,)).fetchone()
        return str(row[0]) if row else None

    def save_note(
        self, key: str, text: str, *, kind: str | None = "auto", at: str | None = None
    ) -> Changes:
        """Write a note. `kind` says what revision to keep: "auto" (autosave) keeps one
        when the last is over five minutes old, "save" and "restore" always keep one,
        None keeps none. Blank text deletes the note; its revisions stay. `at` (ISO 8601)
        is now unless given."""
        target = target_of(key)
        if kind not in ("auto", "save", "restore", None):
            raise ValueError(f"unknown revision kind {kind!r}")
        paper = target.startswith("paper:")
        table, column, value = (
            ("paper_notes", "paper_key", target[6:]) if paper else ("notes", "item_key", target[5:])
        )
        with self._transaction() as conn:
            dates = self._dates_of(conn, target)
            blank = not text.strip()
            same = (self.note(target) or "") == ("" if blank else text)
            if same and kind != "save":
                return Changes()
            at = at or now()
            if blank:
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (value,))
            elif not same:
                conn.execute(
                    f"INSERT INTO {table} ({column}, text, updated_at) VALUES (?, ?, ?) "
                    f"ON CONFLICT ({column}) DO UPDATE SET text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    (value, text, at),
                )
            from kbapp.core.store.search_index import index_note, index_paper_note

            if paper:
                index_paper_note(conn, value)
            else:
                index_note(conn, value)
            if kind is not None and not blank and self._wants_revision(conn, target, kind, at):
                conn.execute(
                    "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, ?, ?, ?)",
                    (target, text, at, kind),
                )
            notes = frozenset({value}) if not paper else frozenset({target})
            papers = frozenset({value}) if paper else frozenset()
            return self._db.record(Changes(dates=dates, notes=notes, papers=papers))

    def _wants_revision(self, conn: sqlite3.Connection, target: str, kind: str, at: str) -> bool:
        if kind != "auto":
            return True
        row = conn.execute(
            "SELECT at, text FROM note_revisions WHERE target = ? ORDER BY id DESC LIMIT 1",
            (target,),
        ).fetchone()
        if row is None:
            return True
        return datetime.fromisoformat(at) - datetime.fromisoformat(row[0]) >= REVISION_EVERY

    def note_revisions(self, key: str) -> list[Revision]:
        """The kept revisions of a note, newest first."""
        rows = self._conn.execute(
            "SELECT id, text, at, kind FROM note_revisions WHERE target = ? ORDER BY id DESC",
            (target_of(key),),
        )
        return [Revision(*row) for row in rows]

    def restore_revision(self, key: str, revision_id: int) -> Changes:
        row = self._conn.execute(
            "SELECT text FROM note_revisions WHERE id = ? AND target = ?",
            (revision_id, target_of(key)),
        ).fetchone()
        if row is None:
            raise KeyError(f"no revision {revision_id} of {key!r}")
        return self.save_note(key, str(row[0]), kind="restore")

    # -- my links ---------------------------------------------------------------------------
    def add_link(self, source: str, target: str, label: str | None = None) -> Changes:
        """Link two items or papers (either way round is the same link)."""
        source, target = target_of(source), target_of(target)
        if source == target:
            raise ValueError("an item cannot be linked to itself")
        label = (label or "").strip() or None
        with self._transaction() as conn:
            dates = self._dates_of(conn, source, target)
            existing = self._link_between(conn, source, target)
            if existing is not None:
                if existing.label == label:
                    return Changes()
                conn.execute("UPDATE user_links SET label = ? WHERE id = ?", (label, existing.id))
            else:
                conn.execute(
                    "INSERT INTO user_links (source, target, label, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (source, target, label, now()),
                )
            return self._db.record(Changes(dates=dates, links=frozenset({source, target})))

    def remove_link(self, source: str, target: str) -> Changes:
        source, target = target_of(source), target_of(target)
        with self._transaction() as conn:
            existing = self._link_between(conn, source, target)
            if existing is None:
                return Changes()
            dates = self._dates_of(conn, source, target)
            conn.execute("DELETE FROM user_links WHERE id = ?", (existing.id,))
            return self._db.record(Changes(dates=dates, links=frozenset({source, target})))

    def _link_between(self, conn: sqlite3.Connection, one: str, two: str) -> UserLink | None:
        row = conn.execute(
            "SELECT id, source, target, label, created_at FROM user_links "
            "WHERE (source = ? AND target = ?) OR (source = ? AND target = ?)",
            (one, two, two, one),
        ).fetchone()
        return UserLink(*row) if row else None

    def links_of(self, key: str) -> list[UserLink]:
        """My links from and to an item or paper (backlinks included), oldest first."""
        target = target_of(key)
        rows = self._conn.execute(
            "SELECT id, source, target, label, created_at FROM user_links "
            "WHERE source = ? OR target = ? ORDER BY id",
            (target, target),
        )
        return [UserLink(*row) for row in rows]

    def my_links_of(self, keys: list[str]) -> dict[str, list[MyLink]]:
        """`my_links` of several items or papers at once (a day's cards): two queries
        when none has a link, which is most days."""
        targets = [target_of(key) for key in keys]
        marks = ", ".join("?" * len(targets))
        linked = {
            row[0]
            for row in self._conn.execute(
                f"SELECT source FROM user_links WHERE source IN ({marks}) "
                f"UNION SELECT target FROM user_links WHERE target IN ({marks})",
                [*targets, *targets],
            )
        }
        return {key: self.my_links(key) if target in linked else []
                for key, target in zip(keys, targets, strict=True)}  # fmt: skip

    def my_links(self, key: str) -> list[MyLink]:
        """My links from and to an item or a paper, as its card or page shows them."""
        own = target_of(key)
        links = self.links_of(own)
        others = [link.target if link.source == own else link.source for link in links]
        shown = self.describe(others)
        return [
            MyLink(other, shown[other], link.label, link.source == own)
            for link, other in zip(links, others, strict=True)
        ]

    def describe(self, targets: list[str]) -> dict[str, str]:
        """A text to show for each item or paper target (what a card lists)."""
        shown: dict[str, str] = {}
        for target in targets:
            if target.startswith("item:"):
                row = self._conn.execute(
                    "SELECT d.date, i.title FROM items i JOIN digests d ON d.id = i.digest_id "
                    "WHERE i.key = ?",
                    (target[5:],),
                ).fetchone()
                shown[target] = f"{row[0]} · {row[1]}" if row else target[5:]
            else:
                paper = target.removeprefix("paper:")
                shown[target] = paper.replace("arxiv:", "arXiv ", 1)
        return shown

    # -- what my links and `[[...]]` in notes can point at ---------------------------------
    # Items and arXiv papers, with a text to show and one to search (titles, dates, IDs).
    def resolve(self, text: str) -> str | None:
        """What `[[text]]` in a note points at: `day:<date>`, `paper:arxiv:<id>` or
        `item:<key>` (a date, an arXiv ID, a date and title as the completion writes
        them, or words of a title: the newest item that has them all); None if nothing."""
        text = " ".join(text.split())
        conn = self._conn
        date = _DATE.fullmatch(text)
        if date and conn.execute("SELECT 1 FROM digests WHERE date = ?", (text,)).fetchone():
            return f"day:{text}"
        arxiv = _ARXIV.fullmatch(text)
        if (
            arxiv
            and conn.execute(
                "SELECT 1 FROM identities WHERE kind = 'arxiv' AND value = ?", (arxiv.group(1),)
            ).fetchone()
        ):
            return f"paper:arxiv:{arxiv.group(1)}"
        day, dot, title = text.partition(" · ")
        if dot and _DATE.fullmatch(day):
            row = conn.execute(
                "SELECT i.key FROM items i JOIN digests d ON d.id = i.digest_id "
                "WHERE d.date = ? AND i.title = ? AND i.removed = 0",
                (day, title),
            ).fetchone()
            if row:
                return f"item:{row[0]}"
        words = text.split()
        if not words:
            return None
        where = " AND ".join("instr(lower(i.title), ?) > 0" for _ in words)
        row = conn.execute(
            "SELECT i.key FROM items i JOIN digests d ON d.id = i.digest_id "
            f"WHERE i.removed = 0 AND {where} ORDER BY d.date DESC, i.ordinal LIMIT 1",
            [word.lower() for word in words],
        ).fetchone()
        return f"item:{row[0]}" if row else None

    def link_targets(self) -> list[tuple[str, str, str]]:
        """(target, shown text, folded search text), items newest first, then papers."""
        conn = self._conn
        arxiv: dict[int, list[str]] = {}
        for item_id, value in conn.execute(
            "SELECT item_id, value FROM identities WHERE kind = 'arxiv'"
        ):
            arxiv.setdefault(item_id, []).append(value)
        found = []
        for item_id, key, date, title in conn.execute(
            "SELECT i.id, i.key, d.date, i.title FROM items i JOIN digests d "
            "ON d.id = i.digest_id WHERE i.removed = 0 ORDER BY d.date DESC, i.ordinal"
        ):
            shown = f"{date} · {title}"
            ids = " ".join(arxiv.get(item_id, ()))
            found.append((f"item:{key}", shown, f"{shown} {ids}".casefold()))
        for value, text in conn.execute(
            "SELECT x.value, MIN(l.text) FROM identities x JOIN links l "
            "ON l.item_id = x.item_id AND l.ordinal = x.link_ordinal "
            "WHERE x.kind = 'arxiv' AND x.paper = 1 GROUP BY x.value ORDER BY x.value DESC"
        ):
            shown = f"arXiv {value} · {text}"
            found.append((f"paper:arxiv:{value}", shown, shown.casefold()))
        return found


def matches(
    targets: list[tuple[str, str, str]], query: str, exclude: str = "", limit: int = SHOWN
) -> list[tuple[str, str]]:
    """(target, shown) of the targets whose search text holds every word of the query."""
    words = query.casefold().split()
    found = []
    for target, shown, text in targets:
        if target != exclude and all(word in text for word in words):
            found.append((target, shown))
            if len(found) >= limit:
                break
    return found
