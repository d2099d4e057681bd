"""Real faults of the file system for tests: a small tmpfs that fills up, and one made
read-only. Mounting needs root (CI runs as root); elsewhere the tests skip, saying why."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextmanager
def small_tmpfs(size: str) -> Iterator[Path]:
    """A fresh tmpfs of `size` (such as "3m") mounted on a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="kbapp-tmpfs-"))
    try:
        done = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    except FileNotFoundError:
        folder.rmdir()
        pytest.skip("no `mount` command here to make a small tmpfs")
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        folder.rmdir()


def remount(folder: Path, mode: str) -> None:
    """`mode` "ro" or "rw": the tmpfs made read-only, or writable again."""
    done = _mount("-o", f"remount,{mode}", str(folder))
    assert done.returncode == 0, done.stderr
