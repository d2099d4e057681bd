"""What an import did: each file's outcome (`FileOutcome`, its `Status`) and the whole
run's `ImportReport`, which the command line prints and the window summarises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from kbapp.core.store.results import Changes


class Status(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    CONFLICT = "conflict"  # its date is another file's day, which stays (`importer._day_stays`)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file."""

    path: Path  # as found from the paths given (not resolved), for display
    status: Status
    date: str | None = None
    reason: str | None = None  # why it was skipped or failed
    items: int = 0  # items the digest holds now
    changes: Changes = field(default_factory=Changes)
    image_problems: tuple[str, ...] = ()  # local pictures not copied: `path: reason`
    replaced: str | None = None  # the other file that was its day's until now


# Keys of changed items, dates and the like an import's report keeps for the window; past
# this many it says "everything changed" instead (the window then reads all again), so a
# 300,000-item import does not hold every item's key until it ends.
CHANGES_KEPT = 20_000
_KINDS = tuple(f.name for f in fields(Changes) if f.name != "everything")


@dataclass(slots=True)
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False
    _changed: dict[str, set[str]] = field(default_factory=dict)  # see `add`
    _everything: bool = False

    def add(self, outcome: FileOutcome) -> None:
        """One file's outcome, its changes merged into the report's and dropped from it
        (so memory does not grow with every item key of a long import)."""
        changes = outcome.changes
        if changes:
            if changes.everything:
                self._everything = True
            if not self._everything:
                for kind in _KINDS:
                    self._changed.setdefault(kind, set()).update(getattr(changes, kind))
                if sum(map(len, self._changed.values())) > CHANGES_KEPT:
                    self._everything, self._changed = True, {}
            outcome = replace(outcome, changes=Changes())
        self.outcomes.append(outcome)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status is status)

    def failures(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status is Status.FAILED]

    def not_imported(self) -> list[FileOutcome]:
        """The files that failed, and those whose date is another file's day."""
        missing = (Status.FAILED, Status.CONFLICT)
        return [outcome for outcome in self.outcomes if outcome.status in missing]

    def newest_date(self) -> str | None:
        """The newest day the files imported hold (imported, updated or unchanged)."""
        shown = (Status.IMPORTED, Status.UPDATED, Status.UNCHANGED)
        dates = [o.date for o in self.outcomes if o.date and o.status in shown]
        return max(dates, default=None)

    @property
    def failed(self) -> bool:
        return any(outcome.status is Status.FAILED for outcome in self.outcomes)

    @property
    def changes(self) -> Changes:
        """What the import changed, for the window's views (`everything` past
        `CHANGES_KEPT` keys)."""
        if self._everything:
            return Changes(everything=True)
        kept: dict[str, Any] = {kind: frozenset(keys) for kind, keys in self._changed.items()}
        return Changes(**kept)

    def summary(self) -> str:
        """`N imported, N updated, N unchanged, N skipped, N failed` (and `, N with
        another file's date` when some were)."""
        counts = Counter(outcome.status for outcome in self.outcomes)
        words = [
            f"{counts[status]} {status.value}" for status in Status if status != Status.CONFLICT
        ]
        if counts[Status.CONFLICT]:
            words.append(f"{counts[Status.CONFLICT]} not imported: another file has the date")
        return ", ".join(words)


Progress = Callable[[int, int, FileOutcome], None]  # (done, total, outcome of this file)


__all__ = ["FileOutcome", "ImportReport", "Progress", "Status"]
