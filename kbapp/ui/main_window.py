"""The main window: wires the sidebar, the reader, the actions and importing together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QStackedWidget,
    QWidget,
)

import kbapp
from kbapp.core.store import Library, LibraryError

if TYPE_CHECKING:  # the importer loads only when the user imports
    from kbapp.core.importer import ImportReport
from kbapp.ui import actions, icons
from kbapp.ui.days_model import DaysModel
from kbapp.ui.images import ImagePresenter
from kbapp.ui.importing import ImportController
from kbapp.ui.notes import NotePanel

if TYPE_CHECKING:
    from kbapp.ui.papers import PapersView
from kbapp.ui.reader import ReaderView
from kbapp.ui.settings import SettingsDialog
from kbapp.ui.sidebar import Sidebar
from kbapp.ui.tasks import TaskRunner
from kbapp.ui.user_layer import UserLayer, kb_query

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self._initial_day: str | None = None  # the day restore_state chose, shown at show
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.library = library
        self.settings = settings
        self.remember_state = True  # False in screenshot mode: leave the user's layout be
        self.runner = TaskRunner(library.path, self)
        self.model = DaysModel(library, self)
        self.sidebar = Sidebar(self.model, self)
        self.reader = ReaderView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.views = QStackedWidget(self)  # the days (0) and, made when first shown, the papers
        self.views.addWidget(self.splitter)
        self.papers: PapersView | None = None
        self.setCentralWidget(self.views)
        self.importer = ImportController(self.runner, self.statusBar(), self)
        self.importer.finished.connect(self._after_import)
        self.images = self._make_images()
        self.user = UserLayer(self.runner, self)
        self.user.changed.connect(self._user_changed)
        self.link_picker: QDialog | None = None  # the last one opened
        self.user.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.notes = NotePanel(self.runner, lambda: self.library, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes)
        self.notes.saved.connect(self._note_saved)
        self.notes.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.notes.link_clicked.connect(self._on_note_link)
        self.reader.selection_changed.connect(self._selection_changed)
        self.reader.kb_link.connect(self._on_kb_link)
        self.actions_by_name = actions.install(self, self._handlers())
        self.sidebar.day_selected.connect(self.show_date)
        self._update_title()
        self.resize(1280, 820)
        self.reader.setFocus()  # keys go to the reader first: J/K work at once
        self._started = False
        self.reader.viewport().installEventFilter(self)
        self._icons_applied = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # After the reader's first paint (a zero timer set at show time would run before
        # it), load what the first picture does not need.
        if not self._started and event.type() == QEvent.Type.Paint:
            self._started = True
            self.reader.viewport().removeEventFilter(self)
            QTimer.singleShot(0, self.finish_startup)
        return False

    def finish_startup(self) -> None:
        """What can wait until the window has painted once: icons, the writing side."""
        if self._icons_applied:
            return
        self._icons_applied = True
        self.images.start()
        self.library.prepare_writes()
        icons.load()
        actions.apply_icons(self.actions_by_name)
        self.importer.apply_icons()
        self.reader.refresh()

    def _handlers(self) -> dict[str, object]:
        return {
            "import-files": self.import_files,
            "import-folder": self.import_folder,
            "open-library": self.open_library,
            "new-library": self.new_library,
            "quit": self.close,
            "previous-day": lambda: self.step_day(-1),
            "next-day": lambda: self.step_day(+1),
            "newest-day": self.newest_day,
            "oldest-day": self.oldest_day,
            "go-to-date": self.go_to_date,
            "next-item": lambda: self.reader.select_step(+1),
            "previous-item": lambda: self.reader.select_step(-1),
            "open-article": self.open_article,
            "focus-filter": self.sidebar.focus_filter,
            "settings": self.show_settings,
            "download-images": self.download_all_images,
            "retry-images": self.retry_images,
            "show-days": self.show_days,
            "show-papers": self.show_papers,
            "edit-note": self.edit_note,
            "link-item": self.link_selected,
            "save-note": lambda: self.notes.save("save"),
            "note-history": self.notes.show_history,
            "undo": self.user.undo_stack.undo,
            "redo": self.user.undo_stack.redo,
            **{f"rate-{n}": self._rater(n) for n in range(6)},
            "shortcuts": self.show_shortcuts,
            "about": self.show_about,
        }

    def _update_title(self) -> None:
        self.setWindowTitle(f"kbapp — {self.library.path.name}")

    # -- days -----------------------------------------------------------------------------
    def show_date(self, date: str) -> None:
        """Show a day in the reader (the sidebar follows)."""
        self._initial_day = None
        if self.sidebar.current_date() != date and not self.sidebar.select_date(date, emit=False):
            self.sidebar.filter_edit.clear()
            self.sidebar.apply_filter()
            self.sidebar.select_date(date, emit=False)
        current = self.reader.day
        if current is not None and current.date == date:
            return
        self.reader.show_day(self.user.decorate(self.library, self.library.day(date)))

    def _refresh_day(self) -> None:
        """The shown day read again (the user changed it, or its cross-links), in place."""
        current = self.reader.day
        if current is not None:
            self.reader.replace_day(
                self.user.decorate(self.library, self.library.day(current.date))
            )

    def _note_saved(self, target: str, date: str) -> None:
        if date:
            self._user_changed(date)
        if self.papers is not None and target.startswith("paper:"):
            self.papers.refresh_page()

    def _user_changed(self, date: str) -> None:
        if self.papers is not None and self.views.currentWidget() is self.papers:
            self.papers.refresh_page()
        self.model.update_day(date)
        if self.current_date() == date:
            self._refresh_day()
            self.notes.refresh_ratings()

    # -- the user's layer -------------------------------------------------------------------
    def _selection_changed(self, key: str) -> None:
        day = self.reader.day
        item = day.item(key) if day and key else None
        if item is None or day is None:
            self.notes.show_target(None)
        else:
            heading = f"{day.date} · {item.index or '·'}. {item.title}"
            self.notes.show_target(f"item:{key}", heading, day.date)

    # -- views -----------------------------------------------------------------------------
    def show_days(self) -> None:
        self.views.setCurrentIndex(0)
        self._enable_day_actions(True)
        self._selection_changed(self.reader.selected_key or "")
        self.reader.setFocus()

    def show_papers(self) -> None:
        if self.papers is None:
            from kbapp.ui.papers import PapersView

            self.papers = PapersView(self)
            self.papers.kb_link.connect(self._on_kb_link)
            self.papers.paper_chosen.connect(
                lambda key, title: self.notes.show_target(f"paper:{key}", f"Paper: {title}")
            )
            self.views.addWidget(self.papers)
        self.papers.load(self.runner, self.library)
        self.views.setCurrentWidget(self.papers)
        self._enable_day_actions(False)
        self.notes.show_target(None)
        self.papers.table.setFocus()

    def _enable_day_actions(self, enabled: bool) -> None:
        """Day and item keys act on the days view only (J, K, 0-5 are plain keys)."""
        for name, action in self.actions_by_name.items():
            if actions.command(name).menu in ("&Go", "&Item") and name not in (
                "edit-note",
                "link-item",
            ):
                action.setEnabled(enabled)

    def link_selected(self) -> None:
        """Ctrl+Shift+L: link the selected item (or the paper shown) to another."""
        from kbapp.ui.link_picker import LinkPicker

        source, heading = self.notes.target, self.notes.heading.text()
        if source is None:
            self.statusBar().showMessage("Select an item with J or K (or a paper) first.", 3000)
            return
        date = self.current_date() or "" if source.startswith("item:") else ""
        picker = LinkPicker(self.runner, source, heading, self)
        self.link_picker = picker

        def chosen() -> None:
            if picker.chosen is not None:
                target, label = picker.chosen
                self.user.link(self.library, source, target, label, date)

        picker.accepted.connect(chosen)
        picker.finished.connect(self._keyboard_back)
        picker.open()

    def _keyboard_back(self) -> None:
        """After a dialog: the keyboard back in the window, where it was."""
        self.activateWindow()
        (self.reader if self.views.currentIndex() == 0 else self.views.currentWidget()).setFocus()

    def _on_note_link(self, url: QUrl) -> None:
        if url.scheme() == "kb":
            self._on_kb_link(url)
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def follow_reference(self, text: str) -> None:
        """`[[text]]` of a note, followed: the day, item or paper it names."""
        found = self.library.resolve(text)
        if found is None:
            self.statusBar().showMessage(f"Nothing in the library matches [[{text}]].", 5000)
        elif found.startswith("day:"):
            self.show_days()
            self.show_date(found.removeprefix("day:"))
        else:
            self.open_target(found)

    def open_target(self, target: str) -> None:
        """Show an item (in its day) or a paper (in the papers view)."""
        if target.startswith("paper:"):
            self.show_papers()
            assert self.papers is not None
            key = target.removeprefix("paper:")
            if not self.papers.select_key(key):
                self.papers.pending_key = key
        else:
            self.show_days()
            self.show_item(target.removeprefix("item:"))

    def edit_note(self) -> None:
        if self.notes.target is None:
            self.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        self.notes.show()
        self.notes.editor.setFocus()

    def _rater(self, stars: int) -> Callable[[], None]:
        # A closure without parameters: Qt would hand a default parameter `checked`.
        return lambda: self.rate_selected(stars)

    def rate_selected(self, stars: int) -> None:
        day, key = self.reader.day, self.reader.selected_key
        item = day.item(key) if day and key else None
        if item is None:
            self.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        self.user.rate(item.key, day.date, item.my_rating, stars or None)  # type: ignore[union-attr]

    def show_item(self, key: str) -> None:
        date = key.partition("/")[0]
        self.show_date(date)
        self.reader.select(key)

    def current_date(self) -> str | None:
        day = self.reader.day
        return day.date if day else None

    def step_day(self, step: int) -> None:
        dates = self.library.dates()  # oldest first
        if not dates:
            return
        current = self.current_date()
        if current not in dates:
            self.show_date(dates[-1])
            return
        target = dates.index(current) + step
        if 0 <= target < len(dates):
            self.show_date(dates[target])
        else:
            self.statusBar().showMessage(
                "This is the newest day." if step > 0 else "This is the oldest day.", 3000
            )

    def newest_day(self) -> None:
        dates = self.library.dates()
        if dates:
            self.show_date(dates[-1])

    def oldest_day(self) -> None:
        dates = self.library.dates()
        if dates:
            self.show_date(dates[0])

    def go_to_date(self) -> None:
        dates = self.library.dates()
        dialog = QInputDialog(self)
        dialog.setObjectName("goToDate")
        dialog.setWindowTitle("Go to date")
        dialog.setLabelText("Date (YYYY-MM-DD):")
        dialog.setTextValue(self.current_date() or "")
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            completer = QCompleter(list(reversed(dates)), dialog)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            edit.setCompleter(completer)
        dialog.textValueSelected.connect(self._go_to_text)
        dialog.open()

    def _go_to_text(self, text: str) -> None:
        text = text.strip()
        dates = self.library.dates()
        if text in dates:
            self.show_date(text)
            return
        matches = [date for date in dates if date.startswith(text)]
        if matches:
            self.show_date(matches[0])
        else:
            self.statusBar().showMessage(f"No digest on {text}.", 5000)

    def open_article(self) -> None:
        if self.focusWidget() is self.sidebar.filter_edit:
            self.sidebar.apply_filter()
            self.sidebar.tree.setFocus()
            return
        if not self.reader.open_selected():
            self.statusBar().showMessage("Select an item with J or K first.", 3000)

    # -- images ---------------------------------------------------------------------------
    def _make_images(self) -> ImagePresenter:
        presenter = ImagePresenter(self.library, self.runner, self.settings)
        self.reader.set_images(presenter)
        return presenter

    def _on_kb_link(self, url: QUrl) -> None:
        path = url.path()
        values = kb_query(url)
        day = self.reader.day
        if path == "rate" and day is not None:
            item = day.item(values.get("key", ""))
            if item is not None:
                stars = int(values.get("stars", "0"))
                self.user.rate(item.key, day.date, item.my_rating, stars or None)
            return
        if path == "decide" and day is not None:
            decision = values.get("to")
            self.user.decide(self.library, values["a"], values["b"], day.date, decision)
            return
        if path == "item":
            self.open_target(f"item:{values.get('key', '')}")
            return
        if path == "open":
            self.open_target(values.get("target", ""))
            return
        if path == "resolve":
            self.follow_reference(values.get("q", ""))
            return
        if path == "unlink":
            date = day.date if day is not None and values["a"].startswith("item:") else ""
            self.user.unlink(self.library, values["a"], values["b"], date)
            return
        if path == "day":
            self.show_date(values.get("date", ""))
            return
        if path.startswith("image/"):
            key = unquote(path.removeprefix("image/"))
            picture = self.images.path_of(key)
            if picture is not None:
                from kbapp.ui.viewer import ImageViewer

                viewer = ImageViewer(picture, Path(picture).name, self)
                viewer.open()
            else:
                self.images.retry([key])
                self.statusBar().showMessage("Trying the image again…", 3000)

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

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        if self.importer.handle_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def _after_import(self, report: ImportReport) -> None:
        self.notes.forget_targets()
        newest = report.newest_date()
        self.sidebar.reload()
        current = self.current_date()
        if newest:
            self._force_show(newest)
        elif current and current in report.changes.dates:
            self._force_show(current)

    def _force_show(self, date: str) -> None:
        self.sidebar.select_date(date, emit=False)
        self.reader.show_day(self.user.decorate(self.library, self.library.day(date)))

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
        self.model = DaysModel(library, self)
        self.sidebar.set_model(self.model)
        self.reader.show_day(None)
        self._update_title()
        self.newest_day()
        return True

    # -- help -----------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        dialog = actions.ShortcutsDialog(self)
        dialog.open()

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About kbapp")
        box.setText(
            f"<h3>kbapp {kbapp.__version__}</h3><p>A desktop knowledge base for daily "
            f"research-reading digests.</p><p>Library: <code>{self.library.path}</code></p>"
        )
        box.open()

    # -- state ----------------------------------------------------------------------------
    def restore_state(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = self.settings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        window_state = self.settings.value("window_state")
        if isinstance(window_state, QByteArray):
            self.restoreState(window_state)
        last = self.settings.value("last_day")
        dates = self.library.dates()
        if isinstance(last, str) and last in dates:
            self._initial_day = last
        elif dates:
            self._initial_day = dates[-1]
        else:
            self.reader.show_day(None)
        if self.isVisible():
            self._show_initial_day()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._show_initial_day()

    def _show_initial_day(self) -> None:
        """The restored day is rendered once the window has its size (pictures are laid
        out to the reader's width): rendering before show would be done twice."""
        if self._initial_day:
            self.show_date(self._initial_day)

    def save_state(self) -> None:
        if not self.remember_state:
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("window_state", self.saveState())
        if self.current_date():
            self.settings.setValue("last_day", self.current_date())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.notes.flush()  # before the runner stops: it runs every queued save first
        self.save_state()
        self.importer.cancel()
        self.images.shutdown()
        self.runner.shutdown()
        super().closeEvent(event)
