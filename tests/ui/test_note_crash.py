"""A crash in the middle of typing a note loses at most the text typed since the last
autosave, and leaves a sound library: a real process, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library

# The child: the window on the library, the first item of the day selected, its note
# typed in bursts of ten characters a second and a half apart (so that autosave, a
# second after typing stops, lands between bursts). It prints "typing" when a burst
# starts and "saved N" with the note's length in the library after each autosave.
CHILD = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
app = QApplication([])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
from kbapp.ui.settings import LOAD_REMOTE_IMAGES
settings.setValue(LOAD_REMOTE_IMAGES, False)  # no download from anywhere in a test
window = MainWindow(Library(sys.argv[1]), settings)
window.show()
window.show_date(sys.argv[3])
window.reader.select(window.reader.day.items[0].key)
window.user_actions.edit_note()
editor = window.notes.editor
def saved(target, _date):
    print("saved", len(window.library.user.note(target) or ""), flush=True)
window.notes.saved.connect(saved)
typed = [0]
def burst():
    print("typing", flush=True)
    for n in range(10):
        QTimer.singleShot(20 * n, key)
    QTimer.singleShot(1500, burst)
def key():
    char = "abcdefghijklmnopqrstuvwxyz"[typed[0] % 26]
    typed[0] += 1
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(editor, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
QTimer.singleShot(100, burst)
app.exec()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_typing_keeps_the_last_autosave_and_a_sound_file(
    corpus: Path, tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        item = library.digests.items_for_date("2021-10-16")[0].key
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(tmp_path / "kbapp.ini"), "2021-10-16"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    saves: list[int] = []
    deadline = time.monotonic() + 60
    try:
        for line in child.stdout:  # reads as the child writes
            if line.startswith("saved"):
                saves.append(int(line.split()[1]))
            elif line.startswith("typing") and len(saves) >= 3:
                break  # a burst has begun: kill in the middle of typing it
            assert time.monotonic() < deadline, "the child did not autosave in time"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert saves[-1] >= 20  # it really typed and saved, more than once
    with Library(path) as library:
        note = library.user.note(item) or ""
    assert len(note) == saves[-1]  # exactly the last autosave: the burst was lost, no more
    assert note == "".join("abcdefghijklmnopqrstuvwxyz"[n % 26] for n in range(len(note)))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
