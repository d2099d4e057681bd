"""`kbapp restore-json`: the user's data of a JSON export merged back into a library.

The digests themselves come from the markdown files (import them first); what is
restored is what the user made: ratings with their history, notes with their revisions,
my links, notes on papers and decisions on candidate cross-links. Merging adds what the
library lacks and never duplicates; see `Library.merge_user_data`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kbapp.core.export.library_json import FORMAT, VERSION, user_part
from kbapp.core.store.backups import make_backup
from kbapp.core.store.library import Library


class RestoreError(Exception):
    """The file is not a kbapp JSON export this version can read (one line, for people)."""


def read_export(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RestoreError(f"cannot read {path}: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RestoreError(f"{path} is not JSON: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError(f'{path} is not a kbapp export (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise RestoreError(
            f"{path} is export version {data.get('version')}; this kbapp reads {VERSION}"
        )
    return data


def restore_json(library: Library, path: Path) -> dict[str, int]:
    """Merge the user data of the export at `path`; counts of what was added."""
    user = user_part(read_export(path))
    try:
        items, papers = user["items"], user["papers"]
        make_backup(library.path, "before-restore")  # the library as it was, on disk
        return library.transfer.merge_user_data(items, papers, user["link_decisions"])
    except (KeyError, TypeError) as error:
        raise RestoreError(f"{path} has user data this kbapp cannot read: {error!r}") from error
