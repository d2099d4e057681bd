"""A bug becomes a dialog with its traceback, and the window goes on."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from kbapp.ui.errors import show_bug


def _failing() -> None:
    raise ValueError("a bug for the test")


def test_a_bug_is_shown_with_its_details(qtbot) -> None:  # type: ignore[no-untyped-def]
    try:
        _failing()
    except ValueError as error:
        box = show_bug(error)
    qtbot.addWidget(box)
    qtbot.waitUntil(box.isVisible)
    assert isinstance(box, QMessageBox)
    assert "ValueError: a bug for the test" in box.text()
    assert "_failing" in box.detailedText()  # the traceback, to copy into a report
    box.close()


HOOKED = """
from PySide6.QtWidgets import QApplication, QMessageBox
from PySide6.QtCore import QTimer
app = QApplication([])
from kbapp.ui.errors import install_excepthook
install_excepthook()
def bad():
    raise RuntimeError("boom in a slot")
QTimer.singleShot(0, bad)
def check():
    boxes = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    print("dialogs:", [b.text() for b in boxes])
    app.quit()
QTimer.singleShot(300, check)
app.exec()
"""


def test_an_exception_in_a_slot_reaches_the_dialog() -> None:
    """Run as its own process: the hook replaces sys.excepthook, which pytest-qt uses."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", HOOKED], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "RuntimeError: boom in a slot" in result.stdout  # the dialog's text
    assert "boom in a slot" in result.stderr  # and the log line with the traceback
