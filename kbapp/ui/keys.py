"""Small keyboard helpers shared by the window's pickers and panels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget


class ArrowsToList(QObject):
    """Up/Down pressed in a line edit move through a list (the keyboard stays put)."""

    def __init__(
        self, edit: QLineEdit, results: QListWidget, up: Callable[[], bool] = lambda: False
    ) -> None:
        super().__init__(edit)
        self._results, self._up = results, up
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key == Qt.Key.Key_Up and self._up():
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            row = self._results.currentRow() + step
            self._results.setCurrentRow(max(0, min(self._results.count() - 1, row)))
            return True
        return False
