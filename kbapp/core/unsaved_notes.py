"""Note texts typed but not yet in the library, kept in small files until a save lands.

The note panel writes the text here before it asks for a save, and takes it away when
the save succeeds. So a save that fails (a locked or full disk, a value the library
refuses) or a window that closes or dies before the save ran loses nothing: the next
window on the same library finds the text and saves it (`NotePanel.recover`).

One folder per library (named from its path) under kbapp's config folder, one JSON
file per note (`{"library", "target", "text", "at"}`), each written whole (a temporary
file renamed over it). A file that cannot be written or read is skipped with a warning:
keeping a copy must never stop the save itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from kbapp.paths import config_dir

log = logging.getLogger(__name__)

FOLDER = "unsaved-notes"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class UnsavedNotes:
    """The unsaved note texts of one library."""

    def __init__(self, library: Path, root: Path | None = None) -> None:
        self.library = str(Path(library).resolve())
        self.folder = (root or config_dir()) / FOLDER / _digest(self.library)

    def _file(self, target: str) -> Path:
        return self.folder / f"{_digest(target)}.json"

    def keep(self, target: str, text: str) -> Path | None:
        """Keep `text` as the note of `target` until `saved`; the file, or None when
        it could not be written."""
        path = self._file(target)
        record = {
            "library": self.library,
            "target": target,
            "text": text,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        partial = path.with_name(path.name + ".partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, path)
        except OSError as error:
            log.warning("could not keep the unsaved note of %s: %s", target, error)
            return None
        return path

    def saved(self, target: str, text: str) -> None:
        """`text` is now the note of `target` in the library: its copy goes, unless
        newer text was kept meanwhile."""
        if self.text(target) == text:
            self._file(target).unlink(missing_ok=True)

    def text(self, target: str) -> str | None:
        """The kept text of `target`, or None."""
        record = self._read(self._file(target))
        return None if record is None else record[1]

    def all(self) -> dict[str, str]:
        """Every kept text, by target."""
        if not self.folder.is_dir():
            return {}
        found = (self._read(path) for path in sorted(self.folder.glob("*.json")))
        return dict(record for record in found if record is not None)

    def _read(self, path: Path) -> tuple[str, str] | None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("could not read the unsaved note %s: %s", path, error)
            return None
        target, text = record.get("target"), record.get("text")
        if not isinstance(target, str) or not isinstance(text, str):
            log.warning("the unsaved note %s is not one kbapp wrote", path)
            return None
        return target, text


__all__ = ["UnsavedNotes"]
