"""`kbapp tag`, `kbapp mark`, `kbapp queue` and `kbapp list`: the user's read state,
reading queue and tags from the command line, for scripts (`--json`) and people.

A KEY is an item key (`2021-04-25/s:1WvgpS4L7qcUB5J2we-QkA`, as `kbapp list` and `kbapp
search --json` print them) or a paper ID as the papers view names it (`arxiv:2104.04329`).
Each command is one write: a key the library does not have changes nothing and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, write_utf8
from kbapp.core.digest.text import visible
from kbapp.core.store.library import Library
from kbapp.core.store.reading import target_for
from kbapp.core.store.results import Changes

KEYS_HELP = "item keys (as `kbapp list` prints them) or paper IDs (arxiv:2104.04329)"


def add_reading_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    tag = commands.add_parser("tag", parents=[common], help="tag items and papers",
                              description="My tags on items and papers. " + KEYS_HELP)  # fmt: skip
    tags = tag.add_subparsers(title="tag commands", metavar="ACTION", dest="action")
    for action, text in (("add", "put TAG on each KEY"), ("remove", "take TAG off each KEY")):
        cmd = tags.add_parser(action, parents=[common], help=text, description=text)
        cmd.add_argument("tag", metavar="TAG")
        cmd.add_argument("keys", nargs="+", metavar="KEY", help=KEYS_HELP)
    cmd = tags.add_parser("rename", parents=[common], help="rename a tag (merging into NEW)")
    cmd.add_argument("old", metavar="OLD")
    cmd.add_argument("new", metavar="NEW")
    cmd = tags.add_parser("list", parents=[common], help="every tag with its count")
    cmd.add_argument("--json", action="store_true", help="a JSON list of {name, count}")
    tag.set_defaults(run=run_tag)

    mark = commands.add_parser(
        "mark", parents=[common], help="mark items read or unread",
        description="Mark items read or unread: each KEY, or every item of each --date.",
    )  # fmt: skip
    mark.add_argument("state", choices=("read", "unread"))
    mark.add_argument("keys", nargs="*", metavar="KEY", help="item keys")
    mark.add_argument("--date", action="append", default=[], metavar="YYYY-MM-DD",
                      help="every item of this day (repeatable)")  # fmt: skip
    mark.set_defaults(run=run_mark)

    queue = commands.add_parser(
        "queue", parents=[common], help="the reading queue",
        description="The reading queue (Read later): add, remove, done (out of the queue "
        "and read), list. " + KEYS_HELP,
    )  # fmt: skip
    queue.add_argument("action", choices=("add", "remove", "done", "list"))
    queue.add_argument("keys", nargs="*", metavar="KEY")
    queue.add_argument("--json", action="store_true", help="list: JSON")
    queue.set_defaults(run=run_queue)

    listing = commands.add_parser(
        "list", parents=[common], help="list items with their read state, queue and tags",
        description="One line per item (oldest first), or with --json one object each: "
        "key, date, title, read, queued, tags.",
    )  # fmt: skip
    listing.add_argument("--unread", action="store_true", help="only unread items")
    listing.add_argument("--read", action="store_true", help="only read items")
    listing.add_argument("--queued", action="store_true", help="only items in the queue")
    listing.add_argument("--tag", action="append", default=[], help="only items with this tag")
    listing.add_argument("--date", help="only this day (2021-04-25) or month (2021-04)")
    listing.add_argument("--json", action="store_true", help="a JSON list")
    listing.set_defaults(run=run_list)


def _print_json(rows: list[dict[str, Any]]) -> None:
    write_utf8(sys.stdout, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def _fail(text: object) -> int:
    print(f"kbapp: {str(text).strip(chr(39))}", file=sys.stderr)
    return EXIT_FAILED


def _said(changes: Changes, what: str) -> int:
    changed = changes.reading | {t for t in changes.tags if t.startswith(("item:", "paper:"))}
    print(f"kbapp: {what}: {len(changed)} changed", file=sys.stderr)
    return EXIT_OK


def run_tag(args: argparse.Namespace) -> int:
    if args.action is None:
        return _fail("choose one of: tag add, tag remove, tag rename, tag list")
    with open_library(args) as library:
        if args.action == "list":
            counts = library.tags.all()
            if args.json:
                rows = [{"name": tag.name, "count": tag.count} for tag in counts]
                _print_json(rows)
            for tag in [] if args.json else counts:
                write_utf8(sys.stdout, f"{tag.count:>6}  {visible(tag.name)}\n")
            return EXIT_OK
        try:
            if args.action == "rename":
                changes = library.tags.rename(args.old, args.new)
                return _said(changes, f"tag {args.old} is now {args.new}")
            targets = [target_for(key) for key in args.keys]
            write = library.tags.add if args.action == "add" else library.tags.remove
            changes = write(args.tag, targets)
        except (KeyError, ValueError) as error:
            return _fail(error)
    return _said(changes, f"tag {args.action} {args.tag}")


def run_mark(args: argparse.Namespace) -> int:
    if not args.keys and not args.date:
        return _fail("name the items (KEY...) or the days (--date YYYY-MM-DD)")
    with open_library(args) as library:
        keys = [target_for(key) for key in args.keys]
        if any(key.startswith("paper:") for key in keys):
            return _fail("only items are read or unread; a paper is not (KEY: an item key)")
        for date in args.date:
            day = library.reading.day_keys(date)
            if not day:
                return _fail(f"no day {date} in the library")
            keys += [f"item:{key}" for key in day]
        try:
            changes = library.reading.set_read(keys, args.state == "read")
        except KeyError as error:
            return _fail(error)
    return _said(changes, f"marked {args.state}")


def run_queue(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.action == "list":
            entries = library.reading.queue()
            if args.json:
                rows = [{"target": e.target, "queued_at": e.queued_at} for e in entries]
                _print_json(rows)
                return EXIT_OK
            shown = library.user.describe([entry.target for entry in entries])
            for entry in entries:
                write_utf8(sys.stdout, f"{entry.target}  {visible(shown[entry.target])}\n")
            return EXIT_OK
        if not args.keys:
            return _fail(f"queue {args.action}: name the items or papers (KEY...)")
        targets = [target_for(key) for key in args.keys]
        write = {"add": library.reading.enqueue, "remove": library.reading.dequeue,
                 "done": library.reading.done}[args.action]  # fmt: skip
        try:
            changes = write(targets)
        except KeyError as error:
            return _fail(error)
    return _said(changes, f"queue {args.action}")


def listing(library: Library, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The items `kbapp list` shows, oldest first, as its JSON objects."""
    query = " ".join(
        [*(["is:unread"] if args.unread else []), *(["is:read"] if args.read else []),
         *(["is:queued"] if args.queued else []), *(f'tag:"{tag}"' for tag in args.tag),
         *([f"date:{args.date}"] if args.date else [])]
    )  # fmt: skip
    hits = library.search.find(query, limit=10**9)
    keys = [hit.key for hit in reversed(hits)]  # (newest first: the day's items reversed)
    order = {key: n for n, key in enumerate(library.reading.in_order(keys))}
    hits.sort(key=lambda hit: order[hit.key])
    read = library.reading.read_at(keys)
    queued = library.reading.queued_at(f"item:{key}" for key in keys)
    tags = library.tags.of(f"item:{key}" for key in keys)
    return [
        {"key": hit.key, "date": hit.date, "title": hit.title, "read": hit.key in read,
         "queued": f"item:{hit.key}" in queued, "tags": tags.get(f"item:{hit.key}", [])}
        for hit in hits
    ]  # fmt: skip


def run_list(args: argparse.Namespace) -> int:
    from kbapp.core.search.text import QueryError

    with open_library(args) as library:
        try:
            rows = listing(library, args)
        except QueryError as error:
            return _fail(error)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        flags = ("read " if row["read"] else "     ") + ("queued " if row["queued"] else "       ")
        tags = "  " + " ".join(f"#{tag}" for tag in row["tags"]) if row["tags"] else ""
        write_utf8(sys.stdout, f"{row['key']}  {flags}{visible(row['title'])}{visible(tags)}\n")
    print(f"{len(rows)} items", file=sys.stderr)
    return EXIT_OK
