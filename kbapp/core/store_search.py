"""The store's search: the full-text index kept with the items, and queries on it.
Part of `Library` (mixed in); all its SQL lives here. `search_text` says how text is
indexed and how a query reads.

The index is written in the same transaction as the items (`reindex`, called by every
import write) and as a note (`reindex_note`); `rebuild_search` exists for a damaged
index but is never needed in normal use.
"""

from __future__ import annotations

import datetime
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from kbapp.core.search_text import Query, index_text, item_text, parse_query

SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE search USING fts5(title, abstract, tips, links, paper, note, code, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_WEIGHTS = "10.0, 3.0, 2.0, 1.0, 5.0, 3.0, 2.0"  # bm25 weights in FIELDS order
_INSERT = (
    "INSERT INTO search (rowid, title, abstract, tips, links, paper, note, code) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_OPEN, _CLOSE = "\x02", "\x03"  # around matches in a snippet, before they become HTML
_CJK_OR_MARK = "[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\x02\x03]"
_CJK_GAP = re.compile(f"(?<={_CJK_OR_MARK}) +(?={_CJK_OR_MARK})")  # the index's spaces
_CHUNK = 500
CANDIDATES = 1000  # matches ranked at most (the newest): see `search`
FILTERED_CANDIDATES = 300  # the same when filters narrow the matches


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    date: str
    title: str
    score: float
    snippet: str  # matched words between \x02 and \x03

    def to_json(self) -> dict[str, object]:
        plain = self.snippet.replace(_OPEN, "[").replace(_CLOSE, "]")
        return {"key": self.key, "date": self.date, "title": self.title,
                "score": round(self.score, 4), "snippet": plain}  # fmt: skip


def index_rows(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[tuple[object, ...]]:
    """The index rows of these items (live ones), from what the library holds."""
    rows: list[tuple[object, ...]] = []
    for start in range(0, len(item_ids), _CHUNK):
        chunk = list(item_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        links: dict[int, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        for item_id, kind, text, url in conn.execute(
            f"SELECT item_id, field, text, url FROM links WHERE item_id IN ({marks}) "
            "ORDER BY item_id, ordinal",
            chunk,
        ):
            links[item_id].append((kind, text, url))
        for item_id, title, abstract, tips, note in conn.execute(
            "SELECT i.id, i.title, i.abstract, i.tips, n.text FROM items i "
            f"LEFT JOIN notes n ON n.item_key = i.key WHERE i.id IN ({marks}) AND i.removed = 0",
            chunk,
        ):
            text = item_text(title, abstract, tips, links.get(item_id, []))
            rows.append((item_id, *text[:5], index_text(note), text[5]))
    return rows


class SearchQueries:
    _conn: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # Library's

    # -- keeping the index ----------------------------------------------------------------
    @staticmethod
    def reindex(
        conn: sqlite3.Connection,
        before: Iterable[int],
        after: Iterable[tuple[int, Sequence[str], str | None]],
    ) -> None:
        """Inside a write: drop the index rows of the items a digest had, add those of
        the items its file has now: (item id, `store_rows.search_row`, note)."""
        conn.executemany("DELETE FROM search WHERE rowid = ?", [(i,) for i in before])
        conn.executemany(
            _INSERT,
            [(item_id, *row[:5], index_text(note), row[5]) for item_id, row, note in after],
        )

    @staticmethod
    def index_note(conn: sqlite3.Connection, item_key: str, text: str | None) -> None:
        """Inside a write: the item's note, as the search index has it."""
        conn.execute(
            "UPDATE search SET note = ? WHERE rowid = (SELECT id FROM items WHERE key = ?)",
            (index_text(text), item_key),
        )

    def rebuild_search(self) -> int:
        """The whole index made again from the items (one transaction); items indexed."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM search")
            ids = [row[0] for row in conn.execute("SELECT id FROM items WHERE removed = 0")]
            conn.executemany(_INSERT, index_rows(conn, ids))
        return len(ids)

    # -- searching --------------------------------------------------------------------------
    def search(self, query: str | Query, limit: int = 50) -> list[Hit]:
        """Items matching the query, best first: bm25 over the fields, raised for recent
        days and for my rating. QueryError for a malformed query.

        A word in most items (one common character) matches tens of thousands: ranking
        all of them would cost the keystroke ~70 ms at 100,000 items, so the ranking
        looks at the newest `CANDIDATES` matches (by when they were imported) and the
        rest is counted, not ranked."""
        parsed = parse_query(query) if isinstance(query, str) else query
        where, params = _filters(parsed)
        conn = self._conn
        newest = conn.execute("SELECT MAX(date) FROM digests").fetchone()[0] or ""
        if parsed.match is None:
            rows = conn.execute(
                "SELECT i.key, d.date, i.title, COALESCE(i.abstract, '') FROM items i "
                "JOIN digests d ON d.id = i.digest_id LEFT JOIN ratings r ON r.item_key = i.key "
                f"WHERE i.removed = 0 {where} ORDER BY d.date DESC, i.ordinal LIMIT ?",
                [*params, limit],
            ).fetchall()
            return [
                Hit(key, date, title, 0.0, abstract[:120]) for key, date, title, abstract in rows
            ]
        # A filter that keeps few items (mine>=, arxiv:, has:note) is a set read first;
        # the others (dates, stars, has:code ...) keep many and are checked page by page.
        few = parsed.mine is not None or parsed.arxiv is not None or "note" in parsed.has
        allowed: set[int] | None = None
        if where and few:
            allowed = {row[0] for row in conn.execute(
                "SELECT i.id FROM items i JOIN digests d ON d.id = i.digest_id "
                f"LEFT JOIN ratings r ON r.item_key = i.key WHERE i.removed = 0 {where}",
                params)}  # fmt: skip
        if allowed is not None and not allowed:
            return []
        wanted = max(CANDIDATES if not where else FILTERED_CANDIDATES, limit)
        candidates: list[tuple[int, float]] = []
        try:  # newest matches first, read a page at a time only as far as needed
            cursor = conn.execute(
                f"SELECT rowid, bm25(search, {_WEIGHTS}) FROM search WHERE search MATCH ? "
                "ORDER BY rowid DESC",
                [parsed.match],
            )
            while len(candidates) < wanted and (page := cursor.fetchmany(_CHUNK)):
                if allowed is not None:
                    page = [row for row in page if row[0] in allowed]
                elif where:  # the filters, on this page's items
                    kept = {row[0] for row in conn.execute(
                        "SELECT i.id FROM items i JOIN digests d ON d.id = i.digest_id "
                        "LEFT JOIN ratings r ON r.item_key = i.key "
                        f"WHERE i.id IN ({', '.join('?' * len(page))}) AND i.removed = 0 "
                        f"{where}", [row[0] for row in page] + params)}  # fmt: skip
                    page = [row for row in page if row[0] in kept]
                candidates += page
        except sqlite3.OperationalError as error:  # a query FTS5 cannot read after all
            from kbapp.core.search_text import QueryError

            raise QueryError(f"cannot search for that: {error}") from error
        candidates = candidates[:wanted]
        relevance = dict(candidates)
        details = []
        ids = list(relevance)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            details += conn.execute(
                "SELECT i.id, i.key, d.date, i.title, COALESCE(r.stars, 0) FROM items i "
                "JOIN digests d ON d.id = i.digest_id LEFT JOIN ratings r ON r.item_key = i.key "
                f"WHERE i.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        today = _day_number(newest)
        scored = sorted(
            ((-relevance[i] * (1.0 + 0.15 * mine)
              * (1.0 + 0.5 / (1.0 + max(0, today - _day_number(date)) / 365.0)),
              date, i, key, title) for i, key, date, title, mine in details),
            reverse=True,
        )[:limit]  # fmt: skip
        return [Hit(key, date, title, score, snippet)
                for (score, date, _i, key, title), snippet
                in zip(scored, self._snippets([row[2] for row in scored], parsed.terms),
                       strict=True)]  # fmt: skip

    def _snippets(self, item_ids: list[int], terms: list[str]) -> list[str]:
        """A few words around the first match in each item's fields, the matches between
        \x02 and \x03 (made here: FTS5's snippet() costs ~1 ms a row on CJK text)."""
        if not item_ids:
            return []
        texts = {row[0]: row[1:] for row in self._conn.execute(
            "SELECT i.id, i.title, COALESCE(i.abstract, ''), COALESCE(i.tips, ''), "
            "COALESCE(n.text, '') FROM items i LEFT JOIN notes n ON n.item_key = i.key "
            f"WHERE i.id IN ({', '.join('?' * len(item_ids))})", item_ids)}  # fmt: skip
        return [snippet_of(texts.get(i, ()), terms) for i in item_ids]


def _day_number(date: str) -> int:
    """Days since 0001-01-01 for an ISO date (the recency boost), 0 when not a date."""
    try:
        return datetime.date.fromisoformat(date).toordinal()
    except ValueError:
        return 0


def snippet_of(fields: Sequence[str], terms: list[str], width: int = 48) -> str:
    """The first field with a term, cut around it, every term in it marked."""
    wanted = [t.strip().strip('"').lower() for t in terms if t.strip().strip('"')]
    for text in fields:
        lower = text.lower()
        found = [lower.find(term) for term in wanted]
        hits = [position for position in found if position >= 0]
        if not hits:
            continue
        start = max(0, min(hits) - width // 3)
        piece = text[start : start + width * 2]
        marked = re.sub(
            "|".join(re.escape(term) for term in sorted(wanted, key=len, reverse=True)),
            lambda m: f"{_OPEN}{m.group(0)}{_CLOSE}",
            piece,
            flags=re.IGNORECASE,
        )
        return (
            ("…" if start else "")
            + " ".join(marked.split())
            + ("…" if start + width * 2 < len(text) else "")
        )
    return " ".join((fields[1] if len(fields) > 1 and fields[1] else "").split())[: width * 2]


def _filters(query: Query) -> tuple[str, list[object]]:
    sql, params = "", []
    if query.stars is not None:
        sql += " AND i.author_stars >= ?"
        params.append(query.stars)
    if query.mine is not None:
        sql += " AND r.stars >= ?"
        params.append(query.mine)
    if query.date_from is not None:
        sql += " AND d.date >= ? AND substr(d.date, 1, length(?)) <= ?"
        params += [query.date_from, query.date_to, query.date_to]
    exists = {
        "code": "SELECT 1 FROM links l WHERE l.item_id = i.id AND l.field = 'code'",
        "paper": "SELECT 1 FROM links l WHERE l.item_id = i.id AND l.field = 'paper'",
        "note": "SELECT 1 FROM notes n WHERE n.item_key = i.key",
        "image": "SELECT 1 FROM images m WHERE m.item_id = i.id",
    }
    for name in sorted(query.has):
        sql += f" AND EXISTS ({exists[name]})"
    if query.arxiv is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM identities x WHERE x.item_id = i.id"
            " AND x.kind = 'arxiv' AND x.value = ?)"
        )
        params.append(query.arxiv)
    return sql, params


class SwitcherQueries:
    """The quick switcher's answers: days by date, items by title, papers by arXiv ID."""

    _conn: sqlite3.Connection

    def search(self, query: str | Query, limit: int = 50) -> list[Hit]:
        raise NotImplementedError  # SearchQueries'

    def switch_targets(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(target, shown) for what the user typed: `day:<date>`, `paper:arxiv:<id>` or
        `item:<key>`, days and papers first when the text looks like one."""
        text = " ".join(text.split())
        if not text:
            return []
        found: list[tuple[str, str]] = []
        digits = text.replace("-", "")
        if digits.isdigit():
            pattern = f"{text}%"
            for (date,) in self._conn.execute(
                "SELECT date FROM digests WHERE date LIKE ? OR replace(date, '-', '') LIKE ? "
                "ORDER BY date DESC LIMIT ?",
                (pattern, f"%{digits}%", limit),
            ):
                found.append((f"day:{date}", f"{date} · the day"))
        if re.fullmatch(r"\d{4}\.\d{0,5}", text):
            for value, title in self._conn.execute(
                "SELECT x.value, MIN(l.text) FROM identities x JOIN links l "
                "ON l.item_id = x.item_id AND l.ordinal = x.link_ordinal "
                "WHERE x.kind = 'arxiv' AND x.value LIKE ? GROUP BY x.value LIMIT ?",
                (f"{text}%", limit),
            ):
                found.append((f"paper:arxiv:{value}", f"arXiv {value} · {title}"))
        from kbapp.core.search_text import QueryError

        try:
            words = " ".join(f"title:{word}" for word in text.split() if word not in ("OR",))
            hits = self.search(words, limit=limit) if words else []
        except QueryError:
            hits = []
        found += [(f"item:{hit.key}", f"{hit.date} · {hit.title}") for hit in hits]
        return found[:limit]
