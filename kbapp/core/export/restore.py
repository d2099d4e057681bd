"""`kbapp restore-json`: the user's data of a JSON export merged back into a library.

The digests themselves come from the markdown files (import them first); what is
restored is what the user made: ratings with their history, notes with their revisions,
my links, notes on papers, decisions on candidate cross-links, read state, the reading
queue, tags and saved searches. Merging adds what the
library lacks and never duplicates; see `Library.merge_user_data`.

The whole file is checked (`validate`) before anything is written, the backup made
before the merge included: a file with one bad field changes nothing and is refused
with that field's place, as `digests[3].items[0].my_rating: 6 is not 0-5`.
"""

from __future__ import annotations

import json
from pathlib import Path

from kbapp.core.export.library_json import FORMAT, VERSION, user_part
from kbapp.core.export.validate import CheckedExport, InvalidExport, check_export
from kbapp.core.store.backups import make_backup
from kbapp.core.store.library import Library


class RestoreError(Exception):
    """The file is not a kbapp JSON export this version can read (one line, for people)."""


def read_export(path: Path) -> CheckedExport:
    """The export at `path`, parsed and checked whole; RestoreError when it cannot be
    read, is no kbapp export of this version or has a field the merge cannot take."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RestoreError(f"cannot read {path}: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RestoreError(f"{path} is not JSON: {error}") from error
    except RecursionError as error:  # json's parser recurses once per [ or {
        raise RestoreError(f"{path} is nested too deeply to be an export") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError(f'{path} is not a kbapp export (no "format": "{FORMAT}")')
    version = data.get("version")
    if type(version) is not int or version != VERSION:  # (true == 1 in Python)
        raise RestoreError(f"{path} is export version {version}; this kbapp reads {VERSION}")
    try:
        return check_export(data)
    except InvalidExport as error:
        raise RestoreError(f"{path}: {error}") from error


def restore_json(library: Library, path: Path) -> dict[str, int]:
    """Merge the user data of the export at `path`; counts of what was added."""
    return restore_export(library, read_export(path))


def restore_export(library: Library, data: CheckedExport) -> dict[str, int]:
    """Merge the user data of an export `read_export` returned (a backup of the library
    first); counts of what was added."""
    user = user_part(data)
    make_backup(library.path, "before-restore")  # the library as it was, on disk
    return library.transfer.merge_user_data(
        user["items"], user["papers"], user["link_decisions"], user["queue"],
        user["saved_searches"],
    )  # fmt: skip
