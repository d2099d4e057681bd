"""The main window's images, importing and libraries: a mixin of `MainWindow`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog

from kbapp.core.store.library import Library, LibraryError
from kbapp.ui.days_model import DaysModel
from kbapp.ui.importing import MESSAGE_MS, describe_refusal, importable
from kbapp.ui.settings import SettingsDialog
from kbapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, SignalInstance
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from kbapp.core.importer import ImportReport
    from kbapp.ui.changes import ChangeStream, LibraryWatcher
    from kbapp.ui.images import ImagePresenter
    from kbapp.ui.importing import ImportController
    from kbapp.ui.notes import NotePanel
    from kbapp.ui.papers import PapersView
    from kbapp.ui.reader import ReaderView
    from kbapp.ui.sidebar import Sidebar
    from kbapp.ui.user_layer import UserLayer


class LibraryActions(QMainWindow if TYPE_CHECKING else object):  # type: ignore[misc]
    library: Library
    runner: TaskRunner
    settings: QSettings
    images: ImagePresenter
    importer: ImportController
    notes: NotePanel
    reader: ReaderView
    sidebar: Sidebar
    user: UserLayer
    model: DaysModel
    changes: ChangeStream
    watcher: LibraryWatcher
    papers: PapersView | None
    files_waiting: list[Path]  # given to open, not yet imported (MainWindow's)
    _icons_applied: bool  # finish_startup ran (MainWindow's)

    library_switched: SignalInstance  # MainWindow's

    def _make_images(self) -> ImagePresenter:
        raise NotImplementedError  # MainWindow's

    def _update_title(self) -> None:
        raise NotImplementedError  # MainWindow's

    def newest_day(self) -> None:
        raise NotImplementedError  # MainWindow's

    def current_date(self) -> str | None:
        raise NotImplementedError  # MainWindow's

    def retry_images(self) -> None:
        count = self.images.retry_failed()
        message = f"Retrying {count} image(s)." if count else "No image of this day failed."
        self.statusBar().showMessage(message, 4000)

    def download_all_images(self) -> None:
        dialog = QProgressDialog("Downloading images…", "Cancel", 0, 0, self)
        dialog.setObjectName("downloadImages")
        dialog.setWindowTitle("Download all images")
        dialog.setMinimumDuration(0)
        total = self.images.download_all()
        if total == 0:
            dialog.close()
            self.statusBar().showMessage("Every image is already downloaded or waiting.", 5000)
            return
        dialog.setMaximum(total)

        def update(done: int, total: int, size: int, failures: int) -> None:
            # The label first: a modal progress dialog's setValue() runs the event loop,
            # which may deliver (and show) the next result before this call goes on.
            dialog.setLabelText(
                f"{done} of {total} images · {size / 1024 / 1024:.1f} MB · {failures} failed"
            )
            dialog.setValue(done)
            if done >= total:
                self.images.progress.disconnect(update)
                dialog.close()

        self.images.progress.connect(update)
        dialog.canceled.connect(self.images.cancel_downloads)
        dialog.open()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.reader.show_day(self.reader.day))
        dialog.open()

    # -- importing ------------------------------------------------------------------------
    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import digests", str(Path.home()), "Digests (*.md);;All files (*)"
        )
        if names:
            self.importer.start([Path(name) for name in names])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of digests")
        if folder:
            self.importer.start([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.importer.handle_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def open_files(self, paths: list[Path]) -> None:
        """Import files named on the command line or handed over by a later launch, as
        a drop does: what cannot be imported gets a message, and the newest day
        imported is shown at the end. They wait their turn while an import runs, and
        until the window has painted once (`finish_startup` calls `import_waiting`)."""
        self.files_waiting.extend(paths)
        if self._icons_applied and not self.importer.running:
            self.import_waiting()

    def import_waiting(self) -> None:
        paths, self.files_waiting = self.files_waiting, []
        accepted, refused = importable(paths)
        if refused:
            self.statusBar().showMessage(describe_refusal(refused, True), MESSAGE_MS)
        if accepted:
            self.importer.start(accepted)

    def _after_import(self, report: ImportReport) -> None:
        """What the import wrote goes to every view (the stream), then its newest day
        is shown."""
        self.changes.publish(report.changes)
        newest = report.newest_date()
        if newest:
            self._force_show(newest)
        if self.files_waiting:  # handed over while this import ran
            self.import_waiting()

    def _papers_changed(self) -> None:
        """The papers list, if it was opened, read again (another library, an import)."""
        if self.papers is not None:
            self.papers.load(self.runner, self.library)

    def _force_show(self, date: str) -> None:
        self.sidebar.select_date(date, emit=False)
        self.reader.show_day(self.user.decorate(self.library, self.library.days.day(date)))

    # -- libraries ------------------------------------------------------------------------
    def open_library(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open library", str(self.library.path.parent), "kbapp library (*.sqlite *.db)"
        )
        if name:
            self.switch_library(Path(name))

    def new_library(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New library", str(self.library.path.parent / "library.sqlite"),
            "kbapp library (*.sqlite)",
        )  # fmt: skip
        if name:
            self.switch_library(Path(name))

    def switch_library(self, path: Path) -> bool:
        if self.importer.running:
            self.statusBar().showMessage("Wait for the import to finish first.", 5000)
            return False
        try:
            library = Library(path)
        except LibraryError as error:
            QMessageBox.warning(self, "Cannot open library", str(error))
            return False
        self.notes.show_target(None)  # saves what was typed, before the runner stops
        self.images.shutdown()
        self.runner.shutdown()
        self.library.close()
        self.library = library
        self.runner = TaskRunner(library.path, self)
        self.importer.set_runner(self.runner)
        self.user.set_runner(self.runner)  # the undo history was the other library's
        self.notes.set_runner(self.runner)
        self.images = self._make_images()
        self.images.start()
        self.watcher.watch(library)
        self.model = DaysModel(library, self)
        self.sidebar.set_model(self.model)
        self.reader.show_day(None)
        self._update_title()
        self.newest_day()
        self._papers_changed()
        self.library_switched.emit(library.path)
        return True
