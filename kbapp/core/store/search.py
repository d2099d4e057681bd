"""The library's search (`Library.search`): queries on the full-text index, and the
quick switcher's answers. `search.text` says how text is indexed and how a query reads;
`store.search_index` keeps the index inside every write that changes it. `rebuild`
exists for a damaged index but is never needed in normal use.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from kbapp.core.search.text import (
    SIDED_FACETS,
    Query,
    facet_sides,
    fts_match,
    parse_query,
    tag_query,
)
from kbapp.core.store.connection import Part
from kbapp.core.store.search_index import (
    facet_counts,
    indexed_rows,
    make_index,
    notes_text,
    paper_notes_of,
)

_WEIGHTS = "10.0, 3.0, 2.0, 1.0, 5.0, 3.0, 2.0, 0.0"  # bm25 weights in FIELDS order, facets
_OPEN, _CLOSE = "\x02", "\x03"  # around matches in a snippet, before they become HTML
CANDIDATES = 500  # matches ranked at most (the newest): see `search`


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


class Search(Part):
    """The full-text index: made again on request, and queried."""

    _recounted: tuple[int, dict[str, int]] | None = None  # (`_facet_items`)

    def rebuild(self) -> int:
        """The whole index made again from the items (one transaction); items indexed."""
        with self._transaction() as conn:
            return make_index(conn)

    # -- searching --------------------------------------------------------------------------
    def find(self, query: str | Query, limit: int = 50) -> list[Hit]:
        """Items matching the query, best first: bm25 over the fields, raised for recent
        days and for my rating. QueryError for a malformed query.

        A word in most items (one common character) matches tens of thousands: ranking
        all of them would cost the keystroke tens of milliseconds at 100,000 items, so
        the ranking looks at the newest `CANDIDATES` matches (by when they were
        imported); a larger `limit` looks at that many."""
        parsed = parse_query(query) if isinstance(query, str) else query
        conn = self._conn
        if parsed.match is None:  # filters alone: the newest items that pass them
            where, params = _filters(parsed)
            rows = conn.execute(
                "SELECT i.key, d.date, i.title, COALESCE(i.abstract, '') FROM items i "
                "JOIN digests d ON d.id = i.digest_id LEFT JOIN ratings r ON r.item_key = i.key "
                f"WHERE i.removed = 0 {where} ORDER BY d.date DESC, i.ordinal LIMIT ?",
                [*params, limit],
            ).fetchall()
            return [
                Hit(key, date, title, 0.0, abstract[:120]) for key, date, title, abstract in rows
            ]
        sides = facet_sides(parsed)
        counts = self._facet_items() if sides else {}
        absent = {name for name, yes, no in sides
                  if counts.get(yes, 0) > counts.get(no, 0)}  # fmt: skip
        within = None
        if parsed.date_from is not None:  # (one MIN and one MAX: each an index lookup)
            first, last = conn.execute(
                "SELECT (SELECT MIN(date) FROM digests), (SELECT MAX(date) FROM digests)"
            ).fetchone()
            within = (first, last) if first and last else None
        match = fts_match(parsed, absent, within)  # words, date:, stars>=, has:code/paper/image
        if match is None:
            return []
        # My stars, my notes and arXiv IDs keep few items: SQLite makes the set once and
        # checks each match against it. (The unary + keeps FTS5 from being handed the
        # set: it would run the whole query again for every item in it.)
        restrict, restrict_params = "", list[object]()
        if parsed.mine is not None:
            restrict += (" AND +search.rowid IN (SELECT i.id FROM ratings r JOIN items i "
                         "ON i.key = r.item_key WHERE r.stars >= ?)")  # fmt: skip
            restrict_params.append(parsed.mine)
        if "note" in parsed.has:
            restrict += (" AND +search.rowid IN (SELECT i.id FROM notes n JOIN items i "
                         "ON i.key = n.item_key)")  # fmt: skip
        if parsed.arxiv is not None:
            restrict += (" AND +search.rowid IN (SELECT item_id FROM identities "
                         "WHERE kind = 'arxiv' AND value = ?)")  # fmt: skip
            restrict_params.append(parsed.arxiv)
        for tag in parsed.tags:
            restrict += f" AND +search.rowid IN ({_TAGGED_IDS})"
            restrict_params.append(tag)
        for state in sorted(parsed.states):  # (read: checked on each match, see _STATES)
            restrict += f" AND {_STATES[state]}"
        for name, value in parsed.paper:
            restrict += f" AND +search.rowid IN ({paper_items(name)})"
            restrict_params += paper_params(name, value)
        # The newest matches (an FTS5 index walks rowids in order and stops at the LIMIT),
        # then ranked: bm25 raised up to 1.5x for recent days and 1.75x for my stars.
        today = conn.execute("SELECT julianday(MAX(date)) FROM digests").fetchone()[0] or 0.0
        try:  # items_search holds every column of items used here (migration 0008)
            rows = conn.execute(
                "SELECT id, key, date, score FROM ("
                f"  SELECT search.rowid AS id, i.key, d.date, -bm25(search, {_WEIGHTS})"
                "    * (1.0 + 0.15 * COALESCE(r.stars, 0))"
                "    * (1.0 + 0.5 / (1.0 + MAX(0, ? - COALESCE(julianday(d.date), 0)) / 365.0))"
                "    AS score"
                "  FROM search CROSS JOIN items i INDEXED BY items_search ON i.id = search.rowid"
                "  CROSS JOIN digests d ON d.id = i.digest_id"
                "  LEFT JOIN ratings r ON r.item_key = i.key"
                f"  WHERE search MATCH ? AND i.removed = 0{restrict}"
                "  ORDER BY search.rowid DESC LIMIT ?"
                ") ORDER BY score DESC, date DESC, id DESC LIMIT ?",
                [today, match, *restrict_params, max(CANDIDATES, limit), limit],
            ).fetchall()
        except sqlite3.OperationalError as error:  # a query FTS5 cannot read after all
            from kbapp.core.search.text import QueryError

            raise QueryError(f"cannot search for that: {error}") from error
        texts = self._texts([row[0] for row in rows])
        return [
            Hit(key, date, texts[i][0], score, snippet_of(texts[i], parsed.terms))
            for i, key, date, score in rows
        ]

    def _facet_items(self) -> dict[str, int]:
        """How many items have each two-sided facet token: the counts the index's writes
        keep (`search_index.facet_counts`), or, when a write went around them (they count
        other than the index's rows), counted again from the index's vocabulary and kept
        until the index changes. Either side of a filter gives the same matches: the
        counts only choose the faster one."""
        counts, rows = facet_counts(self._conn)
        now = indexed_rows(self._conn)
        if rows == now:
            return counts
        cached = self._recounted
        if cached is None or cached[0] != now:
            self._conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms "
                               "USING fts5vocab(main, search, row)")  # fmt: skip
            found = dict(self._conn.execute(
                f"SELECT term, doc FROM temp.search_terms WHERE term IN "
                f"({', '.join('?' * len(SIDED_FACETS))})", SIDED_FACETS).fetchall())  # fmt: skip
            cached = self._recounted = (now, found)
        return cached[1]

    def _texts(self, item_ids: list[int]) -> dict[int, tuple[str, str, str, str]]:
        """Title, abstract, tips and note of these items: what a snippet is cut from
        (here, not by FTS5's snippet(), which costs ~1 ms a row on CJK text)."""
        if not item_ids:
            return {}
        papers = paper_notes_of(self._conn, item_ids)
        return {row[0]: (*row[1:4], notes_text(row[4], papers.get(row[0])))
                for row in self._conn.execute(
            "SELECT i.id, i.title, COALESCE(i.abstract, ''), COALESCE(i.tips, ''), "
            "COALESCE(n.text, '') FROM items i LEFT JOIN notes n ON n.item_key = i.key "
            f"WHERE i.id IN ({', '.join('?' * len(item_ids))})", item_ids)}  # fmt: skip

    def switch_targets(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(target, shown) for what the user typed: `day:<date>`, `paper:arxiv:<id>`,
        `search:<query>` (a tag or a saved search whose name holds the text) or
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
        folded = text.casefold()
        for name, count in self._conn.execute(
            "SELECT t.name, COUNT(x.target) FROM tags t LEFT JOIN tagged x ON x.tag_id = t.id "
            "WHERE instr(lower(t.name), ?) > 0 GROUP BY t.id ORDER BY t.name COLLATE NOCASE "
            "LIMIT ?", (folded, limit),
        ):  # fmt: skip
            found.append((f"search:{tag_query(name)}", f"#{name} · tag on {count}"))
        for name, query in self._conn.execute(
            "SELECT name, query FROM saved_searches WHERE instr(lower(name), ?) > 0 "
            "ORDER BY name COLLATE NOCASE LIMIT ?", (folded, limit),
        ):  # fmt: skip
            found.append((f"search:{query}", f"{name} · saved search: {query}"))
        from kbapp.core.search.text import QueryError

        try:
            words = " ".join(f"title:{word}" for word in text.split() if word not in ("OR",))
            hits = self.find(words, limit=limit) if words else []
        except QueryError:
            hits = []
        found += [(f"item:{hit.key}", f"{hit.date} · {hit.title}") for hit in hits]
        return found[:limit]


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
    sql, params = "", list[object]()
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
    for tag in query.tags:
        sql += f" AND i.id IN ({_TAGGED_IDS})"
        params.append(tag)
    for state in sorted(query.states):
        sql += f" AND {_STATES[state]}"
    for name, value in query.paper:
        sql += f" AND i.id IN ({paper_items(name)})"
        params += paper_params(name, value)
    return sql, params


# The items whose arXiv papers' stored details (`paper_meta.data`, JSON) match a filter.
_PAPER_ITEMS = (
    "SELECT x.item_id FROM identities x JOIN paper_meta m ON m.paper_key = 'arxiv:' || x.value "
    "WHERE x.kind = 'arxiv' AND m.data IS NOT NULL AND {test}"
)
_PAPER_TESTS = {
    # a word of a name that starts with the value (its start or after a space or hyphen)
    "author": "EXISTS (SELECT 1 FROM json_each(m.data, '$.authors') a WHERE "
    "instr(' ' || replace(lower(json_extract(a.value, '$.name')), '-', ' '), ' ' || ?) > 0)",
    "cat": "EXISTS (SELECT 1 FROM json_each(m.data, '$.categories') c WHERE lower(c.value) = ?)",
    "venue": "instr(' ' || lower(COALESCE(json_extract(m.data, '$.journal_ref'), '')) || ' ', "
    "' ' || ? || ' ') > 0",
    "year": "CAST(substr(json_extract(m.data, '$.published'), 1, 4) AS INTEGER) BETWEEN ? AND ?",
}


# `paper:` words: in the digests' paper link titles (the index's paper column), or in
# what arXiv said of an item's papers (`paper_search`: title, authors, abstract).
_PAPER_TEXT = (
    "SELECT rowid FROM search WHERE search MATCH ? UNION "
    "SELECT x.item_id FROM identities x JOIN paper_search_ids p "
    "ON p.paper_key = 'arxiv:' || x.value WHERE x.kind = 'arxiv' "
    "AND p.id IN (SELECT rowid FROM paper_search WHERE paper_search MATCH ?)"
)


def paper_items(name: str) -> str:
    return _PAPER_TEXT if name == "text" else _PAPER_ITEMS.format(test=_PAPER_TESTS[name])


def paper_params(name: str, value: str) -> list[object]:
    if name == "text":  # `value`: the word as an FTS5 term
        return [f"paper : {value}", value]
    if name == "year":
        start, _, end = value.partition("..")
        return [int(start), int(end)]
    return [value]


# The items carrying a tag (its name matched as the tags table does: any case).
_TAGGED_IDS = (
    "SELECT i.id FROM tags t JOIN tagged x ON x.tag_id = t.id "
    "JOIN items i ON i.key = substr(x.target, 6) WHERE t.name = ? AND x.target GLOB 'item:*'"
)
# Read and unread are each checked on the matched item (one lookup of its key), not
# as a set: a reader who has read most of ten years has a set of a hundred thousand
# items, which took 30 ms to make for every query. The queue is small: a set.
_READ = "EXISTS (SELECT 1 FROM reads r WHERE r.item_key = i.key)"
_STATES = {
    "read": _READ,
    "unread": f"NOT {_READ}",
    "queued": "i.id IN (SELECT j.id FROM queue q JOIN items j ON j.key = substr(q.target, 6) "
    "WHERE q.target GLOB 'item:*')",
}
