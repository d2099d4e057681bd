"""Focus that never traps: Esc leaves the note editor and the day filter, and after
Ctrl+G, Ctrl+K or a dialog the keys are the reader's again, so J/K work; all by keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import press, select_first

DAY = "2021-04-25"


def reader_has_keys(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The focus is the reader's, and J moves to the next item there."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.reader)
    before = window.reader.selected_key
    press(qtbot, window, Qt.Key.Key_J)
    assert window.reader.selected_key != before


def test_esc_leaves_the_note_editor_for_the_reader(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    window.finish_startup()
    key = select_first(qtbot, window, DAY)
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.notes.editor)
    qtbot.keyClicks(window.notes.editor, "seen")
    press(qtbot, window, Qt.Key.Key_Escape)
    reader_has_keys(qtbot, window)
    assert "j" not in window.notes.editor.toPlainText()  # J went to the reader, not the note
    window.notes.flush()
    qtbot.waitUntil(lambda: window.library.user.note(key) == "seen")


def test_esc_in_the_day_filter_goes_back_to_the_reader(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    select_first(qtbot, window, DAY)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.sidebar.filter_edit)
    press(qtbot, window, Qt.Key.Key_Escape)
    reader_has_keys(qtbot, window)
    assert window.sidebar.filter_edit.text() == ""


def test_after_go_to_date_and_the_switcher_the_reader_has_the_keys(
    qtbot, corpus_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    select_first(qtbot, window, DAY)
    for key in (Qt.Key.Key_G, Qt.Key.Key_K):
        press(qtbot, window, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog)))
        dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not dialog.isVisible())  # noqa: B023

        reader_has_keys(qtbot, window)
