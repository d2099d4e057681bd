"""A note's kept revisions, newest first, each previewed; Restore brings one back."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.render import day as render
from kbapp.core.store.library import Library


class RevisionsDialog(QDialog):
    """A note's kept revisions, newest first, each previewed; Restore brings one back."""

    def __init__(self, library: Library, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note history")
        self.setObjectName("noteHistory")
        self.chosen: str | None = None
        self.revisions = library.user.note_revisions(target)
        self.list = QListWidget(self)
        for revision in self.revisions:
            when = revision.at[:19].replace("T", " ")
            first = revision.text.strip().splitlines()[0][:60] if revision.text.strip() else ""
            item = QListWidgetItem(f"{when} UTC · {revision.kind} · {first}")
            self.list.addItem(item)
        self.preview = QTextBrowser(self)
        self.list.currentRowChanged.connect(self._preview)
        buttons = QDialogButtonBox(self)
        self.restore = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(self.revisions)} revisions kept", self))
        layout.addWidget(self.list)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.restore.setEnabled(bool(self.revisions))
        if self.revisions:
            self.list.setCurrentRow(0)
        self.resize(560, 480)

    def _preview(self, row: int) -> None:
        text = self.revisions[row].text if 0 <= row < len(self.revisions) else ""
        self.preview.setHtml(render.note_html(text) or html.escape(text))

    def _accept(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.revisions):
            self.chosen = self.revisions[row].text
            self.accept()
