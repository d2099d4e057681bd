"""The quick switcher and the search panel, driven from the keyboard alone (Chinese sent
as key events carrying text)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kbapp.ui.main_window import MainWindow
from kbapp.ui.search_panel import HTML_ROLE, HitDelegate
from tests.ui.conftest import press
from tests.ui.test_notes import type_text


def typed(qtbot, window: MainWindow, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = QApplication.focusWidget()
    assert widget is not None
    type_text(widget, text)


def test_ctrl_k_jumps_to_an_item_a_day_and_a_paper(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    switcher = window.switcher
    assert switcher is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is switcher.query)
    typed(qtbot, window, "单目 检测")
    qtbot.waitUntil(lambda: switcher.results.count() > 0)
    assert switcher.results.item(0).text() == "2021-10-18 · 单目3D目标检测论文大盘点"
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.selected_key is not None)
    assert window.current_date() == "2021-10-18"
    assert window.reader.day.item(window.reader.selected_key).title == "单目3D目标检测论文大盘点"
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.switcher.query)
    typed(qtbot, window, "0425")
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_date() == "2021-04-25")
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.switcher.query)
    typed(qtbot, window, "2104.00298")
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.papers is not None and window.papers.current_key() == "arxiv:2104.00298"
    )


def test_the_search_panel_finds_as_you_type_opens_highlights_and_remembers(
    qtbot,
    corpus_window: MainWindow,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_F, ctrl_shift)
    panel = window.search_panel
    assert panel is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.query)
    typed(qtbot, window, "检")
    qtbot.waitUntil(lambda: panel.results.count() > 0)  # one character: found as typed
    typed(qtbot, window, "测 stars>=2")
    qtbot.waitUntil(lambda: not panel.searching() and panel.results.count() > 1)
    # Each result's snippet shows its matches marked, drawn as rich text by the list.
    shown = panel.results.item(0).data(HTML_ROLE)
    assert "检测</b>" in shown or "检</b>" in shown
    assert isinstance(panel.results.itemDelegate(), HitDelegate)
    assert panel.results.visualItemRect(panel.results.item(0)).height() > 2 * 12  # two lines
    press(qtbot, window, Qt.Key.Key_Down)
    second = panel.results.currentItem().data(Qt.ItemDataRole.UserRole + 1)
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.selected_key == second)
    assert window.reader.highlight_count() > 0  # the matches are marked in the reader
    press(qtbot, window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert QApplication.focusWidget() is window.reader
    # A malformed query says why, and nothing breaks.
    press(qtbot, window, Qt.Key.Key_F, ctrl_shift)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.query)
    panel.query.clear()
    typed(qtbot, window, '"没有闭合')
    qtbot.waitUntil(lambda: "closing quote" in panel.status.text())
    # Up in an empty field brings the earlier search back.
    panel.query.clear()
    press(qtbot, window, Qt.Key.Key_Up)
    assert panel.query.text() == "检测 stars>=2"
    assert panel.results.count() > 1
