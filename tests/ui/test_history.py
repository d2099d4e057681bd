"""Back and forward through what was looked at: days, items (J/K in a day is one place),
papers; by Alt+[ / Alt+] and the mouse's back and forward buttons."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence

from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import press, select_first


def test_back_and_forward_go_through_days_items_and_papers(
    qtbot, corpus_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    assert window.actions_by_name["go-back"].shortcut() == QKeySequence("Alt+[")
    window.show_date("2021-03-07")
    key = select_first(qtbot, window, "2021-04-25")
    press(qtbot, window, Qt.Key.Key_J)  # stepping in a day: still one place
    second = window.reader.selected_key
    paper = next(row for row in window.library.papers.paper_rows() if row.key.startswith("arxiv:"))
    window.user_actions.open_target(f"paper:{paper.key}")
    qtbot.waitUntil(lambda: window.papers is not None and window.papers.current_key() == paper.key)

    window.history.back()  # from the paper to the item last selected
    qtbot.waitUntil(lambda: window.views.currentWidget() is window.splitter)
    assert window.current_date() == "2021-04-25"
    assert window.reader.selected_key == second != key
    window.reader.setFocus()
    press(qtbot, window, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.AltModifier)
    assert window.current_date() == "2021-03-07"
    window.history.forward()
    assert window.reader.selected_key == second
    window.history.forward()
    qtbot.waitUntil(lambda: window.views.currentWidget() is window.papers)


def test_the_mouse_back_button_goes_back(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    window.show_date("2021-03-07")
    window.show_date("2021-04-25")
    viewport = window.reader.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.BackButton, pos=QPoint(50, 50))
    assert window.current_date() == "2021-03-07"
    qtbot.mouseClick(viewport, Qt.MouseButton.ForwardButton, pos=QPoint(50, 50))
    assert window.current_date() == "2021-04-25"


def test_a_cards_context_menu_acts_on_its_item(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QContextMenuEvent, QTextCursor
    from PySide6.QtWidgets import QApplication, QMenu

    window = corpus_window
    window.show_date("2021-04-25")
    reader = window.reader
    day = reader.day
    assert day is not None
    third = day.items[2]
    # A point inside the third card: where its title is laid out.
    found = reader.document().find(third.title[:8])
    assert not found.isNull()
    cursor = QTextCursor(reader.document())
    cursor.setPosition(found.position())
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    point = reader.cursorRect(cursor).center()
    assert reader.key_at(point) == third.key
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, reader.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(reader.viewport(), event)
    assert reader.selected_key == third.key
    menu = window.findChild(QMenu, "cardMenu")
    assert menu is not None
    names = [action.text() for action in menu.actions() if action.text()]
    assert names[:3] == ["Open article", "Copy link", "Copy as markdown"]
    assert "Remove 2021-04-25…" in names
    next(a for a in menu.actions() if a.text() == "Copy as markdown").trigger()
    copied = QApplication.clipboard().text()
    assert copied.startswith(f"{third.index or third.ordinal}. [{third.title}]")
    rate = next(a for a in menu.actions() if a.text() == "Rate").menu()
    next(a for a in rate.actions() if a.text() == "★★★").trigger()
    qtbot.waitUntil(lambda: window.library.user.rating(third.key) == 3)
