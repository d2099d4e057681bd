"""The library as plain data (`Library.transfer`): every digest with its items for an
export, the user's data as a whole, and that data merged back from an export (`kbapp
restore-json`). All its SQL lives here."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from kbapp.core.store.connection import Part
from kbapp.core.store.constraints import UNKNOWN_TIME
from kbapp.core.store.packing import unpack_body
from kbapp.core.store.results import Changes
from kbapp.core.store.search_index import index_note, index_paper_note
from kbapp.core.store.tags import clean_name


class Transfer(Part):
    """Every digest and all the user's data at once, to export them; user data merged
    back from an export."""

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """Every digest as plain data with its items (removed ones included), their links
        and images and the user's fields, oldest first; `export.library_json`
        documents the shape. Three queries, whatever the size of the library."""
        conn = self._conn
        links: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in conn.execute(
            "SELECT item_id, field, label, name, grp, text, url_raw, url, url_kind, note, "
            "context, line FROM links ORDER BY item_id, ordinal"
        ):
            links[row[0]].append(dict(zip(_LINK_KEYS, row[1:], strict=True)))
        images: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for row in conn.execute(
            "SELECT item_id, src, src_raw, is_local, resolved_path, host, format_hint, zoom, "
            "alt, line FROM images WHERE item_id IS NOT NULL ORDER BY item_id, line, id"
        ):
            image = dict(zip(_IMAGE_KEYS, row[1:], strict=True))
            image["is_local"] = bool(image["is_local"])
            images[row[0]].append(image)
        items: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in conn.execute(
            "SELECT i.id, i.digest_id, i.key, i.ordinal, i.idx, i.title, i.article_url, "
            "i.article_url_raw, i.article_key, i.author_stars, i.abstract, i.tips, i.removed, "
            "r.stars, n.text, i.line_start, i.line_end, i.body "
            "FROM items i LEFT JOIN ratings r ON r.item_key = i.key "
            "LEFT JOIN notes n ON n.item_key = i.key ORDER BY i.digest_id, i.removed, i.ordinal"
        ):
            item = dict(zip(_ITEM_KEYS, row[2:], strict=True))
            item["removed"] = bool(item["removed"])
            item["body"] = json.loads(unpack_body(item["body"]))
            item["links"] = links.get(row[0], [])
            item["images"] = images.get(row[0], [])
            items[row[1]].append(item)
        for row in conn.execute(
            "SELECT id, date, source_path, content_hash, title, date_source, sections, "
            "preamble, diagnostics, near_duplicate_of, imported_at FROM digests ORDER BY date"
        ):
            digest = dict(zip(_DIGEST_KEYS, row[1:], strict=True))
            for name in ("sections", "preamble", "diagnostics"):
                digest[name] = json.loads(unpack_body(digest[name]))
            digest["items"] = [
                {"key": item["key"], "date": digest["date"], **item}
                for item in items.get(row[0], [])
            ]
            yield digest

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
        for key, stars, at in conn.execute(
            "SELECT paper_key, stars, updated_at FROM paper_ratings"
        ):
            papers[key].update(my_rating=stars, my_rating_at=at)
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
        for key, at in conn.execute("SELECT item_key, read_at FROM reads"):
            items[key]["read_at"] = at
        queue = []
        for target, at in conn.execute("SELECT target, queued_at FROM queue ORDER BY position"):
            _owner(items, papers, target)["queued_at"] = at
            queue.append(target)
        for target, name in conn.execute(
            "SELECT x.target, t.name FROM tagged x JOIN tags t ON t.id = x.tag_id "
            "ORDER BY x.target, t.name COLLATE NOCASE"
        ):
            _owner(items, papers, target)["tags"].append(name)
        searches = [{"name": name, "query": query} for name, query in conn.execute(
            "SELECT name, query FROM saved_searches ORDER BY name COLLATE NOCASE")]  # fmt: skip
        return {"items": dict(items), "papers": dict(papers), "link_decisions": decisions,
                "queue": queue, "saved_searches": searches}  # fmt: skip

    def merge_user_data(
        self, items: dict[str, dict[str, Any]], papers: dict[str, dict[str, Any]],
        decisions: list[dict[str, Any]], queue: list[str] | None = None,
        searches: list[dict[str, Any]] | None = None,
    ) -> dict[str, int]:  # fmt: skip
        """Merge exported user data in, in one transaction: what the library lacks is
        added, nothing is duplicated, and where both have a rating or a note the newer
        wins (the older note is kept as a revision). Items this library does not have
        are counted, not invented."""
        counts = dict.fromkeys(
            ("ratings", "history", "notes", "revisions", "links", "decisions", "reads",
             "queued", "tags", "searches", "missing"), 0,
        )  # fmt: skip
        with self._transaction() as conn:
            known = {row[0] for row in conn.execute("SELECT key FROM items")}
            for key, data in items.items():
                if key not in known:
                    counts["missing"] += 1
                    continue
                self._merge_item(conn, key, data, counts)
            for key, data in papers.items():
                if data.get("my_rating") is not None and data.get("my_rating_at"):
                    counts["ratings"] += conn.execute(
                        "INSERT INTO paper_ratings (paper_key, stars, updated_at) "
                        "VALUES (?, ?, ?) ON CONFLICT (paper_key) DO UPDATE SET "
                        "stars = excluded.stars, updated_at = excluded.updated_at "
                        "WHERE excluded.updated_at > paper_ratings.updated_at",
                        (key, data["my_rating"], data["my_rating_at"]),
                    ).rowcount
                self._merge_note(conn, f"paper:{key}", data, counts)
                self._merge_links(conn, f"paper:{key}", data, known, counts)
            for decision in decisions:
                a, b = decision["a"], decision["b"]
                if a in known and b in known:
                    counts["decisions"] += conn.execute(
                        "INSERT INTO link_decisions (a, b, decision, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (a, b) DO UPDATE SET decision = excluded.decision, "
                        "at = excluded.at WHERE excluded.at > link_decisions.at",
                        (a, b, decision["decision"], _when(decision["at"])),
                    ).rowcount
            self._merge_reading(conn, items, papers, known, queue, counts)
            for search in searches or []:
                counts["searches"] += conn.execute(
                    "INSERT OR IGNORE INTO saved_searches (name, query, created_at) "
                    "VALUES (?, ?, ?)", (search["name"], search["query"], _when(None)),
                ).rowcount  # fmt: skip
            if any(n for name, n in counts.items() if name != "missing"):
                self._db.record(Changes(everything=True))
        return counts

    def _merge_reading(
        self, conn: sqlite3.Connection, items: dict[str, dict[str, Any]],
        papers: dict[str, dict[str, Any]], known: set[str], queue: list[str] | None,
        counts: dict[str, int],
    ) -> None:  # fmt: skip
        """Read times the library lacks, the queue's missing targets appended in the
        export's order, and every tag the library lacks on a target it has."""
        owners = {f"item:{key}": data for key, data in items.items() if key in known}
        owners |= {f"paper:{key}": data for key, data in papers.items()}
        for target, data in owners.items():
            if target.startswith("item:") and data.get("read_at"):
                counts["reads"] += conn.execute(
                    "INSERT OR IGNORE INTO reads (item_key, read_at) VALUES (?, ?)",
                    (target[5:], data["read_at"]),
                ).rowcount
            for name in map(clean_name, data.get("tags") or []):
                conn.execute("INSERT OR IGNORE INTO tags (name, created_at) VALUES (?, ?)",
                             (name, _when(None)))  # fmt: skip
                counts["tags"] += conn.execute(
                    "INSERT OR IGNORE INTO tagged (tag_id, target, at) SELECT id, ?, ? "
                    "FROM tags WHERE name = ?", (target, _when(None), name),
                ).rowcount  # fmt: skip
        waiting = [t for t, data in owners.items() if data.get("queued_at")]
        order = {target: n for n, target in enumerate(queue or [])}
        waiting.sort(key=lambda t: (order.get(t, len(order)), owners[t]["queued_at"]))
        last = conn.execute("SELECT COALESCE(MAX(position), -1) FROM queue").fetchone()[0]
        for n, target in enumerate(waiting, start=last + 1):
            counts["queued"] += conn.execute(
                "INSERT OR IGNORE INTO queue (target, position, queued_at) VALUES (?, ?, ?)",
                (target, n, owners[target]["queued_at"]),
            ).rowcount

    def _merge_item(
        self, conn: sqlite3.Connection, key: str, data: dict[str, Any], counts: dict[str, int]
    ) -> None:
        have = {(row[0], row[1]) for row in conn.execute(
            "SELECT stars, at FROM rating_history WHERE item_key = ?", (key,))}  # fmt: skip
        for entry in data.get("rating_history") or []:
            if (entry["stars"], _when(entry["at"])) not in have:
                conn.execute(
                    "INSERT INTO rating_history (item_key, stars, at) VALUES (?, ?, ?)",
                    (key, entry["stars"], _when(entry["at"])),
                )
                counts["history"] += 1
        if data.get("my_rating") is not None:
            counts["ratings"] += conn.execute(
                "INSERT INTO ratings (item_key, stars, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (item_key) DO UPDATE SET stars = excluded.stars, "
                "updated_at = excluded.updated_at WHERE excluded.updated_at > ratings.updated_at",
                (key, data["my_rating"], _when(data.get("my_rating_at"))),
            ).rowcount
        self._merge_note(conn, f"item:{key}", data, counts)
        self._merge_links(conn, f"item:{key}", data, None, counts)

    def _merge_note(
        self, conn: sqlite3.Connection, target: str, data: dict[str, Any], counts: dict[str, int]
    ) -> None:
        have = {tuple(row) for row in conn.execute(
            "SELECT text, at, kind FROM note_revisions WHERE target = ?", (target,))}  # fmt: skip
        for revision in data.get("note_revisions") or []:
            row = (revision["text"], _when(revision["at"]), revision["kind"])
            if row not in have:
                conn.execute(
                    "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, ?, ?, ?)",
                    (target, *row),
                )
                have.add(row)
                counts["revisions"] += 1
        text, at = data.get("note"), _when(data.get("note_at"))
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
            index_paper_note(conn, value)
        else:
            index_note(conn, value)
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
                    (source, target, link.get("label"), _when(link.get("created_at"))),
                )
                counts["links"] += 1


def _when(at: str | None) -> str:
    """A time from the export; one an early export did not give is `UNKNOWN_TIME`
    (older than any real one, and a time the schema accepts)."""
    return at or UNKNOWN_TIME


def blank_item() -> dict[str, Any]:
    """An item's user data when the user made none (the export's shape)."""
    return {"my_rating": None, "my_rating_at": None, "rating_history": [], "note": None,
            "note_at": None, "note_revisions": [], "links_to": [], "read_at": None,
            "queued_at": None, "tags": []}  # fmt: skip


def _blank_paper() -> dict[str, Any]:
    return {"my_rating": None, "my_rating_at": None, "note": None, "note_at": None,
            "note_revisions": [], "links_to": [], "queued_at": None, "tags": []}  # fmt: skip


def _owner(
    items: dict[str, dict[str, Any]], papers: dict[str, dict[str, Any]], target: str
) -> dict[str, Any]:
    return items[target[5:]] if target.startswith("item:") else papers[target[6:]]


_LINK_KEYS = ("field", "label", "name", "group", "text", "url_raw", "url", "url_kind", "note",
              "context", "line")  # fmt: skip
_IMAGE_KEYS = ("src", "src_raw", "is_local", "resolved_path", "host", "format_hint", "zoom",
               "alt", "line")  # fmt: skip
_ITEM_KEYS = ("key", "ordinal", "index", "title", "url", "url_raw", "article_key",
              "author_stars", "abstract", "tips", "removed", "my_rating", "note",
              "line_start", "line_end", "body")  # fmt: skip
_DIGEST_KEYS = ("date", "source_path", "content_hash", "title", "date_source", "sections",
                "preamble", "diagnostics", "near_duplicate_of", "imported_at")  # fmt: skip
