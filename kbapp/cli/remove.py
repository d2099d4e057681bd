"""`kbapp remove DATE... [--json]`: take days out of the library, the user's data kept."""

from __future__ import annotations

import argparse
import json
import sys

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, write_utf8
from kbapp.core.store.removal import NoSuchDaysError


def add_remove_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "remove",
        parents=[common],
        help="remove imported days",
        description="Remove the imported content of these days (their items, links, "
        "images and search entries), all or none. Your ratings, notes and links on their "
        "items are kept and come back when the day's file is imported again.",
    )
    cmd.add_argument("dates", nargs="+", metavar="DATE", help="a day, as YYYY-MM-DD")
    cmd.add_argument(
        "--json",
        action="store_true",
        help='print {"removed": [{"date", "items"}], "kept_annotations": N}',
    )
    cmd.set_defaults(run=run_remove)


def run_remove(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        try:
            removed = library.removal.remove_days(args.dates)
        except NoSuchDaysError as error:
            days = ", ".join(error.dates)
            print(f"kbapp: the library has no day {days}; nothing was removed", file=sys.stderr)
            return EXIT_FAILED
    if args.json:
        shown = {
            "removed": [{"date": day.date, "items": day.items} for day in removed.days],
            "kept_annotations": removed.kept_annotations,
        }
        write_utf8(sys.stdout, json.dumps(shown, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for day in removed.days:
        line = f"removed {day.date} ({day.items} item{'' if day.items == 1 else 's'})"
        if day.annotated:
            line += (
                "; your ratings and notes on them are kept and come back when the file "
                "is imported again"
            )
        print(line)
    return EXIT_OK
