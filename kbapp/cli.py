"""The `kbapp` command: import, stats and export from a terminal; no command opens the
window.

`main()` reads top to bottom: parse the arguments, resolve the library path, open the
library (migrating it), run the command. Problems of the environment (a locked, newer
or unreadable library, an unwritable output file) print one line to stderr and exit 2;
a failed file in an import exits 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kbapp import __version__
from kbapp.core.store import Library, LibraryError
from kbapp.paths import LIBRARY_ENV, library_path

if TYPE_CHECKING:  # commands load what they need: the window starts without them
    from kbapp.core.importer import FileOutcome

EXIT_OK, EXIT_FAILED, EXIT_ENVIRONMENT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # a frozen app's import workers start here
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_ENVIRONMENT
    command: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if command is None:
        return _run_gui(args)
    try:
        return command(args)
    except LibraryError as error:
        print(f"kbapp: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:  # files imported so far stay imported
        print("kbapp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kbapp export | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    # `--library` is accepted before or after the command: the sub-parsers repeat it
    # with a SUPPRESS default, so one given before the command is not overwritten.
    library_help = f"the library file (default: ${LIBRARY_ENV}, else the user data folder)"
    parser = argparse.ArgumentParser(
        prog="kbapp",
        description="A knowledge base for daily research-reading digests. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"kbapp {__version__}")
    parser.add_argument("--library", metavar="PATH", help=library_help)
    parser.add_argument(
        "--screenshot",
        metavar="FILE",
        type=Path,
        help="open the window offscreen, write a PNG of it to FILE and exit",
    )
    parser.add_argument(
        "--date", metavar="YYYY-MM-DD", help="with --screenshot: the day to show (default: last)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="PATH", default=argparse.SUPPRESS, help=library_help)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    cmd = commands.add_parser(
        "import",
        parents=[common],
        help="import digest files or folders",
        description="Import digest files, or every *.md below the folders given. "
        "Files imported before with the same bytes are left alone.",
    )
    cmd.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    cmd.set_defaults(run=_import)

    cmd = commands.add_parser(
        "stats",
        parents=[common],
        help="count what the library holds",
        description="Count digests, items, the author's stars, papers, images.",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(run=_stats)

    cmd = commands.add_parser(
        "export",
        parents=[common],
        help="export the whole library",
        description="Export every digest, item, rating and note (format: kbapp, version 1).",
    )
    cmd.add_argument("--format", choices=["json"], default="json", help="only json for now")
    cmd.add_argument("--output", metavar="FILE", type=Path, help="write here, not to stdout")
    cmd.set_defaults(run=_export)
    return parser


def _open(args: argparse.Namespace) -> Library:
    return Library(library_path(args.library))


def _import(args: argparse.Namespace) -> int:
    from kbapp.core.importer import import_paths

    def show(done: int, total: int, outcome: FileOutcome) -> None:
        print(describe_outcome(outcome), flush=True)

    with _open(args) as library:
        report = import_paths(library, args.paths, progress=show)
    print(report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK


def describe_outcome(outcome: FileOutcome) -> str:
    """`imported  2021-03-07  notes/202103/0307.md  (3 items)` and the like."""
    if outcome.status in ("skipped", "failed"):
        return f"{outcome.status.value}: {outcome.reason}  {outcome.path}"
    plural = "" if outcome.items == 1 else "s"
    return (
        f"{outcome.status.value:<10}{outcome.date}  {outcome.path}  ({outcome.items} item{plural})"
    )


def _stats(args: argparse.Namespace) -> int:
    with _open(args) as library:
        stats = library.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, value in stats.items():
        if isinstance(value, dict):
            value = "  ".join(f"{k}:{v}" for k, v in value.items())
        print(f"{name:<14}{value}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    with _open(args) as library:
        from kbapp.core.export import dumps, export_json

        text = dumps(export_json(library))
    if args.output is None:
        _write_utf8(sys.stdout, text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"kbapp: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return EXIT_OK


def _write_utf8(stream: TextIO, text: str) -> None:
    """UTF-8 whatever the console's encoding (a Windows console may be cp1252)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _run_gui(args: argparse.Namespace) -> int:
    """Open the window, imported only here so the commands above never load Qt."""
    try:
        app = importlib.import_module("kbapp.ui.app")
    except ImportError as error:  # Qt or a system library it needs is missing
        print(f"kbapp: the window cannot start: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return int(app.run(library_path(args.library), screenshot=args.screenshot, date=args.date))


__all__ = ["build_parser", "describe_outcome", "main"]
