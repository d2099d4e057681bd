"""The link picker (Ctrl+Shift+L): type a few words of a title, a date or an arXiv ID,
choose an item or a paper with the arrow keys, give the link a label, Enter.

The targets are read on the task runner's thread (ten years of items take a third of a
second) and filtered here as the user types: every word typed must appear.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.store.user import LINK_LABELS, SHOWN, matches
from kbapp.ui.keys import ArrowsToList
from kbapp.ui.tasks import TaskRunner

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class LinkPicker(QDialog):
    def __init__(self, runner: TaskRunner, source: str, heading: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("linkPicker")
        self.setWindowTitle("Link to…")
        self.source = source
        self.targets: list[tuple[str, str, str]] | None = None
        self.query = QLineEdit(self)
        self.query.setObjectName("linkQuery")
        self.query.setPlaceholderText("Words of a title, a date (2021-04-03), an arXiv ID…")
        self.results = QListWidget(self)
        self.results.setObjectName("linkResults")
        ArrowsToList(self.query, self.results)  # Up/Down choose, the keyboard stays put
        self.label = QComboBox(self)
        self.label.setObjectName("linkLabel")
        self.label.setEditable(True)  # the user's own label too
        self.label.addItems(["", *LINK_LABELS])
        line = self.label.lineEdit()
        assert line is not None
        line.setPlaceholderText("optional: builds on, same task, …")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.status = QLabel("Reading titles…", self)
        form = QFormLayout()
        form.addRow("Label", self.label)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Link <b>{heading}</b> to:", self))
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(640, 480)
        self.chosen: tuple[str, str | None] | None = None  # (target, label) once accepted
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._refresh)
        self.query.textChanged.connect(lambda _text: self._debounce.start())
        self.results.itemActivated.connect(lambda _item: self._accept())
        runner.run(lambda library, _task: library.user.link_targets(), on_done=self._loaded)

    def _loaded(self, targets: object) -> None:
        assert isinstance(targets, list)
        self.targets = targets
        self._refresh()

    def _refresh(self) -> None:
        if self.targets is None:
            return
        found = matches(self.targets, self.query.text(), exclude=self.source)
        self.results.clear()
        for target, shown in found:
            item = QListWidgetItem(shown)
            item.setData(TARGET_ROLE, target)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        more = " (the first 50: type more to narrow)" if len(found) >= SHOWN else ""
        self.status.setText(f"{len(found)} found{more}" if self.query.text() else "")

    def _accept(self) -> None:
        if self._debounce.isActive():  # Enter right after typing: the newest results
            self._debounce.stop()
            self._refresh()
        item = self.results.currentItem()
        if item is None:
            self.status.setText("Nothing chosen: type to find an item or a paper.")
            return
        label = self.label.currentText().strip() or None
        self.chosen = (str(item.data(TARGET_ROLE)), label)
        self.accept()
