"""A layout that holds: the reader keeps a readable width at laptop sizes, the docks
give way first, and a splitter restored from a wider session cannot squeeze it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt

from kbapp.ui.layout import COMFORT_CHARS, MIN_CHARS, char_width
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import make_window, press, select_first


def chars_a_line(window: MainWindow) -> int:
    return window.reader.text_width() // char_width(window)


def test_at_1000x700_with_search_and_notes_open_the_reader_stays_readable(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.show_date("2021-04-25")
    window.resize(1000, 700)
    window.layout_keeper.show_notes(True)  # the user asked for it: it stays
    window.user_actions.search()
    qtbot.waitUntil(lambda: window.search_panel is not None and window.search_panel.isVisible())
    qtbot.waitUntil(lambda: chars_a_line(window) >= MIN_CHARS)
    assert window.width() <= 1000  # the minimums fit the screen: nothing falls off
    assert window.notes.isVisible()
    reader_edge = window.reader.mapTo(window, window.reader.rect().topRight()).x()
    assert reader_edge < window.width()
    # The date heading (about 12 characters at 20 pt) is on one line.
    heading = window.reader.document().firstBlock()
    assert heading.layout().lineCount() == 1
    window.close()


@pytest.mark.parametrize("size", [(1280, 800), (1400, 900), (1920, 1080)])
def test_the_reader_shows_sixty_characters_a_line_at_common_sizes(
    qtbot, corpus_library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.show_date("2021-04-25")
    window.resize(*size)
    qtbot.waitUntil(lambda: chars_a_line(window) >= COMFORT_CHARS, timeout=2000)
    if size[0] >= 1920:
        assert window.notes.isVisible()  # wide enough for both
    window.close()


def test_a_narrow_window_puts_the_note_panel_aside_and_n_brings_it_back(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.show_date("2021-04-25")
    window.resize(1600, 900)
    qtbot.waitUntil(window.notes.isVisible)
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: not window.notes.isVisible())
    assert "stepped aside" in window.statusBar().currentMessage()
    select_first(qtbot, window, "2021-04-25")
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(window.notes.isVisible)
    window.resize(1090, 700)  # the user's choice holds while the window is narrow
    assert window.notes.isVisible()
    window.close()


def test_a_restored_splitter_never_squeezes_the_reader(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "kbapp.ini"
    first = make_window(qtbot, corpus_library, config)
    first.resize(1000, 700)
    first.splitter.setSizes([900, 100])  # dragged far to the right
    state = first.splitter.saveState()
    first.close()
    QSettings(str(config), QSettings.Format.IniFormat).setValue("splitter", QByteArray(state))
    window = make_window(qtbot, corpus_library, config)
    window.resize(1000, 700)
    window.show_date("2021-04-25")
    qtbot.waitUntil(lambda: chars_a_line(window) >= MIN_CHARS, timeout=2000)
    window.close()


def test_the_papers_titles_take_the_free_width_at_1000x700(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.resize(1000, 700)
    window.layout_keeper.show_notes(True)  # the note panel open too
    window.user_actions.show_papers()
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)
    qtbot.waitUntil(lambda: papers.table.columnWidth(0) >= 180)  # a title reads
    window.close()
