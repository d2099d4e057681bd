"""Removing whole days: what goes (the day, its items, links, images, search entries),
what stays (the user's ratings, notes and links, on the same keys), and the undo. On
the real corpus, plus hand-built days where a test needs exact neighbours."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbapp.core.importer import Status, import_paths
from kbapp.core.store.library import Library
from kbapp.core.store.removal import NoSuchDaysError
from kbapp.core.store.schema import build_migrations
from tests.core.store.test_library import digest, item, link, write

DATE = "2021-04-25"
NOTE = "zebrafinch: my note on this one"


@pytest.fixture
def april(corpus: Path, tmp_path: Path) -> Iterator[Library]:
    """April 2021 of the corpus imported, two items of 2021-04-25 rated and noted."""
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202104"], workers=0)
        first, second = (i.key for i in library.digests.items_for_date(DATE)[:2])
        library.user.set_rating(first, 4)
        library.user.set_note(second, NOTE)
        yield library


def day_file(corpus: Path) -> Path:
    return corpus / "notes" / "202104" / "0425.md"


def count(library: Library, sql: str, *params: object) -> int:
    return int(library.db.conn.execute(sql, params).fetchone()[0])


TABLES = ("digests", "items", "links", "identities", "images", "videos", "search")


def rows_of_day(library: Library) -> dict[str, int]:
    """The day's rows in each table its file fills, the search index's included."""
    items = f"SELECT id FROM items WHERE key LIKE '{DATE}/%'"
    day = f"SELECT id FROM digests WHERE date = '{DATE}'"
    return {
        "digests": count(library, f"SELECT COUNT(*) FROM ({day})"),
        "items": count(library, f"SELECT COUNT(*) FROM ({items})"),
        **{
            table: count(library, f"SELECT COUNT(*) FROM {table} WHERE item_id IN ({items})")
            for table in ("links", "identities")
        },
        **{  # the day's own pictures too, outside any item
            table: count(library, f"SELECT COUNT(*) FROM {table} WHERE digest_id IN ({day})")
            for table in ("images", "videos")
        },
        "search": count(library, f"SELECT COUNT(*) FROM search WHERE rowid IN ({items})"),
    }


def rows_of_library(library: Library) -> dict[str, int]:
    return {table: count(library, f"SELECT COUNT(*) FROM {table}") for table in TABLES}


def day_as_stored(library: Library) -> dict[str, Any]:
    """The day as an export sees it (rows, items, links, images, the user's fields)."""
    return next(d for d in library.transfer.export_rows() if d["date"] == DATE)


def test_removing_a_day_takes_out_all_its_file_gave_and_keeps_my_data(
    april: Library,
) -> None:
    library = april
    items = library.digests.items_for_date(DATE)
    keys = [i.key for i in items]
    before = library.stats.summary()
    day, total = rows_of_day(library), rows_of_library(library)
    assert day["links"] > 0 and day["images"] > 0 and day["search"] == len(items)
    assert [hit.key for hit in library.search.find("zebrafinch")] == [keys[1]]
    day_hits = library.search.find(f"date:{DATE}", limit=100)
    assert len(day_hits) == len(items)
    logged = library.db.last_change()

    removed = library.removal.remove_days([DATE])

    assert removed.dates == (DATE,) and removed.days[0].items == len(items)
    assert removed.days[0].annotated == tuple(keys[:2]) and removed.kept_annotations == 2
    assert removed.changes.items == set(keys) and DATE in removed.changes.dates
    assert DATE not in library.digests.dates() and library.digests.digest(DATE) is None
    assert library.digests.items_for_date(DATE, include_removed=True) == []
    after = rows_of_library(library)
    assert {table: total[table] - after[table] for table in TABLES} == day  # none left over
    assert library.search.find("zebrafinch") == []
    assert library.search.find(f"date:{DATE}") == []
    for hit in library.search.find(items[0].title.split()[0], limit=500):
        assert not hit.key.startswith(DATE)
    stats = library.stats.summary()
    assert stats["digests"] == before["digests"] - 1
    assert stats["items"] == before["items"] - len(items)
    assert (stats["ratings"], stats["notes"], stats["kept_annotations"]) == (1, 1, 2)
    assert before["kept_annotations"] == 0
    assert library.user.rating(keys[0]) == 4 and library.user.note(keys[1]) == NOTE
    assert [stars for stars, _ in library.user.rating_history(keys[0])] == [4]
    # one transaction, logged for the other processes like every write
    newest = library.db.conn.execute(
        "SELECT id, changes FROM change_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert newest[0] == logged + 1
    assert set(json.loads(newest[1])["items"]) == set(keys)


def test_importing_the_file_again_brings_my_rating_and_note_back(
    april: Library, corpus: Path
) -> None:
    library = april
    keys = [i.key for i in library.digests.items_for_date(DATE)]
    library.removal.remove_days([DATE])

    report = import_paths(library, [day_file(corpus)], workers=0)

    assert report.outcomes[0].status is Status.IMPORTED
    back = library.digests.items_for_date(DATE)
    assert [i.key for i in back] == keys
    assert (back[0].my_rating, back[1].note) == (4, NOTE)
    assert [hit.key for hit in library.search.find("zebrafinch")] == [keys[1]]
    assert library.stats.summary()["kept_annotations"] == 0


def test_restore_puts_the_day_back_exactly_as_it_was(april: Library, corpus: Path) -> None:
    library = april
    items = library.digests.items_for_date(DATE)
    stored, rows, stats = day_as_stored(library), rows_of_day(library), library.stats.summary()
    hits = [hit.key for hit in library.search.find(f"date:{DATE}", limit=100)]
    cross = library.papers.cross_refs_for([i.key for i in items])
    images = library.images.referenced(DATE)
    removed = library.removal.remove_days([DATE])

    changes = library.removal.restore(removed)

    assert changes.items == {i.key for i in items} and DATE in changes.dates
    assert library.digests.items_for_date(DATE) == items  # same keys, fields, my data
    assert day_as_stored(library) == stored  # hash, import time, links, images, bodies
    assert rows_of_day(library) == rows
    assert library.stats.summary() == stats
    assert [hit.key for hit in library.search.find(f"date:{DATE}", limit=100)] == hits
    assert [hit.key for hit in library.search.find("zebrafinch")] == [items[1].key]
    assert library.papers.cross_refs_for([i.key for i in items]) == cross
    assert library.images.referenced(DATE) == images
    again = import_paths(library, [day_file(corpus)], workers=0)
    assert again.outcomes[0].status is Status.UNCHANGED  # the very bytes it came from
    assert not library.removal.restore(removed)  # already back: nothing to do


def test_an_unknown_date_removes_nothing_and_is_named(april: Library) -> None:
    library = april
    dates, logged = library.digests.dates(), library.db.last_change()
    with pytest.raises(NoSuchDaysError) as raised:
        library.removal.remove_days([DATE, "2021-04-31", "1999-01-01"])
    assert raised.value.dates == ("2021-04-31", "1999-01-01")
    assert "2021-04-31, 1999-01-01" in str(raised.value)
    assert library.digests.dates() == dates and library.db.last_change() == logged


def test_days_sharing_a_paper_or_a_link_with_a_removed_day_are_refreshed(
    library: Library,
) -> None:
    paper = [link("paper", "https://arxiv.org/abs/2104.00298", "A paper")]
    write(library, digest("2021-03-07", item(1, "A", "a", links=paper)))
    write(library, digest("2021-03-08", item(1, "B", "b", links=paper)))
    write(library, digest("2021-03-20", item(1, "C", "c")))
    write(library, digest("2021-03-21", item(1, "D", "d")))
    library.user.add_link("2021-03-20/s:c", "2021-03-07/s:a", "builds on")
    assert library.papers.cross_refs_for(["2021-03-08/s:b"])

    removed = library.removal.remove_days(["2021-03-07"])

    assert removed.changes.dates == {"2021-03-07", "2021-03-08", "2021-03-20"}
    assert removed.changes.links == {"item:2021-03-07/s:a", "item:2021-03-20/s:c"}
    assert library.papers.cross_refs_for(["2021-03-08/s:b"]) == {}
    assert [link.target for link in library.user.links_of("2021-03-20/s:c")] == [
        "item:2021-03-07/s:a"
    ]  # my link stays, and meets its item again when the day comes back
    assert library.stats.summary()["kept_annotations"] == 1
    library.removal.restore(removed)
    assert library.papers.cross_refs_for(["2021-03-08/s:b"])
    assert library.user.my_links("2021-03-20/s:c")[0].shown == "2021-03-07 · A"


def test_a_paper_note_no_longer_found_through_a_removed_item(library: Library) -> None:
    """B names its paper by title alone; only A's arXiv link made it arXiv 2104.00298,
    whose note search finds on B too. Without A, B's paper is a title of its own."""
    title = "Learning to Remove Days Without Losing Notes"
    arxiv = [link("paper", "https://arxiv.org/abs/2104.00298", title)]
    write(library, digest("2021-03-07", item(1, "A", "a", links=arxiv)))
    bare = [link("paper", "https://example.org/paper.pdf", title)]
    write(library, digest("2021-03-08", item(1, "B", "b", links=bare)))
    library.user.save_note("paper:arxiv:2104.00298", "pelican remarks")
    both = {"2021-03-07/s:a", "2021-03-08/s:b"}
    assert {hit.key for hit in library.search.find("pelican")} == both

    removed = library.removal.remove_days(["2021-03-07"])
    assert library.search.find("pelican") == []
    library.removal.restore(removed)
    assert {hit.key for hit in library.search.find("pelican")} == both


def test_a_near_copy_of_a_removed_day_forgets_it_and_meets_it_again(library: Library) -> None:
    items = [item(n, f"T{n}", f"a{n}") for n in range(1, 5)]
    write(library, digest("2021-03-07", *items))
    write(library, digest("2021-03-08", *items))
    assert library.digests.digest("2021-03-08").near_duplicate_of == "2021-03-07"  # type: ignore[union-attr]

    removed = library.removal.remove_days(["2021-03-07"])
    assert library.digests.digest("2021-03-08").near_duplicate_of is None  # type: ignore[union-attr]
    assert "2021-03-08" in removed.changes.dates
    library.removal.restore(removed)
    assert library.digests.digest("2021-03-08").near_duplicate_of == "2021-03-07"  # type: ignore[union-attr]


def test_an_item_with_my_data_is_deleted_only_with_its_day(library: Library) -> None:
    write(library, digest("2021-03-07", item(1, "A", "a"), item(2, "B", "b")))
    library.user.add_link("2021-03-07/s:a", "paper:arxiv:2104.00298")  # no rating, no note
    with pytest.raises(sqlite3.IntegrityError, match="only with its day"):
        library.db.conn.execute("DELETE FROM items WHERE key = '2021-03-07/s:a'")
    library.db.conn.execute("DELETE FROM items WHERE key = '2021-03-07/s:b'")  # nothing on it
    library.removal.remove_days(["2021-03-07"])
    assert library.user.links_of("2021-03-07/s:a")


def test_the_migration_keeps_the_ratings_and_notes_made_before_it(tmp_path: Path) -> None:
    before = build_migrations()
    # (with 0014-0017: the columns this version's writer, used below, writes; without
    # 0018, whose trigger names the tables 0010 makes again)
    before._migrations = [m for m in before._migrations
                          if not ("0010" <= m.name < "0014" or m.name >= "0018")]  # fmt: skip
    path = tmp_path / "old.sqlite"
    with Library(path, migrations=before) as old:
        write(old, digest("2021-03-07", item(1, "A", "a")))
        old.user.set_rating("2021-03-07/s:a", 3)
        old.user.set_rating("2021-03-07/s:a", 5)
        old.user.set_note("2021-03-07/s:a", "kept")
        with pytest.raises(sqlite3.IntegrityError):  # before: the key refused the day's removal
            old.db.conn.execute("DELETE FROM digests")
    with Library(path) as library:
        assert library.user.rating("2021-03-07/s:a") == 5
        assert [s for s, _ in library.user.rating_history("2021-03-07/s:a")] == [3, 5]
        library.removal.remove_days(["2021-03-07"])
        assert library.user.note("2021-03-07/s:a") == "kept"
        assert library.stats.summary()["kept_annotations"] == 1
