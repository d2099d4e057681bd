"""One window per library: a later launch hands its files to the window already open.

Two windows on one library would mean two note editors and two undo histories over the
same rows, so `kbapp [FILE.md ...]` first asks whether a kbapp already serves that
library. The conversation is one JSON line each way over a local socket (QLocalSocket: a
Unix socket, a named pipe on Windows):

    launch → window   {"files": ["/abs/notes/202103/0307.md"], "raise": true}
    window → launch   {"ok": true}

after which the launch exits 0 and the window raises itself and imports the files as a
drop would. The server's name is a hash of the user and the library's resolved path, so
two libraries never meet. The socket lives in a folder only the user can enter
(`instance_dir`: `$XDG_RUNTIME_DIR`, else a 0700 `kbapp-<uid>` in the temp folder; on
Windows a pipe only the user may open), and both ends check that the other runs as the
same user: another user's socket gets no file paths and blocks no start. Without such a
folder the window runs unannounced (each launch opens its own).

Connect-or-listen is decided under a lock file (QLockFile) beside the socket, so two
launches at the same moment never both listen. A socket that refuses connections was
left by a killed instance, and one of another user's is not talked to: either is removed
and listened on again. A window of this user that accepts the connection but
does not answer within `ANSWER_MS` (busy or hung) stops the launch with a message rather
than open a second window on the library.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QEvent, QLockFile, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from kbapp.ui.instance_dir import is_own_socket, peer_is_user, private_folder

if TYPE_CHECKING:  # QtNetwork loads when a socket is used (see `claim`'s `defer`)
    from PySide6.QtNetwork import QLocalSocket

    from kbapp.ui.main_window import MainWindow

log = logging.getLogger(__name__)

CONNECT_MS = 2000  # a live local server accepts at once; this only bounds a wedged one
ANSWER_MS = 5000  # the window answers from its event loop: a busy second is normal
# Another launch holds the lock for a connect attempt, or (deferred, `claim`) while its
# window starts: a first start that imports the samples or migrates a big library's
# index takes seconds. A lock whose process died is taken over at once (QLockFile).
LOCK_MS = 30_000
MAX_REQUEST = 1 << 20  # bytes: a line of paths, not a stream
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


class NoAnswer(Exception):
    """A kbapp holds this library's name but does not answer: do not start another."""


@dataclass(frozen=True, slots=True)
class Request:
    """What a launch asks of the running window."""

    files: list[Path]
    raise_window: bool = True

    def encode(self) -> bytes:
        message = {"files": [str(path) for path in self.files], "raise": self.raise_window}
        return json.dumps(message, ensure_ascii=False).encode() + b"\n"

    @classmethod
    def decode(cls, line: bytes) -> Request | None:
        """The request a line holds, or None for anything else (never an exception)."""
        try:
            message = json.loads(line)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        files = message.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return None
        return cls([Path(f) for f in files], bool(message.get("raise", True)))


@dataclass(frozen=True, slots=True)
class Launch:
    """What `claim` decided: this process serves the library (`server`, None when it
    could not listen or has no private folder, and runs unannounced), or a running
    window took the request."""

    server: InstanceServer | None = None
    handed_over: bool = False
    pending: Pending | None = None  # `claim(defer=True)`: serve once the window shows


class Pending:
    """The library's lock, held while this process's window starts: a later launch
    waits on it (up to LOCK_MS), then finds the window answering. `listen` once the
    window has painted: the socket (and QtNetwork, ~6 ms) cost the first paint nothing."""

    def __init__(self, name: str, lock: QLockFile) -> None:
        self._name, self._lock = name, lock

    def listen(self) -> InstanceServer | None:
        """Serve the library now (None when it cannot listen: logged) and let go of the
        lock."""
        try:
            server = InstanceServer()
            socket = server.connect_or_listen(self._name)
        except NoAnswer as error:  # only a process ignoring the lock could cause this
            log.warning("%s", error)
            return None
        finally:
            self._lock.unlock()
        if socket is not None:  # cannot happen while the lock is held; never two windows
            socket.abort()
        return server if server.listening else None

    def release(self) -> None:
        """Let go of the lock without serving (nothing once `listen` ran)."""
        self._lock.unlock()


def server_name(library_path: Path) -> str | None:
    """The library's socket name for this user: a full path in the user's private
    folder (made when missing), a bare pipe name on Windows, None when there is no
    private folder (logged: the window then runs without answering launches)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (a bare container)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    where = os.path.normcase(str(library_path.resolve()))  # one name per file on Windows
    # Two CRC-32s make 64 bits (not hashlib: loading OpenSSL cost the window's start 4 ms).
    key = f"{user}\0{where}".encode()
    digest = f"{zlib.crc32(key):08x}{zlib.crc32(key[::-1]):08x}"
    name = f"kbapp-{digest}"
    if os.name != "posix":
        return name
    folder = private_folder()
    if folder is None:
        return None
    full = os.path.join(folder, name)
    if len(full.encode()) > SOCKET_PATH_MAX:
        log.warning("the socket path %s is too long: launches are not handed over", full)
        return None
    return full


def claim(library_path: Path, files: Sequence[Path], *, defer: bool = False) -> Launch:
    """Hand `files` (absolute) to the window serving this library, or serve it here.
    With `defer`, when no socket exists for the library at all (nobody serves it and no
    crashed kbapp left one), keep the lock instead and return `pending`: the caller
    listens after its window's first paint (`Pending.listen`).

    Raises NoAnswer when a window holds the library but does not answer in time."""
    name = server_name(library_path)
    if name is None:
        return Launch()
    lock = _lock(name)
    if defer and os.path.isabs(name) and not os.path.lexists(name):
        return Launch(pending=Pending(name, lock))
    try:
        server = InstanceServer()
        socket = server.connect_or_listen(name)
    finally:
        lock.unlock()  # nothing when it was not locked
    if socket is None:
        return Launch(server if server.listening else None)
    server.deleteLater()
    try:
        answered = _ask(socket, Request(list(files)))
    finally:
        socket.abort()
    if not answered:
        raise NoAnswer(
            f"the library {os.path.abspath(library_path)} is open in a kbapp window that "
            f"did not answer within {ANSWER_MS // 1000} s (busy or hung): try again, or "
            "close that window."
        )
    return Launch(handed_over=True)


def serve(window: MainWindow, server: InstanceServer) -> None:
    """The window answers later launches: it comes to the front and imports their files
    the way a drop does; after File ▸ Open library it answers for that library."""

    def answer(request: Request) -> None:
        if request.raise_window:
            bring_to_front(window)
        if request.files:
            window.open_files(request.files)

    server.requested.connect(answer)
    window.library_switched.connect(server.follow)


def accept_file_opens(window: MainWindow) -> None:
    """The window imports the files the system opens with the app (`FileOpens`), from
    its start on: macOS sends those of the launch itself before the window has painted,
    when there is no server yet. (`app` installs it on macOS only: Qt sends these events
    nowhere else, and the filter sees every event of the application.)"""
    QApplication.instance().installEventFilter(FileOpens(window))  # type: ignore[union-attr]


class FileOpens(QObject):
    """Files the system hands the running app as events, not arguments: macOS sends a
    file opened from Finder (Open With, a drop on the Dock icon) as a QFileOpenEvent to
    the application. They are imported as a later launch's files are."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self._window.open_files([Path(event.file())])
            return True
        return super().eventFilter(watched, event)


def bring_to_front(window: MainWindow) -> None:
    """Un-minimise (keeping maximised), raise and focus. A window manager may refuse
    the focus to a window the user did not click; the taskbar entry then asks for it."""
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)  # nothing when it did get the focus


class InstanceServer(QObject):
    """Listens on the library's name and turns each launch's line into `requested`."""

    requested = Signal(object)  # a Request

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    @property
    def name(self) -> str:
        return self._server.serverName()

    def connect_or_listen(self, name: str) -> QLocalSocket | None:
        """A socket connected to the window serving `name`, or None once this listens on
        it (or could not: logged, and the window runs without answering launches).
        Called under the name's lock (`_lock`)."""
        from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

        for _attempt in range(2):  # again when another process listened meanwhile
            if not is_own_socket(name):  # never connect to what another user made
                log.warning("removing %s: not a socket of yours", name)
                QLocalServer.removeServer(name)
            socket = QLocalSocket()
            socket.connectToServer(name)
            if socket.waitForConnected(CONNECT_MS):
                if peer_is_user(socket):
                    return socket
                socket.abort()  # nothing sent: its listener is not this user's kbapp
                log.warning("removing %s: another user's process listens on it", name)
                QLocalServer.removeServer(name)
            elif socket.error() == QLocalSocket.LocalSocketError.SocketTimeoutError:
                raise NoAnswer(f"a kbapp holds {name} but does not accept connections.")
            elif socket.error() == QLocalSocket.LocalSocketError.ConnectionRefusedError:
                log.info("removing %s, left by a kbapp that stopped without closing it", name)
                QLocalServer.removeServer(name)
            if self._server.listen(name):
                return None
            if self._server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
                break
        log.warning("cannot listen on %s: %s", name, self._server.errorString())
        return None

    def close(self) -> None:
        """Stop answering (and remove the socket file): the window is going away."""
        self._server.close()

    def follow(self, library_path: Path) -> None:
        """The window now shows another library: answer for that one instead. If a
        window already serves it, that one keeps answering and this one stays quiet."""
        self._server.close()
        name = server_name(library_path)
        if name is None:
            return
        try:
            lock = _lock(name)
            try:
                socket = self.connect_or_listen(name)
            finally:
                lock.unlock()
        except NoAnswer:
            socket = None
        if socket is not None:
            socket.abort()
            log.info("%s is already served by another window", library_path)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not peer_is_user(socket):  # logged; its request is never read
                socket.abort()
                socket.deleteLater()
                continue
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(socket.deleteLater)
            QTimer.singleShot(ANSWER_MS, socket, socket.abort)  # a client that says nothing
            self._read(socket)  # the line may have come with the connection

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_REQUEST:
                socket.abort()
            return
        request = Request.decode(bytes(socket.readLine().data()))
        socket.write(b'{"ok": true}\n' if request else b'{"ok": false}\n')
        socket.disconnectFromServer()  # after the answer is written
        if request is not None:
            log.info("a launch asks: %s", request)
            self.requested.emit(request)


def _lock(name: str) -> QLockFile:
    """The name's lock file, taken (or, when the file cannot be written, not: the
    decision is then made without it): whoever holds it decides whether to connect or
    to listen, so two launches at once never both listen."""
    folder = os.path.dirname(name) or QDir.tempPath()
    lock = QLockFile(os.path.join(folder, os.path.basename(name) + ".lock"))
    lock.setStaleLockTime(0)  # held as long as its window starts: stale only if its process died
    if not lock.tryLock(LOCK_MS):
        if lock.error() == QLockFile.LockError.LockFailedError:
            raise NoAnswer("another kbapp is starting on this library: try again in a moment.")
        log.warning("cannot write the lock file %s: deciding without it", lock.fileName())
    return lock


def _ask(socket: QLocalSocket, request: Request) -> bool:
    """Send the request; True once the window says it took it (within ANSWER_MS)."""
    deadline = time.monotonic() + ANSWER_MS / 1000

    def left() -> int:
        return max(0, int((deadline - time.monotonic()) * 1000))

    socket.write(request.encode())
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(left()):
            return False
    while not socket.canReadLine():
        if not socket.waitForReadyRead(left()):
            return False
    try:
        answer = json.loads(bytes(socket.readLine().data()))
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("ok") is True


__all__ = [
    "ANSWER_MS",
    "InstanceServer",
    "Launch",
    "NoAnswer",
    "Pending",
    "Request",
    "accept_file_opens",
    "bring_to_front",
    "claim",
    "serve",
    "server_name",
]
