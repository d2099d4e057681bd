"""The user's own data in the store: notes on items and papers with their revisions, and
my links between items and papers, with their backlinks."""

from __future__ import annotations

import pytest

from kbapp.core.store.library import Library
from tests.core.store.test_library import digest, item, write

DATE = "2021-04-25"
T0 = "2026-11-25T09:00:00+00:00"


def at(minutes: int, seconds: int = 0) -> str:
    return f"2026-11-25T09:{minutes:02d}:{seconds:02d}+00:00"


@pytest.fixture
def keys(library: Library) -> list[str]:
    write(library, digest(DATE, *(item(n, f"Item {n}", f"k{n}") for n in (1, 2, 3))))
    return [record.key for record in library.digests.items_for_date(DATE)]


def test_autosave_keeps_one_revision_per_five_minutes_and_a_save_always_one(
    library: Library, keys: list[str]
) -> None:
    key = keys[0]
    library.user.save_note(key, "a", at=at(0))
    library.user.save_note(key, "ab", at=at(1))
    library.user.save_note(key, "abc", at=at(4, 59))
    assert [r.text for r in library.user.note_revisions(key)] == ["a"]
    library.user.save_note(key, "abcd", at=at(5))
    assert [r.text for r in library.user.note_revisions(key)] == ["abcd", "a"]
    assert library.user.note(key) == "abcd"
    library.user.save_note(key, "abcd", kind="save", at=at(6))  # an explicit save, even unchanged
    assert [(r.text, r.kind) for r in library.user.note_revisions(key)][0] == ("abcd", "save")


def test_a_revision_is_restored_and_the_restore_is_a_revision(
    library: Library, keys: list[str]
) -> None:
    key = keys[1]
    library.user.save_note(key, "first draft", at=at(0))
    library.user.save_note(key, "rewritten", at=at(10))
    first = library.user.note_revisions(key)[-1]
    changes = library.user.restore_revision(key, first.id)
    assert changes.dates == {DATE} and changes.notes == {key}
    assert library.user.note(key) == "first draft"
    assert [r.kind for r in library.user.note_revisions(key)] == ["restore", "auto", "auto"]


def test_a_blank_note_is_deleted_and_its_revisions_stay(library: Library, keys: list[str]) -> None:
    library.user.save_note(keys[0], "x", at=at(0))
    library.user.save_note(keys[0], "  ", at=at(9))
    assert library.user.note(keys[0]) is None
    assert [r.text for r in library.user.note_revisions(keys[0])] == ["x"]


def test_paper_notes_are_their_own(library: Library, keys: list[str]) -> None:
    assert library.user.save_note("paper:arxiv:2104.00298", "EfficientNetV2 notes").dates == set()
    assert library.user.note("paper:arxiv:2104.00298") == "EfficientNetV2 notes"
    assert library.user.note(f"item:{keys[0]}") is None
    assert len(library.user.note_revisions("paper:arxiv:2104.00298")) == 1


def test_my_links_have_labels_backlinks_and_can_be_removed(
    library: Library, keys: list[str]
) -> None:
    one, two, three = keys
    assert library.user.add_link(one, two, "builds on").dates == {DATE}
    library.user.add_link(three, "paper:arxiv:2104.00298")
    assert [(link.source, link.target, link.label) for link in library.user.links_of(two)] == [
        (f"item:{one}", f"item:{two}", "builds on")
    ]  # the backlink: the same link seen from its other end
    assert not library.user.add_link(two, one, "builds on")  # either way round: the same link
    library.user.add_link(two, one, "compare with")
    assert [link.label for link in library.user.links_of(one)] == ["compare with"]
    assert len(library.user.links_of("paper:arxiv:2104.00298")) == 1
    with pytest.raises(ValueError):
        library.user.add_link(one, one)
    assert library.user.remove_link(two, one).dates == {DATE}
    assert library.user.links_of(one) == []


def test_an_item_with_only_a_link_or_a_revision_is_kept_when_its_file_drops_it(
    library: Library, keys: list[str]
) -> None:
    one, two, three = keys
    library.user.add_link(one, "paper:arxiv:2104.00298")
    library.user.save_note(two, "old", at=at(0))
    library.user.save_note(two, "", at=at(9))  # the note is gone, its revision is not
    write(library, digest(DATE), "v2")  # the file now has no items at all
    removed = {record.key for record in library.digests.items_for_date(DATE, include_removed=True)}
    assert removed == {one, two}  # kept, marked removed; the third had nothing on it


def test_mine_in_the_day_filter_keeps_the_days_i_rated_that_high(
    library: Library, keys: list[str]
) -> None:
    from kbapp.core.store.days import min_rating

    assert min_rating("mine>=4") == ("", 4)
    assert min_rating("yolo mine:3") == ("yolo", 3)
    assert min_rating("mine ≥ 5 2021") == ("2021", 5)
    assert min_rating("minecraft") == ("minecraft", None)
    assert library.days.day_summaries("", "mine>=1") == []
    library.user.set_rating(keys[0], 3)
    assert [s.date for s in library.days.day_summaries("", "mine>=3")] == [DATE]
    assert library.days.day_summaries("", "mine>=4") == []
    assert [s.my_best for s in library.days.day_summaries("", "Item mine:2")] == [3]
