"""`kbapp sources add|list|remove|update`: the folders a user's digests live in.

`add DIR` remembers the folder (a git checkout is noted as such) and imports it;
`list` shows each with its kind, the days imported from it, its last scan and error;
`remove DIR` forgets it (its days stay); `update` pulls every git source (`git pull
--ff-only`, no prompt, a timeout) and imports what changed, plain folders rescanned. A
source that fails says why in one line and changes nothing; exit 1 then.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, usage, write_utf8
from kbapp.core.digest.text import visible
from kbapp.core.store.library import Library


def add_sources_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    sources = commands.add_parser(
        "sources", parents=[common], help="the folders your digests live in",
        description="The folders the digests live in: added once, imported again by "
        "`update` (git checkouts pulled first).",
    )  # fmt: skip
    actions = sources.add_subparsers(title="sources commands", metavar="ACTION", dest="action")
    add = actions.add_parser("add", parents=[common], help="remember a folder and import it")
    add.add_argument("folder", metavar="DIR", type=Path)
    listing = actions.add_parser("list", parents=[common], help="every source, a line each")
    listing.add_argument("--json", action="store_true", help="a JSON list")
    remove = actions.add_parser("remove", parents=[common], help="forget a folder (days stay)")
    remove.add_argument("folder", metavar="DIR", type=Path)
    actions.add_parser("update", parents=[common], help="pull git sources, import changes")
    sources.set_defaults(run=run_sources, parser=sources)


def run_sources(args: argparse.Namespace) -> int:
    if args.action is None:
        return usage(args.parser)
    with open_library(args) as library:
        if args.action == "add":
            return _add(library, args.folder)
        if args.action == "remove":
            path = str(args.folder.expanduser().resolve())
            if not library.sources.remove(path):
                print(f"kbapp: {visible(path)} is not a source", file=sys.stderr)
                return EXIT_FAILED
            print(f"{visible(path)}: no longer a source (its days stay)")
            return EXIT_OK
        if args.action == "update":
            return _update(library)
        rows = library.sources.all()
    if args.json:
        text = json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2)
        write_utf8(sys.stdout, text + "\n")
        return EXIT_OK
    for row in rows:
        error = f"  last error: {row.last_error}" if row.last_error else ""
        line = (
            f"{row.kind:<7}{row.files:>6} days  {row.path}  scanned {row.last_scan_at or 'never'}"
        )
        write_utf8(sys.stdout, visible(line + error) + "\n")
    return EXIT_OK


def _add(library: Library, folder: Path) -> int:
    from kbapp.core.sources.git import is_checkout

    path = folder.expanduser().resolve()
    if not path.is_dir():
        print(f"kbapp: {visible(str(path))} is not a folder", file=sys.stderr)
        return EXIT_FAILED
    kind = "git" if is_checkout(path) else "folder"
    new = library.sources.add(str(path), kind)
    print(f"{visible(str(path))}: {'added' if new else 'already'} a source ({kind})")
    return _scan(library, path)


def _scan(library: Library, path: Path) -> int:
    """What changed in the folder imported (by size and time: an unchanged file is not
    even read); its scan recorded."""
    from kbapp.core.sources.scan import scan

    result = scan(library, path)
    if result.error:
        print(f"kbapp: {visible(str(path))}: {result.error}", file=sys.stderr)
        return EXIT_FAILED
    summary = result.report.summary() if result.report else "nothing changed"
    print(f"{visible(str(path))}: {result.files} digest files, {result.read} read: {summary}")
    return EXIT_FAILED if result.failed else EXIT_OK


def _update(library: Library) -> int:
    from kbapp.core.sources.git import GitError, pull

    code = EXIT_OK
    rows = library.sources.all()
    if not rows:
        print("kbapp: no sources yet: add one with `kbapp sources add DIR`", file=sys.stderr)
        return EXIT_OK
    for row in rows:
        path = Path(row.path)
        if not path.is_dir():
            why = "the folder is gone (moved or deleted)"
        elif row.kind == "git":
            try:
                head = pull(path)
            except GitError as error:
                why = str(error)
            else:
                print(f"{visible(row.path)}: up to date at {visible(head)}")
                why = ""
        else:
            why = ""
        if why:
            library.sources.scanned(row.path, why)
            print(f"kbapp: {visible(row.path)}: not updated: {why}", file=sys.stderr)
            code = EXIT_FAILED
            continue
        code = max(code, _scan(library, path))
    return code


__all__ = ["add_sources_command"]
