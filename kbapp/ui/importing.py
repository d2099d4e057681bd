"""Importing from the window: drops and file dialogs, a progress bar with cancel in the
status bar, the work on the task runner, and at the end a summary in the status bar and,
when some file was not imported, a report that lists each one with its reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressBar, QStatusBar, QToolButton, QWidget

from kbapp.core.store.library import Library
from kbapp.ui import icons
from kbapp.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:  # the importer (and multiprocessing) load on the first import
    from kbapp.core.importer import FileOutcome, ImportReport

MESSAGE_MS = 10_000


def importable(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Split dropped paths into what can be imported (.md files, folders) and the rest."""
    accepted: list[Path] = []
    refused: list[Path] = []
    for path in paths:
        if path.is_dir() or (path.is_file() and path.suffix.lower() == ".md"):
            accepted.append(path)
        else:
            refused.append(path)
    return accepted, refused


def dropped_paths(mime: QMimeData) -> list[Path]:
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def describe_refusal(refused: list[Path], had_urls: bool) -> str:
    if not had_urls or not refused:
        return "Nothing to import: drop digest .md files or folders of them."
    from kbapp.ui.import_report import not_markdown  # with the first import, not at start

    return not_markdown(refused)


class ImportController(QObject):
    """Owns the status-bar progress widgets and runs one import at a time."""

    finished = Signal(object)  # the ImportReport
    refused = Signal(str)  # the message shown for a drop that had nothing to import
    reported = Signal(object)  # the ImportReportDialog listing the files not imported

    def __init__(
        self,
        runner: TaskRunner,
        status_bar: QStatusBar,
        parent_widget: QWidget,
    ) -> None:
        super().__init__(parent_widget)
        self._runner = runner
        self._status = status_bar
        self._parent = parent_widget
        self._task: Task | None = None
        self._refused: list[Path] = []  # given with the running import, for its report
        self.progress = QProgressBar(status_bar)
        self.progress.setObjectName("importProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("Importing %v of %m")
        self.cancel_button = QToolButton(status_bar)
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel the import (files done so far stay imported)")
        self.cancel_button.clicked.connect(self.cancel)
        status_bar.addPermanentWidget(self.progress)
        status_bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def apply_icons(self) -> None:
        self.cancel_button.setIcon(icons.action_icon("cancel"))

    def set_runner(self, runner: TaskRunner) -> None:
        self._runner = runner

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, paths: list[Path], refused: Sequence[Path] = ()) -> bool:
        """Import in the background; False (with a message) when one is already running.
        `refused`: what came with `paths` but cannot be imported (not markdown), listed
        in the report at the end rather than in a message the progress would hide."""
        if self._task is not None:
            self._status.showMessage("An import is already running.", MESSAGE_MS)
            return False
        self._refused = list(refused)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self._status.showMessage(f"Importing {len(paths)} dropped or chosen path(s)…")

        def work(library: Library, task: Task) -> ImportReport:
            from kbapp.core.importer import import_paths
            from kbapp.qt_image import qt_decoder

            def progress(done: int, total: int, outcome: FileOutcome) -> None:
                task.progress(done, total, outcome.path.name)

            return import_paths(
                library,
                paths,
                progress=progress,
                cancel=lambda: task.cancelled,
                image_decoder=qt_decoder,
            )

        self._task = self._runner.run(
            work, on_done=self._done, on_error=self._failed, on_progress=self._progressed
        )
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._status.showMessage("Cancelling the import after the current file…")

    def handle_drop(self, mime: QMimeData) -> bool:
        """Import what a drop holds; refuse with a clear message what cannot be."""
        paths = dropped_paths(mime)
        accepted, refused = importable(paths)
        if not accepted:
            message = describe_refusal(refused, bool(paths))
            self._status.showMessage(message, MESSAGE_MS)
            self.refused.emit(message)
            return False
        return self.start(accepted, refused)

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setToolTip(name)

    def _finish(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()

    def _done(self, report: ImportReport) -> None:
        from kbapp.ui.import_report import ImportReportDialog, summary

        self._finish()
        refused, self._refused = self._refused, []
        prefix = "Import cancelled: " if report.cancelled else "Import finished: "
        self._status.showMessage(prefix + summary(report, refused), MESSAGE_MS)
        if refused or report.not_imported():
            dialog = ImportReportDialog(report, refused, self._parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            self.reported.emit(dialog)
        self.finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        self._refused = []
        self._status.showMessage(f"Import stopped: {error}", MESSAGE_MS)
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Import stopped", str(error), parent=self._parent
        )
        box.setObjectName("importError")
        box.open()
