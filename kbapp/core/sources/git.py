"""A source that is a git checkout, brought up to date with the system's git: `git pull
--ff-only`, with a timeout and never a prompt (no terminal, no credential helper
asking), refused when the checkout has changes of its own. A failure comes back as one
line in plain words, and leaves the checkout as it was (a fast-forward either happens
whole or not at all)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT_S = 120.0


class GitError(Exception):
    """What went wrong, in plain words (the message is shown as it is)."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GIT_TERMINAL_PROMPT": "0",  # no "Username for ...:" on a terminal
        "GIT_ASKPASS": "true", "SSH_ASKPASS": "true",  # any password asked is empty
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",  # and ssh asks nothing either
        "LC_ALL": "C",  # git's messages in English, read below
    })  # fmt: skip
    return env


def _git(folder: Path, *args: str, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise GitError("git is not installed: install it to update git sources")
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True, text=True, env=_env(), timeout=timeout,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took over {timeout:.0f} s and was stopped") from None
    except OSError as error:
        raise GitError(f"git could not run ({error.strerror or error})") from None


def is_checkout(folder: Path) -> bool:
    """The folder is the top of a git working tree."""
    if shutil.which("git") is None or not (folder / ".git").exists():
        return False
    try:
        done = _git(folder, "rev-parse", "--show-toplevel", timeout=10)
    except GitError:
        return False
    return done.returncode == 0 and Path(done.stdout.strip()).resolve() == folder.resolve()


def _plain(stderr: str) -> str:
    """git's complaint as one line a reader understands."""
    text = stderr.lower()
    if "could not read from remote" in text or "unable to access" in text \
            or "does not appear to be a git repository" in text \
            or "could not resolve host" in text or "repository not found" in text:  # fmt: skip
        return "the remote repository could not be reached (no network, or it moved)"
    if "not possible to fast-forward" in text or "diverg" in text:
        return "the checkout has commits of its own the remote lacks: merge them by hand"
    if "no tracking information" in text:
        return "the checkout's branch follows no remote branch"
    if "would be overwritten" in text:
        return "the checkout has changes the update would overwrite: commit or undo them"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.lower().startswith(("fatal:", "error:"))]
    return (fatal or lines or ["git pull failed"])[0].removeprefix("fatal: ")


def pull(folder: Path, timeout: float = TIMEOUT_S) -> str:
    """Fast-forward the checkout from its remote; git's one-line summary. GitError when
    it could not (nothing changed then)."""
    status = _git(folder, "status", "--porcelain", "--untracked-files=no", timeout=30)
    if status.returncode != 0:
        raise GitError(_plain(status.stderr))
    if status.stdout.strip():
        raise GitError("the checkout has changes not committed: commit or undo them first")
    done = _git(folder, "pull", "--ff-only", "--quiet", timeout=timeout)
    if done.returncode != 0:
        raise GitError(_plain(done.stderr))
    head = _git(folder, "log", "-1", "--format=%h %s", timeout=30)
    return head.stdout.strip()


__all__ = ["GitError", "is_checkout", "pull"]
