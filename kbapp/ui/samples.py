"""The first run: the built-in samples as a demo that is never the user's library.

When the user's library holds no digest (and no files were given), the window opens on
a sample library made afresh in a temporary folder from `resources/samples`, with a
welcome card saying so. The user's library stays empty: nothing of the samples reaches
its stats, search, papers or sidebar, and nothing the user tries on a sample lingers.

Why a separate library and not samples marked inside the user's: the user's file then
never holds a row it did not ask for, so no query anywhere has to filter them out and
no removal can go wrong. The cost is one switch: the first import (a drop, Ctrl+O, a
file handed over by another launch, or `kbapp import` in a terminal) goes straight
into the user's library, and the window then switches to it (`Samples.leave`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kbapp.core.store.library import Library
from kbapp.paths import samples_dir
from kbapp.ui.changes import ChangeStream, LibraryWatcher
from kbapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def open_sample_library() -> Library:
    """A new library of the samples in a temporary folder (removed by `discard`)."""
    from kbapp.core.importer import import_paths
    from kbapp.qt_image import qt_decoder

    folder = Path(tempfile.mkdtemp(prefix="kbapp-samples-"))
    library = Library(folder / "samples.sqlite")
    import_paths(library, [samples_dir()], image_decoder=qt_decoder, workers=0)
    log.info("the samples, in %s", folder)
    return library


def discard(library: Library) -> None:
    """Close a sample library and delete its folder."""
    library.close()
    shutil.rmtree(library.path.parent, ignore_errors=True)


class WelcomeCard(QFrame):
    """The empty state: what the window shows and how to bring the user's digests in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(self)
        self.text.setObjectName("welcomeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_files = QPushButton("Import digests…", self)
        self.import_files.setObjectName("welcomeImportFiles")
        self.import_folder = QPushButton("Import a folder…", self)
        self.import_folder.setObjectName("welcomeImportFolder")
        self.open_folder = QPushButton("Open the library's folder", self)
        self.open_folder.setObjectName("welcomeOpenFolder")
        buttons = QHBoxLayout()
        for button in (self.import_files, self.import_folder, self.open_folder):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the reader
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def describe(self, library_path: Path, *, samples: bool) -> None:
        first = (
            "<b>These are samples, not your library.</b> Four example digests to try "
            "kbapp on; they go away when you import your own."
            if samples
            else "<b>Your library is empty.</b>"
        )
        self.text.setText(
            f"{first}<br>To read your own digests: drag a folder of them (or .md files) "
            "onto this window, press <b>Ctrl+O</b>, or run <code>kbapp import FOLDER</code> "
            "in a terminal. After an import kbapp asks arXiv for the papers' authors and "
            "dates, and doi.org for where they were published, sending their arXiv IDs "
            "and DOIs and nothing else (Settings turns it off)."
            f"<br>Your library: <code>{_escape(str(library_path))}</code>"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Samples(QObject):
    """The window on the samples while `user_library` (empty) waits for its first
    import: imports started in the window go to the user's library (the importer gets
    a runner on it), and a write there from anywhere makes the window switch to it."""

    left = Signal()  # the window now shows the user's library

    def __init__(self, window: MainWindow, user_library: Library) -> None:
        super().__init__(window)
        self.window = window
        self.user_library = user_library
        self.user_path = user_library.path
        self._runner: TaskRunner | None = TaskRunner(user_library.path, self)
        window.safety.watch(self._runner)
        window.importer.set_runner(self._runner)
        self._stream = ChangeStream(self)
        self._stream.changed.connect(self._user_library_changed)
        self._watcher = LibraryWatcher(user_library, self._stream, self)
        self._watcher.start()
        # Before the window's own handler, which shows the newest day of the import.
        window.importer.finished.connect(self._imported)

    @property
    def active(self) -> bool:
        return self._runner is not None

    def _imported(self, _report: object) -> None:
        self.leave()

    def _user_library_changed(self, _changes: object) -> None:
        """A write in the user's library by another process (`kbapp import`)."""
        if self.window.importer.running:  # this window's import: left when it is done
            return
        if not self.user_library.days.is_empty():
            self.leave()
            self.window.navigation.newest_day()

    def leave(self) -> None:
        """Switch the window to the user's library; the samples are deleted."""
        if not self._stop():
            return
        samples = self.window.library
        if self.window.library_actions.switch_library(self.user_path):
            discard(samples)
        log.info("left the samples for %s", self.user_path)
        self.left.emit()

    def shutdown(self) -> None:
        """The window closes on the samples: stop following the user's library."""
        self._stop()

    def _stop(self) -> bool:
        """Stop following the user's library (False if already stopped)."""
        if self._runner is None:
            return False
        self._watcher.stop()
        self._runner.shutdown()
        self._runner = None
        self.user_library.close()
        return True
