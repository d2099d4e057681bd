"""What the search index holds for each item, kept inside the writes that change it: its
row (`index_rows`; `reindex` at each import write), the note column with the user's notes
on the papers it links (`paper_notes_of`, `renote`; `index_note`, `index_paper_note` at
each note save), the table made anew (`make_index`), and how many items have each
facet token of the filters (`search_facets`: `reindex` keeps it, `count_facets` makes it
again; `facet_counts` reads it). Queries are `store.search`'s.

The index is contentless (migration 0016): FTS5 keeps its tokens, not a second copy of
the text (that copy was a fifth of the library). A row leaves the index by a 'delete'
given the very values it was indexed with, which `rows_as_indexed` makes again from the
items as they are stored (their texts and links never change without the row being
dropped first: `reindex` is given them before a write changes the items), except the
note column, which depends on other items' papers and is kept as indexed in
`search_notes`. So `search.text`'s functions must give what they gave when a row was
indexed: a change to them comes with a migration that calls `make_index`
(tests/core/store/test_search_contentless.py holds their fingerprint)."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kbapp.core.papers import paper_of
from kbapp.core.search.text import (
    SIDED_FACETS,
    day_facets,
    facet_text,
    index_text,
    item_text,
)
from kbapp.core.store.papers import evidence, join_among_library

# A prefix index of each token's first character (migration 0013): a one-character CJK
# query is a prefix query ("检" matches 检测, 检索, ...), which without it merges the
# lists of every pair the character starts (hundreds, 15-150 ms at 100,000 items); with
# it, one list (5-18x faster, measured). It costs the index about 80% more pages.
SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE search USING fts5(title, abstract, tips, links, paper, note, code, "
    "facets, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '1')"
)
INSERT = (
    "INSERT INTO search (rowid, title, abstract, tips, links, paper, note, code, facets) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_DELETE = (
    "INSERT INTO search (search, rowid, title, abstract, tips, links, paper, note, code, "
    "facets) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The note column of each row that has one, as it was indexed (for the row's 'delete').
NOTES_TABLE = "CREATE TABLE search_notes (item_id INTEGER PRIMARY KEY, note TEXT NOT NULL)"
_NOTE = 6  # the note column's place in a row after its rowid
_CHUNK = 500
# How many indexed items have each of the filters' two-sided facet tokens
# (`search.text.SIDED_FACETS`), and under '' how many items the counts are of.
FACETS_TABLE = (
    "CREATE TABLE search_facets (token TEXT PRIMARY KEY, items INTEGER NOT NULL) WITHOUT ROWID"
)
_ADD_FACETS = (
    "INSERT INTO search_facets (token, items) VALUES (?, ?) "
    "ON CONFLICT (token) DO UPDATE SET items = items + excluded.items"
)


def index_rows(
    conn: sqlite3.Connection, item_ids: Sequence[int], notes: Mapping[int, str] | None = None
) -> list[tuple[Any, ...]]:
    """The index rows of these items (live ones), from what the library holds; the note
    column made from the notes now, or taken from `notes` (item id → indexed note)."""
    rows: list[tuple[Any, ...]] = []
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
        pictured = {row[0] for row in conn.execute(
            f"SELECT DISTINCT item_id FROM images WHERE item_id IN ({marks})", chunk)}  # fmt: skip
        papers = paper_notes_of(conn, chunk) if notes is None else {}
        for item_id, title, abstract, tips, note, date, stars in conn.execute(
            "SELECT i.id, i.title, i.abstract, i.tips, n.text, d.date, i.author_stars "
            "FROM items i JOIN digests d ON d.id = i.digest_id "
            f"LEFT JOIN notes n ON n.item_key = i.key WHERE i.id IN ({marks}) AND i.removed = 0",
            chunk,
        ):
            own = links.get(item_id, [])
            text = item_text(title, abstract, tips, own)
            has = [kind for kind, _, _ in own] + (["image"] if item_id in pictured else [])
            indexed = (
                note_text(note, papers.get(item_id)) if notes is None else notes.get(item_id, "")
            )
            rows.append((item_id, *text[:5], indexed, text[5], facet_text(date, stars, has)))
    return rows


def rows_as_indexed(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The rows the index holds for these items, as they were indexed (for their
    'delete'): the live ones among them, the note column from `search_notes`."""
    return index_rows(conn, item_ids, _indexed_notes(conn, item_ids)) if item_ids else []


def _indexed_notes(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, str]:
    notes: dict[int, str] = {}
    for start in range(0, len(item_ids), _CHUNK):
        chunk = list(item_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT item_id, note FROM search_notes WHERE item_id IN ({marks})"
        notes.update(conn.execute(sql, chunk).fetchall())
    return notes


def _add(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Inside a write: these rows into the index, their notes into `search_notes`."""
    conn.executemany(INSERT, rows)
    noted = [(row[0], row[_NOTE]) for row in rows if row[_NOTE]]
    if noted:
        conn.executemany("INSERT INTO search_notes (item_id, note) VALUES (?, ?)", noted)


def _drop(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Inside a write: these rows (`rows_as_indexed`) out of the index and `search_notes`."""
    if not rows:  # a new day's: nothing to drop, not even a statement to prepare
        return
    conn.executemany(_DELETE, rows)
    noted = [(row[0],) for row in rows if row[_NOTE]]
    if noted:
        conn.executemany("DELETE FROM search_notes WHERE item_id = ?", noted)


def notes_text(own: str | None, papers: Sequence[str] | None = None) -> str:
    """An item's notes as search sees them: its own, then the user's notes on the papers
    it links."""
    return "\n\n".join(text for text in (own, *(papers or ())) if text)


def note_text(own: str | None, papers: Sequence[str] | None = None) -> str:
    """The `note` column (`notes_text`, indexed)."""
    return index_text(notes_text(own, papers)) if own or papers else ""


def paper_notes_of(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The user's notes on the papers these items link (item id → texts), each link's
    paper named as the papers view names it (`store.papers.join_among_library`)."""
    notes = dict(conn.execute("SELECT paper_key, text FROM paper_notes").fetchall())
    if not notes:
        return {}
    found: dict[int, list[str]] = {}
    for start in range(0, len(item_ids), _CHUNK):
        chunk = list(item_ids[start : start + _CHUNK])
        ids = dict(conn.execute(
            f"SELECT key, id FROM items WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk).fetchall())  # fmt: skip
        linked: dict[str, set[str]] = defaultdict(set)
        for (item_key, _), paper_key in paper_of(
            join_among_library(conn, evidence(conn, chunk))
        ).items():
            if paper_key in notes:
                linked[item_key].add(paper_key)
        found.update(
            {ids[key]: [notes[paper] for paper in sorted(papers)] for key, papers in linked.items()}
        )
    return found


def renote(conn: sqlite3.Connection, item_ids: Sequence[int]) -> None:
    """Inside a write: the `note` column of these items again, from their own notes and
    their papers'. (A contentless index changes a row by dropping and adding it.)"""
    papers = paper_notes_of(conn, item_ids)
    for start in range(0, len(item_ids), _CHUNK):
        chunk = list(item_ids[start : start + _CHUNK])
        own = dict(conn.execute(
            "SELECT i.id, n.text FROM items i JOIN notes n ON n.item_key = i.key "
            f"WHERE i.id IN ({', '.join('?' * len(chunk))})", chunk).fetchall())  # fmt: skip
        was = _indexed_notes(conn, chunk)
        notes = {i: note_text(own.get(i), papers.get(i)) for i in chunk}
        changed = [i for i in chunk if notes[i] != was.get(i, "")]
        old = rows_as_indexed(conn, changed)
        _drop(conn, old)
        _add(conn, [(*row[:_NOTE], notes[row[0]], *row[_NOTE + 1 :]) for row in old])


def items_of_paper(conn: sqlite3.Connection, paper_key: str) -> set[int]:
    """Items that may link this paper (more, not fewer: `paper_notes_of` decides)."""
    kind, _, value = paper_key.partition(":")
    if kind == "url":
        sql = "SELECT item_id FROM links WHERE field = 'paper' AND url = ?"
        return {row[0] for row in conn.execute(sql, (value,))}
    if kind == "title":
        sql = "SELECT item_id FROM links WHERE title_key = ?"
        return {row[0] for row in conn.execute(sql, (value,))}
    return {row[0] for row in conn.execute(  # the ID's links, and links showing their titles
        "SELECT x.item_id FROM identities x WHERE x.kind = ? AND x.value = ? AND x.paper = 1 "
        "UNION SELECT t.item_id FROM identities x JOIN links l "
        "ON l.item_id = x.item_id AND l.ordinal = x.link_ordinal "
        "JOIN links t ON t.title_key = l.title_key "
        "WHERE x.kind = ? AND x.value = ? AND x.paper = 1",
        (kind, value, kind, value))}  # fmt: skip


def make_index(conn: sqlite3.Connection) -> int:
    """Inside a write: the index made anew from the items; how many it holds. (A new
    table, not one emptied: the quickest way to an index of one compact b-tree.)"""
    conn.execute("DROP TABLE IF EXISTS search")
    conn.execute("DROP TABLE IF EXISTS search_notes")
    conn.execute(SEARCH_TABLE)
    conn.execute(NOTES_TABLE)
    ids = [row[0] for row in conn.execute("SELECT id FROM items WHERE removed = 0")]
    _add(conn, index_rows(conn, ids))
    conn.execute("INSERT INTO search (search) VALUES ('optimize')")  # one b-tree, compact
    if _has_facets(conn):  # (the migrations before 0013 make the index without it)
        count_facets(conn)
    return len(ids)


def count_facets(conn: sqlite3.Connection) -> None:
    """Inside a write: `search_facets` counted again from the index itself (its
    vocabulary: how many rows hold each token)."""
    conn.execute("DELETE FROM search_facets")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms "
                 "USING fts5vocab(main, search, row)")  # fmt: skip
    marks = ", ".join("?" * len(SIDED_FACETS))
    conn.execute(
        f"INSERT INTO search_facets (token, items) SELECT term, doc FROM temp.search_terms "
        f"WHERE term IN ({marks})",
        SIDED_FACETS,
    )
    conn.execute("INSERT INTO search_facets VALUES ('', (SELECT COUNT(*) FROM search_docsize))")


def facet_counts(conn: sqlite3.Connection) -> tuple[dict[str, int], int]:
    """(items with each two-sided facet token, how many items the index held when they
    were counted): `search_facets` as the last index write left it."""
    if not _has_facets(conn):  # a library before migration 0013
        return {}, -1
    counts = dict(conn.execute("SELECT token, items FROM search_facets").fetchall())
    return counts, counts.pop("", -1)


def _has_facets(conn: sqlite3.Connection) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_facets'"
    return conn.execute(sql).fetchone() is not None


def indexed_rows(conn: sqlite3.Connection) -> int:
    """How many rows the index holds now (its own total, read from its averages record:
    one lookup, where COUNT(*) would walk every row)."""
    row = conn.execute("SELECT block FROM search_data WHERE id = 1").fetchone()
    block: bytes = row[0] if row is not None and row[0] else b"\x00"
    value = 0
    for byte in block[:8]:  # an SQLite varint, most significant 7 bits first
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return (value << 8) | block[8]


def _count_change(
    conn: sqlite3.Connection, gone: Iterable[str], new: Iterable[str], rows: int
) -> None:
    """Inside a write: `search_facets` told of the rows left (their facets texts `gone`)
    and made (`new`); `rows` is how many more items the index holds."""
    counts = Counter(" ".join(new).split())
    counts.subtract(" ".join(gone).split())
    changes = [(token, n) for token, n in counts.items() if n and token in _SIDED]
    changes += [("", rows)] if rows else []
    if not changes:
        return
    try:  # asked of the statement, not of sqlite_master first: ~11 µs a file of an import
        conn.executemany(_ADD_FACETS, changes)
    except sqlite3.OperationalError as error:  # a library before migration 0013 (its
        if "no such table: search_facets" not in str(error):  # steps reindex before it
            raise  # makes the table)


_SIDED = frozenset(SIDED_FACETS)


def reindex(
    conn: sqlite3.Connection,
    before: Sequence[Sequence[Any]],
    after: Iterable[tuple[int, Sequence[str], str | None]],
    date: str,
) -> None:
    """Inside a write: drop the index rows a digest's items had (`rows_as_indexed`, taken
    before the write changed them), add those of the items its file has now: (item id,
    `store.rows.search_row`, note), on `date`."""
    _drop(conn, before)
    day = day_facets(date)
    after = list(after)
    papers = paper_notes_of(conn, [item_id for item_id, _, _ in after])
    _add(conn, [(item_id, *row[:5], note_text(note, papers.get(item_id)), row[5], f"{day} {row[6]}")
                for item_id, row, note in after])  # fmt: skip
    gone = [str(row[-1]) for row in before]
    _count_change(conn, gone, [row[6] for _, row, _ in after], len(after) - len(before))


def unindex(conn: sqlite3.Connection, item_ids: Sequence[int]) -> None:
    """Inside a write: these items' rows dropped from the index, and from its facet
    counts (a day's removal; the items still stored)."""
    gone = rows_as_indexed(conn, item_ids)
    _drop(conn, gone)
    _count_change(conn, [str(row[-1]) for row in gone], [], -len(gone))


def index_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> None:
    """Inside a write: rows for these items (not in the index), made from what the
    library holds, and counted (a removed day put back)."""
    rows = index_rows(conn, item_ids)
    _add(conn, rows)
    _count_change(conn, [], [str(row[-1]) for row in rows], len(rows))


def index_note(conn: sqlite3.Connection, item_key: str) -> None:
    """Inside a write: the item's note (just saved or deleted), as the index has it."""
    renote(conn, [row[0] for row in conn.execute(
        "SELECT id FROM items WHERE key = ?", (item_key,))])  # fmt: skip


def index_paper_note(conn: sqlite3.Connection, paper_key: str) -> None:
    """Inside a write: the `note` column of the items linking this paper, its note
    (saved or deleted just before) among theirs."""
    renote(conn, sorted(items_of_paper(conn, paper_key)))
