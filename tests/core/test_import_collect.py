"""Which files a folder import takes, in which order, and where each one really is: the
walk must take what `Path.rglob` would (notes in nested folders, any-case `.md`, links to
files) and skip what it skips (hidden names, linked folders), and a file reached twice
is imported once, under its resolved path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbapp.core.importer import collect_files, import_paths
from kbapp.core.store.library import Library

DAY = "# {date}\n\n## 今日要点\n\n1. [An item](https://mp.weixin.qq.com/s/{date}) :star::star:\n"


def note(path: Path, date: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DAY.format(date=date), encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A notes folder with nested, hidden, linked and non-note entries."""
    notes = tmp_path / "notes"
    note(notes / "2021" / "2021-05-02.md", "2021-05-02")
    note(notes / "2021" / "b" / "2021-05-01.MD", "2021-05-01")
    note(notes / "2021-05-03.md", "2021-05-03")
    note(notes / ".git" / "2021-06-01.md", "2021-06-01")
    note(notes / "2021" / ".draft.md", "2021-06-02")
    (notes / "README.txt").write_text("not a note", encoding="utf-8")
    (notes / "folder.md").mkdir()
    outside = note(tmp_path / "elsewhere" / "2021-05-04.md", "2021-05-04")
    os.symlink(outside, notes / "linked.md")
    os.symlink(notes / "2021-05-03.md", notes / "again.md")  # the same file reached twice
    os.symlink(tmp_path / "elsewhere", notes / "linked-folder")
    return notes


def test_a_folder_gives_its_notes_in_path_order(tree: Path) -> None:
    found = [path.relative_to(tree).as_posix() for path, _ in collect_files([tree])]
    assert found == ["2021/2021-05-02.md", "2021/b/2021-05-01.MD", "2021-05-03.md", "linked.md"]


def test_each_note_is_imported_once_under_its_real_path(tree: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite") as library:
        report = import_paths(library, [tree, tree / "again.md"], workers=0)
        files = [library.digests.day_file(str(outcome.date)) for outcome in report.outcomes]
    assert [(o.status.value, o.reason) for o in report.outcomes] == [("imported", None)] * 4
    sources = {file.date: file.source_path for file in files if file is not None}
    assert sources == {
        "2021-05-02": str((tree / "2021" / "2021-05-02.md").resolve()),
        "2021-05-01": str((tree / "2021" / "b" / "2021-05-01.MD").resolve()),
        "2021-05-03": str((tree / "2021-05-03.md").resolve()),
        "2021-05-04": str((tmp_path / "elsewhere" / "2021-05-04.md").resolve()),
    }


def test_a_folder_reached_through_a_link_is_resolved(tree: Path, tmp_path: Path) -> None:
    os.symlink(tree, tmp_path / "notes-link")
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [tmp_path / "notes-link"], workers=0)
        source = library.digests.day_file("2021-05-02")
    assert source is not None
    assert source.source_path == str((tree / "2021" / "2021-05-02.md").resolve())
