"""My rating of a paper itself: kept by the paper's key, shown as the papers list's
"Mine", exported and restored like the rest of the user's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbapp.core.export.library_json import dumps, export_json
from kbapp.core.export.restore import restore_json
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library


def first_paper(library: Library) -> str:
    return next(row.key for row in library.papers.paper_rows() if row.key.startswith("arxiv:"))


def test_a_paper_rating_is_its_mine_and_survives_an_export_and_restore(
    corpus: Path, tmp_path: Path
) -> None:
    with Library(tmp_path / "a.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202104"], workers=0)
        key = first_paper(library)
        changes = library.user.set_paper_rating(key, 4)
        assert changes.papers == frozenset({key})
        assert library.user.paper_rating(key) == 4
        row = next(row for row in library.papers.paper_rows() if row.key == key)
        assert row.mine == 4
        exported = tmp_path / "export.json"
        exported.write_text(dumps(export_json(library)), encoding="utf-8")
        assert library.user.set_paper_rating(key, None).papers == frozenset({key})
        assert library.user.paper_rating(key) is None
    with Library(tmp_path / "b.sqlite") as other:
        import_paths(other, [corpus / "notes" / "202104"], workers=0)
        counts = restore_json(other, exported)
        assert counts["ratings"] >= 1
        assert other.user.paper_rating(key) == 4
        restore_json(other, exported)  # again: nothing duplicated, nothing changed
        assert other.user.paper_rating(key) == 4


def test_a_paper_rating_is_0_to_5(library: Library) -> None:
    with pytest.raises(ValueError):
        library.user.set_paper_rating("arxiv:2104.00298", 6)
