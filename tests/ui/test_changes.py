"""One stream of changes: writes of another process (the CLI in a terminal) reach the
window's views within a second, without moving what the user is looking at; and the note
panel saves only to the target it shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kbapp.core.store.library import Library
from kbapp.ui.changes import POLL_MS
from kbapp.ui.import_report import ImportReportDialog
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import press, select_first
from tests.ui.test_notes import note_in_file, type_text


def run_kbapp(library: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(library), *args],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def scrolled_day(qtbot, window: MainWindow, date: str) -> int:  # type: ignore[no-untyped-def]
    """The day shown and scrolled part of the way down; the scroll position."""
    window.show_date(date)
    bar = window.reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    bar.setValue(bar.maximum() // 2)
    return bar.value()


def test_an_import_in_a_terminal_shows_in_the_sidebar_within_a_second(
    qtbot, october: tuple[MainWindow, Path], corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    assert POLL_MS <= 500
    scroll = scrolled_day(qtbot, window, "2021-10-16")
    assert not window.model.index_for_date("2021-09-30").isValid()
    run_kbapp(path, "import", str(corpus / "notes" / "202109"), str(corpus / "notes" / "202105"))
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-09-30").isValid(), timeout=1000)
    assert window.model.index_for_date("2021-05-08").isValid()
    assert window.current_date() == "2021-10-16"
    assert window.reader.verticalScrollBar().value() == scroll


def test_a_rating_by_another_process_redraws_its_stars(
    qtbot, october: tuple[MainWindow, Path]
) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    scroll = scrolled_day(qtbot, window, "2021-10-16")
    day = window.reader.day
    assert day is not None
    key = day.items[1].key
    assert day.items[1].my_rating is None
    code = (
        "from kbapp.core.store.library import Library\n"
        f"Library({str(path)!r}).user.set_rating({key!r}, 4)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)

    def redrawn() -> bool:
        shown = window.reader.day
        return shown is not None and shown.item(key).my_rating == 4  # type: ignore[union-attr]

    qtbot.waitUntil(redrawn, timeout=1000)
    assert window.current_date() == "2021-10-16"
    assert window.reader.verticalScrollBar().value() == scroll
    assert "★★★★" in window.model.index_for_date("2021-10-16").siblingAtColumn(3).data()


def test_a_note_typed_while_another_process_writes_is_kept(
    qtbot, october: tuple[MainWindow, Path], corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first(qtbot, window, "2021-10-16")
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(window.notes.editor.hasFocus)
    type_text(window.notes.editor, "还在写")
    run_kbapp(path, "import", str(corpus / "notes" / "202109"))
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-09-30").isValid(), timeout=1000)
    assert window.notes.target == f"item:{item}"
    assert window.notes.editor.toPlainText() == "还在写"
    qtbot.waitUntil(lambda: note_in_file(path, item) == "还在写", timeout=5000)


def test_after_the_papers_view_and_an_import_a_note_goes_to_the_item_on_screen(
    qtbot, october: tuple[MainWindow, Path], tmp_path: Path, corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    """The wrong-paper case: the papers view was visited, then any import (a refused
    file too) re-read the papers list, which bound the note panel to the last paper
    viewed; what the user typed next was saved on that paper."""
    window, path = october
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)
    papers.table.setFocus()
    press(qtbot, window, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (window.notes.target or "").startswith("paper:"))
    paper = window.notes.target
    assert paper is not None
    rows = papers.model.rowCount()
    press(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    item = select_first(qtbot, window, "2021-10-16")
    assert window.notes.target == f"item:{item}"
    assert "Note on the item" in window.notes.heading.text()
    refused = tmp_path / "not-a-digest.md"
    refused.write_text("hello\n", encoding="utf-8")
    with qtbot.waitSignal(window.importer.finished, timeout=10000):
        window.importer.start([refused])
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    box = QApplication.activeModalWidget()
    assert isinstance(box, ImportReportDialog)  # "not imported", and why, in a list
    assert [name for name, why in box.rows() if why] == ["not-a-digest.md"]
    box.close()
    assert window.notes.target == f"item:{item}"
    # An import that changes the library reads the papers list again, behind the days.
    run_kbapp(path, "import", str(corpus / "notes" / "202109"))
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-09-30").isValid(), timeout=1000)
    qtbot.waitUntil(lambda: papers.model.rowCount() > rows)  # read again
    assert window.notes.target == f"item:{item}"
    assert window.current_date() == "2021-10-16"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.reader.setFocus()
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(window.notes.editor.hasFocus)
    type_text(window.notes.editor, "这条是给条目的")
    qtbot.waitUntil(lambda: note_in_file(path, item) == "这条是给条目的", timeout=5000)
    with Library(path) as library:
        assert library.user.note(paper) is None
