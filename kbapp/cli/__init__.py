"""The `kbapp` command. Without a command it opens the window (`cli.window`), importing
the digest files or folders named (`kbapp notes/202103/0307.md`); each command lives in
its own module, its parser beside its handler: `library_import`, `stats`, `remove`,
`export` (with restore-json), `search`, `reading` (tag, mark, queue, list), `images`,
`desktop`, `backups`, `check` (with recover), `papers` (details from arXiv), `sources`
(the folders the digests live in).

`main()` reads top to bottom: parse the arguments, configure logging, run the command
(which opens the library, migrating it) or the window. Problems of the environment (a
locked, newer or unreadable library, an unwritable output file) print one line to
stderr and exit 2; a failed file in an import exits 1; anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kbapp import logs
from kbapp.cli.shared import EXIT_ENVIRONMENT, EXIT_OK
from kbapp.cli.window import (
    DEBUG_HELP,
    FILES_HELP,
    LIBRARY_HELP,
    USAGE,
    add_window_options,
    first_word,
    run_window,
)
from kbapp.cli.window import build_window_parser as _build_window_parser
from kbapp.core.store.library import LibraryError

# The sub-commands' names, known before building their parsers (a test holds them equal
# to `build_parser`'s): a launch of the window builds only the window's small parser, and
# never imports the commands' modules (`build_parser` does).
COMMANDS = (
    "backup",
    "backups",
    "check",
    "desktop",
    "export",
    "images",
    "import",
    "list",
    "mark",
    "papers",
    "queue",
    "recover",
    "remove",
    "restore-backup",
    "restore-json",
    "search",
    "sources",
    "stats",
    "tag",
)


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
        missing = _nothing_to_open(getattr(args, "files", []))
        if missing:
            print(missing, file=sys.stderr)
            return EXIT_ENVIRONMENT
        return run_window(args)
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


def _nothing_to_open(files: Sequence[Path]) -> str | None:
    """When every file named is missing (`kbapp backpu`, a typo), what to say instead
    of opening the window; None when there is something to open (or nothing named: the
    window on the library). A missing file among real ones is reported by the import."""
    if not files or any(path.exists() for path in files):
        return None
    import difflib

    lines = []
    for path in files:
        word = str(path)
        close = difflib.get_close_matches(word, COMMANDS, n=1)
        hint = f" (did you mean `kbapp {close[0]}`?)" if close else ""
        lines.append(f"kbapp: {word} is neither a command nor a file or folder{hint}")
    lines.append(f"kbapp: commands: {', '.join(COMMANDS)}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """A command's arguments, or the window's options and `files`.

    argparse cannot hold sub-commands and free file names in one parser, so the first
    word that is neither an option nor an option's value decides: a command's name is
    that command, anything else (or a word after `--`) is a file for the window. A
    command's name always means the command, whatever the current folder holds, so
    `kbapp stats` prints the counts even beside a folder named `stats`: open such a
    file as `./stats`.
    """
    if first_word(argv) in COMMANDS:
        return build_parser().parse_args(argv)
    window = build_window_parser()  # (the window's start builds only this one)
    if "--" in argv:  # intermixed parsing would take `-- -x.md` for an unknown option
        return window.parse_args(argv)
    return window.parse_intermixed_args(argv)  # files before and after the options


def build_window_parser() -> argparse.ArgumentParser:
    return _build_window_parser(COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    """Every command's parser. `--library` and `--debug` are accepted before or after
    the command: the sub-parsers repeat them with a SUPPRESS default, so one given
    before the command is not overwritten."""
    from kbapp.cli.backups import add_backup_commands
    from kbapp.cli.check import add_check_commands
    from kbapp.cli.desktop import add_desktop_commands
    from kbapp.cli.export import add_export_commands
    from kbapp.cli.images import add_image_commands
    from kbapp.cli.library_import import add_import_command
    from kbapp.cli.papers import add_papers_command
    from kbapp.cli.reading import add_reading_commands
    from kbapp.cli.remove import add_remove_command
    from kbapp.cli.search import add_search_command
    from kbapp.cli.sources import add_sources_command
    from kbapp.cli.stats import add_stats_command

    parser = argparse.ArgumentParser(
        prog="kbapp",
        usage=USAGE,
        description="A knowledge base for daily research-reading digests. Without a "
        f"command, opens the window. FILE.md|FOLDER: {FILES_HELP}. A file named like a "
        "command is written with its folder: ./stats.",
    )
    add_window_options(parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="PATH", default=argparse.SUPPRESS, help=LIBRARY_HELP)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", prog="kbapp")
    add_import_command(commands, common)
    add_stats_command(commands, common)
    add_remove_command(commands, common)
    add_export_commands(commands, common)
    add_search_command(commands, common)
    add_reading_commands(commands, common)
    add_papers_command(commands, common)
    add_sources_command(commands, common)
    add_image_commands(commands, common)
    add_desktop_commands(commands, common)
    add_backup_commands(commands, common)
    add_check_commands(commands, common)
    return parser


def __getattr__(name: str) -> Any:
    """`describe_outcome`, from the import command's module when first asked for."""
    if name == "describe_outcome":
        from kbapp.cli.library_import import describe_outcome

        return describe_outcome
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["build_parser", "build_window_parser", "describe_outcome", "main", "parse_args"]
