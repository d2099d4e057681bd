"""What an import did: each file's outcome (`FileOutcome`, its `Status`) and the whole
run's `ImportReport`, which the command line prints and the window summarises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kbapp.core.store.rows import Changes


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


@dataclass(slots=True)
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False

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
        total = Changes()
        for outcome in self.outcomes:
            total = total | outcome.changes
        return total

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
