"""What a contentless search index holds, read from FTS5 itself (each token of each row,
at its column and place), and what it would hold if made anew from the items: the two
are equal when every write kept the index exactly (a 'delete' given other values than
a row was indexed with leaves its tokens behind, silently)."""

from __future__ import annotations

import sqlite3

from kbapp.core.store.search_index import make_index

State = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def index_state(conn: sqlite3.Connection) -> State:
    """(every (token, row, column, offset) of the index, `search_notes`), sorted."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_tokens "
        "USING fts5vocab(main, search, instance)"
    )
    tokens = conn.execute("SELECT term, doc, col, offset FROM temp.search_tokens").fetchall()
    notes = conn.execute("SELECT item_id, note FROM search_notes").fetchall()
    return sorted(tokens), sorted(notes)


def rebuilt_state(conn: sqlite3.Connection) -> State:
    """`index_state` of a copy of the library whose index is made anew from its items."""
    copy = sqlite3.connect(":memory:")
    try:
        conn.backup(copy)
        with copy:
            make_index(copy)
        return index_state(copy)
    finally:
        copy.close()
