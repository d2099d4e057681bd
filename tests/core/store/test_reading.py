"""Read state, the reading queue, tags and saved searches in the store: what each write
changes and returns, what undo puts back, what an import keeps, what SQLite refuses."""

from __future__ import annotations

import sqlite3

import pytest

from kbapp.core.store.library import Library
from kbapp.core.store.reading import QueueEntry, target_for
from kbapp.core.store.schema import build_migrations
from tests.core.store.test_library import digest, item, write

A, B, C = "2021-03-07/s:a", "2021-03-07/s:b", "2021-03-08/s:c"


@pytest.fixture
def days(library: Library) -> Library:
    write(library, digest("2021-03-07", item(1, "Alpha", "a"), item(2, "Beta", "b")))
    write(library, digest("2021-03-08", item(1, "Gamma", "c")))
    return library


def test_keys_name_items_or_papers() -> None:
    assert target_for(A) == f"item:{A}"
    assert target_for("arxiv:2104.04329") == "paper:arxiv:2104.04329"
    assert target_for(f" item:{A} ") == f"item:{A}"


def test_marking_read_returns_what_changed_and_keeps_the_first_time(days: Library) -> None:
    reading = days.reading
    changes = reading.set_read([A, f"item:{C}"])
    assert changes.reading == {f"item:{A}", f"item:{C}"}
    assert changes.dates == {"2021-03-07", "2021-03-08"}
    first = reading.read_at([A])[A]
    assert not reading.set_read([A])  # already read: nothing changes, the time stays
    assert reading.read_at([A]) == {A: first}
    assert reading.unread_counts() == {"2021-03-07": 1}
    assert reading.next_unread("2021-03-07") == ("2021-03-07", B)
    assert reading.next_unread("2021-03-07", B) is None
    reading.set_read([C], False)
    assert reading.next_unread("2021-03-07", B) == ("2021-03-08", C)
    assert days.stats.summary()["read"] == 1 and days.stats.summary()["unread"] == 2


def test_undo_of_marking_a_day_read_puts_each_item_back(days: Library) -> None:
    reading = days.reading
    reading.set_read([A])
    before = {key: reading.read_at([key]).get(key) for key in reading.day_keys("2021-03-07")}
    reading.set_read(reading.day_keys("2021-03-07"))
    assert reading.unread_counts() == {"2021-03-08": 1}
    changes = reading.restore_reads(before)
    assert changes.reading == {f"item:{B}"}  # A was read before, and keeps its time
    assert reading.read_at([A, B]) == {A: before[A]}


def test_an_unknown_key_changes_nothing(days: Library) -> None:
    with pytest.raises(KeyError, match="no item 2021-03-07/s:zzz"):
        days.reading.set_read([A, "2021-03-07/s:zzz"])
    assert days.reading.read_at([A]) == {}
    with pytest.raises(KeyError, match="no paper arxiv:9999.99999"):
        days.tags.add("t", [f"item:{A}", "paper:arxiv:9999.99999"])
    assert days.tags.all() == []


def test_the_queue_keeps_the_users_order_and_done_reads(days: Library) -> None:
    reading = days.reading
    reading.enqueue([f"item:{A}", f"item:{B}"])
    reading.enqueue([f"item:{C}", f"item:{A}"])  # A keeps its place
    assert [e.target for e in reading.queue()] == [f"item:{A}", f"item:{B}", f"item:{C}"]
    before = reading.queue()
    changes = reading.move(f"item:{C}", 0)
    assert f"item:{C}" in changes.reading
    assert [e.target for e in reading.queue()] == [f"item:{C}", f"item:{A}", f"item:{B}"]
    reading.restore_queue(before)  # undo
    assert reading.queue() == before
    reading.done([f"item:{B}"])
    assert [e.target for e in reading.queue()] == [f"item:{A}", f"item:{C}"]
    assert reading.read_at([B]) and not reading.read_at([A])  # read is not done
    assert reading.queued_at([f"item:{A}"]) == {f"item:{A}": before[0].queued_at}
    with pytest.raises(ValueError):
        reading.restore_queue([QueueEntry(f"item:{A}", "2026-01-01T00:00:00+00:00")] * 2)


def test_tags_match_any_case_rename_merge_and_undo(days: Library) -> None:
    tags = days.tags
    changes = tags.add("Matting", [f"item:{A}", f"item:{B}"])
    assert changes.tags == {f"item:{A}", f"item:{B}", "tag:Matting"}
    tags.add("matting", [f"item:{C}"])  # the same tag, spelled as first written
    tags.add("video", [f"item:{A}"])
    assert [(t.name, t.count) for t in tags.all()] == [("Matting", 3), ("video", 1)]
    assert tags.of([f"item:{A}"]) == {f"item:{A}": ["Matting", "video"]}
    carried = {name.name: tags.targets(name.name) for name in tags.all()}
    tags.rename("video", "matting")  # a merge
    assert [(t.name, t.count) for t in tags.all()] == [("matting", 3)]
    # undo of the merge: each tag back on what carried it
    tags.rename("matting", "Matting")
    tags.restore("Matting", carried["Matting"])
    tags.restore("video", carried["video"])
    assert [(t.name, t.count) for t in tags.all()] == [("Matting", 3), ("video", 1)]
    tags.remove("video", [f"item:{A}"])
    assert [t.name for t in tags.all()] == ["Matting"]  # a tag on nothing is gone
    with pytest.raises(ValueError):
        tags.add("  ", [f"item:{A}"])
    with pytest.raises(ValueError):
        tags.add("a\x07b", [f"item:{A}"])


def test_saved_searches(days: Library) -> None:
    tags = days.tags
    assert tags.save_search("to read", "is:unread").tags == {"saved:to read"}
    tags.save_search("to read", "is:unread stars>=3")  # replaced
    assert [(s.name, s.query) for s in tags.saved()] == [("to read", "is:unread stars>=3")]
    assert tags.delete_search("to read") and tags.saved() == []


def test_an_import_keeps_a_queued_or_tagged_item_its_file_dropped(days: Library) -> None:
    days.reading.enqueue([f"item:{A}"])
    days.tags.add("keep", [f"item:{B}"])
    days.reading.set_read([C])
    write(days, digest("2021-03-07"), "v2")  # both items gone from the file
    write(days, digest("2021-03-08"), "v2")
    kept = {i.key: i.removed for i in days.digests.items_for_date("2021-03-07",
                                                                 include_removed=True)}  # fmt: skip
    assert kept == {A: True, B: True}
    assert days.digests.items_for_date("2021-03-08", include_removed=True) == []
    assert days.reading.read_at([C])  # the read time stays for when it comes back
    with pytest.raises(sqlite3.IntegrityError):  # SQLite itself keeps them
        days.db.conn.execute("DELETE FROM items WHERE key = ?", (A,))


def test_sqlite_refuses_bad_values(days: Library) -> None:
    conn = days.db.conn
    for sql in (
        "INSERT INTO reads VALUES ('k', 'yesterday')",
        "INSERT INTO queue (target, position, queued_at) VALUES ('k', 0, '2026-01-01T00:00Z')",
        "INSERT INTO tags (name, created_at) VALUES (' x', '2026-01-01T00:00:00Z')",
        "INSERT INTO tagged VALUES (99, 'item:k', '2026-01-01T00:00:00Z')",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)


def test_a_library_with_days_from_before_asks_once(tmp_path: pytest.TempPathFactory) -> None:
    before = build_migrations()
    before._migrations = [m for m in before._migrations if m.name < "0018"]
    path = tmp_path / "old.sqlite"  # type: ignore[operator]
    with Library(path, migrations=before) as old:
        write(old, digest("2021-03-07", item(1, "Alpha", "a")))
    with Library(path) as library:
        assert library.reading.first_choice_pending()
        library.reading.first_choice_made()
        assert not library.reading.first_choice_pending()
    with Library(tmp_path / "new.sqlite") as fresh:  # type: ignore[operator]
        assert not fresh.reading.first_choice_pending()
