"""Fixtures for the window: a real library in tmp_path, real widgets offscreen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QObject, QPointF, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QApplication

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from kbapp.ui.paper_lookup import LOOKUP_ONLINE
from kbapp.ui.settings import LOAD_REMOTE_IMAGES


class Heartbeat:
    """A 10 ms timer on the event loop; `gaps` are the times between its beats (a stall
    of the loop shows as one long gap)."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def longest_ms(self) -> float:
        return max(self.gaps) * 1000

    def check(self, limit_ms: float = 100) -> None:
        assert self.gaps, "the heartbeat never beat"
        assert self.longest_ms() < limit_ms, (
            f"the event loop stalled for {self.longest_ms():.0f} ms"
        )
        print(f"heartbeat: {len(self.gaps)} beats, longest gap {self.longest_ms():.1f} ms")


class UrlCatcher(QObject):
    """Receives the URLs the app asks the system to open (Qt's own URL-handler hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened_urls() -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    for scheme in ("http", "https", "mailto"):
        QDesktopServices.setUrlHandler(scheme, catcher, "handle")
    yield catcher
    for scheme in ("http", "https", "mailto"):
        QDesktopServices.unsetUrlHandler(scheme)


def make_window(qtbot, library_path: Path, config: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The window on a library, shown and active. Remote pictures are off unless the
    config says otherwise: a test never downloads from anywhere but its own 127.0.0.1
    server (and pictures arriving mid-test would move what a test clicks)."""
    library = Library(library_path)
    settings = QSettings(str(config), QSettings.Format.IniFormat)
    if not settings.contains(LOAD_REMOTE_IMAGES):
        settings.setValue(LOAD_REMOTE_IMAGES, False)
    if not settings.contains(LOOKUP_ONLINE):  # arXiv is never asked by a test
        settings.setValue(LOOKUP_ONLINE, False)
    window = MainWindow(library, settings)
    qtbot.addWidget(window)
    window.restore_state()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def open_as_launched(qtbot, path: Path, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """As `kbapp` opens it: unchecked at open, checked on the worker after painting."""
    settings = QSettings(str(tmp_path / "kbapp.ini"), QSettings.Format.IniFormat)
    settings.setValue(LOAD_REMOTE_IMAGES, False)
    settings.setValue(LOOKUP_ONLINE, False)
    window = MainWindow(Library(path, check=False), settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.startup_finished)
    return window


@pytest.fixture
def corpus_library(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "corpus.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"])
    return path


@pytest.fixture
def corpus_window(qtbot, corpus_library: Path, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    yield window
    window.close()


@pytest.fixture
def october(qtbot, corpus: Path, tmp_path: Path) -> Iterator[tuple[MainWindow, Path]]:  # type: ignore[no-untyped-def]
    path = tmp_path / "october.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
    window = make_window(qtbot, path, tmp_path / "kbapp.ini")
    yield window, path
    window.close()


def press(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):  # type: ignore[no-untyped-def]
    """A key typed where the keyboard is (the focused widget), as a user would."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def select_first(qtbot, window: MainWindow, date: str) -> str:  # type: ignore[no-untyped-def]
    """The day shown and its first item selected with J; its key."""
    window.show_date(date)
    window.reader.setFocus()
    press(qtbot, window, Qt.Key.Key_J)
    item = window.reader.selected_key
    assert item is not None
    return item


def drop(window: MainWindow, paths: list[Path]) -> QDropEvent:
    """Files dropped on the window, as a file manager drops them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    return event
