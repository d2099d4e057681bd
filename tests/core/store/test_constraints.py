"""The user's tables accept only values the rest of kbapp can read (migration 0012): no
writer stores a rating of 2.5, a note that is a number, a time that is not one or a
link to nowhere; a library that holds such values from before is mended as it opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kbapp.core.export.markdown_days import export_markdown
from kbapp.core.store.constraints import UNKNOWN_TIME
from kbapp.core.store.library import Library
from kbapp.core.store.schema import build_migrations
from tests.core.store.test_library import digest, item, write

KEY = "2021-03-07/s:a"
NOW = "2026-12-03T12:00:00+00:00"

REFUSED = [
    ("INSERT INTO ratings VALUES (?, 2.5, ?)", (KEY, NOW)),
    ("INSERT INTO ratings VALUES (?, 6, ?)", (KEY, NOW)),
    ("INSERT INTO ratings VALUES (?, 3, 'garbage')", (KEY,)),
    ("INSERT INTO ratings VALUES (?, 3, '2')", (KEY,)),  # a number SQLite reads as a day
    ("INSERT INTO ratings VALUES (?, 3, '')", (KEY,)),
    ("INSERT INTO rating_history (item_key, stars, at) VALUES (?, 1.5, ?)", (KEY, NOW)),
    ("INSERT INTO notes VALUES (?, x'00ff', ?)", (KEY, NOW)),
    ("INSERT INTO note_revisions (target, text, at, kind) VALUES (?, 'x', 'garbage', 'save')",
     (f"item:{KEY}",)),
    ("INSERT INTO note_revisions (target, text, at, kind) VALUES ('5', 'x', ?, 'save')", (NOW,)),
    ("INSERT INTO user_links (source, target, created_at) VALUES (?, 5, ?)", (f"item:{KEY}", NOW)),
    ("INSERT INTO paper_notes VALUES ('arxiv:1', 'x', 'soon')", ()),
    ("INSERT INTO paper_ratings VALUES ('arxiv:1', 4.5, ?)", (NOW,)),
    ("INSERT INTO link_decisions VALUES ('a', 'b', 'confirmed', 'now')", ()),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "values"), REFUSED, ids=[sql for sql, _ in REFUSED])
def test_the_schema_refuses_a_value_no_reader_could_use(
    library: Library, sql: str, values: tuple[object, ...]
) -> None:
    write(library, digest("2021-03-07", item(1, "A", "a")))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        library.db.conn.execute(sql, values)


def test_what_sqlite_converts_by_column_type_is_stored_valid(library: Library) -> None:
    """A number given for a note or a label is stored as its text, and a rating given as
    text as its number (SQLite's column affinity, before the checks): readers get the
    types they expect."""
    write(library, digest("2021-03-07", item(1, "A", "a")))
    conn = library.db.conn
    conn.execute("INSERT INTO ratings VALUES (?, '3', ?)", (KEY, NOW))
    conn.execute("INSERT INTO notes VALUES (?, 123, ?)", (KEY, NOW))
    conn.execute(
        "INSERT INTO user_links (source, target, label, created_at) VALUES (?, 'paper:p', 7, ?)",
        (f"item:{KEY}", NOW),
    )
    assert conn.execute("SELECT typeof(stars) FROM ratings").fetchone() == ("integer",)
    assert (library.user.rating(KEY), library.user.note(KEY)) == (3, "123")
    assert conn.execute("SELECT label FROM user_links").fetchone() == ("7",)


def test_the_store_own_writes_still_pass(library: Library) -> None:
    write(library, digest("2021-03-07", item(1, "A", "a"), item(2, "B", "b")))
    library.user.set_rating(KEY, 4)
    library.user.set_rating(KEY, None)
    library.user.save_note(KEY, "mine", kind="save")
    library.user.add_link(f"item:{KEY}", "item:2021-03-07/s:b", "see also")
    library.user.set_paper_rating("arxiv:2104.00001", 5)
    assert library.user.note(KEY) == "mine"


def test_bad_values_from_before_are_mended_as_the_library_opens(tmp_path: Path) -> None:
    before = build_migrations()
    # (with 0014-0015: the columns this version's writer, used below, writes)
    before._migrations = [m for m in before._migrations if not "0012" <= m.name < "0014"]
    path = tmp_path / "old.sqlite"
    with Library(path, migrations=before) as old:
        write(old, digest("2021-03-07", item(1, "A", "a"), item(2, "B", "b")))
        conn = old.db.conn
        conn.execute("INSERT INTO ratings VALUES (?, 2.5, 'garbage')", (KEY,))
        conn.execute("INSERT INTO notes VALUES (?, 123, ?)", (KEY, NOW))
        conn.execute(
            "INSERT INTO note_revisions (target, text, at, kind) VALUES (?, 'old', 'garbage', 'auto')",
            (f"item:{KEY}",),
        )
        conn.execute(
            "INSERT INTO user_links (source, target, created_at) VALUES (?, 5, ?)",
            (f"item:{KEY}", NOW),
        )
        conn.execute(
            "INSERT INTO user_links (source, target, created_at) VALUES (?, ?, '')",
            (f"item:{KEY}", "item:2021-03-07/s:b"),
        )
    with Library(path) as library:
        conn = library.db.conn
        assert conn.execute("SELECT stars, updated_at FROM ratings").fetchall() == [
            (3, UNKNOWN_TIME)
        ]
        assert library.user.note(KEY) == "123"
        assert conn.execute("SELECT at FROM note_revisions").fetchall() == [(UNKNOWN_TIME,)]
        assert conn.execute("SELECT target, created_at FROM user_links").fetchall() == [
            ("item:2021-03-07/s:b", UNKNOWN_TIME)
        ]
        # What failed on such values before: the note's autosave, the markdown export.
        library.user.save_note(KEY, "typed after", kind="auto")
        assert library.user.note(KEY) == "typed after"
        assert "typed after" in "".join(export_markdown(library).values())
        # The trigger that keeps an item with the user's data is there again.
        with pytest.raises(sqlite3.IntegrityError, match="deleted only with its day"):
            conn.execute("DELETE FROM items WHERE key = ?", (KEY,))
    assert any((tmp_path / "backups").glob("old-*-before-migration.sqlite"))
