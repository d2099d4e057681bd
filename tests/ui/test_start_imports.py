"""The window's first paint loads only what it shows: a fresh process that opens a
library as `kbapp` does (through `kbapp.cli.main`) has, at the window's first paint,
not imported the importer's row builder, the search index, the search's query parser,
the backups or the notes' unsaved-copy store. Each loads when first used, after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library

# In a fresh process: `kbapp --library LIB`, and at the main window's first paint the
# modules loaded, printed as one JSON line; then the window closes.
START = """
import json, sys
import kbapp.cli
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([sys.argv[0]])
class FirstPaint(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self.seen = True
            print(json.dumps(sorted(name for name in sys.modules if name.startswith("kbapp"))))
            QTimer.singleShot(0, lambda: (app.closeAllWindows(), app.quit()))
        return False
first_paint = FirstPaint()
app.installEventFilter(first_paint)
sys.exit(kbapp.cli.main(["--library", sys.argv[1]]))
"""

# Loaded by writes, searches, imports and dialogs, never by a start.
NOT_AT_START = (
    "kbapp.core.store.rows",
    "kbapp.core.store.digests",
    "kbapp.core.store.search_index",
    "kbapp.core.store.search",
    "kbapp.core.store.removal",
    "kbapp.core.store.transfer",
    "kbapp.core.store.backups",
    "kbapp.core.search.text",
    "kbapp.core.unsaved_notes",
    "kbapp.core.importer",
    "kbapp.ui.import_report",
    "kbapp.ui.recovery",
)


def test_the_first_paint_loads_neither_the_writer_nor_the_search(
    corpus: Path, tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KBAPP_CONFIG_DIR": str(tmp_path / "config"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "kbapp.ini").write_text("[images]\nload_remote=false\n")
    done = subprocess.run(
        [sys.executable, "-c", START, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "kbapp.ui.main_window" in loaded and "kbapp.core.store.days" in loaded
    assert sorted(loaded.intersection(NOT_AT_START)) == []
