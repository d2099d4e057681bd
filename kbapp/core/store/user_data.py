"""The store's user data as a whole: read for an export, merged back from one
(`kbapp restore-json`). Part of `Library` (mixed in); all its SQL lives here."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from contextlib import AbstractContextManager
from typing import Any

from kbapp.core.store.search import SearchQueries


class UserDataQueries:
    """All the user's data at once, to export it, and merged back from an export."""

    _conn: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # Library's

    def user_data(self) -> dict[str, Any]:
        """Everything the user made, keyed for an export: per item key, per paper key,
        and the decisions on candidate cross-links."""
        conn = self._conn
        items: dict[str, dict[str, Any]] = defaultdict(blank_item)
        papers: dict[str, dict[str, Any]] = defaultdict(_blank_paper)
        for key, stars, at in conn.execute("SELECT item_key, stars, updated_at FROM ratings"):
            items[key].update(my_rating=stars, my_rating_at=at)
        for key, stars, at in conn.execute(
            "SELECT item_key, stars, at FROM rating_history ORDER BY id"
        ):
            items[key]["rating_history"].append({"stars": stars, "at": at})
        for key, text, at in conn.execute("SELECT item_key, text, updated_at FROM notes"):
            items[key].update(note=text, note_at=at)
        for key, text, at in conn.execute("SELECT paper_key, text, updated_at FROM paper_notes"):
            papers[key].update(note=text, note_at=at)
        for target, text, at, kind in conn.execute(
            "SELECT target, text, at, kind FROM note_revisions ORDER BY id"
        ):
            owner = items[target[5:]] if target.startswith("item:") else papers[target[6:]]
            owner["note_revisions"].append({"text": text, "at": at, "kind": kind})
        for source, target, label, at in conn.execute(
            "SELECT source, target, label, created_at FROM user_links ORDER BY id"
        ):
            owner = items[source[5:]] if source.startswith("item:") else papers[source[6:]]
            owner["links_to"].append({"target": target, "label": label, "created_at": at})
        decisions = [
            {"a": a, "b": b, "decision": decision, "at": at}
            for a, b, decision, at in conn.execute(
                "SELECT a, b, decision, at FROM link_decisions ORDER BY a, b"
            )
        ]
        return {"items": dict(items), "papers": dict(papers), "link_decisions": decisions}

    def merge_user_data(
        self, items: dict[str, dict[str, Any]], papers: dict[str, dict[str, Any]],
        decisions: list[dict[str, Any]],
    ) -> dict[str, int]:  # fmt: skip
        """Merge exported user data in, in one transaction: what the library lacks is
        added, nothing is duplicated, and where both have a rating or a note the newer
        wins (the older note is kept as a revision). Items this library does not have
        are counted, not invented."""
        counts = dict.fromkeys(
            ("ratings", "history", "notes", "revisions", "links", "decisions", "missing"), 0
        )
        with self._transaction() as conn:
            known = {row[0] for row in conn.execute("SELECT key FROM items")}
            for key, data in items.items():
                if key not in known:
                    counts["missing"] += 1
                    continue
                self._merge_item(conn, key, data, counts)
            for key, data in papers.items():
                self._merge_note(conn, f"paper:{key}", data, counts)
                self._merge_links(conn, f"paper:{key}", data, known, counts)
            for decision in decisions:
                a, b = decision["a"], decision["b"]
                if a in known and b in known:
                    counts["decisions"] += conn.execute(
                        "INSERT INTO link_decisions (a, b, decision, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (a, b) DO UPDATE SET decision = excluded.decision, "
                        "at = excluded.at WHERE excluded.at > link_decisions.at",
                        (a, b, decision["decision"], decision["at"]),
                    ).rowcount
        return counts

    def _merge_item(
        self, conn: sqlite3.Connection, key: str, data: dict[str, Any], counts: dict[str, int]
    ) -> None:
        have = {(row[0], row[1]) for row in conn.execute(
            "SELECT stars, at FROM rating_history WHERE item_key = ?", (key,))}  # fmt: skip
        for entry in data.get("rating_history") or []:
            if (entry["stars"], entry["at"]) not in have:
                conn.execute(
                    "INSERT INTO rating_history (item_key, stars, at) VALUES (?, ?, ?)",
                    (key, entry["stars"], entry["at"]),
                )
                counts["history"] += 1
        if data.get("my_rating") is not None:
            counts["ratings"] += conn.execute(
                "INSERT INTO ratings (item_key, stars, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (item_key) DO UPDATE SET stars = excluded.stars, "
                "updated_at = excluded.updated_at WHERE excluded.updated_at > ratings.updated_at",
                (key, data["my_rating"], data.get("my_rating_at") or ""),
            ).rowcount
        self._merge_note(conn, f"item:{key}", data, counts)
        self._merge_links(conn, f"item:{key}", data, None, counts)

    def _merge_note(
        self, conn: sqlite3.Connection, target: str, data: dict[str, Any], counts: dict[str, int]
    ) -> None:
        have = {tuple(row) for row in conn.execute(
            "SELECT text, at, kind FROM note_revisions WHERE target = ?", (target,))}  # fmt: skip
        for revision in data.get("note_revisions") or []:
            row = (revision["text"], revision["at"], revision["kind"])
            if row not in have:
                conn.execute(
                    "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, ?, ?, ?)",
                    (target, *row),
                )
                have.add(row)
                counts["revisions"] += 1
        text, at = data.get("note"), data.get("note_at") or ""
        if not text:
            return
        paper = target.startswith("paper:")
        table, column, value = (
            ("paper_notes", "paper_key", target[6:]) if paper else ("notes", "item_key", target[5:])
        )
        row = conn.execute(
            f"SELECT text, updated_at FROM {table} WHERE {column} = ?", (value,)
        ).fetchone()
        if row is not None and (row[0] == text or row[1] >= at):
            if row[0] != text and (text, at, "save") not in have:  # the older one stays too
                conn.execute(
                    "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, ?, ?, 'save')",
                    (target, text, at),
                )
            return
        if row is not None and (row[0], row[1], "save") not in have:
            conn.execute(
                "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, ?, ?, 'save')",
                (target, row[0], row[1]),
            )
        conn.execute(
            f"INSERT INTO {table} ({column}, text, updated_at) VALUES (?, ?, ?) "
            f"ON CONFLICT ({column}) DO UPDATE SET text = excluded.text, "
            "updated_at = excluded.updated_at",
            (value, text, at),
        )
        if paper:  # the search index has the note too
            SearchQueries.index_paper_note(conn, value)
        else:
            SearchQueries.index_note(conn, value)
        counts["notes"] += 1

    def _merge_links(
        self, conn: sqlite3.Connection, source: str, data: dict[str, Any],
        known: set[str] | None, counts: dict[str, int],
    ) -> None:  # fmt: skip
        for link in data.get("links_to") or []:
            target = link["target"]
            if known is not None and target.startswith("item:") and target[5:] not in known:
                continue
            exists = conn.execute(
                "SELECT 1 FROM user_links WHERE (source = ? AND target = ?) "
                "OR (source = ? AND target = ?)",
                (source, target, target, source),
            ).fetchone()
            if exists is None:
                conn.execute(
                    "INSERT INTO user_links (source, target, label, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (source, target, link.get("label"), link.get("created_at") or ""),
                )
                counts["links"] += 1


def blank_item() -> dict[str, Any]:
    """An item's user data when the user made none (the export's shape)."""
    return {"my_rating": None, "my_rating_at": None, "rating_history": [], "note": None,
            "note_at": None, "note_revisions": [], "links_to": []}  # fmt: skip


def _blank_paper() -> dict[str, Any]:
    return {"note": None, "note_at": None, "note_revisions": [], "links_to": []}
