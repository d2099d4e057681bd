"""What an import did, in words: a one-line summary for the status bar, and a report
that lists every file that was not imported with its reason in plain sight.

Files refused before the import (a dropped `notes.pdf`: not markdown) and files the
importer refused (binary, empty, no date and no items, ...) are listed alike: a person
sees in one place what did not come in and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from kbapp.core.importer import ImportReport

NOT_MARKDOWN = "not a markdown digest (.md)"


def not_markdown(paths: Sequence[Path]) -> str:
    """`notes.pdf is not a markdown digest (.md): nothing imported`, for one or more."""
    names = [path.name or str(path) for path in paths[:3]]
    if len(paths) > 3:
        names.append(f"{len(paths) - 3} more")
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    if len(paths) == 1:
        return f"{listed} is {NOT_MARKDOWN}: nothing imported"
    return f"{listed} are not markdown digests (.md): nothing imported"


def summary(report: ImportReport, refused: Sequence[Path] = ()) -> str:
    """`2 imported, 1 updated, 3 unchanged, 1 refused`: the counts that are not zero."""
    from kbapp.core.importer import Status

    counts = [
        (report.count(Status.IMPORTED), "imported"),
        (report.count(Status.UPDATED), "updated"),
        (report.count(Status.UNCHANGED), "unchanged"),
        (report.count(Status.SKIPPED), "skipped (series index)"),
        (report.count(Status.FAILED) + len(refused), "refused"),
        (report.count(Status.CONFLICT), "not imported (another file has the date)"),
    ]
    words = ", ".join(f"{count} {what}" for count, what in counts if count)
    return words or "no markdown digest (.md) found, nothing imported"


def problems(report: ImportReport, refused: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """Each file not imported, with why (the refused ones first, as they were dropped)."""
    rows = [(path, NOT_MARKDOWN) for path in refused]
    rows += [
        (outcome.path, outcome.reason or "unknown reason") for outcome in report.not_imported()
    ]
    return rows


class ImportReportDialog(QDialog):
    """The files an import did not take, one row each: file, reason."""

    def __init__(
        self,
        report: ImportReport,
        refused: Sequence[Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import cancelled" if report.cancelled else "Import finished")
        rows = problems(report, refused)
        words = summary(report, refused)
        self.heading = QLabel(words[:1].upper() + words[1:] + ".", self)
        self.heading.setObjectName("importSummary")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        what = "This file was" if len(rows) == 1 else f"These {len(rows)} files were"
        self.note = QLabel(f"{what} not imported; nothing of them was written.", self)
        self.note.setWordWrap(True)
        self.files = QTreeWidget(self)
        self.files.setObjectName("importProblems")
        self.files.setRootIsDecorated(False)
        self.files.setAlternatingRowColors(True)
        self.files.setHeaderLabels(["File", "Why not"])
        for path, reason in rows:
            row = QTreeWidgetItem([path.name or str(path), reason])
            row.setToolTip(0, str(path))
            row.setToolTip(1, reason)
            self.files.addTopLevelItem(row)
        header = self.files.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.note)
        column.addWidget(self.files, 1)
        column.addWidget(buttons)
        self.resize(640, min(480, 160 + 24 * len(rows)))

    def rows(self) -> list[tuple[str, str]]:
        """What the list shows, row by row: (file name, reason)."""
        return [
            (item.text(0), item.text(1))
            for item in (self.files.topLevelItem(n) for n in range(self.files.topLevelItemCount()))
            if item is not None
        ]
