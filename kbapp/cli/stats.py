"""`kbapp stats [--json]`: count what the library holds."""

from __future__ import annotations

import argparse
import json

from kbapp.cli.shared import EXIT_OK, Commands, open_library


def add_stats_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "stats",
        parents=[common],
        help="count what the library holds",
        description="Count digests, items, the author's stars, papers, images.",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(run=run_stats)


def run_stats(args: argparse.Namespace) -> int:
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
