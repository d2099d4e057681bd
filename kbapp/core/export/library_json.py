"""Exporting a whole library as JSON, in a documented and versioned format.

The export is how a user takes everything out of kbapp (their ratings and notes
included) without reading SQLite, so its shape is a promise: fields are only ever added
within a version; a rename or removal bumps `version`.

Format `kbapp`, version 1::

    {
      "format": "kbapp",
      "version": 1,
      "exported_at": "2024-05-01T09:30:00+00:00",      # UTC, ISO 8601
      "digests": [                                      # one per day, oldest first
        {
          "date": "2021-03-07",                         # the digest's identity
          "source_path": "/home/me/notes/202103/0307.md",  # file last imported
          "content_hash": "<sha256 of the file's bytes>",
          "title": "拓展学习笔记",                        # heading text before the date
          "date_source": "heading",                     # or "path"
          "near_duplicate_of": null,                    # an earlier date sharing >80% items
          "imported_at": "...",
          "items": [
            {
              "key": "2021-03-07/s:Ab12...",            # stable across re-imports
              "date": "2021-03-07",
              "ordinal": 1,                             # position in the file
              "index": 1,                               # number as printed (null: none)
              "title": "...",
              "url": "https://mp.weixin.qq.com/s/...",  # the article (normalised)
              "url_raw": "...",                         # as written
              "article_key": "s:Ab12...",
              "author_stars": 2,                        # the digest author's :star: count
              "abstract": "..." | null,                 # text
              "tips": "..." | null,                     # text (nested points indented)
              "links": [{"field": "paper", "label": "Paper", "name": null,
                         "group": null, "text": "...", "url": "...",
                         "url_raw": "...", "url_kind": "arxiv", "note": null,
                         "context": null, "line": 12}],
              "images": [{"src": "...", "src_raw": "...", "is_local": false,
                          "resolved_path": null, "host": "...", "format_hint": "png",
                          "zoom": 100, "alt": null, "line": 14}],
              "removed": false,           # true: gone from the file, kept for the user
              "my_rating": 4 | null,      # the user's own 0-5 stars
              "my_rating_at": "..." | null,
              "rating_history": [{"stars": 4 | null, "at": "..."}],   # oldest first
              "note": "..." | null,       # the user's note (markdown)
              "note_at": "..." | null,
              "note_revisions": [{"text": "...", "at": "...", "kind": "auto"}],
              "links_to": [{"target": "item:<key>" | "paper:<key>",   # my own links
                            "label": "builds on" | null, "created_at": "..."}],
              "read_at": "..." | null,    # when I read it (null: unread)
              "queued_at": "..." | null,  # when I put it in my reading queue
              "tags": ["matting", ...],   # my tags, by name
              "line_start": 9, "line_end": 15,
              "body": [{"kind": "bullet", "line": 10, "label": "Abstract",
                        "field": "abstract", "group": null, "text": "...",
                        "children": [...]}]   # every entry of the item, in file order
            }
          ],
          "others": {"name": "Others", "line": 40, "entries": [...], "images": [...],
                     "videos": [...]} | null,   # the boilerplate footer, as parsed
          "sections": [...],                    # sections kbapp does not know, as parsed
          "preamble": [...],                    # text outside any section
          "diagnostics": [{"code": "...", "line": 3, "detail": "..."}]
        }
      ],
      "papers": [{"key": "arxiv:2104.00298", "my_rating": 0-5 | null, "my_rating_at": ...,
                  "note": "..." | null, "note_at": ..., "note_revisions": [...],
                  "links_to": [...], "queued_at": ..., "tags": [...]}],  # papers I annotated
      "link_decisions": [{"a": "<item key>", "b": "<item key>",   # candidate cross-links
                          "decision": "confirmed" | "dismissed", "at": "..."}],
      "queue": ["item:<key>" | "paper:<key>", ...],  # my reading queue, in its order
      "saved_searches": [{"name": "to read", "query": "is:unread stars>=3"}]
    }

Items of a day come in file order, then the removed ones. `body` is lossless together
with `links` (each link carries the `line` of its entry).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from kbapp.core.store.library import Library
from kbapp.core.store.transfer import blank_item

FORMAT = "kbapp"
VERSION = 1


def export_json(library: Library, *, exported_at: datetime | None = None) -> dict[str, Any]:
    """The whole library as plain data in the format above."""
    when = exported_at or datetime.now(UTC)
    user = library.transfer.user_data()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": when.isoformat(timespec="seconds"),
        "digests": [_digest(row, user["items"]) for row in library.transfer.export_rows()],
        "papers": [{"key": key, **data} for key, data in sorted(user["papers"].items())],
        "link_decisions": user["link_decisions"],
        "queue": user["queue"],
        "saved_searches": user["saved_searches"],
    }


USER_ITEM_FIELDS = ("my_rating", "my_rating_at", "rating_history", "note", "note_at",
                    "note_revisions", "links_to", "read_at", "queued_at", "tags")  # fmt: skip


def user_part(data: dict[str, Any]) -> dict[str, Any]:
    """Only what the user made, from an export: what `restore-json` brings back."""
    items = {
        item["key"]: {field: item.get(field) for field in USER_ITEM_FIELDS}
        for digest in data.get("digests", [])
        for item in digest.get("items", [])
        if any(item.get(field) for field in USER_ITEM_FIELDS)
    }
    papers = {paper["key"]: {k: v for k, v in paper.items() if k != "key"}
              for paper in data.get("papers", [])}  # fmt: skip
    return {"items": items, "papers": papers, "link_decisions": data.get("link_decisions", []),
            "queue": data.get("queue"),
            "saved_searches": data.get("saved_searches", [])}  # fmt: skip


def dumps(data: dict[str, Any]) -> str:
    """JSON text as people and diff tools like it: UTF-8 characters kept, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _digest(row: dict[str, Any], user: dict[str, dict[str, Any]]) -> dict[str, Any]:
    sections = row["sections"]
    others = next((s for s in sections if s.get("name") == "Others"), None)
    return {
        "date": row["date"],
        "source_path": row["source_path"],
        "content_hash": row["content_hash"],
        "title": row["title"],
        "date_source": row["date_source"],
        "near_duplicate_of": row["near_duplicate_of"],
        "imported_at": row["imported_at"],
        "items": [_item(item, user.get(item["key"])) for item in row["items"]],
        "others": others,
        "sections": [s for s in sections if s is not others],
        "preamble": row["preamble"],
        "diagnostics": row["diagnostics"],
    }


def _item(item: dict[str, Any], user: dict[str, Any] | None) -> dict[str, Any]:
    return {**item, **(user if user is not None else blank_item())}


__all__ = ["FORMAT", "USER_ITEM_FIELDS", "VERSION", "dumps", "export_json", "user_part"]
