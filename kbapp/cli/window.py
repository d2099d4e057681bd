"""`kbapp [options] [FILE.md|FOLDER ...]`: the window's options and its start. A launch
builds only this small parser and loads Qt only in `run_window`, so the commands never
load it and the window's first paint never pays for the commands' parsers."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from kbapp import __version__, logs
from kbapp.cli.shared import EXIT_ENVIRONMENT
from kbapp.paths import LIBRARY_ENV, library_path

LIBRARY_HELP = f"the library file (default: ${LIBRARY_ENV}, else the user data folder)"
DEBUG_HELP = f"log what kbapp does on stderr (also: {logs.LOG_ENV}=debug)"
USAGE = (
    "%(prog)s [--library PATH] [--screenshot PNG [--date YYYY-MM-DD]] [FILE.md|FOLDER ...]\n"
    "       %(prog)s [--library PATH] COMMAND ..."
)
FILES_HELP = (
    "digest files or folders of them to import and show (the newest of their days); if "
    "kbapp already has this library open, they go to that window, which comes to the front"
)


def add_window_options(parser: argparse.ArgumentParser, *, version: bool = True) -> None:
    """The options of `kbapp` without a command (the window)."""
    if version:
        parser.add_argument("--version", action="version", version=f"kbapp {__version__}")
    parser.add_argument("--library", metavar="PATH", help=LIBRARY_HELP)
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        type=Path,
        help="open the window offscreen, write a picture of it to PNG and exit",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="with --screenshot: the day to show (default: the newest of the files "
        "given, else the last)",
    )


def build_window_parser(commands: Sequence[str]) -> argparse.ArgumentParser:
    """`kbapp [options] FILE.md|FOLDER ...`: the window, importing the files; the epilog
    names the `commands`."""
    parser = argparse.ArgumentParser(
        prog="kbapp",
        usage=USAGE,
        description="Open the window on the library and import the files given.",
        epilog=f"Commands (kbapp COMMAND --help): {', '.join(commands)}.",
    )
    add_window_options(parser)
    parser.add_argument("files", nargs="*", metavar="FILE.md|FOLDER", type=Path, help=FILES_HELP)
    return parser


def first_word(argv: Sequence[str]) -> str | None:
    """The first word after the window's options: a command's name or a file; "--"
    when only files follow; None when there is none (or the options are wrong, which
    the window's parser then reports)."""
    options = argparse.ArgumentParser(prog="kbapp", add_help=False, exit_on_error=False)
    add_window_options(options, version=False)
    try:
        _, rest = options.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return next((word for word in rest if word == "--" or not word.startswith("-")), None)


def run_window(args: argparse.Namespace) -> int:
    """Open the window, imported only here so the commands never load Qt."""
    try:
        app = importlib.import_module("kbapp.ui.app")
    except ImportError as error:  # Qt or a system library it needs is missing
        print(f"kbapp: the window cannot start: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return int(
        app.run(
            library_path(args.library),
            screenshot=args.screenshot,
            date=args.date,
            files=getattr(args, "files", []),  # none when parsed by the commands' parser
        )
    )
