"""What the search index holds for each item: its row (`index_rows`), the note column
with the user's notes on the papers it links (`paper_notes_of`), and the table made anew
(`make_index`). Part of the store: all its SQL lives here and in `store_search`."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence

from kbapp.core.search_text import facet_text, index_text, item_text

# No prefix index (prefix='1' made one-character queries ~2x faster but a 3,650-day
# import ~1.1 s slower, over its 10 s budget).
SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE search USING fts5(title, abstract, tips, links, paper, note, code, "
    "facets, tokenize = 'unicode61 remove_diacritics 2')"
)
INSERT = (
    "INSERT INTO search (rowid, title, abstract, tips, links, paper, note, code, facets) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_CHUNK = 500


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
        pictured = {row[0] for row in conn.execute(
            f"SELECT DISTINCT item_id FROM images WHERE item_id IN ({marks})", chunk)}  # fmt: skip
        papers = paper_notes_of(conn, chunk)
        for item_id, title, abstract, tips, note, date, stars in conn.execute(
            "SELECT i.id, i.title, i.abstract, i.tips, n.text, d.date, i.author_stars "
            "FROM items i JOIN digests d ON d.id = i.digest_id "
            f"LEFT JOIN notes n ON n.item_key = i.key WHERE i.id IN ({marks}) AND i.removed = 0",
            chunk,
        ):
            own = links.get(item_id, [])
            text = item_text(title, abstract, tips, own)
            has = [kind for kind, _, _ in own] + (["image"] if item_id in pictured else [])
            rows.append((item_id, *text[:5], note_text(note, papers.get(item_id)), text[5],
                         facet_text(date, stars, has)))  # fmt: skip
    return rows


def note_text(own: str | None, papers: Sequence[str] | None = None) -> str:
    """The `note` column: the item's note, then the user's notes on the papers it links."""
    return index_text("\n\n".join(text for text in (own, *(papers or ())) if text))


def paper_notes_of(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The user's notes on the papers these items link (item id → texts), a paper named
    as `papers.join_papers` names it: by the link's arXiv ID, else DOI, else the title of
    its text (an ID's, when exactly one paper with an ID shows that title), else URL."""
    notes = dict(conn.execute("SELECT paper_key, text FROM paper_notes").fetchall())
    if not notes:
        return {}
    keys: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(item_ids), _CHUNK):
        chunk = list(item_ids[start : start + _CHUNK])
        links: dict[tuple[int, int], tuple[str | None, str | None, dict[str, str]]] = {}
        for item_id, ordinal, url, title, kind, value in conn.execute(
            "SELECT l.item_id, l.ordinal, l.url, l.title_key, x.kind, x.value FROM links l "
            "LEFT JOIN identities x ON x.item_id = l.item_id AND x.link_ordinal = l.ordinal "
            "AND x.paper = 1 AND x.kind IN ('arxiv', 'doi') "
            f"WHERE l.item_id IN ({', '.join('?' * len(chunk))}) AND l.field = 'paper'",
            chunk):  # fmt: skip
            ids = links.setdefault((item_id, ordinal), (url, title, {}))[2]
            if kind:
                ids[kind] = value
        idless = {title for url, title, ids in links.values() if title and not ids}
        by_title = _id_papers_by_title(conn, idless)
        for (item_id, _), (url, title, ids) in links.items():
            if ids:  # an arXiv ID names the paper first, then a DOI
                kind = "arxiv" if "arxiv" in ids else "doi"
                keys[item_id].add(f"{kind}:{ids[kind]}")
            elif title:
                named = by_title.get(title, set())
                keys[item_id].add(next(iter(named)) if len(named) == 1 else f"title:{title}")
            elif url:
                keys[item_id].add(f"url:{url}")
    return {item_id: [notes[key] for key in sorted(linked & notes.keys())]
            for item_id, linked in keys.items() if linked & notes.keys()}  # fmt: skip


def _id_papers_by_title(conn: sqlite3.Connection, titles: set[str]) -> dict[str, set[str]]:
    """Title key → the keys of the papers with an ID whose links show it."""
    found: dict[str, set[str]] = defaultdict(set)
    ordered = sorted(titles)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        links: dict[tuple[int, int], tuple[str, dict[str, str]]] = {}
        for item_id, ordinal, title, kind, value in conn.execute(
            "SELECT l.item_id, l.ordinal, l.title_key, x.kind, x.value FROM links l "
            "JOIN identities x ON x.item_id = l.item_id AND x.link_ordinal = l.ordinal "
            f"WHERE l.title_key IN ({', '.join('?' * len(chunk))}) AND x.paper = 1 "
            "AND x.kind IN ('arxiv', 'doi')", chunk):  # fmt: skip
            links.setdefault((item_id, ordinal), (title, {}))[1][kind] = value
        for title, ids in links.values():
            kind = "arxiv" if "arxiv" in ids else "doi"
            found[title].add(f"{kind}:{ids[kind]}")
    return found


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
    table, not DELETE: deleting from FTS5 reads every row's text back to unindex it.)"""
    conn.execute("DROP TABLE IF EXISTS search")
    conn.execute(SEARCH_TABLE)
    ids = [row[0] for row in conn.execute("SELECT id FROM items WHERE removed = 0")]
    conn.executemany(INSERT, index_rows(conn, ids))
    conn.execute("INSERT INTO search (search) VALUES ('optimize')")  # one b-tree, compact
    return len(ids)
