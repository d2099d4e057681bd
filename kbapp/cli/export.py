"""`kbapp export` (json, markdown, bibtex) and `kbapp restore-json FILE`: the library out
to files, and a JSON export's user data back in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbapp.cli.shared import (
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    open_library,
    write_output,
)

PAPER_FORMATS = ("bibtex", "ris", "csl-json")


def add_export_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "export",
        parents=[common],
        help="export the whole library",
        description="Export the library: json (every digest, item and all the user's data; "
        "format kbapp, version 1), markdown (each day as a digest file with my ratings and "
        "notes merged in: one day to stdout, or every day into --output FOLDER as "
        "YYYYMM/MMDD.md), bibtex, ris or csl-json (one entry per arXiv paper: authors, "
        "venue and dates once `kbapp papers fetch` looked them up; csl-json is what Zotero "
        "and pandoc import).",
    )
    cmd.add_argument("--format", choices=["json", "markdown", *PAPER_FORMATS], default="json")
    cmd.add_argument(
        "--where", metavar="QUERY",
        help='bibtex, ris, csl-json: only the papers a search finds ("mine>=4", "tag:x")',
    )  # fmt: skip
    cmd.add_argument("--date", action="append", metavar="YYYY-MM-DD",
                     help="markdown: only this day (repeat for more)")  # fmt: skip
    cmd.add_argument(
        "--output", metavar="PATH", type=Path,
        help="write here, not to stdout (markdown: a folder)",
    )  # fmt: skip
    cmd.set_defaults(run=run_export)

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
    cmd.set_defaults(run=run_restore)


def run_export(args: argparse.Namespace) -> int:
    if args.where is not None and args.format not in PAPER_FORMATS:
        print(f"kbapp: --where chooses papers: it goes with --format "
              f"{', '.join(PAPER_FORMATS)}, not {args.format}", file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    if args.format == "markdown":
        return _export_markdown(args)
    with open_library(args) as library:
        if args.format in PAPER_FORMATS:
            from kbapp.core.export import paper_exports
            from kbapp.core.search.text import QueryError

            write = {
                "bibtex": paper_exports.library_bibtex,
                "ris": paper_exports.library_ris,
                "csl-json": paper_exports.library_csl_json,
            }[args.format]
            try:
                text = write(library, args.where)
            except QueryError as error:
                print(f"kbapp: --where: {error}", file=sys.stderr)
                return EXIT_FAILED
        else:
            from kbapp.core.export.library_json import dumps, export_json

            text = dumps(export_json(library))
    if args.output is None:
        write_output(sys.stdout, text)
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
        write_output(sys.stdout, next(iter(days.values())))
        return EXIT_OK
    try:
        write_days(days, args.output)
    except OSError as error:
        print(f"kbapp: cannot write to {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    print(f"wrote {len(days)} days to {args.output}")
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from kbapp.core.export.restore import RestoreError, read_export, restore_export

    try:  # the whole file, before the library is even opened (which may migrate it)
        data = read_export(args.file)
    except RestoreError as error:
        print(f"kbapp: {error}", file=sys.stderr)
        return EXIT_FAILED
    with open_library(args) as library:
        counts = restore_export(library, data)
    added = ", ".join(f"{name} {count}" for name, count in counts.items() if name != "missing")
    print(f"restored from {args.file}: {added}")
    if counts["missing"]:
        missing = counts["missing"]
        print(f"{missing} annotated items are not in this library: import their digests first")
    return EXIT_OK
