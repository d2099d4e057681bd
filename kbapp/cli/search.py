"""`kbapp search QUERY...`: the items that match, best first."""

from __future__ import annotations

import argparse
import json
import sys

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, write_utf8
from kbapp.core.digest.text import visible
from kbapp.core.search.text import QUERY_HELP


def add_search_command(commands: Commands, common: argparse.ArgumentParser) -> None:
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
    cmd.set_defaults(run=run_search)


def run_search(args: argparse.Namespace) -> int:
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
        # a title's escape codes would retitle or recolour the terminal: shown, not obeyed
        write_utf8(sys.stdout, f"{hit.date}  {visible(hit.title)}\n    {visible(snippet)}\n")
    print(f"{len(hits)} found", file=sys.stderr)
    return EXIT_OK
