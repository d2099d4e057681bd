"""The library file: opening, migrations and refusals, item identity across re-imports,
the user's ratings and notes. Digests here are built by hand, so these tests need no
parser and say exactly which items a write sees."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kbapp.core.digest import identities
from kbapp.core.digest.model import Digest, Entry, Image, Item, Link
from kbapp.core.store.library import Library, LibraryError, NewerLibraryError
from kbapp.core.store.schema import MIGRATIONS_TABLE, build_migrations


def link(field: str, url: str, text: str = "", line: int = 3) -> Link:
    return Link(field, text, url, url, identities.url_kind(url), line)


def item(ordinal: int, title: str, article: str | None, stars: int = 2, **extra: object) -> Item:
    url = f"https://mp.weixin.qq.com/s/{article}" if article else ""
    entries = [Entry("Abstract text of " + title, ordinal * 10 + 1, label="Abstract",
                     field="abstract", links=list(extra.get("links", [])))]  # fmt: skip
    return Item(
        ordinal=ordinal,
        index=ordinal,
        line_start=ordinal * 10,
        line_end=ordinal * 10 + 5,
        title=title,
        article_url_raw=url,
        article_url=url or None,
        article_key=f"s:{article}" if article else None,
        stars=stars,
        entries=entries,
        images=list(extra.get("images", [])),  # type: ignore[arg-type]
    )


def digest(date: str, *items: Item) -> Digest:
    return Digest(None, date, "heading", date, date, "公众号内容拓展学习笔记", items=list(items))


def write(library: Library, d: Digest, content: str = "v1"):  # type: ignore[no-untyped-def]
    return library.digests.write_digest(
        d, content_hash=f"{d.date}:{content}", source_path=f"{d.date}.md"
    )


def raw_count(library: Library, table: str) -> int:
    with sqlite3.connect(library.path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# -- opening --------------------------------------------------------------------------------
def test_open_sets_wal_foreign_keys_busy_timeout_and_synchronous(library: Library) -> None:
    conn = library.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_new_library_records_its_migrations_and_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library(path).close()
    Library(path).close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE}").fetchall()
    assert rows == [("kbapp", m.name) for m in build_migrations()._migrations]
    assert not (tmp_path / "backups").exists()


def test_a_pending_migration_backs_up_the_library_first(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        write(lib, digest("2021-03-07", item(1, "A", "a")))
        lib.user.set_rating("2021-03-07/s:a", 4)

    def add_column(db: Database) -> None:
        db.execute("ALTER TABLE items ADD COLUMN colour TEXT")

    shipped = [m.name for m in build_migrations()._migrations]
    seen: set[Path] = set()
    for n in (1, 2):
        newer = build_migrations()
        for m in range(1, n + 1):
            newer(name=f"900{m}_test")(add_column if m == 1 else lambda db: None)
        with Library(path, migrations=newer) as lib:
            assert lib.user.rating("2021-03-07/s:a") == 4
        found = set((tmp_path / "backups").glob("lib-*-before-migration*.sqlite"))
        (backup,) = found - seen
        seen = found
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT stars FROM ratings").fetchall() == [(4,)]
            names = [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")]
        assert names == [*shipped, "9001_test", "9002_test"][: len(shipped) + n - 1]


def test_a_library_from_a_newer_kbapp_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) "
            "VALUES ('kbapp', '0002_from_the_future', 'later')"
        )
    before = path.read_bytes()
    with pytest.raises(NewerLibraryError, match="newer kbapp.*0002_from_the_future"):
        Library(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO accounts (name) VALUES ('ada')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert before[18:20] == b"\x01\x01"  # a rollback-journal file (WAL would be 2, 2)
    for check in (True, False):  # the window opens without the integrity check first
        with pytest.raises(LibraryError, match="not a kbapp library"):
            Library(path, check=check)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no backup


def test_a_file_that_is_not_sqlite_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("# not a database\n" * 200, encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        Library(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_a_locked_library_is_an_environment_error(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        write(lib, digest("2021-03-07", item(1, "A", "a")))
    lib = Library(path, busy_timeout_ms=50)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(LibraryError, match="locked"):
            lib.user.set_rating("2021-03-07/s:a", 3)
    finally:
        other.execute("ROLLBACK")
        other.close()
        lib.close()


# -- items across writes --------------------------------------------------------------------
def test_item_keys_are_date_and_article_with_repeats_numbered(library: Library) -> None:
    long_title = "A very long title, " * 6
    result = write(
        library,
        digest(
            "2021-04-19",
            item(1, "One", "x1"),
            item(2, "Same article again", "x1"),
            item(3, long_title, None),
            item(4, "Third time", "x1"),
        ),
    )
    assert result.created
    expected_title = identities.title_key(long_title)[:60]
    assert result.added == (
        "2021-04-19/s:x1",
        "2021-04-19/s:x1~2",
        f"2021-04-19/t:{expected_title}",
        "2021-04-19/s:x1~3",
    )
    assert [i.key for i in library.digests.items_for_date("2021-04-19")] == list(result.added)


def test_rewriting_the_same_digest_keeps_ids_and_replaces_children(library: Library) -> None:
    paper = link("paper", "https://arxiv.org/abs/2103.00020v2", "CLIP")
    d = digest("2021-03-07", item(1, "A", "a", links=[paper]), item(2, "B", "b"))
    write(library, d)
    ids = dict(library.db.conn.execute("SELECT key, id FROM items"))
    again = write(library, d, "v2")
    assert not again.created and not again.added and len(again.kept) == 2
    assert dict(library.db.conn.execute("SELECT key, id FROM items")) == ids
    assert raw_count(library, "links") == 1
    assert raw_count(library, "identities") == 1


def test_a_changed_file_updates_in_place_and_keeps_the_users_data(library: Library) -> None:
    date = "2021-05-01"
    write(
        library,
        digest(
            date,
            item(1, "Rated article", "a"),
            item(2, "Noted then dropped", "b"),
            item(3, "Plain then dropped", "c"),
            item(4, "URL corrected later", "d"),
        ),
    )
    library.user.set_rating(f"{date}/s:a", 5)
    library.user.set_note(f"{date}/s:b", "read this again")
    library.user.set_rating(f"{date}/s:d", 1)
    user_rows = _user_rows(library)

    result = write(
        library,
        digest(
            date,
            item(1, "Rated article, retitled", "a", stars=3),
            item(2, "URL corrected later", "d-fixed"),
            item(3, "Brand new", "e"),
        ),
        "v2",
    )
    assert result.added == (f"{date}/s:e",)
    assert set(result.kept) == {f"{date}/s:a", f"{date}/s:d"}
    assert result.removed == (f"{date}/s:b",)
    assert result.deleted == (f"{date}/s:c",)
    assert _user_rows(library) == user_rows  # an import never writes the user's tables

    rated = library.digests.item(f"{date}/s:a")
    assert rated is not None and rated.title == "Rated article, retitled"
    assert (rated.author_stars, rated.my_rating) == (3, 5)
    moved = library.digests.item(f"{date}/s:d")  # matched by title: keeps its key and rating
    assert moved is not None and moved.article_key == "s:d-fixed" and moved.my_rating == 1
    dropped = library.digests.item(f"{date}/s:b")
    assert dropped is not None and dropped.removed and dropped.note == "read this again"
    assert library.digests.item(f"{date}/s:c") is None
    assert [i.key for i in library.digests.items_for_date(date)] == [
        f"{date}/s:a", f"{date}/s:d", f"{date}/s:e"
    ]  # fmt: skip
    assert library.digests.items_for_date(date, include_removed=True)[-1].key == f"{date}/s:b"

    back = write(library, digest(date, item(1, "Noted then dropped", "b")), "v3")
    assert f"{date}/s:b" in back.kept
    returned = library.digests.item(f"{date}/s:b")
    assert returned is not None and not returned.removed


def _user_rows(library: Library) -> list[list[tuple[object, ...]]]:
    return [
        library.db.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("ratings", "rating_history", "notes")
    ]


def test_the_database_itself_refuses_to_delete_a_rated_item(library: Library) -> None:
    write(library, digest("2021-03-07", item(1, "A", "a")))
    library.user.set_rating("2021-03-07/s:a", 2)
    with pytest.raises(sqlite3.IntegrityError):
        library.db.conn.execute("DELETE FROM items")


# -- the user's data ------------------------------------------------------------------------
def test_ratings_say_what_changed_and_keep_a_history(library: Library) -> None:
    key = "2021-03-07/s:a"
    write(library, digest("2021-03-07", item(1, "A", "a")))
    changes = library.user.set_rating(key, 4)
    assert changes.ratings == {key} and changes.dates == {"2021-03-07"}
    assert not library.user.set_rating(key, 4)  # no change, nothing written
    library.user.set_rating(key, None)
    assert library.user.rating(key) is None
    assert [stars for stars, _ in library.user.rating_history(key)] == [4, None]
    with pytest.raises(ValueError):
        library.user.set_rating(key, 6)
    with pytest.raises(KeyError):
        library.user.set_rating("2021-03-07/s:nope", 3)


def test_notes_are_set_replaced_and_cleared(library: Library) -> None:
    key = "2021-03-07/s:a"
    write(library, digest("2021-03-07", item(1, "A", "a")))
    assert library.user.set_note(key, "第一遍").notes == {key}
    library.user.set_note(key, "第二遍")
    assert library.user.note(key) == "第二遍"
    assert library.user.set_note(key, "  ")
    assert library.user.note(key) is None
    assert not library.user.set_note(key, "")


# -- whole-library views --------------------------------------------------------------------
def test_stats_count_live_items_papers_and_identities(library: Library) -> None:
    arxiv = "https://arxiv.org/pdf/2103.00020v1.pdf"
    clip = [link("paper", arxiv), link("code", "https://github.com/OpenAI/CLIP")]
    same_paper = [link("paper", "https://arxiv.org/abs/2103.00020")]
    by_title = [link("paper", "https://example.org/p.pdf", "A Title")]
    image = Image("https://x/1.png", "https://x/1.png", 5)
    first = digest(
        "2021-03-07",
        item(1, "A", "a", stars=5, links=clip),
        item(2, "B", "b", stars=2, links=same_paper),
        item(3, "C", "c", stars=2, links=by_title, images=[image]),
    )
    by_doi = [link("paper", "https://doi.org/10.1/ABC")]
    write(library, first)
    write(library, digest("2021-03-08", item(1, "D", "d", stars=0, links=by_doi)))
    stats = library.stats.summary()
    assert stats["digests"] == 2 and stats["items"] == 4
    assert stats["stars"] == {"0": 1, "1": 0, "2": 2, "3": 0, "4": 0, "5": 1}
    assert stats["arxiv_ids"] == 1 and stats["github_repos"] == 1
    assert stats["papers"] == 3  # one arXiv ID, one title, one DOI
    assert stats["images"] == 1
    assert (stats["first_date"], stats["last_date"]) == ("2021-03-07", "2021-03-08")


def test_near_duplicate_days_point_at_the_earlier_one(library: Library) -> None:
    items = [item(n, f"T{n}", f"a{n}") for n in range(1, 6)]
    # Only item 1's header differs (spec §8.4): its body is the same.
    header = dataclasses.replace(items[0], title="Other header", article_key="s:zz")
    write(library, digest("2021-05-28", header, *items[1:]))
    write(library, digest("2021-05-27", *items))
    assert library.digests.digest("2021-05-28").near_duplicate_of == "2021-05-27"  # type: ignore[union-attr]
    assert library.digests.digest("2021-05-27").near_duplicate_of is None  # type: ignore[union-attr]


def test_near_duplicates_follow_a_neighbour_written_again(library: Library) -> None:
    """The check keeps each day's items by its file's hash (`store.near_duplicates`): a
    neighbour written again from other bytes, here by another process, is read again."""
    items = [item(n, f"T{n}", f"a{n}") for n in range(1, 6)]
    others = [item(n, f"U{n}", f"b{n}") for n in range(1, 6)]
    write(library, digest("2021-05-20", *items))
    write(library, digest("2021-05-27", *items))  # a week after: compared, and flagged
    assert library.digests.digest("2021-05-27").near_duplicate_of == "2021-05-20"  # type: ignore[union-attr]
    with Library(library.path) as other:
        write(other, digest("2021-05-20", *others), "v2")
    write(library, digest("2021-05-27", *items[:4]), "v2")  # against the 20th as it is now
    assert library.digests.digest("2021-05-27").near_duplicate_of is None  # type: ignore[union-attr]
    write(library, digest("2021-05-30", *others[:4], items[4]))
    assert library.digests.digest("2021-05-30").near_duplicate_of is None  # type: ignore[union-attr]
    write(library, digest("2021-05-31", *others))  # 4 of 5 shared with the 30th: 0.8 is not over
    assert library.digests.digest("2021-05-31").near_duplicate_of is None  # type: ignore[union-attr]
    write(library, digest("2021-05-21", *others))  # the 20th's new items, all five
    assert library.digests.digest("2021-05-21").near_duplicate_of == "2021-05-20"  # type: ignore[union-attr]
