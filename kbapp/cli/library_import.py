"""`kbapp import PATH...`: import digest files or folders from a terminal, one line per
file on stdout as it goes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, decoder, open_library
from kbapp.core.digest.text import visible

if TYPE_CHECKING:  # loaded by the command: the window starts without it
    from kbapp.core.importer import FileOutcome


def add_import_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "import",
        parents=[common],
        help="import digest files or folders",
        description="Import digest files, or every *.md below the folders given. "
        "Files imported before with the same bytes are left alone.",
    )
    cmd.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    cmd.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from kbapp.core.importer import import_paths

    def show(done: int, total: int, outcome: FileOutcome) -> None:
        print(describe_outcome(outcome), flush=True)
        for problem in outcome.image_problems:  # stderr: stdout stays one line per file
            print(f"kbapp: {outcome.date}: image {visible(problem)}", file=sys.stderr)
        if outcome.replaced is not None:
            print(
                f"kbapp: warning: {outcome.date} was the day of {visible(outcome.replaced)}; "
                f"{visible(str(outcome.path))} replaces it (under the date's own path, or "
                "changed more recently)",
                file=sys.stderr,
            )

    with open_library(args) as library:
        report = import_paths(library, args.paths, progress=show, image_decoder=decoder(lazy=True))
    print(report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK


def describe_outcome(outcome: FileOutcome) -> str:
    """`imported  2021-03-07  notes/202103/0307.md  (3 items)` and the like."""
    path = visible(str(outcome.path))  # a file's name may hold escape codes too
    if outcome.status in ("skipped", "failed", "conflict"):
        return f"{outcome.status.value}: {visible(outcome.reason or '')}  {path}"
    plural = "" if outcome.items == 1 else "s"
    return f"{outcome.status.value:<10}{outcome.date}  {path}  ({outcome.items} item{plural})"
