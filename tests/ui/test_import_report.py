"""The end of an import, as a user reads it: a line in the status bar, and a report
that lists every file that was not imported with its reason in plain sight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QTreeWidget

from kbapp.ui.import_report import ImportReportDialog
from kbapp.ui.main_window import MainWindow
from tests.core.images.image_server import digest_text
from tests.ui.conftest import drop, make_window


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    shown = make_window(qtbot, tmp_path / "lib.sqlite", tmp_path / "kbapp.ini")
    yield shown
    shown.close()


def _digest(folder: Path, date: str) -> Path:
    path = folder / f"{date.replace('-', '')[4:]}.md"
    path.write_text(digest_text(date, ["https://mmbiz.qpic.cn/x.png"]), encoding="utf-8")
    return path


def test_refused_files_are_listed_each_with_its_reason(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    good = _digest(tmp_path, "2024-03-05")
    unchanged = _digest(tmp_path, "2024-03-06")
    with qtbot.waitSignal(window.importer.finished, timeout=20_000):
        window.importer.start([unchanged])
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with qtbot.waitSignal(window.importer.reported, timeout=20_000) as blocker:
        assert drop(window, [good, unchanged, empty, pdf]).isAccepted()
    dialog = blocker.args[0]
    assert isinstance(dialog, ImportReportDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.heading.text() == "1 imported, 1 unchanged, 2 refused."
    table = dialog.findChild(QTreeWidget, "importProblems")
    assert table is not None and table.isVisible()  # in plain sight, no "Show Details…"
    rows = dict(dialog.rows())
    assert rows.keys() == {"notes.pdf", "empty.md"}
    assert rows["notes.pdf"] == "not a markdown digest (.md)"
    assert "empty" in rows["empty.md"]
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    message = window.statusBar().currentMessage()
    assert message == "Import finished: 1 imported, 1 unchanged, 2 refused"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.current_date() == "2024-03-06"


def test_an_import_without_problems_is_a_line_in_the_status_bar(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    files = [_digest(tmp_path, "2024-03-05"), _digest(tmp_path, "2024-03-06")]
    with qtbot.waitSignal(window.importer.finished, timeout=20_000):
        drop(window, files)
    assert window.statusBar().currentMessage() == "Import finished: 2 imported"
    assert QApplication.activeModalWidget() is None
    assert window.findChild(ImportReportDialog) is None


def test_a_dropped_file_that_is_not_markdown_says_so(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with qtbot.waitSignal(window.importer.refused) as blocker:
        event = drop(window, [pdf])
    assert not event.isAccepted()
    expected = "notes.pdf is not a markdown digest (.md): nothing imported"
    assert blocker.args == [expected]
    assert window.statusBar().currentMessage() == expected
    assert not window.importer.running


def test_several_dropped_files_that_are_not_markdown_are_named(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    names = ["notes.pdf", "photo.png", "a.docx", "b.txt", "c.html"]
    paths = [tmp_path / name for name in names]
    for path in paths:
        path.write_bytes(b"x")
    with qtbot.waitSignal(window.importer.refused) as blocker:
        drop(window, paths)
    assert blocker.args == [
        "notes.pdf, photo.png, a.docx and 2 more are not markdown digests (.md): nothing imported"
    ]


def test_a_dropped_folder_without_digests_says_so(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with qtbot.waitSignal(window.importer.finished, timeout=20_000):
        drop(window, [folder])
    assert window.statusBar().currentMessage() == (
        "Import finished: no markdown digest (.md) found, nothing imported"
    )


def test_files_handed_over_by_another_launch_report_the_refused_ones(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """`kbapp notes.pdf 0305.md`: the PDF is named in the report, not in a status-bar
    message that the import's own progress would replace at once."""
    good = _digest(tmp_path, "2024-03-05")
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    window.finish_startup()
    with qtbot.waitSignal(window.importer.reported, timeout=20_000) as blocker:
        window.library_actions.open_files([pdf, good])
    assert blocker.args[0].rows() == [("notes.pdf", "not a markdown digest (.md)")]
    assert window.statusBar().currentMessage() == "Import finished: 1 imported, 1 refused"
    blocker.args[0].close()
