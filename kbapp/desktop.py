"""Put kbapp in the desktop's application menu and take it out again (Linux and other
XDG desktops). No Qt here: `kbapp desktop install` works without a display.

`install` writes, under `$XDG_DATA_HOME` (default `~/.local/share`), the icon at every
size (`icons/hicolor/<N>x<N>/apps/io.github.kbapp.png` and the scalable SVG) and then the
desktop entry `applications/io.github.kbapp.desktop`, made from the template packagers
use (`resources/io.github.kbapp.desktop`) with `Exec=` pointing at this program: the
bundle's when kbapp runs from a PyInstaller bundle, else the installed `kbapp` command.
The entry's name matches `QApplication.setDesktopFileName`, so a Wayland compositor puts
the window under this entry. `uninstall` removes exactly the files `install` writes.
Both then refresh the menu's caches with the desktop's own tools when they are present.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DESKTOP_ID = "io.github.kbapp"  # the same as kbapp.ui.app.DESKTOP_ID
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Characters that make an Exec argument need double quotes (Desktop Entry spec, "The Exec key").
_RESERVED = frozenset(" \t\"'\\><~|&;$*?#()`")


class DesktopError(Exception):
    """The entry cannot be written as asked (no program to point at, an odd path)."""


@dataclass(frozen=True)
class Change:
    """What `install` or `uninstall` did: the files, and the program the entry starts."""

    files: list[Path]
    program: Path | None = None


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME`, or `~/.local/share` when it is unset or not absolute (as the
    XDG Base Directory spec says to treat a relative one)."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def entry_path(home: Path) -> Path:
    return home / "applications" / f"{DESKTOP_ID}.desktop"


def icon_paths(home: Path) -> dict[str, Path]:
    """Each icon file in the package (`resources/icons/`) → where the menu looks for it."""
    hicolor = home / "icons" / "hicolor"
    paths = {
        f"kbapp-{size}.png": hicolor / f"{size}x{size}" / "apps" / f"{DESKTOP_ID}.png"
        for size in ICON_SIZES
    }
    paths["kbapp.svg"] = hicolor / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    return paths


def default_program() -> Path:
    """The program the entry should start: the bundle's own when frozen, else the `kbapp`
    command being run, else the one beside this Python (a venv's bin), else on PATH."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable)
    name = "kbapp.exe" if sys.platform == "win32" else "kbapp"
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == name and argv0.is_file():
        return Path(os.path.abspath(argv0))
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return beside
    found = shutil.which(name)
    if found:
        return Path(os.path.abspath(found))
    raise DesktopError("cannot find the kbapp command; give its path with --program")


def exec_argument(path: str) -> str:
    """`path` as one argument of an `Exec=` value: `%` doubled, double quotes around it
    when it holds a reserved character (with `"`, `` ` ``, `$` and `\\` escaped inside),
    and then every backslash doubled, as Exec is also a string value."""
    text = path.replace("%", "%%")
    if any(char in _RESERVED for char in text):
        text = '"' + re.sub(r'(["`$\\])', r"\\\1", text) + '"'
    return text.replace("\\", "\\\\")


def entry_text(program: Path) -> str:
    """The packagers' template with `Exec=` (and a `TryExec=`, which hides the entry if
    the program is deleted) pointing at `program`."""
    text = str(program)
    if any(ord(char) < 32 for char in text):
        raise DesktopError(f"a desktop entry cannot start a path with control characters: {text!r}")
    template = (
        resources.files("kbapp.resources").joinpath(f"{DESKTOP_ID}.desktop").read_text("utf-8")
    )
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={exec_argument(text)} %F")
            line = "TryExec=" + text.replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(program: Path | None = None, home: Path | None = None) -> Change:
    """Write the icons, then the entry (so the menu never shows an entry without its
    icon); an earlier install is overwritten."""
    home = data_home() if home is None else home
    target = Path(os.path.abspath(program)) if program is not None else default_program()
    if not (target.is_file() and os.access(target, os.X_OK)):
        raise DesktopError(f"{target} is not a program that can be run")
    text = entry_text(target)
    icons = resources.files("kbapp.resources").joinpath("icons")
    written = []
    for name, path in icon_paths(home).items():
        _write(path, icons.joinpath(name).read_bytes())
        written.append(path)
    _write(entry_path(home), text.encode("utf-8"))
    written.append(entry_path(home))
    refresh_caches(home)
    return Change(written, target)


def uninstall(home: Path | None = None) -> Change:
    """Remove the entry, then the icons: the files `install` writes and nothing else."""
    home = data_home() if home is None else home
    removed = []
    for path in [entry_path(home), *icon_paths(home).values()]:
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    if removed:
        refresh_caches(home)
    return Change(removed)


def refresh_caches(home: Path) -> list[str]:
    """Rebuild the menu's MIME cache, and the icon cache if this folder has one (an icon
    cache that exists but is stale hides new icons; without one, icons are found by
    looking, so none is made). Missing tools or their failures are not errors: desktops
    also rescan by themselves. Returns the tools that ran."""
    ran = []
    applications = home / "applications"
    tool = shutil.which("update-desktop-database")
    if tool and applications.is_dir():
        _quietly([tool, "-q", str(applications)])
        ran.append("update-desktop-database")
    hicolor = home / "icons" / "hicolor"
    tool = shutil.which("gtk-update-icon-cache")
    if tool and (hicolor / "icon-theme.cache").is_file():
        _quietly([tool, "-q", "-f", "-t", str(hicolor)])
        ran.append("gtk-update-icon-cache")
    return ran


def _quietly(command: list[str]) -> None:
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(command, capture_output=True, timeout=60, check=False)


def _write(path: Path, data: bytes) -> None:
    """Replace `path` whole (through a temporary file beside it), readable by all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o644)
    os.replace(temporary, path)


__all__ = [
    "DESKTOP_ID",
    "Change",
    "DesktopError",
    "data_home",
    "default_program",
    "entry_text",
    "exec_argument",
    "install",
    "uninstall",
]
