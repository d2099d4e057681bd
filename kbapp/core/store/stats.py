"""The store's whole-library views: counts for `kbapp stats` and the rows of an export.
Part of `Library` (mixed in); all their SQL lives here.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from typing import Any


class LibraryViews:
    _conn: sqlite3.Connection

    def stats(self) -> dict[str, Any]:
        """Counts over the items still in their files (removed ones are left out)."""
        one = self._scalar
        live = "JOIN items i ON i.id = x.item_id AND i.removed = 0"
        stars = {str(n): 0 for n in range(6)}
        for value, count in self._conn.execute(
            "SELECT author_stars, COUNT(*) FROM items WHERE removed = 0 GROUP BY author_stars"
        ):
            stars[str(value)] = count
        return {
            "digests": one("SELECT COUNT(*) FROM digests"),
            "items": one("SELECT COUNT(*) FROM items WHERE removed = 0"),
            "removed_items": one("SELECT COUNT(*) FROM items WHERE removed = 1"),
            "stars": stars,
            "papers": one(
                "SELECT COUNT(*) FROM (SELECT DISTINCT x.kind, x.value FROM identities x "
                f"{live} WHERE x.paper = 1)"
            ),
            "arxiv_ids": one(
                f"SELECT COUNT(DISTINCT x.value) FROM identities x {live} WHERE x.kind = 'arxiv'"
            ),
            "github_repos": one(
                f"SELECT COUNT(DISTINCT x.value) FROM identities x {live} WHERE x.kind = 'github'"
            ),
            "images": one(
                "SELECT COUNT(DISTINCT x.src) FROM images x LEFT JOIN items i ON i.id = x.item_id "
                "WHERE x.item_id IS NULL OR i.removed = 0"
            ),
            "ratings": one("SELECT COUNT(*) FROM ratings"),
            "notes": one("SELECT COUNT(*) FROM notes"),
            "first_date": one("SELECT MIN(date) FROM digests"),
            "last_date": one("SELECT MAX(date) FROM digests"),
        }

    def _scalar(self, sql: str) -> Any:
        return self._conn.execute(sql).fetchone()[0]

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
            item["body"] = json.loads(item["body"])
            item["links"] = links.get(row[0], [])
            item["images"] = images.get(row[0], [])
            items[row[1]].append(item)
        for row in conn.execute(
            "SELECT id, date, source_path, content_hash, title, date_source, sections, "
            "preamble, diagnostics, near_duplicate_of, imported_at FROM digests ORDER BY date"
        ):
            digest = dict(zip(_DIGEST_KEYS, row[1:], strict=True))
            for name in ("sections", "preamble", "diagnostics"):
                digest[name] = json.loads(digest[name])
            digest["items"] = [
                {"key": item["key"], "date": digest["date"], **item}
                for item in items.get(row[0], [])
            ]
            yield digest


_LINK_KEYS = ("field", "label", "name", "group", "text", "url_raw", "url", "url_kind", "note",
              "context", "line")  # fmt: skip
_IMAGE_KEYS = ("src", "src_raw", "is_local", "resolved_path", "host", "format_hint", "zoom",
               "alt", "line")  # fmt: skip
_ITEM_KEYS = ("key", "ordinal", "index", "title", "url", "url_raw", "article_key",
              "author_stars", "abstract", "tips", "removed", "my_rating", "note",
              "line_start", "line_end", "body")  # fmt: skip
_DIGEST_KEYS = ("date", "source_path", "content_hash", "title", "date_source", "sections",
                "preamble", "diagnostics", "near_duplicate_of", "imported_at")  # fmt: skip
