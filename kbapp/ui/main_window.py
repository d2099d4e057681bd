"""The main window: it owns the widgets (the sidebar, the reader, the note panel, the
papers view) and the library, and builds the controllers that act on them — the day
navigation (day_navigation.py), `UserActions` (user_actions.py), `LibraryActions`
(library_actions.py) and `ExportActions` (exports.py) — wiring them to its widgets'
signals and to the menu actions (`_handlers`). What the window keeps itself: the shown
day (`show_date`, `current_date`) and the views' refreshing when the library changes,
its startup, its saved state, and the Qt event overrides."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import kbapp
from kbapp.core.store.days import min_rating
from kbapp.core.store.library import Changes, Library
from kbapp.ui import actions, icons
from kbapp.ui.changes import ChangeStream, LibraryWatcher
from kbapp.ui.day_navigation import DayNavigation
from kbapp.ui.days_model import DaysModel
from kbapp.ui.errors import open_in_browser
from kbapp.ui.exports import ExportActions
from kbapp.ui.history import History
from kbapp.ui.importing import ImportController
from kbapp.ui.layout import Layout
from kbapp.ui.library_actions import LibraryActions
from kbapp.ui.notes import NotePanel
from kbapp.ui.paper_lookup import PaperLookup
from kbapp.ui.reader import ReaderView
from kbapp.ui.reading_actions import ReadingActions
from kbapp.ui.safety import SafetyActions
from kbapp.ui.samples import Samples, WelcomeCard, discard
from kbapp.ui.settings import (
    READER_ZOOM,
    apply_color_scheme,
    open_library_folder,
    reader_font,
    reader_zoom,
    theme_choice,
)
from kbapp.ui.sidebar import Sidebar
from kbapp.ui.sources import SourceWatch
from kbapp.ui.tasks import TaskRunner
from kbapp.ui.user_actions import UserActions
from kbapp.ui.user_layer import UserLayer

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from kbapp.core.importer import ImportReport
    from kbapp.ui.papers import PapersView
    from kbapp.ui.search_panel import SearchPanel

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The window: its widgets, the library they show, and the controllers acting on
    them (`navigation`, `user_actions`, `library_actions`, `export_actions`)."""

    library_switched = Signal(object)  # the Path of the library File ▸ Open library opened
    started = Signal()  # after the first paint, once `finish_startup` has run

    def __init__(self, library: Library, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self._initial_day: str | None = None  # the day restore_state chose, shown at show
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.library = library
        self.settings = settings
        self.remember_state = True  # False in screenshot mode: leave the user's layout be
        # The controllers: they reach the widgets below through the window as they act.
        self.navigation = DayNavigation(self)
        self.user_actions = UserActions(self)
        self.library_actions = LibraryActions(self)
        self.export_actions = ExportActions(self)
        self.safety = SafetyActions(self)
        self.runner = TaskRunner(library.path, self)
        self.safety.watch(self.runner)
        self.model = DaysModel(library, self)
        self.sidebar = Sidebar(self.model, self)
        self.reader = ReaderView(
            self, open_external=lambda url: open_in_browser(url, self.statusBar())
        )
        self.welcome = WelcomeCard(self)  # the empty state, and the samples' banner
        self.samples: Samples | None = None  # while the window shows the samples
        reading = QWidget(self)
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.welcome)
        column.addWidget(self.reader, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(reading)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 870])
        self.views = QStackedWidget(self)  # the days (0) and, made when first shown, the papers
        self.views.addWidget(self.splitter)
        self.papers: PapersView | None = None  # made by user_actions.show_papers
        self.setCentralWidget(self.views)
        self.importer = ImportController(self.runner, self.statusBar(), self)
        self.importer.finished.connect(self._imported)
        self.files_waiting: list[Path] = []  # see LibraryActions.open_files
        self.images = self.library_actions.make_images()
        self.user = UserLayer(self.runner, self)
        self.link_picker: QDialog | None = None  # the last one opened
        self.switcher: QDialog | None = None  # the last quick switcher opened
        self.search_panel: SearchPanel | None = None  # made when first asked for
        self.user.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.notes = NotePanel(self.runner, lambda: self.library, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes)
        self.resizeDocks([self.notes], [280], Qt.Orientation.Horizontal)
        self.layout_keeper = Layout(self)  # the reader's minimum; the docks give way
        self.history = History(self)  # Back and Forward
        self.reader.rendered.connect(self.history.day_shown)
        self.reader.selection_changed.connect(self.history.item_selected)
        # One stream of changes: this window's writes and other processes' (the watcher).
        self.changes = ChangeStream(self)
        self.watcher = LibraryWatcher(library, self.changes, self)
        self.user.changed.connect(self.changes.publish)
        self.notes.changed.connect(self.changes.publish)
        self.changes.changed.connect(self._on_changes)
        self.sources = SourceWatch(self)  # the folders the digests live in, watched
        self.library_switched.connect(lambda _path: self.sources.start())
        self.paper_lookup = PaperLookup(self.runner, self.changes.publish, parent=self)
        self.paper_lookup.started.connect(self.library_actions.lookup_started)
        self.notes.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.notes.link_clicked.connect(self.user_actions.follow_link)
        self.reader.selection_changed.connect(self.user_actions._selection_changed)
        self.reader.kb_link.connect(self.user_actions._on_kb_link)
        self.reader.card_menu.connect(self.user_actions.card_menu)
        self.reader.zoomed.connect(self._zoomed)
        self.reading = ReadingActions(self)  # read state, the queue, tags (and their keys)
        self.actions_by_name = actions.install(self, actions.handlers(self))
        self.sidebar.remove_requested.connect(self.user_actions.remove_days)
        # Undo and redo say what they would do, in the menu and, when done, the status bar.
        stack = self.user.undo_stack
        undo, redo = self.actions_by_name["undo"], self.actions_by_name["redo"]
        stack.undoTextChanged.connect(lambda text: undo.setText(f"&Undo {text}".rstrip()))
        stack.redoTextChanged.connect(lambda text: redo.setText(f"&Redo {text}".rstrip()))
        self.user.acting.connect(lambda message: self.statusBar().showMessage(message, 6000))
        self.user.went_to.connect(self._go_to_change)
        self.sidebar.day_selected.connect(self.show_date)
        self.sidebar.filtered.connect(lambda text: self.reader.set_min_rating(min_rating(text)[1]))
        self.update_title()
        self.welcome.import_files.clicked.connect(self.library_actions.import_files)
        self.welcome.import_folder.clicked.connect(self.library_actions.import_folder)
        self.welcome.open_folder.clicked.connect(
            lambda: open_library_folder(
                self.samples.user_path if self.samples is not None else self.library.path
            )
        )
        self.library_switched.connect(lambda _path: self._update_welcome())
        self._update_welcome()
        self.resize(1280, 820)
        self.reader.setFocus()  # keys go to the reader first: J/K work at once
        self._started = False
        self.reader.viewport().installEventFilter(self)
        self.sidebar.filter_edit.installEventFilter(self)
        self.startup_finished = False  # finish_startup has run
        # The daily backup waits until the first minute's reading is done (it copies
        # the whole file: on a ten-year library about a second of disk on the worker).
        self.backup_delay_ms = 60_000

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = event.type() == QEvent.Type.MouseButtonPress
        if pressed and isinstance(event, QMouseEvent) and self._mouse_history(event):
            return True
        # Esc in the day filter: back to the reader, the filter kept.
        if (
            watched is self.sidebar.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.user_actions.keyboard_back()
            return True
        # After the reader's first paint (a zero timer set at show time would run before
        # it), load what the first picture does not need.
        if not self._started and event.type() == QEvent.Type.Paint:
            self._started = True
            QTimer.singleShot(0, self.finish_startup)
        return False

    def finish_startup(self) -> None:
        """What can wait until the window has painted once: icons, the watcher, notes."""
        if self.startup_finished:
            return
        self.startup_finished = True
        self.images.start()
        self.notes.build()
        self.notes.editor.escaped.connect(self.user_actions.keyboard_back)
        self.watcher.start()
        self.sources.start()  # each source rescanned on the worker, then watched
        self.sources.start_schedule()  # git sources pulled now and later, if so set
        if recovered := self.notes.recover():  # typed in a window that could not save them
            noun = "note" if recovered == 1 else "notes"
            self.statusBar().showMessage(
                f"Saving {recovered} {noun} typed before kbapp last closed", 8000
            )
        icons.load()
        QApplication.setWindowIcon(icons.app_icon())  # 8 PNGs, ~6 ms: after the first paint
        actions.apply_icons(self.actions_by_name)
        self.importer.apply_icons()
        self.reader.refresh()
        self.safety.verify()  # the worker's first task: PRAGMA quick_check
        if self.samples is None:  # the daily backup, off the UI thread, once settled
            QTimer.singleShot(self.backup_delay_ms, self._daily_backup)
        if self.files_waiting:  # given before the first paint (the command line)
            self.library_actions.import_waiting()
        self.reading.started()
        self.started.emit()

    def _daily_backup(self) -> None:
        from kbapp.core.store.backups import backup_if_due

        self.runner.run(  # not of a damaged library (which would not verify anyway)
            lambda library, _task: None if library.db.damaged else backup_if_due(library.path),
            on_error=lambda error: self.statusBar().showMessage(
                f"Could not back the library up: {error}", 8000
            ),
        )

    def _zoomed(self, percent: int) -> None:
        self.settings.setValue(READER_ZOOM, percent)
        self.layout_keeper.update_minimum()  # the reader's minimum is in characters
        self.statusBar().showMessage(f"Zoom {percent}%", 2000)

    def apply_reading_settings(self) -> None:
        """The reader's font, zoom and theme as the settings have them."""
        family, size = reader_font(self.settings)
        self.reader.set_theme(theme_choice(self.settings))
        self.reader.set_reading_font(family, size)
        self.reader.set_zoom(reader_zoom(self.settings))
        apply_color_scheme(theme_choice(self.settings))
        self.layout_keeper.update_minimum()
        self.reading.apply_settings()

    def _go_to_change(self, date: str) -> None:
        """An undo or redo acts on this day: show it (if the library has it)."""
        if date != self.current_date() and self.library.days.has_date(date):
            if self.views.currentWidget() is not self.splitter:
                self.user_actions.show_days()
            self.show_date(date)

    def update_title(self) -> None:
        name = "samples" if self.samples is not None else self.library.path.name
        self.setWindowTitle(f"kbapp — {name}")

    # -- the samples and the empty state ------------------------------------------------
    def show_samples(self, user_library: Library) -> None:
        """This window's library is the samples (`samples.open_sample_library`); the
        user's own, still empty, gets the first import and then replaces them."""
        self.samples = Samples(self, user_library)
        self.samples.left.connect(self._left_samples)
        self.update_title()
        self._update_welcome()

    def _left_samples(self) -> None:
        self.samples = None
        self.update_title()
        self._update_welcome()

    def _update_welcome(self) -> None:
        """The welcome card shows on the samples and on an empty library."""
        on_samples = self.samples is not None
        shown = on_samples or self.library.days.is_empty()
        if shown:  # a hidden card's rich text is not laid out for nothing (~1 ms at start)
            path = self.samples.user_path if self.samples is not None else self.library.path
            self.welcome.describe(path, samples=on_samples)
        self.welcome.setVisible(shown)

    def _imported(self, report: ImportReport) -> None:
        """An import finished: off the samples first (it went to the user's library),
        then its changes to the views and its newest day on screen."""
        if self.samples is not None:
            self.samples.leave()
        self.library_actions._after_import(report)
        self._update_welcome()

    def open_files(self, paths: list[Path]) -> None:
        """Import files named on the command line or handed over by a later launch."""
        self.library_actions.open_files(paths)

    # -- the shown day --------------------------------------------------------------------
    def show_date(self, date: str) -> None:
        """Show a day in the reader (the sidebar follows)."""
        self._initial_day = None
        if self.sidebar.current_date() != date and not self.sidebar.select_date(date, emit=False):
            self.sidebar.filter_edit.clear()
            self.sidebar.apply_filter()
            self.sidebar.select_date(date, emit=False)
        current = self.reader.day
        if current is not None and current.date == date:
            self.navigation.reading = None  # a long day asked for meanwhile: not shown
            return
        if self.navigation.reading == date:
            return
        self.navigation.read_day(date, self.reader.show_day)

    def current_date(self) -> str | None:
        day = self.reader.day
        return day.date if day else None

    def _force_show(self, date: str) -> None:
        """Show a day read again, even if it is the one shown (an import rewrote it)."""
        self.sidebar.select_date(date, emit=False)
        self.navigation.read_day(date, self.reader.show_day)

    # -- the views, when the library changes ----------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        """What a write changed, wherever it was made: each view refreshes what it shows
        of it (the sidebar its days, the reader the shown day in place, scroll kept, the
        note panel its note unless one is being typed, the papers view its list)."""
        self.sidebar.apply(changes)
        if changes.everything or changes.dates:
            self._update_welcome()
        current = self.current_date()
        if current is not None and (
            changes.everything or current in changes.dates or self._shows_papers(changes)
        ):
            self._refresh_day()
        else:
            self.images.apply(changes)  # pictures cached by another process
        self.notes.apply(changes)
        if changes.everything or changes.items or changes.papers or changes.tags:
            self._papers_changed()
        elif self.papers is not None and self.views.currentWidget() is self.papers:
            self.papers.refresh_page()

    def _shows_papers(self, changes: Changes) -> bool:
        """Papers of the shown day changed (their details arrived from arXiv, say)."""
        day = self.reader.day
        if day is None or not changes.papers:
            return False
        return any(f"arxiv:{arxiv_id}" in changes.papers for arxiv_id in day.arxiv_ids())

    def _refresh_day(self) -> None:
        """The shown day read again (the user changed it, or its cross-links), in place."""
        current = self.reader.day
        if current is not None:
            self.navigation.read_day(current.date, self.reader.replace_day, refresh=True)

    def _papers_changed(self) -> None:
        """The papers list, if it was opened, read again (another library, an import)."""
        if self.papers is not None:
            self.papers.load(self.runner, self.library)

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
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.layout_keeper.place_first_window()
        splitter = self.settings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self.apply_reading_settings()
        window_state = self.settings.value("window_state")
        if isinstance(window_state, QByteArray):
            self.restoreState(window_state)
        last = self.settings.value("last_day")
        newest = self.library.days.newest_date()  # not every date: two lookups by the index
        if isinstance(last, str) and newest is not None and self.library.days.has_date(last):
            self._initial_day = last
        elif newest is not None:
            self._initial_day = newest
        else:
            self.reader.show_day(None)
        if self.isVisible():
            self._show_initial_day()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._mouse_history(event):
            super().mousePressEvent(event)

    def _mouse_history(self, event: QMouseEvent) -> bool:
        """The mouse's back and forward buttons, anywhere in the window."""
        if event.button() == Qt.MouseButton.BackButton:
            self.history.back()
            return True
        if event.button() == Qt.MouseButton.ForwardButton:
            self.history.forward()
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.layout_keeper.fit()

    def showEvent(self, event: QShowEvent) -> None:
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
        if self.current_date() and self.samples is None:
            self.settings.setValue("last_day", self.current_date())
        if self.samples is None:
            self.sources.remember_close()
        self.settings.sync()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.library_actions.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.library_actions.drop(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.notes.flush()  # before the runner stops: it runs every queued save first
        self.save_state()
        self.importer.cancel()
        self.watcher.stop()
        self.images.shutdown()
        self.paper_lookup.shutdown()
        self.runner.shutdown()
        if self.samples is not None:
            self.samples.shutdown()
            discard(self.library)
        super().closeEvent(event)
