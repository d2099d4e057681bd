"""View ▸ Reading queue (Ctrl+3): what I keep to read next, in my order. Rows are
dragged into another order; Return opens the item or paper, D marks it done (out of the
queue, and read), Delete takes it out. The writes are the window's (`ReadingActions`),
undoable; this widget only shows the queue and says what the user asked."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class _QueueList(QListWidget):
    keyed = Signal(str)  # "open", "done", "remove"

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.keyed.emit("open")
        elif key == Qt.Key.Key_D and not event.modifiers():
            self.keyed.emit("done")
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.keyed.emit("remove")
        else:
            super().keyPressEvent(event)


class QueueView(QWidget):
    open_requested = Signal(str)  # a target: item:<key> or paper:<key>
    done_requested = Signal(str)
    remove_requested = Signal(str)
    moved = Signal(list)  # the targets in their new order (after a drag)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueView")
        heading = QLabel("<b>Reading queue</b>", self)
        self.summary = QLabel("", self)
        self.summary.setObjectName("queueSummary")
        self.list = _QueueList(self)
        self.list.setObjectName("queue")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda item: self._ask("open", item))
        self.list.keyed.connect(lambda what: self._ask(what, self.list.currentItem()))
        self.list.model().rowsMoved.connect(self._rows_moved)
        buttons = QHBoxLayout()
        for text, what in (("Open", "open"), ("Done", "done"), ("Remove", "remove")):
            button = QPushButton(text, self)
            button.setObjectName(f"queue-{what}")
            button.clicked.connect(
                lambda _checked=False, w=what: self._ask(w, self.list.currentItem())
            )
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("Drag to reorder · Return opens · D done (read, out of the queue) · "
                      "Delete removes · L on an item or paper adds it", self)  # fmt: skip
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(hint)

    def load(self, rows: list[tuple[str, str, str]]) -> None:
        """(target, shown, queued_at) in the queue's order; the current row kept."""
        current = self.current_target()
        self.list.clear()
        for target, shown, queued_at in rows:
            kind = "paper" if target.startswith("paper:") else "item"
            item = QListWidgetItem(f"{shown}   ({kind}, queued {queued_at[:10]})")
            item.setToolTip(f"{shown}\n{target}")
            item.setData(TARGET_ROLE, target)
            self.list.addItem(item)
            if target == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        count = len(rows)
        self.summary.setText(
            f"{count} to read, in your order"
            if count
            else "Nothing queued. Press L on an item or a paper to keep it here for later."
        )

    def targets(self) -> list[str]:
        return [str(self.list.item(n).data(TARGET_ROLE)) for n in range(self.list.count())]

    def current_target(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(TARGET_ROLE)) if item is not None else None

    def _ask(self, what: str, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        target = str(item.data(TARGET_ROLE))
        {"open": self.open_requested, "done": self.done_requested,
         "remove": self.remove_requested}[what].emit(target)  # fmt: skip

    def _rows_moved(self, *_args: QModelIndex | int) -> None:
        self.moved.emit(self.targets())
