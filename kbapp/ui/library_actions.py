"""The window's library: its images, importing into it, the settings, and opening another.

`LibraryActions` is a controller of `MainWindow`: it holds no widget and no state of its
own. Opening another library (`switch_library`) replaces the window's library, task
runner, images and days model; everything else reaches those through the window when it
acts, so it follows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from kbapp.core.store.library import Library, LibraryError
from kbapp.ui.days_model import DaysModel
from kbapp.ui.download_bar import DownloadBar
from kbapp.ui.images import ImagePresenter
from kbapp.ui.importing import MESSAGE_MS, describe_refusal, dropped_paths, importable
from kbapp.ui.lookup_bar import LookupBar
from kbapp.ui.paper_lookup import look_up_online
from kbapp.ui.settings import SettingsDialog
from kbapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from kbapp.core.importer import ImportReport
    from kbapp.ui.main_window import MainWindow


class LibraryActions:
    """File ▸ Import, drops and files handed over by other launches; File ▸ Open and New
    library; File ▸ Settings; Library ▸ Download all images and Retry images."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._offer: Path | None = None  # the folder being imported, offered as a source

    # -- images ---------------------------------------------------------------------------
    def make_images(self) -> ImagePresenter:
        """The image presenter of the window's library, given to the reader."""
        window = self.window
        presenter = ImagePresenter(window.library, window.runner, window.settings)
        window.reader.set_images(presenter)
        return presenter

    def retry_images(self) -> None:
        count = self.window.images.retry_failed()
        message = f"Retrying {count} image(s)." if count else "No image of this day failed."
        self.window.statusBar().showMessage(message, 4000)

    def download_all_images(self) -> None:
        """Fetch every due image of the library, with progress and Cancel in the status
        bar (`DownloadBar`): no dialog, the window goes on working meanwhile."""
        window = self.window
        status = window.statusBar()
        if self._download_bar() is not None:
            status.showMessage(
                "Images are already downloading (Cancel is in the status bar).", 5000
            )
            return
        total = window.images.download_all()
        if total == 0:
            status.showMessage("Every image is already downloaded or waiting.", 5000)
            return
        DownloadBar(window.images, total, status)
        status.showMessage(f"Downloading {total} images…", 5000)

    # -- papers' details ------------------------------------------------------------------
    def look_up_papers(self) -> None:
        """Every paper not yet looked up on arXiv (or due again after a failure), with
        progress and Cancel in the status bar (`LookupBar`)."""
        lookup = self.window.paper_lookup
        if self._lookup_bar() is not None:
            self.window.statusBar().showMessage(
                "Paper details are already being looked up (Cancel is in the status bar).", 5000
            )
            return
        lookup.look_up(by_hand=True)

    def lookup_started(self, total: int, by_hand: bool) -> None:
        status = self.window.statusBar()
        if total == 0:
            if by_hand:
                status.showMessage("Every paper's details are already looked up.", 5000)
            return
        if self._lookup_bar() is None:
            LookupBar(self.window.paper_lookup, total, status)
        status.showMessage(f"Looking up {total} papers on arXiv…", 5000)

    def _lookup_bar(self) -> LookupBar | None:
        bars = self.window.statusBar().findChildren(LookupBar)
        return next((bar for bar in bars if bar.active), None)

    def _download_bar(self) -> DownloadBar | None:
        bars = self.window.statusBar().findChildren(DownloadBar)
        return next((bar for bar in bars if bar.active), None)

    def show_settings(self) -> None:
        window = self.window
        dialog = SettingsDialog(window.settings, window, library=window.library.path)
        dialog.accepted.connect(window.apply_reading_settings)  # in place: the scroll kept
        dialog.accepted.connect(window.sources.apply_schedule)
        dialog.finished.connect(window.user_actions.keyboard_back)
        dialog.open()

    # -- importing ------------------------------------------------------------------------
    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window, "Import digests", str(Path.home()), "Digests (*.md);;All files (*)"
        )
        if names:
            self.window.importer.start([Path(name) for name in names])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of digests")
        if folder:
            self.import_folder_path(Path(folder))

    def import_folder_path(self, folder: Path) -> None:
        """Import a folder; when something came of it, offer to keep watching it."""
        if self.window.importer.start([folder]):
            self._offer = folder

    def drag_enter(self, event: QDragEnterEvent) -> None:
        """The window's dragEnterEvent: anything with URLs may be dropped."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        """The window's dropEvent: the importer takes what it can import."""
        if self.window.importer.handle_drop(event.mimeData()):
            dropped = dropped_paths(event.mimeData())
            if len(dropped) == 1 and dropped[0].is_dir():  # a folder: offered as a source
                self._offer = dropped[0]
            event.acceptProposedAction()
        else:
            event.ignore()

    def open_files(self, paths: list[Path]) -> None:
        """Import files named on the command line or handed over by a later launch, as
        a drop does: what cannot be imported gets a message, and the newest day
        imported is shown at the end. They wait their turn (in the window's
        `files_waiting`) while an import runs, and until the window has painted once
        (`finish_startup` calls `import_waiting`)."""
        window = self.window
        window.files_waiting.extend(paths)
        if window.startup_finished and not window.importer.running:
            self.import_waiting()

    def import_waiting(self) -> None:
        window = self.window
        paths, window.files_waiting = window.files_waiting, []
        accepted, refused = importable(paths)
        if accepted:  # the refused are listed in the import's report
            window.importer.start(accepted, refused)
        elif refused:
            window.statusBar().showMessage(describe_refusal(refused, True), MESSAGE_MS)

    def _after_import(self, report: ImportReport, *, show_newest: bool = True) -> None:
        """What the import wrote goes to every view (the stream), then its newest day
        is shown (unless it is the one on screen, which the stream redrew in place; a
        source's scan leaves the reader where the user is)."""
        window = self.window
        window.changes.publish(report.changes)
        if report.changes and look_up_online(window.settings):  # the new papers' details
            window.paper_lookup.look_up()
        newest = report.newest_date()
        if show_newest and newest and newest != window.current_date():
            window._force_show(newest)
        if show_newest:  # the user's import, not a source's scan
            offered, self._offer = self._offer, None
            if offered is not None and report.changes:  # a folder's first import
                window.sources.offer(offered)
        if window.files_waiting:  # handed over while this import ran
            self.import_waiting()

    # -- libraries ------------------------------------------------------------------------
    def open_library(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window,
            "Open library",
            str(self.window.library.path.parent),
            "kbapp library (*.sqlite *.db)",
        )
        if name:
            self.switch_library(Path(name))

    def new_library(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "New library", str(self.window.library.path.parent / "library.sqlite"),
            "kbapp library (*.sqlite)",
        )  # fmt: skip
        if name:
            self.switch_library(Path(name))

    def switch_library(self, path: Path) -> bool:
        """Open another library in this window (False, with a message, if it cannot be
        opened now or at all); the window's `library_switched` says so when it has."""
        window = self.window
        if window.importer.running:
            window.statusBar().showMessage("Wait for the import to finish first.", 5000)
            return False
        try:
            library = Library(path, check=False)  # checked on the worker (`attach`)
        except LibraryError as error:
            QMessageBox.warning(window, "Cannot open library", str(error))
            return False
        self.detach()
        self.attach(library)
        return True

    def detach(self) -> None:
        """Let go of the window's library: what was typed saved, downloads and the worker
        stopped (every queued write run first), the connection closed. `attach` follows."""
        window = self.window
        window.notes.show_target(None)  # saves what was typed, before the runner stops
        bar = self._download_bar()
        if bar is not None:  # its presenter stops here and would never say it ended
            bar.close_bar()
            window.statusBar().showMessage("Image downloads stopped: another library opened.")
        window.images.shutdown()
        window.runner.shutdown()
        window.library.close()

    def attach(self, library: Library) -> None:
        """The window on `library`: a runner, images and days model of its own."""
        window = self.window
        window.library = library
        window.runner = TaskRunner(library.path, window)
        window.safety.watch(window.runner)
        window.importer.set_runner(window.runner)
        window.user.set_runner(window.runner)  # the undo history was the other library's
        window.notes.set_runner(window.runner)
        window.paper_lookup.set_runner(window.runner)  # what ran was the other library's
        window.images = self.make_images()
        window.images.start()
        window.watcher.watch(library)
        window.model = DaysModel(library, window)
        window.sidebar.set_model(window.model)
        window.reader.show_day(None)
        window.update_title()
        window.navigation.newest_day()
        window._papers_changed()
        window.library_switched.emit(library.path)
        window.safety.verify()
