"""Removing days in the window: Library ▸ Remove day and the sidebar's menu, asked
once, undone with Ctrl+Z; undo and redo say what they do and go where they act."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import make_window, press, select_first

DAY = "2021-04-25"


def answer_remove(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "removeDays") is not None)
    box = window.findChild(QMessageBox, "removeDays")
    assert box is not None and "kept" in box.informativeText()
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    remove.click()


def test_remove_day_then_undo_brings_it_back_with_my_data(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with Library(corpus_library) as library:
        keys = [item.key for item in library.days.day(DAY).items[:2]]  # type: ignore[union-attr]
        library.user.set_rating(keys[0], 4)
        library.user.set_note(keys[1], "keep this")
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.show_date(DAY)
    window.actions_by_name["remove-days"].trigger()
    answer_remove(qtbot, window)
    qtbot.waitUntil(lambda: not window.model.index_for_date(DAY).isValid())
    assert DAY not in window.library.digests.dates()
    assert window.current_date() != DAY
    assert window.actions_by_name["undo"].text() == f"&Undo remove {DAY}"
    assert window.library.stats.summary()["kept_annotations"] == 2

    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.reader)  # back from the box
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: DAY in window.library.digests.dates())
    qtbot.waitUntil(lambda: window.model.index_for_date(DAY).isValid())
    qtbot.waitUntil(lambda: window.current_date() == DAY)  # undo shows what it put back
    assert window.statusBar().currentMessage() == f"Undo: remove {DAY}"
    day = window.reader.day
    assert day is not None
    assert day.item(keys[0]).my_rating == 4  # type: ignore[union-attr]
    assert window.library.user.note(keys[1]) == "keep this"
    window.close()


def test_the_sidebar_removes_a_whole_month(qtbot, corpus_library: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.show_date(DAY)
    tree = window.sidebar.tree
    month = window.model.index_for_date(DAY).parent()
    april = [date for date in window.library.digests.dates() if date.startswith("2021-04")]
    assert window.sidebar.dates_under(month) == april
    window.sidebar._context_menu(tree.visualRect(month).center())
    menu = window.sidebar.findChild(QMenu, "daysMenu")
    assert menu is not None
    action = menu.actions()[0]
    assert f"these {len(april)} days" in action.text()
    action.trigger()
    answer_remove(qtbot, window)
    qtbot.waitUntil(
        lambda: not any(d.startswith("2021-04") for d in window.library.digests.dates())
    )
    assert window.library.digests.dates()  # the other months stay
    window.close()


def test_undo_names_the_change_and_goes_to_its_day(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    key = select_first(qtbot, window, DAY)
    press(qtbot, window, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: window.library.user.rating(key) == 4)
    undo = window.actions_by_name["undo"]
    assert undo.text().startswith(f"&Undo my rating 4★ on {DAY} #")
    window.show_date("2021-03-07")
    window.reader.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.user.rating(key) is None)
    assert window.current_date() == DAY  # it went where the change was
    assert window.statusBar().currentMessage().startswith(f"Undo: my rating 4★ on {DAY} #")
    assert QApplication.focusWidget() is window.reader
    window.close()
