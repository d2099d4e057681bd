"""The `kbapp` command: import, stats, export, search and restore from a terminal (the
image cache's commands are `cli.images`); no command opens the window, importing the
digest files or folders named instead (`kbapp notes/202103/0307.md`).

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
from typing import TYPE_CHECKING

from kbapp import __version__, logs
from kbapp.cli.desktop import add_desktop_commands
from kbapp.cli.images import add_image_commands
from kbapp.cli.shared import (
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_OK,
    decoder,
    open_library,
    write_utf8,
)
from kbapp.core.search.text import QUERY_HELP
from kbapp.core.store.library import LibraryError
from kbapp.paths import LIBRARY_ENV, library_path

if TYPE_CHECKING:  # commands load what they need: the window starts without them
    from kbapp.core.importer import FileOutcome


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


# The sub-commands' names, known before building their parsers (a test holds them equal
# to `build_parser`'s): a launch of the window builds only the window's small parser.
COMMANDS = ("desktop", "export", "images", "import", "restore-json", "search", "stats")


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # a frozen app's import workers start here
    try:
        args = parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as stop:  # --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_ENVIRONMENT
    logs.configure(debug=args.debug)
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


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """A command's arguments, or the window's options and `files`.

    argparse cannot hold sub-commands and free file names in one parser, so the first
    word that is neither an option nor an option's value decides: a command's name is
    that command, anything else (or a word after `--`) is a file for the window. A
    command's name always means the command, whatever the current folder holds, so
    `kbapp stats` prints the counts even beside a folder named `stats`: open such a
    file as `./stats`.
    """
    first = _first_word(argv)
    if first in COMMANDS:
        return build_parser().parse_args(argv)
    window = build_window_parser()  # (the window's start builds only this one)
    if "--" in argv:  # intermixed parsing would take `-- -x.md` for an unknown option
        return window.parse_args(argv)
    return window.parse_intermixed_args(argv)  # files before and after the options


def _first_word(argv: Sequence[str]) -> str | None:
    """The first word after the window's options: a command's name or a file; "--"
    when only files follow; None when there is none (or the options are wrong, which
    the window's parser then reports)."""
    options = argparse.ArgumentParser(prog="kbapp", add_help=False, exit_on_error=False)
    _add_window_options(options, version=False)
    try:
        _, rest = options.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return next((word for word in rest if word == "--" or not word.startswith("-")), None)


def _add_window_options(parser: argparse.ArgumentParser, *, version: bool = True) -> None:
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


def build_window_parser() -> argparse.ArgumentParser:
    """`kbapp [options] FILE.md|FOLDER ...`: the window, importing the files."""
    parser = argparse.ArgumentParser(
        prog="kbapp",
        usage=USAGE,
        description="Open the window on the library and import the files given.",
        epilog=f"Commands (kbapp COMMAND --help): {', '.join(COMMANDS)}.",
    )
    _add_window_options(parser)
    parser.add_argument("files", nargs="*", metavar="FILE.md|FOLDER", type=Path, help=FILES_HELP)
    return parser


def build_parser() -> argparse.ArgumentParser:
    # `--library` is accepted before or after the command: the sub-parsers repeat it
    # with a SUPPRESS default, so one given before the command is not overwritten.
    parser = argparse.ArgumentParser(
        prog="kbapp",
        usage=USAGE,
        description="A knowledge base for daily research-reading digests. Without a "
        f"command, opens the window. FILE.md|FOLDER: {FILES_HELP}. A file named like a "
        "command is written with its folder: ./stats.",
    )
    _add_window_options(parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="PATH", default=argparse.SUPPRESS, help=LIBRARY_HELP)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", prog="kbapp")

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
        description="Export the library: json (every digest, item and all the user's data; "
        "format kbapp, version 1), markdown (each day as a digest file with my ratings and "
        "notes merged in: one day to stdout, or every day into --output FOLDER as "
        "YYYYMM/MMDD.md) or bibtex (one entry per arXiv paper, written offline).",
    )
    cmd.add_argument("--format", choices=["json", "markdown", "bibtex"], default="json")
    cmd.add_argument("--date", action="append", metavar="YYYY-MM-DD",
                     help="markdown: only this day (repeat for more)")  # fmt: skip
    cmd.add_argument(
        "--output", metavar="PATH", type=Path,
        help="write here, not to stdout (markdown: a folder)",
    )  # fmt: skip
    cmd.set_defaults(run=_export)

    cmd = commands.add_parser(
        "search",
        parents=[common],
        help="search the items",
        description="Search titles, abstracts, tips, links, paper titles, code and notes. "
        + " ".join(QUERY_HELP.split()),
    )
    cmd.add_argument("query", nargs="+", help="the query (several words are joined)")
    cmd.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    cmd.add_argument(
        "--json", action="store_true", help="a JSON list of {key, date, title, score, snippet}"
    )
    cmd.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    cmd.set_defaults(run=_search)

    cmd = commands.add_parser(
        "restore-json",
        parents=[common],
        help="bring a JSON export's user data back into the library",
        description="Merge the ratings, notes, links and decisions of a `kbapp export "
        "--format json` file into the library (import the digests first). What the library "
        "lacks is added, nothing is duplicated; where both have one, the newer rating or "
        "note wins and the older note is kept as a revision.",
    )
    cmd.add_argument("file", type=Path, help="the JSON export")
    cmd.set_defaults(run=_restore)
    add_image_commands(commands, common)
    add_desktop_commands(commands, common)
    return parser


def _import(args: argparse.Namespace) -> int:
    from kbapp.core.importer import import_paths

    def show(done: int, total: int, outcome: FileOutcome) -> None:
        print(describe_outcome(outcome), flush=True)
        for problem in outcome.image_problems:  # stderr: stdout stays one line per file
            print(f"kbapp: {outcome.date}: image {problem}", file=sys.stderr)

    with open_library(args) as library:
        report = import_paths(library, args.paths, progress=show, image_decoder=decoder(lazy=True))
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
    with open_library(args) as library:
        stats = library.stats.summary()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, value in stats.items():
        if isinstance(value, dict):
            value = "  ".join(f"{k}:{v}" for k, v in value.items())
        print(f"{name:<14}{value}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        return _export_markdown(args)
    with open_library(args) as library:
        if args.format == "bibtex":
            from kbapp.core.export.bibtex import export_bibtex

            text = export_bibtex(library.papers.all())
        else:
            from kbapp.core.export.library_json import dumps, export_json

            text = dumps(export_json(library))
    if args.output is None:
        write_utf8(sys.stdout, text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"kbapp: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return EXIT_OK


def _export_markdown(args: argparse.Namespace) -> int:
    from kbapp.core.export.markdown_days import export_markdown, write_days

    with open_library(args) as library:
        unknown = sorted(set(args.date or []) - set(library.digests.dates()))
        if unknown:
            print(f"kbapp: no digest on {', '.join(unknown)}", file=sys.stderr)
            return EXIT_ENVIRONMENT
        days = export_markdown(library, args.date)
    if args.output is None:
        if len(days) != 1:
            print("kbapp: several days: give --output FOLDER (or one --date)", file=sys.stderr)
            return EXIT_ENVIRONMENT
        write_utf8(sys.stdout, next(iter(days.values())))
        return EXIT_OK
    try:
        write_days(days, args.output)
    except OSError as error:
        print(f"kbapp: cannot write to {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    print(f"wrote {len(days)} days to {args.output}")
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    from kbapp.core.search.text import QueryError

    query = " ".join(args.query)
    with open_library(args) as library:
        if args.rebuild:  # never needed in normal use: the index is kept with every write
            print(f"search index rebuilt: {library.search.rebuild()} items", file=sys.stderr)
        try:
            hits = library.search.find(query, limit=max(1, args.limit))
        except QueryError as error:
            print(f"kbapp: {error}", file=sys.stderr)
            return EXIT_FAILED
    if args.json:
        write_utf8(
            sys.stdout,
            json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2) + "\n",
        )
        return EXIT_OK
    for hit in hits:
        snippet = " ".join(hit.snippet.replace("\x02", "[").replace("\x03", "]").split())
        write_utf8(sys.stdout, f"{hit.date}  {hit.title}\n    {snippet}\n")
    print(f"{len(hits)} found", file=sys.stderr)
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from kbapp.core.export.restore import RestoreError, restore_json

    with open_library(args) as library:
        try:
            counts = restore_json(library, args.file)
        except RestoreError as error:
            print(f"kbapp: {error}", file=sys.stderr)
            return EXIT_FAILED
    added = ", ".join(f"{name} {count}" for name, count in counts.items() if name != "missing")
    print(f"restored from {args.file}: {added}")
    if counts["missing"]:
        missing = counts["missing"]
        print(f"{missing} annotated items are not in this library: import their digests first")
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    """Open the window, imported only here so the commands above never load Qt."""
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


__all__ = ["build_parser", "build_window_parser", "describe_outcome", "main", "parse_args"]
