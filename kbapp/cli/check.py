"""`kbapp check [--json]`: is the library sound? `kbapp recover`: rebuild a damaged one
from its digest files and the user data of a backup or a JSON export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kbapp.cli.shared import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, Commands, decoder
from kbapp.core.store import integrity
from kbapp.paths import library_path


def add_check_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "check",
        parents=[common],
        help="check that the library file is sound",
        description="Run SQLite's integrity_check (every page, b-tree and index) and "
        "foreign_key_check on the library, read-only. Exit 0 when sound, 1 when damaged "
        "(the message names the newest good backup and how to recover).",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(run=run_check)
    cmd = commands.add_parser(
        "recover",
        parents=[common],
        help="rebuild a damaged library from its digests and a backup",
        description="Build the library again: the digest files it was imported from "
        "(or --digests) and the ratings, notes and links of the newest good backup (or "
        "--from BACKUP.sqlite or EXPORT.json). The damaged file is moved aside, never "
        "deleted; the new one takes its place only when complete.",
    )
    cmd.add_argument(
        "--digests", metavar="PATH", type=Path, nargs="+", help="digest files or folders"
    )
    cmd.add_argument(
        "--from", dest="source", metavar="FILE", type=Path, help="a backup or a JSON export"
    )
    cmd.set_defaults(run=run_recover)


def run_check(args: argparse.Namespace) -> int:
    path = library_path(args.library)
    report = integrity.check_library(path)
    backup = None if report.ok else integrity.newest_good_backup(path)
    if args.json:
        data = report.to_json()
        data["newest_good_backup"] = backup.to_json() if backup is not None else None
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"{path}: sound (integrity_check ok, foreign keys ok)")
    else:
        print(f"kbapp: {integrity.damage_message(path, report.problem(), backup)}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def run_recover(args: argparse.Namespace) -> int:
    from kbapp.core import recovery
    from kbapp.core.export.restore import RestoreError

    path = library_path(args.library)
    if path.is_file() and integrity.check_library(path).ok:
        print(
            f"kbapp: {path} is sound: there is nothing to recover (a rebuild would lose "
            "what you made since the last backup; `kbapp restore-backup` goes back to one)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    source = args.source or recovery.default_user_source(path)
    if source is not None and not source.is_file():
        print(f"kbapp: no backup or export at {source}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    digests = args.digests or recovery.digest_files(path, source)
    if not digests:
        print(
            "kbapp: the digest files the library was built from are not known or no longer "
            "there: name them with --digests FOLDER",
            file=sys.stderr,
        )
        return EXIT_ENVIRONMENT
    if source is None:
        print(
            "kbapp: no backup to take your ratings and notes from: the rebuilt library "
            "has the digests only (--from EXPORT.json adds them)",
            file=sys.stderr,
        )
    try:
        done = recovery.rebuild(path, digests, source, image_decoder=decoder(lazy=True))
    except RestoreError as error:  # the export given is no export, or a malformed one
        print(f"kbapp: {error}", file=sys.stderr)
        return EXIT_FAILED
    restored = done.restored
    print(
        f"rebuilt {path}: {done.report.summary()}; from {source or 'no backup'}: "
        f"{restored.get('ratings', 0)} ratings, {restored.get('notes', 0)} notes, "
        f"{restored.get('links', 0)} links"
    )
    if done.aside is not None:
        print(f"the damaged library is kept at {done.aside}")
    return EXIT_FAILED if done.report.failed else EXIT_OK
