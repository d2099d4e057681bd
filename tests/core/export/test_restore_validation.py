"""A JSON export is checked whole before `restore-json` writes anything: every export
kbapp writes passes (older and richer ones alike), and a field the merge could not take
is refused with its place, the library and its backups untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kbapp.core.export.library_json import dumps, export_json, user_part
from kbapp.core.export.restore import RestoreError, read_export, restore_json
from kbapp.core.export.validate import InvalidExport, check_export
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from tests.core.export.test_restore import decide_two_candidates

AT = "2026-11-25T08:00:00+00:00"
KEY = "2021-03-07/s:Ab12"
OTHER = "2021-03-08/s:Cd34"


def annotate_everything(library: Library) -> None:
    """Each kind of user data the export carries: ratings changed and cleared, notes
    with revisions of every kind, links item→item, item→paper and paper→item, a
    paper's note and rating, both decisions on candidate cross-links."""
    keys = [
        item.key
        for date in library.digests.dates()
        for item in library.digests.items_for_date(date)
    ]
    one, two, three = keys[0], keys[7], keys[30]
    library.user.set_rating(one, 4)
    library.user.set_rating(one, 0)
    library.user.set_rating(two, 3)
    library.user.set_rating(two, None)  # history keeps a null
    library.user.save_note(one, "first", at="2026-11-25T08:00:00+00:00")
    library.user.save_note(one, "first, then more", kind="save")
    revision = library.user.note_revisions(one)[-1]  # the first text
    library.user.restore_revision(one, revision.id)
    paper = next(row.key for row in library.papers.paper_rows() if row.key.startswith("arxiv:"))
    library.user.save_note(f"paper:{paper}", "a paper's note")
    library.user.set_paper_rating(paper, 5)
    library.user.add_link(one, two, "builds on")
    library.user.add_link(three, f"paper:{paper}")
    library.user.add_link(f"paper:{paper}", one, "cites")
    decide_two_candidates(library, keys)


@pytest.fixture(scope="module")
def annotated(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("validation") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        annotate_everything(library)
    return path


def test_an_export_of_a_real_library_passes_and_restores_into_a_fresh_one(
    annotated: Path, corpus: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "export.json"
    with Library(annotated) as library:
        exported.write_text(dumps(export_json(library)), encoding="utf-8")
        before = library.transfer.user_data()
    data = json.loads(exported.read_text(encoding="utf-8"))
    items = [item for digest in data["digests"] for item in digest["items"]]
    # the export holds every kind of field the validator reads, so each was checked
    assert {e["stars"] for i in items for e in i["rating_history"]} >= {0, 3, 4, None}
    assert {r["kind"] for i in items for r in i["note_revisions"]} == {"auto", "save", "restore"}
    targets = {link["target"].partition(":")[0] for i in items for link in i["links_to"]}
    assert targets == {"item", "paper"}
    (paper,) = data["papers"]
    assert paper["my_rating"] == 5 and paper["note"] and paper["links_to"]
    assert {d["decision"] for d in data["link_decisions"]} == {"confirmed", "dismissed"}

    assert read_export(exported) == data
    fresh = tmp_path / "fresh.sqlite"
    with Library(fresh) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        counts = restore_json(library, exported)
        assert counts["ratings"] and counts["notes"] and counts["decisions"] == 2
        assert library.transfer.user_data() == before


def valid() -> dict[str, Any]:
    """A small export in the documented shape, with one of each user field."""
    return {
        "format": "kbapp",
        "version": 1,
        "exported_at": AT,
        "digests": [
            {
                "date": "2021-03-07",
                "items": [
                    {
                        "key": KEY,
                        "title": "anything",
                        "my_rating": 4,
                        "my_rating_at": AT,
                        "rating_history": [{"stars": None, "at": AT}, {"stars": 4, "at": AT}],
                        "note": "mine",
                        "note_at": AT,
                        "note_revisions": [{"text": "min", "at": AT, "kind": "auto"}],
                        "links_to": [{"target": f"item:{OTHER}", "label": None, "created_at": AT}],
                    },
                    {"key": OTHER, "my_rating": None, "note": None, "links_to": []},
                ],
            }
        ],
        "papers": [
            {
                "key": "arxiv:2104.00298",
                "my_rating": 0,
                "my_rating_at": "2026-11-25T08:00:00Z",
                "note": "a paper",
                "note_at": AT,
                "note_revisions": [],
                "links_to": [{"target": f"item:{KEY}", "label": "same", "created_at": AT}],
            }
        ],
        "link_decisions": [{"a": KEY, "b": OTHER, "decision": "confirmed", "at": AT}],
    }


DROP = object()  # a change that removes the key instead of setting it
Place = tuple[str | int, ...]


def put(data: dict[str, Any], place: Place, value: object) -> dict[str, Any]:
    """A copy of `data` with `value` at `place` (a path of keys and indexes); `DROP`
    removes the key instead."""
    data = json.loads(json.dumps(data))
    parent: Any = data
    for step in place[:-1]:
        parent = parent[step]
    if value is DROP:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value
    return data


def changed(place: Place, value: object) -> dict[str, Any]:
    """`valid()` with `value` put at `place`."""
    return put(valid(), place, value)


ITEM: Place = ("digests", 0, "items", 0)
I0 = "digests[0].items[0]"
PAPER: Place = ("papers", 0)
DECISION: Place = ("link_decisions", 0)
MALFORMED: list[tuple[Place, object, str]] = [
    (("digests",), "oops", 'digests: "oops" is not a list'),
    (("digests",), [None], "digests[0]: null is not an object"),
    (("digests",), DROP, "digests: missing"),
    (("digests", 0, "items"), {"a": 1}, "digests[0].items: an object is not a list"),
    (("digests", 0, "items", 1), None, "digests[0].items[1]: null is not an object"),
    ((*ITEM, "key"), DROP, f"{I0}.key: missing"),
    ((*ITEM, "key"), [KEY], f"{I0}.key: a list is not a string"),
    ((*ITEM, "key"), "", f"{I0}.key: an empty string is not a key"),
    ((*ITEM, "my_rating"), 6, f"{I0}.my_rating: 6 is not 0-5"),
    ((*ITEM, "my_rating"), -1, f"{I0}.my_rating: -1 is not 0-5"),
    ((*ITEM, "my_rating"), 10**30, f"{I0}.my_rating: {10**30} is not 0-5"),
    ((*ITEM, "my_rating"), 1e308, f"{I0}.my_rating: 1e+308 is not a whole number 0-5"),
    ((*ITEM, "my_rating"), 2.5, f"{I0}.my_rating: 2.5 is not a whole number 0-5"),
    ((*ITEM, "my_rating"), 5.0, f"{I0}.my_rating: 5.0 is not a whole number 0-5"),
    ((*ITEM, "my_rating"), True, f"{I0}.my_rating: true is not a whole number 0-5"),
    ((*ITEM, "my_rating"), "4", f'{I0}.my_rating: "4" is not a whole number 0-5'),
    ((*ITEM, "my_rating_at"), "yesterday", f'{I0}.my_rating_at: "yesterday" is not an ISO 8601 time with an offset'),
    ((*ITEM, "note_at"), "2026-11-25T08:00:00", f'{I0}.note_at: "2026-11-25T08:00:00" is not an ISO 8601 time with an offset'),
    ((*ITEM, "note_at"), 20261125, f"{I0}.note_at: 20261125 is not a string"),
    ((*ITEM, "note"), 5, f"{I0}.note: 5 is not a string"),
    ((*ITEM, "note"), "\ud800", f'{I0}.note: "\\ud800" is not valid Unicode'),
    ((*ITEM, "rating_history"), "4", f'{I0}.rating_history: "4" is not a list'),
    ((*ITEM, "rating_history", 0, "stars"), "4", f'{I0}.rating_history[0].stars: "4" is not a whole number 0-5'),
    ((*ITEM, "rating_history", 0, "stars"), DROP, f"{I0}.rating_history[0].stars: missing"),
    ((*ITEM, "rating_history", 1, "at"), None, f"{I0}.rating_history[1].at: null is not a string"),
    ((*ITEM, "note_revisions", 0, "kind"), "draft", f'{I0}.note_revisions[0].kind: "draft" is not one of auto, save, restore'),
    ((*ITEM, "note_revisions", 0, "text"), None, f"{I0}.note_revisions[0].text: null is not a string"),
    ((*ITEM, "links_to", 0), None, f"{I0}.links_to[0]: null is not an object"),
    ((*ITEM, "links_to", 0, "target"), OTHER, f'{I0}.links_to[0].target: "{OTHER}" is not item:<key> or paper:<key>'),
    ((*ITEM, "links_to", 0, "target"), f"item:{KEY}", f'{I0}.links_to[0].target: "item:{KEY}" links the item to itself'),
    ((*ITEM, "links_to", 0, "label"), 3, f"{I0}.links_to[0].label: 3 is not a string"),
    (("papers",), {}, "papers: an object is not a list"),
    (PAPER, None, "papers[0]: null is not an object"),
    ((*PAPER, "key"), DROP, "papers[0].key: missing"),
    ((*PAPER, "my_rating"), 9, "papers[0].my_rating: 9 is not 0-5"),
    ((*PAPER, "links_to", 0, "target"), "paper:arxiv:2104.00298", 'papers[0].links_to[0].target: "paper:arxiv:2104.00298" links the paper to itself'),
    (("link_decisions",), "all", 'link_decisions: "all" is not a list'),
    ((*DECISION, "decision"), "maybe", 'link_decisions[0].decision: "maybe" is not one of confirmed, dismissed'),
    ((*DECISION, "a"), OTHER, f'link_decisions[0].b: "{OTHER}" does not sort after a'),
    ((*DECISION, "at"), DROP, "link_decisions[0].at: missing"),
]  # fmt: skip


@pytest.mark.parametrize(("place", "value", "message"), MALFORMED, ids=[m for *_, m in MALFORMED])
def test_a_bad_field_is_named_with_its_place(place: Place, value: object, message: str) -> None:
    with pytest.raises(InvalidExport) as raised:
        check_export(changed(place, value))
    assert str(raised.value) == message
    assert "\n" not in message


def test_the_valid_example_passes_and_merges_as_it_is() -> None:
    data = valid()
    assert check_export(data) is data
    user = user_part(data)
    assert set(user["items"]) == {KEY} and set(user["papers"]) == {"arxiv:2104.00298"}


def test_unknown_keys_and_fields_the_merge_never_reads_may_hold_anything() -> None:
    """Later exports of version 1 may add fields; fields the merge never reads are not
    judged (a title that is a number restores nothing wrong)."""
    data = valid()
    data["future"] = {"anything": [1, None]}
    data["digests"][0]["future"] = 1
    data["digests"][0]["title"] = 5
    data["digests"][0]["items"][0].update(future=[], title=None, body="not a list")
    data["digests"][0]["items"][0]["rating_history"][0]["why"] = "unknown"
    data["papers"][0]["rating_history"] = "papers have none: unread"
    data["link_decisions"][0]["by"] = "me"
    check_export(data)


def test_the_first_exports_of_version_1_still_pass() -> None:
    """Version 1 began without papers, decisions, times, histories and revisions; the
    merge takes a time it was not given as empty, which a later export then carries."""
    data = {
        "format": "kbapp",
        "version": 1,
        "exported_at": AT,
        "digests": [
            {"date": "2021-03-07", "items": [{"key": KEY, "my_rating": 3, "note": "x", "links_to": []}]},
            {"date": "2021-03-08", "items": []},
        ],
    }  # fmt: skip
    check_export(data)
    data["digests"][0]["items"][0].update(my_rating_at="", note_at="", rating_history=[])
    check_export(data)


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "export.json"
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": "kbapp", "version": true, "digests": []}', "is export version True"),
        ('{"format": "kbapp", "version": 1.5, "digests": []}', "is export version 1.5"),
        ("[" * 100_000, "is nested too deeply to be an export"),
    ],
)
def test_a_file_that_is_no_export_of_this_version_is_refused(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RestoreError, match=problem):
        read_export(path)


def test_a_bad_field_restores_nothing_not_even_a_backup(annotated: Path, tmp_path: Path) -> None:
    copy_of = tmp_path / "library.sqlite"
    copy_of.write_bytes(annotated.read_bytes())
    with Library(copy_of) as library:
        data = export_json(library)
    data["digests"][3]["items"][0]["my_rating"] = 6
    path = write(tmp_path, data)
    before = copy_of.read_bytes()
    with Library(copy_of) as library, pytest.raises(RestoreError) as raised:
        restore_json(library, path)
    assert str(raised.value) == f"{path}: digests[3].items[0].my_rating: 6 is not 0-5"
    assert copy_of.read_bytes() == before
    assert not (tmp_path / "backups").exists()
    data["digests"][3]["items"][0]["my_rating"] = 5  # the same file, repaired, restores
    write(tmp_path, data)
    with Library(copy_of) as library:
        assert restore_json(library, path)["ratings"] == 1
    assert (tmp_path / "backups").is_dir()
