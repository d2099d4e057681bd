"""Starting the window, top to bottom: paths → library → first-run samples → window.

`run` is what `kbapp` with no command calls. With `screenshot` it renders the window
offscreen, writes a PNG and returns, which makes the README's picture and serves smoke
tests.
"""

from __future__ import annotations

import logging
import os
import sys
from importlib import resources
from pathlib import Path

from kbapp import paths

log = logging.getLogger(__name__)
DESKTOP_ID = "io.github.kbapp"


def samples_dir() -> Path:
    """The built-in sample digests shipped in the package (`resources/samples`)."""
    return Path(str(resources.files("kbapp.resources") / "samples"))


def settings_path() -> Path:
    override = os.environ.get("KBAPP_CONFIG_DIR")
    if override:
        return Path(override) / "kbapp.ini"
    import platformdirs

    return platformdirs.user_config_path(paths.APP_NAME) / "kbapp.ini"


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
) -> int:
    if screenshot is not None:
        # Must be decided before the QApplication exists.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif _no_display():
        print("kbapp: no display to open the window on (is DISPLAY set?)", file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import kbapp
    from kbapp.core.store import Library, LibraryError
    from kbapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("kbapp")
    app.setApplicationVersion(kbapp.__version__)
    app.setDesktopFileName(DESKTOP_ID)  # type: ignore[attr-defined]
    log.info("library: %s", library_path)
    try:
        library = Library(library_path)
    except LibraryError as error:
        print(f"kbapp: {error}", file=sys.stderr)
        return 2
    if not library.dates():
        from kbapp.core.importer import import_paths
        from kbapp.qt_image import qt_decoder

        log.info("empty library: importing the samples from %s", samples_dir())
        import_paths(library, [samples_dir()], image_decoder=qt_decoder)
    if screenshot is not None and date is not None and date not in library.dates():
        print(f"kbapp: no digest on {date}", file=sys.stderr)
        library.close()
        return 2
    config_file = config or settings_path()
    settings = QSettings(str(config_file), QSettings.Format.IniFormat)
    window = MainWindow(library, settings)
    window.restore_state()
    if screenshot is not None:
        return _screenshot(app, window, screenshot, date)
    from kbapp.ui.errors import install_excepthook

    install_excepthook()
    window.show()
    return app.exec()


def _screenshot(app: object, window: object, target: Path, date: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    from kbapp.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
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
    window.close()
    if not ok:
        print(f"kbapp: could not write {target}", file=sys.stderr)
        return 2
    print(f"kbapp: wrote {target}")
    return 0
