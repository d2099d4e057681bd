"""Where the instance socket lives, and who may talk over it (`single_instance`).

A launch hands its file paths to whatever listens on the library's socket, so the
socket must be one only this user could have made. It lives in a folder only the user
can enter: `$XDG_RUNTIME_DIR` when that is such a folder, else `kbapp-<uid>` in the temp
folder (`$TMPDIR`, else /tmp), made with mode 0700. A folder found there that is a
symlink, belongs to another user or lets others in was not made by kbapp for this user:
it is refused, never repaired, and the window then runs without answering launches (a
later launch opens its own window; nobody else gets the files or can block the start).

Two more checks stand behind the folder (root can enter any folder, and a socket can be
moved in): a launch connects only to a socket file this user owns, and on Linux both
ends ask the kernel who is at the other end (SO_PEERCRED) and talk only to this user.
"""

from __future__ import annotations

import logging
import os
import stat
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)


def private_folder() -> str | None:
    """A folder only this user can enter, made when missing; None when there is none to
    be had (logged). Only on POSIX systems: Windows gives each user's pipes their own
    access list (QLocalServer.UserAccessOption), and there is no folder to check."""
    if os.name != "posix":
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        problem = _not_private(runtime)
        if problem is None:
            return runtime
        log.warning("not using $XDG_RUNTIME_DIR %s: %s", runtime, problem)
    folder = os.path.join(QDir.tempPath(), f"kbapp-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass  # made by an earlier start, or planted: checked below
    except OSError as error:
        log.warning("cannot make %s (%s): launches are not handed to this window", folder, error)
        return None
    problem = _not_private(folder)
    if problem is not None:
        log.warning("refusing %s: %s; launches are not handed to this window", folder, problem)
        return None
    return folder


def is_own_socket(path: str) -> bool:
    """Whether `path` is free (nothing there) or a socket file this user owns (always
    True off POSIX: a pipe's name is no file)."""
    if os.name != "posix":
        return True
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    return stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid()


def peer_is_user(socket: QLocalSocket) -> bool:
    """Whether the process at the other end of a connected socket runs as this user.
    Asked of the kernel on Linux (SO_PEERCRED: the peer's user when it connected or
    listened); True where the system has no such question (the folder and the socket
    file's owner are then the checks)."""
    import socket as sockets  # ~5 ms, paid only when a connection is made

    option = getattr(sockets, "SO_PEERCRED", None)
    if option is None or not hasattr(os, "getuid"):
        return True
    import struct

    descriptor = int(socket.socketDescriptor())
    if descriptor < 0:
        return False
    ucred = struct.Struct("iII")  # struct ucred: pid_t pid, uid_t uid, gid_t gid
    try:
        with sockets.socket(fileno=os.dup(descriptor)) as peer:  # a copy: Qt keeps its own
            _pid, uid, _gid = ucred.unpack(peer.getsockopt(sockets.SOL_SOCKET, option, ucred.size))
    except OSError as error:
        log.warning("cannot tell who is at the other end of the socket: %s", error)
        return False
    if uid != os.getuid():
        log.warning("the process at the other end of the socket runs as user %d, not as you", uid)
        return False
    return True


def _not_private(folder: str) -> str | None:
    """Why `folder` is not a folder only this user can enter, or None when it is. The
    folder itself is looked at, never what a symlink there points to."""
    try:
        info = os.lstat(folder)
    except OSError as error:
        return str(error)
    if not stat.S_ISDIR(info.st_mode):
        return "not a folder (a symlink or a file)"
    if info.st_uid != os.getuid():
        return f"it belongs to user {info.st_uid}"
    if info.st_mode & 0o077:
        return f"others may enter it (mode {stat.S_IMODE(info.st_mode):o})"
    return None


__all__ = ["is_own_socket", "peer_is_user", "private_folder"]
