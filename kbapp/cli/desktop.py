"""`kbapp desktop install|uninstall`: kbapp in the desktop's application menu (Linux)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbapp.cli.shared import EXIT_ENVIRONMENT, EXIT_OK, Commands, usage


def add_desktop_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "desktop",
        parents=[common],
        help="add kbapp to the application menu, or take it out",
        description="The desktop entry and icon that put kbapp in the application menu of "
        "Linux desktops (XDG), for this user only.",
    )
    group.set_defaults(run=lambda _args: usage(group))
    desktop = group.add_subparsers(title="desktop commands", metavar="COMMAND")
    cmd = desktop.add_parser(
        "install",
        parents=[common],
        help="put kbapp in the menu and make it an 'Open with' choice for markdown",
        description="Write the desktop entry io.github.kbapp.desktop and the icons into "
        "$XDG_DATA_HOME (default ~/.local/share). The entry starts this bundle's program, "
        "or the kbapp command in use, with the files opened from a file manager. Running it "
        "again overwrites the earlier entry.",
    )
    cmd.add_argument(
        "--program",
        metavar="PATH",
        type=Path,
        help="the program the entry starts (default: this bundle, or this kbapp command)",
    )
    cmd.set_defaults(run=desktop_install)
    cmd = desktop.add_parser(
        "uninstall",
        parents=[common],
        help="take kbapp out of the menu",
        description="Remove the desktop entry and icons that `kbapp desktop install` wrote. "
        "The library is not touched.",
    )
    cmd.set_defaults(run=desktop_uninstall)


def desktop_install(args: argparse.Namespace) -> int:
    from kbapp.desktop import DesktopError, install

    if not _xdg_desktop():
        return EXIT_ENVIRONMENT
    try:
        change = install(args.program)
    except DesktopError as error:
        print(f"kbapp: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except OSError as error:
        print(f"kbapp: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    for path in change.files:
        print(f"wrote {path}")
    print(f"kbapp is in the application menu; it starts {change.program}")
    return EXIT_OK


def desktop_uninstall(args: argparse.Namespace) -> int:
    from kbapp.desktop import uninstall

    if not _xdg_desktop():
        return EXIT_ENVIRONMENT
    try:
        change = uninstall()
    except OSError as error:
        print(f"kbapp: cannot remove {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    for path in change.files:
        print(f"removed {path}")
    print("kbapp is out of the application menu" if change.files else "nothing to remove")
    return EXIT_OK


def _xdg_desktop() -> bool:
    """Windows and macOS have no XDG menu: their bundles are the app to install."""
    if sys.platform in ("win32", "darwin"):
        print(
            "kbapp: the menu entry is for Linux desktops; on Windows and macOS install the "
            "app bundle (see 'Build the app bundle' in the README)",
            file=sys.stderr,
        )
        return False
    return True
