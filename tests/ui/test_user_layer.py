"""The user's layer in the real window: rating from the keys and by clicking the stars,
cross-links on the cards, candidates confirmed and dismissed, undo and redo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QTextBrowser

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import press, select_first
from tests.ui.conftest import press as key


def click_anchor(qtbot, reader: QTextBrowser, href_start: str, text: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Click, with the mouse, the first link of the reader whose target starts so (and
    whose text is `text`, when given)."""
    document = reader.document()
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            href = fragment.charFormat().anchorHref()
            if href.startswith(href_start) and text in (None, fragment.text()):
                # A point inside the link: its middle character's cursor (the start of a
                # fragment may sit at the end of the previous line when the line wraps).
                length = fragment.length()
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + (length // 2 if length > 1 else 0))
                reader.setTextCursor(cursor)
                reader.ensureCursorVisible()
                QApplication.processEvents()
                rect = reader.cursorRect(cursor)
                point = QPoint(rect.left() + (2 if length > 1 else 4), rect.center().y())
                qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
                return
            fragments += 1
        block = block.next()
    raise AssertionError(f"no link to {href_start}… in the reader")


def rating(path: Path, item_key: str) -> int | None:
    with Library(path) as library:  # its own connection: what is really in the file
        return library.user.rating(item_key)


def decisions(path: Path) -> dict[tuple[str, str], str]:
    with Library(path) as library:
        return library.papers.link_decisions()


def test_keys_rate_the_selected_item_and_undo_redo_it(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first(qtbot, window, "2021-10-16")
    key(qtbot, window, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: rating(path, item) == 4)
    qtbot.waitUntil(lambda: window.reader.day.item(item).my_rating == 4)
    assert window.reader.selected_key == item  # the card was redrawn in place
    card = window.reader.day.item(item)
    assert card is not None and card.my_rating == 4
    assert window.reader.toPlainText().count("mine ★★★★☆") == 1  # (nbsp as a space)
    day_row = window.model.index_for_date("2021-10-16")
    mine = window.model.index(day_row.row(), 3, day_row.parent())
    qtbot.waitUntil(lambda: mine.data() == "★★★★")
    key(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: rating(path, item) == 2)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: rating(path, item) == 4)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: rating(path, item) is None)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    key(qtbot, window, Qt.Key.Key_Z, modifiers)
    qtbot.waitUntil(lambda: rating(path, item) == 4)
    key(qtbot, window, Qt.Key.Key_0)
    qtbot.waitUntil(lambda: rating(path, item) is None)
    with Library(path) as library:  # every change kept with its time
        assert [stars for stars, _at in library.user.rating_history(item)] == [
            4,
            2,
            4,
            None,
            4,
            None,
        ]


def test_clicking_my_stars_rates_and_clicking_the_same_star_clears(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    window.show_date("2021-10-16")
    first = window.reader.day.items[0].key
    click_anchor(qtbot, window.reader, "kb:rate?n=1&s=3")  # the first card's third star
    qtbot.waitUntil(lambda: rating(path, first) == 3)
    qtbot.waitUntil(lambda: window.reader.day.items[0].my_rating == 3)
    click_anchor(qtbot, window.reader, "kb:rate?n=1&s=1")  # the first star of the first card
    qtbot.waitUntil(lambda: rating(path, first) == 1)
    qtbot.waitUntil(lambda: window.reader.day.items[0].my_rating == 1)
    click_anchor(qtbot, window.reader, "kb:rate?n=1&s=0")  # that same star again: cleared
    qtbot.waitUntil(lambda: rating(path, first) is None)


def test_a_copy_paste_is_a_candidate_that_is_dismissed_confirmed_and_undone(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    window.show_date("2021-10-18")
    html = window.reader.toHtml()
    assert "Possibly the same paper as" in html and "2021-10-16" in html
    click_anchor(qtbot, window.reader, "kb:decide?", "Confirm")
    qtbot.waitUntil(lambda: list(decisions(path).values()) == ["confirmed"])
    qtbot.waitUntil(lambda: "(confirmed)" in window.reader.toHtml())
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: decisions(path) == {})
    qtbot.waitUntil(lambda: "Possibly the same paper as" in window.reader.toHtml())
    click_anchor(qtbot, window.reader, "kb:decide?", "Dismiss")
    qtbot.waitUntil(lambda: list(decisions(path).values()) == ["dismissed"])
    qtbot.waitUntil(lambda: "Possibly the same paper as" not in window.reader.toHtml())
    # The other day's card follows: no candidate there either.
    window.show_date("2021-10-16")
    assert "Possibly the same paper as" not in window.reader.toHtml()


def test_a_genuine_repeat_is_also_featured_on_both_days_and_navigates(
    qtbot,
    corpus_window: MainWindow,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    window.show_date("2021-04-03")
    assert "Also featured: 2021-10-03" in window.reader.toPlainText()
    click_anchor(qtbot, window.reader, "kb:item?key=2021-10-03")
    qtbot.waitUntil(lambda: window.current_date() == "2021-10-03")
    selected = window.reader.day.item(window.reader.selected_key or "")
    assert selected is not None and any(ref.date == "2021-04-03" for ref in selected.cross)
    assert "Also featured: 2021-04-03" in window.reader.toPlainText()


def test_the_filter_mine_narrows_days_and_items_to_those_i_rated(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    with Library(path) as library:
        items = library.digests.items_for_date("2021-10-16")
        library.user.set_rating(items[1].key, 4)
        library.user.set_rating(items[2].key, 2)
    window.sidebar.filter_edit.setFocus()
    qtbot.keyClicks(window.sidebar.filter_edit, "mine>=3")
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.filter_text == "mine>=3")
    assert window.sidebar.first_date() == "2021-10-16"
    assert not window.model.index_for_date("2021-10-18").isValid()
    window.show_date("2021-10-16")
    text = window.reader.toPlainText()
    assert items[1].title in text and items[0].title not in text and items[2].title not in text
    assert f"{len(items) - 1} more item(s) of this day" in text
    window.reader.setFocus()
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_J)
    assert window.reader.selected_key == items[1].key  # J steps among the shown ones only
    assert "My rating: ★★★★" in window.notes.ratings.text()  # the item panel's history


def test_the_day_copied_from_the_day_before_says_so(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    corpus_window.show_date("2021-05-28")
    text = corpus_window.reader.toPlainText()
    assert "A near-duplicate of 2021-05-27" in text
