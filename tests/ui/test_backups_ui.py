"""The window backs the library up once a day, off the UI thread, after its start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from kbapp.core.store.backups import list_backups
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow


def test_the_window_makes_the_daily_backup(qtbot, corpus_library: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert list_backups(corpus_library) == []
    settings = QSettings(str(tmp_path / "kbapp.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Library(corpus_library), settings)
    window.backup_delay_ms = 0  # (a minute after the start, in use)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(list_backups(corpus_library, counts=False)) == 1, timeout=10_000)
    made = list_backups(corpus_library)[0]
    assert made.reason == "daily" and made.digests == 69
    assert sorted(p.name for p in made.path.parent.iterdir()) == [made.path.name]  # one file
    window.close()
