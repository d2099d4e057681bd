"""An import's report merges each file's changes as it goes and keeps no file's own: a
long import does not hold every item key to the end, and past `CHANGES_KEPT` keys it
says that everything changed (the window then reads everything again)."""

from __future__ import annotations

from pathlib import Path

from kbapp.core.import_report import CHANGES_KEPT, FileOutcome, ImportReport, Status
from kbapp.core.store.results import Changes


def outcome(n: int, keys: int = 3) -> FileOutcome:
    date = f"2021-01-{n % 28 + 1:02d}"
    items = frozenset(f"{date}/s:{n}-{k}" for k in range(keys))
    return FileOutcome(Path(f"{n}.md"), Status.IMPORTED, date, items=keys,
                       changes=Changes(dates=frozenset({date}), items=items))  # fmt: skip


def test_the_report_keeps_the_union_of_the_files_changes_and_not_each_files() -> None:
    report = ImportReport()
    for n in range(5):
        report.add(outcome(n))
    assert report.changes == Changes(
        dates=frozenset(f"2021-01-{n + 1:02d}" for n in range(5)),
        items=frozenset(f"2021-01-{n + 1:02d}/s:{n}-{k}" for n in range(5) for k in range(3)),
    )
    assert all(not kept.changes for kept in report.outcomes)  # merged, then let go
    assert [kept.date for kept in report.outcomes] == [f"2021-01-{n + 1:02d}" for n in range(5)]


def test_past_the_cap_a_long_import_says_everything_changed() -> None:
    report = ImportReport()
    for n in range(CHANGES_KEPT // 10 + 1):
        report.add(outcome(n, keys=10))
    assert report.changes == Changes(everything=True)
    assert report.count(Status.IMPORTED) == CHANGES_KEPT // 10 + 1
