"""The exports and the restore from the File menu, run in the background."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import make_window


def test_every_export_is_in_the_file_menu_and_writes_its_file(
    qtbot,
    corpus_window: MainWindow,
    corpus_library: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    file_menu = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    for name in ("export-json", "export-markdown", "export-bibtex", "export-ris",
                 "export-csl-json", "restore-json"):  # fmt: skip
        assert name in file_menu
    key = window.reader.day.items[0].key
    with Library(corpus_library) as library:
        library.user.set_rating(key, 3)
    window.export_actions.export_library("json", tmp_path / "all.json")
    window.export_actions.export_library("bibtex", tmp_path / "papers.bib")
    window.export_actions.export_library("ris", tmp_path / "papers.ris")
    window.export_actions.export_library("csl-json", tmp_path / "papers.csl.json")
    window.export_actions.export_library("markdown", tmp_path / "md")
    qtbot.waitUntil(
        lambda: "Exported 69 days" in window.statusBar().currentMessage(), timeout=20000
    )
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert any(i["my_rating"] == 3 for d in data["digests"] for i in d["items"])
    assert len(bibtexparser.loads((tmp_path / "papers.bib").read_text()).entries) == 177
    assert len(list((tmp_path / "md").rglob("*.md"))) == 69
    assert (tmp_path / "papers.ris").read_text(encoding="utf-8").count("ER  - ") == 177
    assert len(json.loads((tmp_path / "papers.csl.json").read_text(encoding="utf-8"))) == 177


def test_restore_from_json_brings_the_ratings_back_into_the_window(
    qtbot,
    corpus_window: MainWindow,
    corpus_library: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    date = window.current_date()
    key = window.reader.day.items[0].key
    with Library(corpus_library) as library:
        library.user.set_rating(key, 5)
    window.export_actions.export_library("json", tmp_path / "mine.json")
    qtbot.waitUntil(lambda: "as JSON to" in window.statusBar().currentMessage())
    window.close()
    fresh = tmp_path / "fresh.sqlite"
    fresh.write_bytes(corpus_library.read_bytes())
    with Library(fresh) as library:
        library.user.set_rating(key, None)
    other = make_window(qtbot, fresh, tmp_path / "other.ini")
    other.show_date(date or "")
    assert other.reader.day.items[0].my_rating is None
    other.export_actions.restore_from(tmp_path / "mine.json")
    qtbot.waitUntil(lambda: other.reader.day.items[0].my_rating == 5)
    assert "Restored from mine.json" in other.statusBar().currentMessage()
    other.close()
