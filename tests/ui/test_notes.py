"""Notes in the real window: typed, autosaved, previewed, shown on the card, revisions
browsed and restored, and saved on the way out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import make_window, select_first
from tests.ui.conftest import press as key
from tests.ui.test_user_layer import click_anchor


def note_in_file(path: Path, item_key: str) -> str | None:
    with Library(path) as library:  # its own connection: what is really in the file
        return library.user.note(item_key)


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key events carrying the text (qtbot.keyClicks aborts on Chinese)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def select_first_and_edit(qtbot, window: MainWindow) -> str:  # type: ignore[no-untyped-def]
    item = select_first(qtbot, window, "2021-10-16")
    key(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: window.notes.editor.hasFocus())
    return item


def test_a_note_saves_itself_a_second_after_typing_and_shows_on_its_card(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "值得一读 **ByteTrack**")
    assert note_in_file(path, item) is None  # not at once: about a second later
    qtbot.waitUntil(lambda: note_in_file(path, item) == "值得一读 **ByteTrack**", timeout=5000)
    qtbot.waitUntil(
        lambda: (
            "<b>ByteTrack</b>"
            in window.notes.preview.toHtml().replace(
                '<span style=" font-weight:700;">ByteTrack</span>', "<b>ByteTrack</b>"
            )
        )
    )
    qtbot.waitUntil(lambda: "My note" in window.reader.toPlainText())
    assert "值得一读" in window.reader.toPlainText()
    row = window.model.index_for_date("2021-10-16")
    qtbot.waitUntil(lambda: "✎" in window.model.index(row.row(), 3, row.parent()).data())


def test_typing_then_leaving_the_item_saves_at_once(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "quick")
    window.reader.setFocus()  # focus leaves the editor: saved now, not in a second
    key(qtbot, window, Qt.Key.Key_J)
    assert window.reader.selected_key != item
    qtbot.waitUntil(lambda: note_in_file(path, item) == "quick", timeout=900)
    key(qtbot, window, Qt.Key.Key_K)  # back: the text is there
    assert window.notes.editor.toPlainText() == "quick"


def test_a_revision_is_browsed_and_restored(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "first thought")
    key(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # keep a revision
    qtbot.waitUntil(lambda: note_in_file(path, item) == "first thought")
    window.notes.editor.selectAll()
    type_text(window.notes.editor, "second thought")
    key(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: note_in_file(path, item) == "second thought")
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    key(qtbot, window, Qt.Key.Key_H, modifiers)
    qtbot.waitUntil(lambda: window.notes.history is not None and window.notes.history.isVisible())
    dialog = window.notes.history
    assert dialog is not None
    assert [r.text for r in dialog.revisions] == ["second thought", "first thought"]
    dialog.list.setCurrentRow(1)
    assert "first thought" in dialog.preview.toPlainText()
    qtbot.mouseClick(dialog.restore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: note_in_file(path, item) == "first thought")
    assert window.notes.editor.toPlainText() == "first thought"
    with Library(path) as library:
        assert [r.kind for r in library.user.note_revisions(item)] == ["restore", "save", "save"]


def test_closing_the_window_saves_what_was_just_typed(
    qtbot, corpus: Path, tmp_path: Path, october
) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "typed just before closing")
    window.close()  # within the autosave second
    assert note_in_file(path, item) == "typed just before closing"
    again = make_window(qtbot, path, tmp_path / "kbapp2.ini")
    again.show_date("2021-10-16")
    again.reader.select(item)
    assert again.notes.editor.toPlainText() == "typed just before closing"
    again.close()


def test_links_in_notes_complete_while_typing_and_lead_to_what_they_name(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "compare [[Animatable")
    popup = window.notes.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().index(0, 0).data().startswith("2021-10-16 · 浙大三维视觉团队")
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # an open popup has the keyboard
    text = window.notes.editor.toPlainText()
    assert text.startswith("compare [[2021-10-16 · 浙大三维视觉团队") and text.endswith("]]")
    type_text(window.notes.editor, " and [[2105.02872]]")
    qtbot.waitUntil(lambda: note_in_file(path, item) == window.notes.editor.toPlainText())
    qtbot.waitUntil(lambda: "2105.02872" in window.notes.preview.toPlainText())
    click_anchor(qtbot, window.notes.preview, "kb:resolve?q=2021-10-16")
    qtbot.waitUntil(lambda: window.current_date() == "2021-10-16")
    shown = window.reader.day.item(window.reader.selected_key or "")
    assert shown is not None and shown.title.startswith("浙大三维视觉团队")
    window.reader.select(item)  # back to the note; its paper link opens the papers view
    window.show_date(item.partition("/")[0])
    window.reader.select(item)
    qtbot.waitUntil(lambda: "2105.02872" in window.notes.preview.toPlainText())
    click_anchor(qtbot, window.notes.preview, "kb:resolve?q=2105.02872")
    qtbot.waitUntil(
        lambda: window.papers is not None and window.papers.current_key() == "arxiv:2105.02872"
    )
