"""`kbapp remove DATE...`, run in-process through `main([...])` on real digests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library
from kbapp.paths import library_path

DATE = "2021-04-25"
KEPT = "; your ratings and notes on them are kept and come back when the file is imported again"


@pytest.fixture
def lib(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A library of 2021-04-24..26 with one item of 2021-04-25 rated."""
    path = str(tmp_path / "lib.sqlite")
    days = [corpus / "notes" / "202104" / f"04{day}.md" for day in (24, 25, 26)]
    assert main(["--library", path, "import", *map(str, days)]) == 0
    with Library(Path(path)) as library:
        library.user.set_rating(library.digests.items_for_date(DATE)[0].key, 5)
    capsys.readouterr()
    return path


def stats(lib: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["stats", "--json", "--library", lib]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_remove_json_says_what_went_and_what_was_kept(
    lib: str, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--library", lib, "remove", DATE, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"removed": [{"date": DATE, "items": 8}], "kept_annotations": 1}
    counted = stats(lib, capsys)
    assert (counted["digests"], counted["ratings"], counted["kept_annotations"]) == (2, 1, 1)

    file = corpus / "notes" / "202104" / "0425.md"
    assert main(["--library", lib, "import", str(file)]) == 0
    capsys.readouterr()
    with Library(Path(lib)) as library:
        assert library.digests.items_for_date(DATE)[0].my_rating == 5
    assert stats(lib, capsys)["kept_annotations"] == 0


def test_remove_prints_a_line_per_day(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remove", DATE, "2021-04-24", "--library", lib]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"removed {DATE} (8 items){KEPT}"
    assert lines[1].startswith("removed 2021-04-24 (") and lines[1].endswith(" items)")
    assert stats(lib, capsys)["digests"] == 1


def test_an_unknown_date_removes_nothing_and_exits_1(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--library", lib, "remove", DATE, "2021-04-31"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "kbapp: the library has no day 2021-04-31; nothing was removed\n"
    assert stats(lib, capsys)["digests"] == 3


def test_a_locked_library_exits_2_with_one_line(
    lib: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "kbapp.cli.remove.open_library",
        lambda args: Library(library_path(args.library), busy_timeout_ms=50),
    )
    other = sqlite3.connect(lib, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert main(["--library", lib, "remove", DATE]) == 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "locked" in err
    assert stats(lib, capsys)["digests"] == 3
