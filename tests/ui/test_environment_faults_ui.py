"""Faults of the environment in the window: said in a sentence, never "unhandled
background error" or a bug dialog."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library, LibraryError
from kbapp.ui.tasks import TaskRunner
from tests.fs_faults import remount, small_tmpfs
from tests.ui.conftest import open_as_launched, select_first


def test_a_library_on_a_read_only_disk_reads_and_says_why_nothing_saves(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with small_tmpfs("8m") as disk:
        path = disk / "lib.sqlite"
        with Library(path) as library:
            import_paths(library, [corpus / "notes" / "202104" / "0425.md"], workers=0)
        conn = sqlite3.connect(path)  # one file, as a backup is: readable read-only
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        remount(disk, "ro")
        window = open_as_launched(qtbot, path, tmp_path)
        try:
            qtbot.waitUntil(lambda: "is read-only" in window.statusBar().currentMessage())
            assert window.library.digests.dates() == ["2021-04-25"]
            select_first(qtbot, window, "2021-04-25")
            window.statusBar().clearMessage()
            window.actions_by_name["rate-4"].trigger()
            qtbot.waitUntil(lambda: "nothing can be saved" in window.statusBar().currentMessage())
        finally:
            window.close()
    assert "unhandled background error" not in caplog.text
    assert "Traceback" not in caplog.text


def test_a_fault_no_task_handles_is_said_not_logged_as_a_bug(  # type: ignore[no-untyped-def]
    qtbot, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    runner = TaskRunner(library.path)
    try:

        def work(_library: Library, _task: object) -> None:
            raise LibraryError("the disk holding the library is full")

        with qtbot.waitSignal(runner.problem) as said:
            runner.run(work)
        assert said.args == ["the disk holding the library is full"]
    finally:
        runner.shutdown()
    assert "unhandled background error" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
