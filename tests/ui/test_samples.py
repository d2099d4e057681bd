"""The first run: the samples as a demo of their own, never in the user's library; the
first import (in the window or in a terminal) replaces them by the user's days."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from kbapp.core.store.library import Library
from kbapp.ui.app import make_main_window, open_for_window
from kbapp.ui.main_window import MainWindow
from kbapp.ui.settings import LOAD_REMOTE_IMAGES


def first_run(qtbot, tmp_path: Path) -> tuple[MainWindow, Path]:  # type: ignore[no-untyped-def]
    """The window as `kbapp` opens it on a library that does not exist yet."""
    path = tmp_path / "mine.sqlite"
    config = tmp_path / "kbapp.ini"
    QSettings(str(config), QSettings.Format.IniFormat).setValue(LOAD_REMOTE_IMAGES, False)
    opened = open_for_window(path, samples=True)
    assert opened is not None
    window = make_main_window(*opened, config)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.finish_startup()
    return window, path


def test_the_first_run_shows_the_samples_with_a_welcome_card(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, path = first_run(qtbot, tmp_path)
    assert window.library.path != path  # the samples' own library
    assert window.current_date() == "2026-11-23"
    assert window.welcome.isVisible()
    text = window.welcome.text.text()
    assert "These are samples" in text and "Ctrl+O" in text and "kbapp import" in text
    assert str(path) in text  # where the user's library lives
    assert "samples" in window.windowTitle()
    with Library(path) as mine:
        assert mine.digests.dates() == []
        assert mine.stats.summary()["items"] == 0
    samples_folder = window.library.path.parent
    window.close()
    assert not samples_folder.exists()  # a demo: nothing of it lingers


def test_the_first_import_replaces_the_samples_by_the_users_days(
    qtbot, tmp_path: Path, corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    window, path = first_run(qtbot, tmp_path)
    samples_folder = window.library.path.parent
    with qtbot.waitSignal(window.importer.finished, timeout=20_000):
        window.importer.start([corpus / "notes" / "202104"])
    assert window.library.path == path
    assert not samples_folder.exists()
    dates = window.library.digests.dates()
    assert dates and all(date.startswith("2021-04") for date in dates)
    assert window.current_date() == dates[-1]
    assert window.model.index_for_date("2026-11-23").isValid() is False
    assert not window.welcome.isVisible()
    assert window.library.search.find("Segment Anything") == []  # no sample text
    window.close()


def test_an_import_in_a_terminal_leaves_the_samples(qtbot, tmp_path: Path, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    window, path = first_run(qtbot, tmp_path)
    subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(path), "import",
         str(corpus / "notes" / "202104" / "0425.md")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    qtbot.waitUntil(lambda: window.library.path == path, timeout=1000)
    assert window.library.digests.dates() == ["2021-04-25"]
    qtbot.waitUntil(lambda: window.current_date() == "2021-04-25", timeout=1000)
    assert not window.welcome.isVisible()
    window.close()


def test_an_empty_library_opened_with_files_shows_the_empty_state(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.sqlite"
    opened = open_for_window(path, samples=False)  # files are coming: no samples
    assert opened is not None and opened[1] is None
    window = make_main_window(*opened, tmp_path / "kbapp.ini")
    qtbot.addWidget(window)
    window.show()
    assert window.welcome.isVisible()
    assert "Your library is empty" in window.welcome.text.text()
    window.close()
