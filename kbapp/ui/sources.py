"""Sources in the window: the folders the digests live in, watched while it is open.

`SourceWatch` rescans every source on the worker once the window has painted (by size
and modification time: an unchanged source reads no file), then watches each source's
folders and digest files with a `QFileSystemWatcher`. A change is debounced
(`DEBOUNCE_MS`), and a file written within the last `SETTLE_S` is left until it has
settled, so a file still being written is never read half-way; a file replaced by a
rename (git's way, an editor's) drops out of Qt's watch and is watched again after each
scan. What a scan imports goes to every view through the window's change stream, and the
status bar says "3 new days from dairly_learning".

Library ▸ Update sources pulls the git sources (`git pull --ff-only`) on a thread of its
own (a pull may wait on the network for up to two minutes; the worker's writes do not
wait behind it), then rescans them; File ▸ Add source folder… remembers one. The first
folder imported with File ▸ Import folder… is offered as a source.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kbapp.core.sources.scan import SETTLE_S, ScanResult
from kbapp.core.store.library import Library
from kbapp.ui.tasks import Task

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow

DEBOUNCE_MS = 300  # after the last change seen, before the scan
WATCH_BATCH = 200  # paths given to the watcher per event-loop turn (~4 ms each)
MESSAGE_MS = 10_000
LAST_CLOSED_KEY = "sources/last_closed_at"
SCHEDULE_KEY = "sources/update"  # when git sources are pulled by themselves: SCHEDULES
HOURS_KEY = "sources/update_hours"
SCHEDULES = {"never": "Never", "start": "At start", "hours": "At start and every"}
DEFAULT_HOURS = 6
MAX_HOURS = 168  # a week; the timer's interval stays well inside Qt's int


def update_schedule(settings: QSettings) -> tuple[str, int]:
    """(one of SCHEDULES, hours) from the settings, anything unknown read as never."""
    choice = settings.value(SCHEDULE_KEY, "never")
    if choice not in SCHEDULES:
        choice = "never"
    try:
        hours = int(str(settings.value(HOURS_KEY, DEFAULT_HOURS)))
    except (TypeError, ValueError):
        hours = DEFAULT_HOURS
    return str(choice), min(max(hours, 1), MAX_HOURS)


_Scanned = tuple[list[str], list[ScanResult], list[str]]  # sources, scans, days arrived


def new_days_message(results: Sequence[ScanResult]) -> str | None:
    """`3 new days from dairly_learning` (and the others'), or None when none came."""
    parts = [
        f"{len(r.new_dates)} new day{'s' if len(r.new_dates) != 1 else ''} from {r.folder.name}"
        for r in results
        if r.new_dates
    ]
    return ", ".join(parts) if parts else None


class SourceWatch(QObject):
    """The window's sources: scanned at start and when they change, updated from git."""

    scanned = Signal(object)  # the list of ScanResult of a scan, on the UI thread
    _pulled = Signal(object)  # from the pull thread: [(path, error or None)]

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._touched)
        self.watcher.fileChanged.connect(self._touched)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._scan_due)
        self._unwatched: list[str] = []  # paths still to give the watcher, a batch a turn
        self._feeder = QTimer(self)
        self._feeder.setInterval(0)
        self._feeder.timeout.connect(self._feed_watcher)
        self.sources: list[str] = []  # the library's, as last read
        self._due: set[str] | None = set()  # sources to scan next (None: all of them)
        self._task: Task | None = None
        self._updating = False
        self._quiet = False  # the running update is the schedule's: no dialog of its own
        self.schedule = QTimer(self)  # Settings: every N hours
        self.schedule.timeout.connect(lambda: self.update(quiet=True))
        self._offered: set[str] = set()
        self._pulled.connect(self._after_pull)
        # When the window was last closed: the days imported since (by a terminal, or
        # this start's rescan) are marked new in the sidebar.
        since = window.settings.value(LAST_CLOSED_KEY)
        self._since: str | None = since if isinstance(since, str) and since else None

    def remember_close(self) -> None:
        """The window closes: the next start marks what arrives after now."""
        from kbapp.core.store.connection import now

        self.window.settings.setValue(LAST_CLOSED_KEY, now())

    # -- scanning ---------------------------------------------------------------------
    def start(self) -> None:
        """Every source rescanned (the window calls it after its first paint, and when
        it shows another library)."""
        self.stop()
        self._due = None
        self._scan_due()

    def stop(self) -> None:
        self.timer.stop()
        self._feeder.stop()
        self._unwatched = []
        watched = self.watcher.files() + self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        self.sources = []

    def _source_of(self, path: str) -> str | None:
        return next((s for s in self.sources if path == s or path.startswith(s + "/")), None)

    def _touched(self, path: str) -> None:
        source = self._source_of(path)
        if source is None:
            return
        if self._due is not None:
            self._due.add(source)
        self.timer.start(DEBOUNCE_MS)

    def rescan(self, paths: Sequence[str] | None = None) -> None:
        """Scan these sources (None: all) as soon as the worker is free."""
        if paths is None:
            self._due = None
        elif self._due is not None:
            self._due.update(paths)
        self.timer.start(0)

    def _scan_due(self) -> None:
        if self.window.samples is not None:
            return  # the samples have no sources; the user's library is scanned on leaving
        if self._task is not None:  # one at a time: this one again when it ends
            self.timer.start(DEBOUNCE_MS)
            return
        due, self._due = self._due, set()
        if due is not None and not due:
            return
        since, self._since = self._since, None

        def work(library: Library, task: Task) -> _Scanned:
            from kbapp.core.sources.scan import scan
            from kbapp.qt_image import qt_decoder

            sources = library.sources.paths()
            chosen = sources if due is None else [p for p in sources if p in due]
            results = [
                scan(library, Path(path), settle_s=SETTLE_S,
                     cancel=lambda: task.cancelled, image_decoder=qt_decoder)
                for path in chosen
            ]  # fmt: skip
            arrived = library.digests.imported_since(since) if since else []
            return sources, results, arrived

        self._task = self.window.runner.run(work, on_done=self._done, on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.window.statusBar().showMessage(f"Could not scan the sources: {error}", MESSAGE_MS)

    def _done(self, outcome: _Scanned) -> None:
        self._task = None
        self.sources, results, arrived = outcome
        self._watch(results)
        window = self.window
        for result in results:
            if result.report is not None and result.report.changes:
                window.library_actions._after_import(result.report, show_newest=False)
        window.model.mark_new(arrived + [date for result in results for date in result.new_dates])
        message = new_days_message(results)
        if message:
            window.statusBar().showMessage(message, MESSAGE_MS)
        fresh = [str(result.folder) for result in results if result.fresh]
        if fresh:  # still being written: looked at again once it may have settled
            self.rescan(fresh)
            self.timer.start(int(SETTLE_S * 1000))
        self.scanned.emit(results)

    def _watch(self, results: Sequence[ScanResult]) -> None:
        """Each scanned source's folders and files watched (again: a file replaced by a
        rename left Qt's watch), the watch of sources no longer there dropped."""
        files, folders = set(self.watcher.files()), set(self.watcher.directories())
        stale = [p for p in files | folders if self._source_of(p) is None]
        if stale:
            self.watcher.removePaths(stale)
        queued = set(self._unwatched)
        wanted: list[str] = []
        for result in results:
            wanted.extend(p for p in result.folders if p not in folders and p not in queued)
            wanted.extend(p for p in result.paths if p not in files and p not in queued)
        if wanted:  # 3,650 files at once would hold the loop ~70 ms: a batch a turn
            self._unwatched.extend(wanted)
            self._feeder.start()

    def _feed_watcher(self) -> None:
        batch, self._unwatched = self._unwatched[:WATCH_BATCH], self._unwatched[WATCH_BATCH:]
        batch = [p for p in batch if self._source_of(p) is not None]  # still a source's
        if batch:
            self.watcher.addPaths(batch)
        if not self._unwatched:
            self._feeder.stop()

    @property
    def watching(self) -> bool:
        """Every scanned path handed to the watcher (none left in the queue)."""
        return not self._unwatched

    # -- adding, offering, updating ---------------------------------------------------
    def add_folder(self, folder: Path | None = None) -> None:
        """File ▸ Add source folder…: remember a folder (a git checkout noted as such),
        import it, and watch it."""
        if folder is None:
            name = QFileDialog.getExistingDirectory(self.window, "Add a source folder")
            if not name:
                return
            folder = Path(name)
        path = str(folder.expanduser().resolve())

        def work(library: Library, _task: Task) -> None:
            from kbapp.core.sources.git import is_checkout

            library.sources.add(path, "git" if is_checkout(Path(path)) else "folder")

        self.window.statusBar().showMessage(f"Adding {Path(path).name} as a source…")
        self.window.runner.run(work, on_done=lambda _none: self.rescan([path]))

    def offer(self, folder: Path) -> QMessageBox | None:
        """After a folder's first import: ask whether to keep importing from it."""
        path = str(folder.resolve())
        if path in self.sources or path in self._offered or self.window.samples is not None:
            return None
        self._offered.add(path)
        box = QMessageBox(
            QMessageBox.Icon.Question, "Keep importing from this folder?",
            f"kbapp can watch {folder.name} and import new and changed digests as "
            "they are written there (and pull it, if it is a git checkout, with "
            "Library ▸ Update sources).", parent=self.window,
        )  # fmt: skip
        box.setObjectName("offerSource")
        watch = box.addButton("Watch this folder", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        watch.clicked.connect(lambda: self.add_folder(folder))
        box.open()
        return box

    def start_schedule(self) -> None:
        """At the window's start: the git sources pulled now if Settings say so, and
        every N hours from then on if they say that."""
        if update_schedule(self.window.settings)[0] != "never":
            self.update(quiet=True)
        self.apply_schedule()

    def apply_schedule(self) -> None:
        """The timer set to what Settings say (called again when they change)."""
        choice, hours = update_schedule(self.window.settings)
        if choice == "hours":
            if self.schedule.interval() != hours * 3_600_000 or not self.schedule.isActive():
                self.schedule.start(hours * 3_600_000)
        else:
            self.schedule.stop()

    def update(self, quiet: bool = False) -> None:
        """Library ▸ Update sources: pull each git source, then rescan them all. The
        schedule's (`quiet`) says nothing when there is nothing to pull and says a
        failure in the status bar alone."""
        if self._updating:
            if not quiet:
                self.window.statusBar().showMessage("The sources are being updated.", 5000)
            return
        if quiet and self.window.samples is not None:
            return  # the samples have no sources
        self._updating, self._quiet = True, quiet
        if not quiet:  # the schedule's is silent: the bar may be saying something else
            self.window.statusBar().showMessage("Updating the sources…")
        library_path = self.window.library.path

        def pull_all() -> None:
            from kbapp.core.sources.git import GitError, pull

            outcome: list[tuple[str, str | None]] = []
            try:
                with Library(library_path, check=False) as library:  # this thread's own
                    rows = library.sources.all()
                    for row in rows:
                        error = None
                        if row.kind == "git" and Path(row.path).is_dir():
                            try:
                                pull(Path(row.path))
                            except GitError as problem:
                                error = str(problem)
                                library.sources.scanned(row.path, error)
                        outcome.append((row.path, error))
            except Exception as problem:  # a library that cannot be opened: said
                outcome.append(("", str(problem)))
            self._pulled.emit(outcome)

        threading.Thread(target=pull_all, name="kbapp-sources", daemon=True).start()

    def _after_pull(self, outcome: list[tuple[str, str | None]]) -> None:
        self._updating = False
        bar = self.window.statusBar()
        failed = [(path, error) for path, error in outcome if error]
        if not outcome:
            if not self._quiet:
                bar.showMessage(
                    "No sources yet: add one with File ▸ Add source folder…", MESSAGE_MS
                )
            return
        self.rescan(None)  # what came says itself ("3 new days from dairly_learning")
        if not failed:
            if not self._quiet:
                bar.showMessage("The sources are up to date.", 5000)
            return
        path, error = failed[0]
        where = Path(path).name or "the library"
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        bar.showMessage(f"{where} not updated: {error}{more}", MESSAGE_MS)
        if not self._quiet:  # the schedule's failure: the status bar alone
            box = QMessageBox(QMessageBox.Icon.Warning, "Sources not updated",
                              "\n".join(f"{Path(p).name}: {e}" for p, e in failed),
                              parent=self.window)  # fmt: skip
            box.setObjectName("sourcesNotUpdated")
            box.open()


__all__ = ["DEBOUNCE_MS", "SCHEDULES", "SourceWatch", "new_days_message", "update_schedule"]
