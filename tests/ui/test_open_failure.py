"""The library the window is started on does not open (damaged, not a database,
unreadable, locked, newer): a dialog says why and offers the ways out (restore a backup,
choose another library, try again, quit), offscreen too, where these tests run.

The dialogs are modal: the launch waits in their `exec`, so `Answers` answers them
from the event loop, one after another, and then closes the window that opened (which
ends `app.run`'s event loop)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

from kbapp.core.importer import import_paths
from kbapp.core.store import backups
from kbapp.core.store.library import Library
from kbapp.ui import app
from kbapp.ui.main_window import MainWindow
from kbapp.ui.open_failure import OpenFailureDialog
from kbapp.ui.recovery import BackupsDialog, RecoveryDialog
from kbapp.ui.single_instance import server_name
from tests.library_damage import annotations_in

APRIL, MAY = "2021-04-25", "2021-05-01"
TRIES = 1000  # event-loop turns, 10 ms apart, for each dialog or window to show


class Answers:
    """Steps taken in turn from the event loop: each waits for its widget (`find`) and
    acts on it. A widget that never shows, or a step that fails (a button missing), is
    recorded in `problems`, and the modal dialog open then is closed: the test fails
    rather than hangs."""

    def __init__(self) -> None:
        self.steps: list[tuple[Callable[[], QWidget | None], Callable[[QWidget], object]]] = []
        self.problems: list[str] = []
        self.stopped = False
        self.tries = 0
        self.taken = 0

    def then(self, find: Callable[[], QWidget | None], act: Callable[[QWidget], object]) -> None:
        if not self.steps:
            QTimer.singleShot(0, self._turn)
        self.steps.append((find, act))

    def modal(self, kind: type[QWidget], act: Callable[[QWidget], object]) -> None:
        def find() -> QWidget | None:
            shown = QApplication.activeModalWidget()
            return shown if isinstance(shown, kind) and shown.isVisible() else None

        self.then(find, act)

    def window(self, act: Callable[[MainWindow], None]) -> None:
        """The window once it has painted (and served its library); closed after `act`."""

        def find() -> QWidget | None:
            return next(
                (
                    widget
                    for widget in QApplication.topLevelWidgets()
                    if isinstance(widget, MainWindow) and widget.isVisible()
                    and widget.startup_finished
                ),
                None,
            )  # fmt: skip

        def act_and_close(window: QWidget) -> None:
            assert isinstance(window, MainWindow)
            try:
                act(window)
            finally:
                window.close()  # the last window: `app.run`'s event loop ends

        self.then(find, act_and_close)

    def _turn(self) -> None:
        if self.stopped or not self.steps:
            return
        find, act = self.steps[0]
        found = find()
        if found is None:
            self.tries += 1
            if self.tries < TRIES:
                QTimer.singleShot(10, self._turn)
            else:
                self._give_up(f"step {self.taken + 1}: nothing showed")
            return
        self.steps.pop(0)
        self.tries = 0
        self.taken += 1
        try:
            act(found)
        except Exception as error:  # said by the test, not lost in Qt
            self._give_up(f"step {self.taken}: {type(error).__name__}: {error}")
            return
        QTimer.singleShot(0, self._turn)

    def _give_up(self, problem: str) -> None:
        self.problems.append(problem)
        self.steps.clear()
        shown = QApplication.activeModalWidget()
        if shown is not None:
            shown.close()

    def check(self) -> None:
        assert not self.problems, self.problems
        assert not self.steps, f"{len(self.steps)} step(s) never taken"


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # `app.run` installs its own
    answering = Answers()
    yield answering
    answering.stopped = True  # nothing left to answer a later test's dialogs


def button(dialog: QWidget, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, f"no {name} button"
    return found


def names(dialog: QMessageBox) -> set[str]:
    return {b.objectName() for b in dialog.buttons()}


def small_library(path: Path, corpus: Path, day: str = APRIL) -> Path:
    """A real library of one day, one rating on it."""
    month, date = day[:7].replace("-", ""), day[5:].replace("-", "")
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / month / f"{date}.md"], workers=0)
        key = library.digests.items_for_date(day)[0].key
        library.user.set_rating(key, 4)
    return path


def launch(path: Path, tmp_path: Path) -> int:
    """`kbapp --library PATH` as a double-click starts it (no files)."""
    return app.run(path, config=tmp_path / "kbapp.ini")


def test_a_library_damaged_at_launch_can_be_left_for_another(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers
) -> None:
    """Random bytes over the schema page: the file does not open at all (damage in the
    middle of the file lets the window open, and its check after the first paint finds
    it: test_library_safety). The recovery dialog offers another library; the window
    opens on the one chosen and answers later launches for it, not for the damaged one."""
    damaged = small_library(tmp_path / "lib.sqlite", corpus)
    with damaged.open("r+b") as file:
        file.seek(100)  # after the header: the schema's b-tree page
        file.write(random.Random(7).randbytes(4096 - 100))
    before = damaged.read_bytes()
    other = small_library(tmp_path / "other" / "other.sqlite", corpus, MAY)
    seen: dict[str, object] = {}

    def leave(dialog: QWidget) -> None:
        assert isinstance(dialog, RecoveryDialog)
        seen["text"] = dialog.text()
        button(dialog, "chooseLibrary").click()

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(other))
        dialog.accept()

    def look(window: MainWindow) -> None:
        seen["library"] = window.library.path
        seen["days"] = window.library.digests.dates()
        seen["served"] = [
            name is not None and os.path.exists(name)
            for name in (server_name(other), server_name(damaged))
        ]

    answers.modal(RecoveryDialog, leave)
    answers.modal(QFileDialog, choose)
    answers.window(look)
    status = launch(damaged, tmp_path)
    answers.check()
    assert status == 0
    assert "damaged" in str(seen["text"]) and str(damaged) in str(seen["text"])
    assert seen["library"] == other and seen["days"] == [MAY]
    if server_name(other) is not None:  # no private folder: no launch is answered
        assert seen["served"] == [True, False]
    assert damaged.read_bytes() == before  # never written


def test_a_file_that_is_not_a_database_gets_its_backup_restored(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers
) -> None:
    """Another program wrote over the library: the dialog says so, Restore a backup…
    lists its backups, and the window opens on the one chosen; the file it replaced is
    kept beside it."""
    path = small_library(tmp_path / "lib.sqlite", corpus)
    backups.make_backup(path, "manual")
    garbage = b"this is not a database\n" * 1000
    path.write_bytes(garbage)
    seen: dict[str, object] = {}

    def restore(dialog: QWidget) -> None:
        assert isinstance(dialog, OpenFailureDialog)
        seen["text"], seen["buttons"] = dialog.text(), names(dialog)
        button(dialog, "restoreBackup").click()

    def pick(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupsDialog)
        seen["listed"] = dialog.list.count()
        button(dialog, "restoreChosen").click()

    def look(window: MainWindow) -> None:
        seen["library"], seen["days"] = window.library.path, window.library.digests.dates()

    answers.modal(OpenFailureDialog, restore)
    answers.modal(BackupsDialog, pick)
    answers.window(look)
    status = launch(path, tmp_path)
    answers.check()
    assert status == 0
    assert "not a readable kbapp library" in str(seen["text"])
    assert seen["buttons"] == {"restoreBackup", "chooseLibrary", "quit"}
    assert seen["listed"] == 1
    assert seen["library"] == path and seen["days"] == [APRIL]
    assert len(annotations_in(path).ratings) == 1
    (aside,) = (
        p for p in tmp_path.glob("lib.sqlite.replaced-*") if p.name[-4:] not in ("-wal", "-shm")
    )
    assert aside.read_bytes() == garbage


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads a file whatever its mode: chmod 000 does not make it unreadable",
)
def test_an_unreadable_library_says_so_and_quit_exits_2(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    path = small_library(tmp_path / "lib.sqlite", corpus)
    path.chmod(0)
    seen: list[str] = []

    def quit_(dialog: QWidget) -> None:
        assert isinstance(dialog, OpenFailureDialog)
        seen.append(dialog.text())
        button(dialog, "quit").click()

    answers.modal(OpenFailureDialog, quit_)
    try:
        status = launch(path, tmp_path)
    finally:
        path.chmod(0o644)
    answers.check()
    assert status == 2
    assert str(path) in seen[0]
    err = capsys.readouterr().err
    assert err.startswith("kbapp: ") and err.count("\n") == 1 and str(path) in err


def test_a_locked_library_opens_on_try_again_once_let_go(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers
) -> None:
    """Another program holds the library exclusively (in WAL mode a plain write
    transaction would not stop reading it): Try again, once it let go, opens it."""
    path = small_library(tmp_path / "lib.sqlite", corpus)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    seen: dict[str, object] = {}

    def again(dialog: QWidget) -> None:
        assert isinstance(dialog, OpenFailureDialog)
        seen["text"], seen["buttons"] = dialog.text(), names(dialog)
        holder.execute("ROLLBACK")
        holder.close()
        button(dialog, "tryAgain").click()

    answers.modal(OpenFailureDialog, again)
    try:
        opened = app.open_for_window(path, samples=False, window=True, busy_timeout_ms=50)
    finally:
        holder.close()
    answers.check()
    assert opened is not None
    library, samples = opened
    try:
        assert samples is None and library.digests.dates() == [APRIL]
    finally:
        library.close()
    assert "locked by another program" in str(seen["text"])
    assert seen["buttons"] == {"tryAgain", "chooseLibrary", "quit"}  # no restore over it


def test_a_newer_library_says_so_and_quit_exits_2_with_one_line(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    """Choose another library… cancelled leads back to the dialog; Quit exits 2 with the
    reason on one line of stderr, as before there was a dialog."""
    path = small_library(tmp_path / "lib.sqlite", corpus)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('kbapp', '0099_future', 'later')"
        )
    conn.close()
    seen: list[tuple[str, set[str]]] = []

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, OpenFailureDialog)
        seen.append((dialog.text(), names(dialog)))
        button(dialog, "chooseLibrary").click()

    def quit_(dialog: QWidget) -> None:
        assert isinstance(dialog, OpenFailureDialog)
        seen.append((dialog.text(), names(dialog)))
        button(dialog, "quit").click()

    answers.modal(OpenFailureDialog, choose)
    answers.modal(QFileDialog, lambda dialog: dialog.close())  # cancelled
    answers.modal(OpenFailureDialog, quit_)
    capsys.readouterr()
    status = launch(path, tmp_path)
    answers.check()
    assert status == 2
    assert len(seen) == 2 and seen[0] == seen[1]
    text, buttons = seen[0]
    assert "written by a newer kbapp" in text and "0099_future" in text
    assert buttons == {"chooseLibrary", "quit"}  # no backups; Try again would not help
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kbapp: the library ") and "newer" in err


def test_a_library_chosen_at_the_failure_that_a_window_shows_goes_to_that_window(  # type: ignore[no-untyped-def]
    qtbot, corpus: Path, tmp_path: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library chosen instead of the damaged one is open in another kbapp window
    (another process): the launch hands its files to that window, as a launch on that
    library would, and opens no second window on it."""
    runtime = Path(tempfile.mkdtemp(prefix="kb"))  # short: a Unix socket's path is
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    damaged = small_library(tmp_path / "lib.sqlite", corpus)
    with damaged.open("r+b") as file:  # the schema's page: the file does not open
        file.seek(100)
        file.write(random.Random(7).randbytes(4096 - 100))
    other = small_library(tmp_path / "other" / "other.sqlite", corpus, MAY)
    name = server_name(other)
    assert name is not None
    config = tmp_path / "serving"  # its settings apart from the launch's
    config.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KBAPP_CONFIG_DIR": str(config)}
    serving = subprocess.Popen(
        [sys.executable, "-m", "kbapp", "--library", str(other)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    second: list[Path] = []

    def close_a_second_window() -> None:  # (without the hand-over: fail, never hang)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.startup_finished:
                second.append(widget.library.path)
                widget.close()

    watchdog = QTimer()
    watchdog.timeout.connect(close_a_second_window)
    try:
        qtbot.waitUntil(lambda: os.path.exists(name), timeout=30_000)  # it answers
        answers.modal(RecoveryDialog, lambda dialog: button(dialog, "chooseLibrary").click())

        def choose(dialog: QWidget) -> None:
            assert isinstance(dialog, QFileDialog)
            dialog.selectFile(str(other))
            dialog.accept()

        answers.modal(QFileDialog, choose)
        watchdog.start(50)
        later = corpus / "notes" / "202109" / "0930.md"
        status = app.run(damaged, config=tmp_path / "kbapp.ini", files=[later])
        answers.check()
        assert status == 0 and second == []

        def imported_there() -> bool:
            with Library(other) as library:
                return "2021-09-30" in library.digests.dates()

        qtbot.waitUntil(imported_there, timeout=30_000)  # by the window that has it
    finally:
        watchdog.stop()
        serving.kill()
        serving.communicate(timeout=10)
        shutil.rmtree(runtime, ignore_errors=True)
