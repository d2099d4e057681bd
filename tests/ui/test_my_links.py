"""My own links from the keyboard: Ctrl+Shift+L, type-ahead, a label, Enter; shown on
both ends, removed, undone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kbapp.core.store.library import Library
from kbapp.core.store.user import matches
from tests.ui.conftest import press, select_first
from tests.ui.test_notes import type_text
from tests.ui.test_user_layer import click_anchor


def my_links(path: Path, item: str) -> list[tuple[str, str, str | None]]:
    with Library(path) as library:
        return [(link.source, link.target, link.label) for link in library.user.links_of(item)]


def test_link_picker_links_the_selected_item_with_a_label_and_both_ends_show_it(
    qtbot,
    october,  # type: ignore[no-untyped-def]
) -> None:
    window, path = october
    item = select_first(qtbot, window, "2021-10-18")
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_L, ctrl_shift)
    picker = window.link_picker
    assert picker is not None
    qtbot.waitUntil(lambda: picker.isVisible() and picker.targets is not None)
    assert QApplication.focusWidget() is picker.query
    type_text(picker.query, "Animatable 2021-10-16")
    qtbot.waitUntil(lambda: picker.results.count() == 1)
    assert picker.results.item(0).text().startswith("2021-10-16 · 浙大三维视觉团队")
    picker.label.setCurrentText("compare with")
    picker.query.setFocus()
    press(qtbot, window, Qt.Key.Key_Return)
    other = picker.results.item(0).data(Qt.ItemDataRole.UserRole + 1)
    qtbot.waitUntil(lambda: my_links(path, item) == [(f"item:{item}", other, "compare with")])
    qtbot.waitUntil(lambda: "My links" in window.reader.toPlainText())
    assert "→ 2021-10-16 · 浙大三维视觉团队" in window.reader.toPlainText()
    # The other end shows the backlink; following it leads back.
    click_anchor(qtbot, window.reader, "kb:open?target=item")
    qtbot.waitUntil(lambda: window.current_date() == "2021-10-16")
    assert "← 2021-10-18 · " in window.reader.toPlainText()
    # Removed from there, undone, redone.
    click_anchor(qtbot, window.reader, "kb:unlink?")
    qtbot.waitUntil(lambda: my_links(path, item) == [])
    qtbot.waitUntil(lambda: "My links" not in window.reader.toPlainText())
    qtbot.waitUntil(window.isActiveWindow)  # the keyboard is back in the window
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: my_links(path, item) == [(f"item:{item}", other, "compare with")])
    qtbot.waitUntil(lambda: "My links" in window.reader.toPlainText())


def test_the_picker_finds_by_title_words_date_and_arxiv_id(corpus_library: Path) -> None:
    with Library(corpus_library) as library:
        targets = library.user.link_targets()
    by_id = matches(targets, "2104.00298")
    assert [t for t, _ in by_id] == [
        "item:" + t.removeprefix("item:") for t, _ in by_id if t.startswith("item:")
    ] + ["paper:arxiv:2104.00298"]
    assert {shown[:10] for t, shown in by_id if t.startswith("item:")} == {
        "2021-04-03",
        "2021-10-03",
    }
    assert all("yolo" in shown.casefold() for _, shown in matches(targets, "YOLO"))
    assert len(matches(targets, "")) == 50
    assert matches(targets, "检测 2021-05-27")
