"""The window backs the library up once a day, off the UI thread, after its first paint."""

from __future__ import annotations

from pathlib import Path

from kbapp.core.store.backups import list_backups
from tests.ui.conftest import make_window


def test_the_window_makes_the_daily_backup(qtbot, corpus_library: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert list_backups(corpus_library) == []
    window = make_window(qtbot, corpus_library, tmp_path / "kbapp.ini")
    window.finish_startup()
    qtbot.waitUntil(lambda: len(list_backups(corpus_library, counts=False)) == 1, timeout=10_000)
    made = list_backups(corpus_library)[0]
    assert made.reason == "daily" and made.digests == 69
    window.close()
