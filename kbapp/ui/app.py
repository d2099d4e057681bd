"""Starting the window, top to bottom: one instance per library → library (when it does
not open, the ways out of `ui.open_failure`) → first-run samples (a demo library of
their own) → window → the files given.

`run` is what `kbapp [FILE.md ...]` with no command calls. When a window already shows
the library, the files go to it and this process exits (`single_instance`). With
`screenshot` it renders the window offscreen (the newest day of the files given, if
any), writes a PNG and returns, which makes the README's picture and serves smoke
tests; such a one-shot run neither hands over nor answers later launches.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp import paths

if TYPE_CHECKING:  # Qt and the store load in `run`, after the display is checked
    from PySide6.QtWidgets import QApplication

    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow
    from kbapp.ui.single_instance import Launch

log = logging.getLogger(__name__)
DESKTOP_ID = "io.github.kbapp"


def settings_path() -> Path:
    return paths.config_dir() / "kbapp.ini"


def _no_display() -> bool:
    """On Linux without X11, Wayland or a chosen Qt platform, Qt would abort."""
    env = os.environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def run(
    library_path: Path,
    *,
    screenshot: Path | None = None,
    date: str | None = None,
    config: Path | None = None,
    files: Sequence[Path] = (),
) -> int:
    if screenshot is not None:
        # Must be decided before the QApplication exists.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif _no_display():
        print("kbapp: no display to open the window on (is DISPLAY set?)", file=sys.stderr)
        return 2
    import PySide6.QtCore  # noqa: F401  (loads PySide's import hook, made cheap next)

    from kbapp.ui import import_scan

    import_scan.speed_up()  # before the window's modules load: ~15-25 ms of the start
    from kbapp.ui import single_instance

    app = _application()
    files = [Path(os.path.abspath(path)) for path in files]  # the other window's cwd differs
    config = config or settings_path()
    log.debug("paths: library %s, settings %s", library_path, config)
    if screenshot is not None:  # one-shot: it neither hands over nor answers launches
        return _picture(library_path, config, files, screenshot, date)
    try:
        launch = single_instance.claim(library_path, files, defer=True)
    except single_instance.NoAnswer as error:
        _tell(str(error))
        return 2
    if launch.handed_over:
        log.info("handed %d file(s) to the window open on %s", len(files), library_path)
        return 0
    return _window(app, library_path, config, files, launch)


def _application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    import kbapp

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("kbapp")
    app.setApplicationVersion(kbapp.__version__)
    app.setDesktopFileName(DESKTOP_ID)
    return app


def _window(
    app: QApplication, library_path: Path, config: Path, files: list[Path], launch: Launch
) -> int:
    """The window, answering later launches (`launch`'s server, or one it starts after
    the first paint), importing `files` once shown. When the library did not open and
    another was chosen instead, that one is claimed as a launch on it would be: handed
    to the window already showing it (with `files`), else this window answers for it."""
    from kbapp.ui import single_instance
    from kbapp.ui.errors import install_excepthook

    servers = [launch.server] if launch.server is not None else []
    pending = launch.pending
    try:
        opened = open_for_window(library_path, samples=not files, window=True)
        if opened is None:
            return 2
        log.debug("library open")
        shown = (opened[1] or opened[0]).path  # the user's library, behind the samples
        moved = shown.resolve() != library_path.resolve()  # another chosen at the failure
        if moved:  # the one chosen may be open in a window already: that one takes it
            if pending is not None:
                pending.release()  # later launches on the file that failed start their own
                pending = None
            if launch.server is not None:
                launch.server.close()
            try:
                launch = single_instance.claim(shown, files, defer=True)
            except single_instance.NoAnswer as error:
                _close(*opened)
                _tell(str(error))
                return 2
            servers = [launch.server] if launch.server is not None else []
            pending = launch.pending
            if launch.handed_over:
                log.info("handed over to the window open on %s", shown)
                _close(*opened)
                return 0
        window = make_main_window(*opened, config)
        log.debug("window made")
        window.started.connect(lambda: log.debug("first paint"))
        window.started.connect(_freeze_heap)
        install_excepthook()
        if sys.platform == "darwin":  # Qt sends QFileOpenEvent on macOS only; elsewhere
            # the application-wide filter would only cost every event a call into Python
            single_instance.accept_file_opens(window)
        if launch.server is not None:
            single_instance.serve(window, launch.server)

        def serve_now() -> None:  # after the first paint (`MainWindow.started`)
            server = pending.listen() if pending is not None else None
            if server is not None and server.listening:
                servers.append(server)
                single_instance.serve(window, server)

        if pending is not None:
            window.started.connect(serve_now)
        window.show()
        if files:
            window.open_files(files)  # imported once the window has painted
        return app.exec()
    finally:
        if pending is not None:
            pending.release()  # when the window never painted (a bad library)
        for server in servers:
            server.close()  # removes the socket: the next launch need not clean up


def _freeze_heap() -> None:
    """After the first paint: what the start made (modules, widgets, the first day)
    lives as long as the window, so the collector stops scanning it. A full collection
    otherwise walks all of it and stops every thread for 30-50 ms (measured while
    papers were looked up), a visible hitch when it lands in a scroll."""
    gc.collect()
    gc.freeze()


def _picture(
    library_path: Path, config: Path, files: list[Path], target: Path, date: str | None
) -> int:
    """`--screenshot`: the files imported first, then the picture of `date` (default:
    the newest day of the files, else the last day). 1 when a file failed."""
    opened = open_for_window(library_path, samples=not files)
    if opened is None:
        return 2
    library, user_library = opened
    failed = False
    if files:
        newest, failed = _import_now(library, files)
        date = date or newest
    if date is not None and not library.days.has_date(date):
        print(f"kbapp: no digest on {date}", file=sys.stderr)
        _close(library, user_library)
        return 2
    status = _screenshot(make_main_window(library, user_library, config), target, date)
    return 1 if failed and status == 0 else status


def open_for_window(
    path: Path, *, samples: bool, window: bool = False, busy_timeout_ms: int | None = None
) -> tuple[Library, Library | None] | None:
    """The library to show, migrated, and None; or, when it is empty and no files are
    coming, the samples' library (`ui.samples`) and the user's empty one. For the
    `window`, the file is checked on its worker after the first paint, and a reason not
    to open found here (damaged, foreign, unreadable, locked, newer) gets a dialog with
    the ways out (`ui.open_failure`): a backup restored, another library chosen (opened
    instead), Try again, or Quit. Without the window (`--screenshot`), and on Quit, the
    reason is one line on stderr and the answer None. `busy_timeout_ms`: how long to wait
    for another program's lock (the library's default, 5 s)."""
    from kbapp.core.store.library import BUSY_TIMEOUT_MS, Library, LibraryError

    while True:
        log.info("library: %s", path)
        try:
            library = Library(
                path, check=not window, busy_timeout_ms=busy_timeout_ms or BUSY_TIMEOUT_MS
            )
            break
        except LibraryError as error:
            chosen = None
            if window:
                from kbapp.ui.open_failure import way_out

                log.info("the library does not open: %s", error)
                chosen = way_out(path, error)
            if chosen is None:
                print(f"kbapp: {error}", file=sys.stderr)
                return None
            path = chosen
    if samples and library.days.is_empty():
        from kbapp.ui.samples import open_sample_library

        log.info("empty library: showing the samples")
        return open_sample_library(), library
    return library, None


def make_main_window(library: Library, user_library: Library | None, config: Path) -> MainWindow:
    """The window on `library`; on the samples when `user_library` waits for them."""
    from PySide6.QtCore import QSettings

    from kbapp.ui.main_window import MainWindow

    window = MainWindow(library, QSettings(str(config), QSettings.Format.IniFormat))
    if user_library is not None:
        window.show_samples(user_library)
    window.restore_state()
    return window


def _import_now(library: Library, files: list[Path]) -> tuple[str | None, bool]:
    """A screenshot's files, imported before the picture: the newest day, any failure."""
    from kbapp.core.importer import import_paths
    from kbapp.qt_image import qt_decoder

    report = import_paths(library, files, image_decoder=qt_decoder)
    for outcome in report.failures():
        print(f"kbapp: not imported: {outcome.path}: {outcome.reason}", file=sys.stderr)
    return report.newest_date(), report.failed


def _close(library: Library, user_library: Library | None) -> None:
    """The libraries `open_for_window` opened, given up (the samples' copy deleted)."""
    if user_library is not None:  # `library` is then the samples' temporary copy
        from kbapp.ui.samples import discard

        user_library.close()
        discard(library)
    else:
        library.close()


def _tell(message: str) -> None:
    """A reason not to start, on stderr and, when launched from a desktop, in a box."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    print(f"kbapp: {message}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.warning(None, "kbapp", message)


def _screenshot(window: MainWindow, target: Path, date: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    if date is not None:
        window.show_date(date)
    window.remember_state = False
    window.show()
    window.finish_startup()  # icons now, not after the first paint: the picture wants them
    for _ in range(5):  # layout, fonts and icons settle within a few event-loop turns
        QApplication.processEvents()
    # Tall enough for the whole day, so that every item of it is in the picture.
    reader = window.reader
    chrome = window.height() - reader.viewport().height()
    wanted = int(reader.document().size().height()) + chrome + 4
    window.resize(window.width(), max(window.height(), min(wanted, 9000)))
    for _ in range(5):
        QApplication.processEvents()
    ok = window.grab().save(str(target))
    shown = window.current_date() or "no day"
    window.close()
    if not ok:
        print(f"kbapp: could not write {target}", file=sys.stderr)
        return 2
    print(f"kbapp: wrote {target} ({shown})")
    return 0
