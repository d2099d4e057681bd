"""A note whose save fails keeps its text: in the editor, and on disk until a save
lands, which the next window on the library makes. Typed, closed, reopened: the text
is there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kbapp.core.unsaved_notes import UnsavedNotes
from tests.ui.conftest import make_window
from tests.ui.test_notes import note_in_file, select_first_and_edit, type_text

REFUSE_NOTES = (
    "CREATE TRIGGER refuse_notes BEFORE INSERT ON notes "
    "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"
)


def refuse_note_saves(path: Path, refuse: bool) -> None:
    """Another program makes every note save fail (or lets them through again)."""
    conn = sqlite3.connect(path)
    conn.execute(REFUSE_NOTES if refuse else "DROP TRIGGER refuse_notes")
    conn.commit()
    conn.close()


def test_a_note_whose_save_fails_is_saved_by_the_next_window(qtbot, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    refuse_note_saves(path, True)
    messages: list[str] = []
    window.notes.failed.connect(messages.append)
    type_text(window.notes.editor, "写下的想法 must not be lost")
    qtbot.waitUntil(lambda: window.notes.status.text() == "Not saved! What you typed is kept.")
    assert window.notes.editor.toPlainText() == "写下的想法 must not be lost"
    assert "What you typed is kept in " in messages[-1]
    kept = UnsavedNotes(path).all()
    assert kept == {f"item:{item}": "写下的想法 must not be lost"}
    window.close()  # its last save fails too
    assert note_in_file(path, item) is None

    refuse_note_saves(path, False)
    again = make_window(qtbot, path, tmp_path / "kbapp.ini")
    qtbot.waitUntil(lambda: note_in_file(path, item) == "写下的想法 must not be lost", timeout=5000)
    qtbot.waitUntil(lambda: UnsavedNotes(path).all() == {})
    assert "typed before kbapp last closed" in again.statusBar().currentMessage()
    again.close()


def test_typed_closed_reopened_the_text_is_there(qtbot, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    type_text(window.notes.editor, "closing at once")
    window.close()  # within the autosave's second: the close saves it
    again = make_window(qtbot, path, tmp_path / "kbapp.ini")
    again.show_date("2021-10-16")
    again.reader.select(item)
    qtbot.waitUntil(lambda: again.notes.target == f"item:{item}")
    assert again.notes.editor.toPlainText() == "closing at once"
    assert note_in_file(path, item) == "closing at once"
    assert UnsavedNotes(path).all() == {}
    again.close()
