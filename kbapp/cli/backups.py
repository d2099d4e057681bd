"""`kbapp backup [--to FILE]`, `kbapp backups [--json]`, `kbapp restore-backup BACKUP`:
the library's backups from a terminal (core/store/backups.py says how they are made
and kept)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kbapp.cli.shared import EXIT_ENVIRONMENT, EXIT_OK, Commands
from kbapp.core.store import backups
from kbapp.paths import library_path


def add_backup_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "backup",
        parents=[common],
        help="back the library up now",
        description="Copy the library, consistently even while the window writes, into "
        "the backups folder beside it (or --to FILE), and verify the copy.",
    )
    cmd.add_argument("--to", metavar="FILE", type=Path, help="write the copy here instead")
    cmd.set_defaults(run=run_backup)
    cmd = commands.add_parser(
        "backups",
        parents=[common],
        help="list the library's backups",
        description="The backups in the folder beside the library, oldest first: when, "
        "why, size, and the digests, ratings and notes each holds. Kept: the newest of "
        "each of the last 7 days, 4 weeks and 12 months unless Settings say otherwise.",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(run=run_backups)
    cmd = commands.add_parser(
        "restore-backup",
        parents=[common],
        help="put a backup in the library's place",
        description="Replace the library by BACKUP (verified first). The current file is "
        "moved aside beside it, never deleted; close the window on this library first.",
    )
    cmd.add_argument("backup", type=Path, help="a backup file (see kbapp backups)")
    cmd.set_defaults(run=run_restore_backup)


def _library(args: argparse.Namespace) -> Path | None:
    path = library_path(args.library)
    if not path.exists():
        print(f"kbapp: there is no library at {path}", file=sys.stderr)
        return None
    return path


def run_backup(args: argparse.Namespace) -> int:
    path = _library(args)
    if path is None:
        return EXIT_ENVIRONMENT
    made = backups.make_backup(path, "manual", to=args.to)
    if args.to is None:
        backups.rotate(path)
    print(f"backed up to {made.path} ({made.digests} digests, {made.ratings} ratings, "
          f"{made.notes} notes)")  # fmt: skip
    return EXIT_OK


def run_backups(args: argparse.Namespace) -> int:
    path = _library(args)
    if path is None:
        return EXIT_ENVIRONMENT
    found = backups.list_backups(path)
    if args.json:
        print(json.dumps([backup.to_json() for backup in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for backup in found:
        size = f"{backup.size / 1024 / 1024:.1f} MB"
        print(
            f"{backup.at:%Y-%m-%d %H:%M:%S}  {backup.reason:<16}{size:>9}  "
            f"{backup.digests} digests, {backup.ratings} ratings, {backup.notes} notes  "
            f"{backup.path}"
        )
    print(f"{len(found)} backups in {backups.folder_of(path)}", file=sys.stderr)
    return EXIT_OK


def run_restore_backup(args: argparse.Namespace) -> int:
    path = library_path(args.library)
    if not args.backup.is_file():
        print(f"kbapp: no backup at {args.backup}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    aside = backups.restore_backup(path, args.backup)
    print(f"restored {args.backup} as {path}; the library it replaced is kept at {aside}")
    return EXIT_OK
