"""The instance socket is the user's alone: it lives in a folder only the user can enter,
with or without $XDG_RUNTIME_DIR; a folder, socket or listener of another user gets no
file paths and blocks no start, and the window answers no other user's launch.

Another user is played by `nobody` (uid 65534): as root a test gives a file to it
(chown) or takes its identity for one call (seteuid); without root those tests skip.
The planted listeners are plain sockets that never accept: a client connecting to one
succeeds and can write, as with a listener that reads and never answers, and whether
anyone connected is read afterwards from the listen queue, without waiting.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile

from kbapp.core.store.library import Library
from kbapp.ui.single_instance import InstanceServer, Request, claim, server_name
from tests.ui.test_single_instance import EXIT_MS, OLD_DAY, dated_digest, finished, launch

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="Windows uses pipes, not folders"),
    pytest.mark.usefixtures("qapp"),  # the sockets' notifiers need an event dispatcher
]
NOBODY = 65534


@pytest.fixture
def temp_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No $XDG_RUNTIME_DIR, and a temp folder of the test's own ($TMPDIR, short: a
    socket's path holds about 100 bytes), which launched processes inherit."""
    folder = Path(tempfile.mkdtemp(prefix="kb"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private $XDG_RUNTIME_DIR, as a session has."""
    folder = Path(tempfile.mkdtemp(prefix="kb"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def launched() -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def give_away(path: Path) -> None:
    """Make `path` (not what a symlink there points to) another user's."""
    try:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    except PermissionError:
        pytest.skip(f"giving a file to another user takes root (chown); this is uid {os.getuid()}")


@contextmanager
def as_another_user() -> Iterator[None]:
    """Act as `nobody` for one call: the kernel then records it as a socket's peer."""
    if not hasattr(socket, "SO_PEERCRED"):
        pytest.skip("a socket's peer user is asked of the kernel on Linux only (SO_PEERCRED)")
    mine = os.geteuid()
    try:
        os.seteuid(NOBODY)
    except PermissionError:
        pytest.skip(f"acting as another user takes root (seteuid); this is uid {mine}")
    try:
        yield
    finally:
        os.seteuid(mine)


@pytest.fixture
def plant() -> Iterator[Callable[..., socket.socket]]:
    """Plants listeners: `plant(path)` is one at `path` that never accepts (the kernel
    still completes connects); `listen=False` only binds. Closed when the test ends."""
    made: list[socket.socket] = []

    def planted(path: Path, *, listen: bool = True) -> socket.socket:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        made.append(listener)
        listener.bind(str(path))
        if listen:
            listener.listen(8)
        return listener

    yield planted
    for listener in made:
        listener.close()


def connections(listener: socket.socket) -> list[bytes]:
    """What each client that connected to `listener` sent (b"" for nothing), in order."""
    listener.setblocking(False)
    sent = []
    while True:
        try:
            peer, _ = listener.accept()
        except BlockingIOError:
            return sent
        with peer:
            peer.setblocking(False)
            try:
                sent.append(peer.recv(1 << 16))
            except BlockingIOError:
                sent.append(b"")


def private_folder_of(library: Path) -> Path:
    """The folder the library's socket is in, checked to be a folder of its own (not
    the temp folder everyone shares)."""
    name = server_name(library)
    assert name is not None and os.path.isabs(name), name
    folder = Path(name).parent
    assert folder != Path(tempfile.gettempdir()) and folder != Path(os.environ["TMPDIR"])
    return folder


def test_without_a_runtime_dir_the_socket_is_in_a_folder_only_the_user_can_enter(
    temp_only: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    folder = private_folder_of(library)
    info = folder.lstat()
    assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    assert stat.S_IMODE(info.st_mode) == 0o700
    assert folder.parent == temp_only
    server = claim(library, []).server
    assert server is not None and server.listening
    assert Path(server.name).parent == folder and Path(server.name).lstat().st_uid == os.getuid()
    assert [path.name for path in temp_only.iterdir()] == [folder.name]  # nothing else there
    server.close()


@pytest.mark.parametrize("planting", ["open to everyone", "a symlink", "another user's"])
def test_a_folder_planted_where_the_private_one_goes_is_refused(
    temp_only: Path, tmp_path: Path, planting: str, plant: Callable[..., socket.socket]
) -> None:
    """Someone made the folder first: kbapp neither uses nor repairs it. This start runs
    unannounced (its own window) rather than hand files to what listens in there."""
    library = tmp_path / "library.sqlite"
    folder = private_folder_of(library)
    socket_name = Path(server_name(library) or "").name
    folder.rmdir()
    if planting == "a symlink":
        target = temp_only / "elsewhere"
        target.mkdir(mode=0o700)
        folder.symlink_to(target)
    else:
        folder.mkdir(mode=0o700)
        if planting == "open to everyone":
            folder.chmod(0o777)
        else:
            give_away(folder)
    listener = plant(folder / socket_name)
    before = folder.lstat()

    decided = claim(library, [tmp_path / "0506.md"], defer=True)
    assert decided.server is None and decided.pending is None and not decided.handed_over
    assert server_name(library) is None
    assert connections(listener) == []
    after = folder.lstat()  # left as it was: not repaired, not removed
    assert (after.st_mode, after.st_uid, after.st_ino) == (
        before.st_mode,
        before.st_uid,
        before.st_ino,
    )


def test_a_runtime_dir_of_another_user_is_not_used(
    runtime_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    plant: Callable[..., socket.socket],
) -> None:
    """$XDG_RUNTIME_DIR kept from another user's session (su, sudo -E): the socket
    another user listens on there gets nothing; this user's own folder serves instead."""
    library = tmp_path / "library.sqlite"
    socket_name = Path(server_name(library) or "").name
    give_away(runtime_dir)
    listener = plant(runtime_dir / socket_name)
    give_away(runtime_dir / socket_name)
    temp = Path(tempfile.mkdtemp(prefix="kb"))
    monkeypatch.setenv("TMPDIR", str(temp))
    try:
        server = claim(library, [tmp_path / "0506.md"]).server
        assert connections(listener) == []
        assert server is not None and server.listening
        assert Path(server.name).parent.parent == temp
        server.close()
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def test_a_socket_file_of_another_user_is_replaced_without_a_word_to_it(
    runtime_dir: Path, tmp_path: Path, plant: Callable[..., socket.socket]
) -> None:
    library = tmp_path / "library.sqlite"
    name = server_name(library)
    assert name is not None
    listener = plant(Path(name))
    give_away(Path(name))

    decided = claim(library, [tmp_path / "0506.md"], defer=True)
    assert connections(listener) == []  # not even connected to
    assert decided.server is not None and decided.server.listening and decided.server.name == name
    assert Path(name).lstat().st_uid == os.getuid()  # this user's socket now
    decided.server.close()


def test_a_listener_running_as_another_user_gets_no_files(
    runtime_dir: Path, tmp_path: Path, plant: Callable[..., socket.socket]
) -> None:
    """The socket file is the user's but the process listening on it is not (root can
    make that so): the kernel says who listens, and the launch sends it nothing."""
    library = tmp_path / "library.sqlite"
    name = server_name(library)
    assert name is not None
    listener = plant(Path(name), listen=False)  # the file is this user's
    with as_another_user():
        listener.listen(8)  # the peer the kernel names is nobody

    decided = claim(library, [tmp_path / "0506.md"], defer=True)
    assert connections(listener) == [b""]  # connected, and hung up before a byte
    assert decided.server is not None and decided.server.listening and decided.server.name == name
    decided.server.close()


def test_the_window_answers_no_launch_of_another_user(
    qtbot, runtime_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Another user who reaches the socket anyway (root linked it where they can) is
    hung up on: no request, no answer."""
    library = tmp_path / "library.sqlite"
    server = claim(library, []).server
    assert isinstance(server, InstanceServer) and server.listening
    asked: list[Request] = []
    server.requested.connect(asked.append)
    door = Path(tempfile.mkdtemp(prefix="kb"))
    try:
        door.chmod(0o711)
        os.link(server.name, door / "s")
        os.chmod(server.name, 0o777)  # the socket file, by either name
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with as_another_user():
            client.connect(str(door / "s"))  # the kernel records nobody as this peer
        client.sendall(Request([tmp_path / "0506.md"]).encode())
        client.setblocking(False)
        answer: list[bytes] = []

        def hung_up() -> bool:
            try:
                answer.append(client.recv(1 << 16))
            except BlockingIOError:
                return False
            except ConnectionResetError:  # closed with the request unread
                answer.append(b"")
            return answer[-1] == b""

        qtbot.waitUntil(hung_up, timeout=EXIT_MS)
        assert answer == [b""] and asked == []
        client.close()
    finally:
        server.close()
        shutil.rmtree(door, ignore_errors=True)


@pytest.mark.parametrize("planting", ["a silent listener", "a held lock"])
def test_what_another_user_plants_at_the_predictable_temp_name_gets_nothing_and_blocks_nothing(
    qtbot, temp_only: Path, tmp_path: Path, launched, plant, planting: str
) -> None:  # type: ignore[no-untyped-def]
    """Without $XDG_RUNTIME_DIR the socket used to be $TMPDIR/kbapp-<hash> and its lock
    beside it, which anyone can make first. A start given a file still opens its own
    window and imports it, and a listener there gets nothing."""
    library = tmp_path / "library.sqlite"
    predictable = temp_only / Path(server_name(library) or "").name
    listener = plant(predictable) if planting == "a silent listener" else None
    lock = QLockFile(f"{predictable}.lock")  # held by a live process: this one
    if planting == "a held lock":
        assert lock.tryLock(0)
    planted = predictable if listener is not None else Path(lock.fileName())
    if os.getuid() == 0:
        give_away(planted)
    dated_digest(tmp_path, OLD_DAY)
    with Library(library):
        pass  # made here, so that this test and the launch never both make it

    started = launch(launched, tmp_path, "--library", str(library), "notes/202505/0506.md")

    def imported() -> bool:
        if started.poll() is not None:
            return True  # an exit ends the wait: asserted below
        with Library(library) as opened:
            return OLD_DAY in opened.digests.dates()

    qtbot.waitUntil(imported, timeout=EXIT_MS)
    assert started.poll() is None, finished(qtbot, started)  # its own window, still open
    assert listener is None or connections(listener) == []
    started.terminate()
    lock.unlock()


def test_without_a_runtime_dir_a_second_launch_still_hands_over(
    qtbot, temp_only: Path, tmp_path: Path, launched
) -> None:  # type: ignore[no-untyped-def]
    library = tmp_path / "library.sqlite"
    server = claim(library, []).server
    assert server is not None and server.listening
    asked: list[Request] = []
    server.requested.connect(asked.append)
    digest = dated_digest(tmp_path, OLD_DAY)
    second = launch(launched, tmp_path, "--library", str(library), str(digest))
    code, _out, err = finished(qtbot, second)
    assert code == 0, err
    assert [request.files for request in asked] == [[digest]]
    server.close()
