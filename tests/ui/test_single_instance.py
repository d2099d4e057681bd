"""One window per library, as real processes: a second `kbapp` hands its files to the
window already open and exits; a socket left by a killed kbapp is taken over; a hung one
stops the launch; `kbapp import` and the window write the same library at once.

The first instance is a real window in this process, serving through the functions
`app.run` uses (`claim`, `serve`); the later launches are `python -m kbapp` processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFileOpenEvent, QImage
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.paths import samples_dir
from kbapp.ui.main_window import MainWindow
from kbapp.ui.single_instance import (
    ANSWER_MS,
    InstanceServer,
    accept_file_opens,
    claim,
    serve,
    server_name,
)
from tests.ui.conftest import make_window
from tests.ui.test_notes import note_in_file, select_first_and_edit, type_text

NEWEST_SAMPLE = "2026-11-23"
OLD_DAY = "2025-05-06"  # older than every sample: shown because imported, not as the last
EXIT_MS = 20_000  # a launch that hands over exits in well under a second; CI is slower


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The sockets in a short private folder of their own (tmp_path is too long for a
    Unix socket's path), which the launched processes inherit."""
    folder = Path(tempfile.mkdtemp(prefix="kb"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """The kbapp processes a test started; any still running at the end is killed."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)  # and its pipes closed


def launch(processes: list[subprocess.Popen[str]], cwd: Path, *args: str) -> subprocess.Popen[str]:
    """`python -m kbapp ARGS` as a user would start it, offscreen, its config in tmp."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(cwd / "home"),
        "KBAPP_CONFIG_DIR": str(cwd / "config"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "kbapp", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(process)
    return process


def finished(qtbot, process: subprocess.Popen[str], timeout: int = EXIT_MS) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Wait (the event loop running: the window answers meanwhile) for the exit."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=timeout)
    out, err = process.communicate()
    return process.returncode, out, err


def dated_digest(folder: Path, date: str) -> Path:
    """A sample digest copied to notes/YYYYMM/MMDD.md, its heading saying `date`."""
    year, month, day = date.split("-")
    target = folder / "notes" / f"{year}{month}" / f"{month}{day}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = samples_dir() / "notes" / "202611"
    text = (source / "1118.md").read_text(encoding="utf-8")
    target.write_text(text.replace("（2026.11.18）", f"（{year}.{month}.{day}）"), "utf-8")
    shutil.copytree(source / "images", target.parent / "images", dirs_exist_ok=True)
    return target


@pytest.fixture
def samples_library(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [samples_dir()], workers=0)
    return path


@pytest.fixture
def serving(
    qtbot, samples_library: Path, tmp_path: Path
) -> Iterator[tuple[MainWindow, InstanceServer]]:  # type: ignore[no-untyped-def]
    """The first instance: a window on the samples, answering launches as `app.run` has it."""
    window = make_window(qtbot, samples_library, tmp_path / "kbapp.ini")
    qtbot.waitUntil(lambda: window.current_date() == NEWEST_SAMPLE)
    server = claim(samples_library, []).server
    assert server is not None and server.listening
    serve(window, server)
    yield window, server
    server.close()
    window.close()


def put_behind(qtbot, window: MainWindow) -> QWidget:  # type: ignore[no-untyped-def]
    """Another window gets the focus and this one is minimised."""
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    assert not window.isActiveWindow()
    return other


def test_a_second_launch_hands_its_file_over_and_the_window_shows_that_day(
    qtbot, serving, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    window, _server = serving
    dated_digest(tmp_path, OLD_DAY)
    put_behind(qtbot, window)
    started = time.monotonic()
    # A path relative to the launch's folder: the window, elsewhere, gets it absolute.
    second = launch(launched, tmp_path, "--library", str(samples_library), "notes/202505/0506.md")
    code, out, err = finished(qtbot, second)
    assert code == 0, err
    assert time.monotonic() - started < 10
    assert out == ""
    qtbot.waitUntil(lambda: window.current_date() == OLD_DAY, timeout=10_000)
    assert window.sidebar.current_date() == OLD_DAY
    assert not window.isMinimized()
    qtbot.waitUntil(window.isActiveWindow)
    assert "1 imported" in window.statusBar().currentMessage()


def test_a_launch_during_the_first_windows_start_waits_and_hands_over(
    qtbot, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    """The first launch listens only after its first paint; until then it holds the
    library's lock, so a launch in between waits for it instead of failing or opening a
    second window."""
    dated_digest(tmp_path, OLD_DAY)
    first = claim(samples_library, [], defer=True)
    assert first.pending is not None and first.server is None
    assert not Path(server_name(samples_library)).exists()  # nothing listens yet
    second = launch(launched, tmp_path, "--library", str(samples_library), "notes/202505/0506.md")
    window = make_window(qtbot, samples_library, tmp_path / "kbapp.ini")  # a slow start
    qtbot.waitUntil(lambda: window.current_date() == NEWEST_SAMPLE)
    assert second.poll() is None  # still waiting for the lock
    server = first.pending.listen()
    assert server is not None and server.listening
    serve(window, server)
    code, _out, err = finished(qtbot, second)
    assert code == 0, err
    qtbot.waitUntil(lambda: window.current_date() == OLD_DAY, timeout=10_000)
    server.close()
    window.close()


def test_a_file_the_system_opens_with_the_running_app_is_imported(
    qtbot, serving, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """macOS hands a file opened from Finder to the running app as an event."""
    window, _server = serving
    accept_file_opens(window)  # as `app.run` does for every window
    digest = dated_digest(tmp_path, OLD_DAY)
    QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(digest)))
    qtbot.waitUntil(lambda: window.current_date() == OLD_DAY, timeout=10_000)
    assert OLD_DAY in window.library.digests.dates()


def test_a_second_launch_without_files_raises_the_window_and_exits(
    qtbot, serving, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    window, server = serving
    put_behind(qtbot, window)
    with qtbot.waitSignal(server.requested, timeout=EXIT_MS) as request:
        second = launch(launched, tmp_path, "--library", str(samples_library))
    code, _out, err = finished(qtbot, second)
    assert code == 0, err
    assert request.args[0].files == [] and request.args[0].raise_window
    qtbot.waitUntil(window.isActiveWindow)
    assert not window.isMinimized()
    assert window.current_date() == NEWEST_SAMPLE
    assert not window.importer.running


def test_another_library_gets_its_own_window(qtbot, serving, tmp_path: Path, launched) -> None:  # type: ignore[no-untyped-def]
    window, server = serving
    other = tmp_path / "other.sqlite"
    second = launch(launched, tmp_path, "--library", str(other))
    qtbot.waitUntil(lambda: Path(server_name(other)).exists(), timeout=EXIT_MS)
    assert second.poll() is None  # a window of its own, serving the other library
    assert server_name(other) != server.name
    second.terminate()


def test_a_socket_left_by_a_killed_instance_is_taken_over(
    qtbot, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    name = server_name(samples_library)
    first = launch(launched, tmp_path, "--library", str(samples_library))
    qtbot.waitUntil(lambda: Path(name).exists(), timeout=EXIT_MS)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    probe = QLocalSocket()
    probe.connectToServer(name)
    assert not probe.waitForConnected(1000)
    assert probe.error() == QLocalSocket.LocalSocketError.ConnectionRefusedError  # stale

    dated_digest(tmp_path, OLD_DAY)
    second = launch(launched, tmp_path, "--library", str(samples_library), "notes/202505/0506.md")

    def imported() -> bool:
        with Library(samples_library) as library:
            return OLD_DAY in library.digests.dates()

    qtbot.waitUntil(imported, timeout=EXIT_MS)  # it started as the window and imported
    assert second.poll() is None
    third = launch(launched, tmp_path, "--library", str(samples_library))
    code, _out, err = finished(qtbot, third)
    assert code == 0, err  # handed over to the second, which listens on the old name
    assert second.poll() is None
    second.terminate()


def test_two_launches_at_once_make_one_window(
    qtbot, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    pair = [launch(launched, tmp_path, "--library", str(samples_library)) for _ in range(2)]
    qtbot.waitUntil(lambda: any(p.poll() is not None for p in pair), timeout=EXIT_MS)
    done = next(p for p in pair if p.poll() is not None)
    window = next(p for p in pair if p is not done)
    assert done.returncode == 0, done.communicate()[1]
    assert window.poll() is None
    third = launch(launched, tmp_path, "--library", str(samples_library))
    code, _out, err = finished(qtbot, third)
    assert code == 0, err
    assert window.poll() is None
    window.terminate()


def test_a_window_that_does_not_answer_stops_the_launch_with_a_reason(
    qtbot, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    hung = QLocalServer()  # listens (the system accepts connections) but never answers
    assert hung.listen(server_name(samples_library))
    started = time.monotonic()
    second = launch(launched, tmp_path, "--library", str(samples_library))
    code, _out, err = finished(qtbot, second, timeout=ANSWER_MS + EXIT_MS)
    assert code == 2
    assert "did not answer" in err and str(samples_library) in err
    assert time.monotonic() - started < ANSWER_MS / 1000 + 10
    hung.close()


def test_files_handed_over_during_an_import_wait_their_turn(
    qtbot, serving, tmp_path: Path, corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _server = serving
    digest = dated_digest(tmp_path, OLD_DAY)
    assert window.importer.start([corpus / "notes"])
    window.open_files([digest])
    assert window.files_waiting == [digest]  # not dropped, not refused
    qtbot.waitUntil(lambda: window.current_date() == OLD_DAY, timeout=60_000)
    assert not window.importer.running and window.files_waiting == []
    assert {OLD_DAY, "2021-10-16"} <= set(window.library.digests.dates())


def test_the_command_line_imports_while_the_window_saves_notes(
    qtbot, october, tmp_path: Path, corpus: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    item = select_first_and_edit(qtbot, window)
    outcomes: list[str] = []  # "saved", or why not
    window.notes.saved.connect(lambda *_: outcomes.append("saved"))
    window.notes.failed.connect(outcomes.append)
    importing = launch(launched, tmp_path, "--library", str(path), "import", str(corpus / "notes"))
    saves = 0
    while importing.poll() is None or saves < 3:
        type_text(window.notes.editor, f" {saves}")
        window.notes.save("save")  # Ctrl+S: the note and a revision, one transaction
        saves += 1
        qtbot.waitUntil(lambda n=saves: len(outcomes) == n, timeout=10_000)
        assert outcomes[-1] == "saved"
    code, out, err = finished(qtbot, importing)
    assert code == 0, err
    assert "locked" not in err
    assert out.splitlines()[-1].startswith("61 imported, 0 updated, 8 unchanged")
    text = window.notes.editor.toPlainText()
    assert text.endswith(f" {saves - 1}") and note_in_file(path, item) == text
    with Library(path) as library:
        assert len(library.digests.dates()) == 69
        assert len(library.user.note_revisions(item)) >= saves
    print(f"{saves} note saves while `kbapp import` ran")


def test_a_screenshot_with_a_file_pictures_that_day_and_answers_no_one(
    qtbot, serving, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    window, server = serving
    asked: list[object] = []
    server.requested.connect(asked.append)
    dated_digest(tmp_path, OLD_DAY)
    shot = tmp_path / "day.png"
    run = launch(
        launched, tmp_path,
        "--library", str(samples_library), "--screenshot", str(shot), "notes/202505/0506.md",
    )  # fmt: skip
    code, out, err = finished(qtbot, run, timeout=60_000)
    assert code == 0, err
    assert f"({OLD_DAY})" in out  # the day pictured: the file's, not the newest sample
    assert not QImage(str(shot)).isNull()
    assert asked == [] and window.current_date() == NEWEST_SAMPLE  # a one-shot run
    with Library(samples_library) as library:
        assert OLD_DAY in library.digests.dates()


def test_a_first_screenshot_with_a_file_imports_no_samples(tmp_path: Path, launched) -> None:  # type: ignore[no-untyped-def]
    dated_digest(tmp_path, OLD_DAY)
    fresh, shot = tmp_path / "fresh.sqlite", tmp_path / "fresh.png"
    run = launch(launched, tmp_path, "--library", str(fresh), "--screenshot", str(shot),
                 "notes/202505/0506.md", "missing.md")  # fmt: skip
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1  # pictured, but one file failed
    assert f"({OLD_DAY})" in out and "missing.md" in err
    assert not QImage(str(shot)).isNull()
    with Library(fresh) as library:
        assert library.digests.dates() == [OLD_DAY]


def test_after_opening_another_library_the_window_answers_for_that_one(
    qtbot, serving, samples_library: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    window, server = serving
    other = tmp_path / "other.sqlite"
    with Library(other) as library:
        import_paths(library, [dated_digest(tmp_path, OLD_DAY)], workers=0)
    assert window.library_actions.switch_library(other)
    assert server.listening and server.name == server_name(other)
    put_behind(qtbot, window)
    second = launch(launched, tmp_path, "--library", str(other))
    code, _out, err = finished(qtbot, second)
    assert code == 0, err
    qtbot.waitUntil(window.isActiveWindow)
    first = claim(samples_library, [])  # nobody serves the first library any more
    assert first.server is not None and first.server.listening
    first.server.close()
