"""`kbapp restore-json FILE` on an export with a bad field, run in-process through
`main([...])`: exit 1 and one line naming the field, no traceback, and the library as it
was (its bytes, its counts, no backup made)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library
from tests.core.export.test_restore_validation import DROP, Place, put

ITEM: Place = ("digests", 0, "items", 0)
I0 = "digests[0].items[0]"


@pytest.fixture
def lib(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A library of 2021-04-24..26 with ratings, notes, a link and a paper's note."""
    path = tmp_path / "lib.sqlite"
    days = [corpus / "notes" / "202104" / f"04{day}.md" for day in (24, 25, 26)]
    assert main(["--library", str(path), "import", *map(str, days)]) == 0
    with Library(path) as library:
        keys = [i.key for d in library.digests.dates() for i in library.digests.items_for_date(d)]
        library.user.set_rating(keys[0], 3)
        library.user.set_rating(keys[0], 5)
        library.user.save_note(keys[1], "worth a second read", kind="save")
        library.user.add_link(keys[0], keys[1], "builds on")
        library.user.save_note("paper:arxiv:2104.00298", "read section 3")
    capsys.readouterr()
    return path


@pytest.fixture
def exported(lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The library's own export, as data to spoil."""
    out = tmp_path / "export.json"
    assert main(["--library", str(lib), "export", "--output", str(out)]) == 0
    capsys.readouterr()
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def stats(lib: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["stats", "--json", "--library", str(lib)]) == 0
    return dict(json.loads(capsys.readouterr().out))


MALFORMED: list[tuple[Place, object, str]] = [
    (("digests",), "every day", 'digests: "every day" is not a list'),
    (("digests", 0, "items"), {"0": {}}, "digests[0].items: an object is not a list"),
    (("digests", 1, "items", 2), None, "digests[1].items[2]: null is not an object"),
    ((*ITEM, "my_rating"), 6, f"{I0}.my_rating: 6 is not 0-5"),
    ((*ITEM, "my_rating"), -1, f"{I0}.my_rating: -1 is not 0-5"),
    ((*ITEM, "my_rating"), 1e308, f"{I0}.my_rating: 1e+308 is not a whole number 0-5"),
    ((*ITEM, "my_rating"), 2.5, f"{I0}.my_rating: 2.5 is not a whole number 0-5"),
    ((*ITEM, "my_rating"), True, f"{I0}.my_rating: true is not a whole number 0-5"),
    ((*ITEM, "key"), ["2021-04-24/s:x"], f"{I0}.key: a list is not a string"),
    ((*ITEM, "key"), DROP, f"{I0}.key: missing"),
    ((*ITEM, "note"), 42, f"{I0}.note: 42 is not a string"),
    ((*ITEM, "my_rating_at"), "last Tuesday", f'{I0}.my_rating_at: "last Tuesday" is not an ISO 8601 time with an offset'),
    ((*ITEM, "rating_history"), [{"stars": 4, "at": 20260101}], f"{I0}.rating_history[0].at: 20260101 is not a string"),
    ((*ITEM, "rating_history"), [{"stars": [4], "at": ""}], f"{I0}.rating_history[0].stars: a list is not a whole number 0-5"),
    ((*ITEM, "note_revisions"), [{"text": "x", "at": "", "kind": 1}], f"{I0}.note_revisions[0].kind: 1 is not one of auto, save, restore"),
    ((*ITEM, "note_revisions"), [{"text": "x", "at": "garbage", "kind": "auto"}], f'{I0}.note_revisions[0].at: "garbage" is not an ISO 8601 time with an offset'),
    ((*ITEM, "links_to"), [{"target": 5}], f"{I0}.links_to[0].target: 5 is not a string"),
    ((*ITEM, "links_to"), [{"target": "somewhere"}], f'{I0}.links_to[0].target: "somewhere" is not item:<key> or paper:<key>'),
    (("papers",), "none", 'papers: "none" is not a list'),
    (("papers", 0), None, "papers[0]: null is not an object"),
    (("papers", 0, "note"), {"text": "x"}, "papers[0].note: an object is not a string"),
    (("link_decisions",), [{"a": "a", "b": "b", "decision": "yes", "at": ""}], 'link_decisions[0].decision: "yes" is not one of confirmed, dismissed'),
]  # fmt: skip


@pytest.mark.parametrize(("place", "value", "message"), MALFORMED, ids=[m for *_, m in MALFORMED])
def test_a_bad_field_exits_1_with_one_line_and_writes_nothing(
    lib: Path,
    exported: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    place: Place,
    value: object,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(put(exported, place, value)), encoding="utf-8")
    counts, before = stats(lib, capsys), lib.read_bytes()

    assert main(["--library", str(lib), "restore-json", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"kbapp: {bad}: {message}\n"
    assert "Traceback" not in captured.err and captured.out == ""
    assert lib.read_bytes() == before
    assert not (tmp_path / "backups").exists()
    assert stats(lib, capsys) == counts


def test_the_same_export_unspoiled_restores_and_makes_its_backup(
    lib: Path, exported: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other side of the checks above: a sound file gets through, and a restore that
    runs does back the library up first (so "no backups/" above means something)."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(exported), encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    days = [str(Path(d["source_path"])) for d in exported["digests"]]
    assert main(["--library", str(fresh), "import", *days]) == 0
    capsys.readouterr()

    assert main(["--library", str(fresh), "restore-json", str(good)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == (
        f"restored from {good}: ratings 1, history 2, notes 2, revisions 2, links 1, decisions 0, "
        "reads 0, queued 0, tags 0, searches 0\n"
    )
    assert any((tmp_path / "backups").glob("fresh-*-before-restore.sqlite"))
    assert stats(fresh, capsys)["ratings"] == stats(lib, capsys)["ratings"] == 1


def test_a_bad_file_is_refused_before_the_library_is_opened(
    exported: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not even created: the file is read and checked first."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(put(exported, (*ITEM, "my_rating"), 6)), encoding="utf-8")
    missing = tmp_path / "elsewhere" / "new.sqlite"
    assert main(["--library", str(missing), "restore-json", str(bad)]) == 1
    assert capsys.readouterr().err == f"kbapp: {bad}: {I0}.my_rating: 6 is not 0-5\n"
    assert not missing.parent.exists()
