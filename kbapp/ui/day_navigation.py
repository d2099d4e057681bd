"""The Go menu's days, a controller of the window: the previous, next, newest and oldest
day, and Go to date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QInputDialog, QLineEdit

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow


class DayNavigation:
    """The Go menu's days: the previous, next, newest and oldest day, and Go to date
    (a date typed, or the start of one: the first day it begins)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def step_day(self, step: int) -> None:
        window = self.window
        dates = window.library.digests.dates()  # oldest first
        if not dates:
            return
        current = window.current_date()
        if current not in dates:
            window.show_date(dates[-1])
            return
        target = dates.index(current) + step
        if 0 <= target < len(dates):
            window.show_date(dates[target])
        else:
            window.statusBar().showMessage(
                "This is the newest day." if step > 0 else "This is the oldest day.", 3000
            )

    def newest_day(self) -> None:
        dates = self.window.library.digests.dates()
        if dates:
            self.window.show_date(dates[-1])

    def oldest_day(self) -> None:
        dates = self.window.library.digests.dates()
        if dates:
            self.window.show_date(dates[0])

    def go_to_date(self) -> None:
        window = self.window
        dates = window.library.digests.dates()
        dialog = QInputDialog(window)
        dialog.setObjectName("goToDate")
        dialog.setWindowTitle("Go to date")
        dialog.setLabelText("Date (YYYY-MM-DD):")
        dialog.setTextValue(window.current_date() or "")
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            completer = QCompleter(list(reversed(dates)), dialog)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            edit.setCompleter(completer)
        dialog.textValueSelected.connect(self._go_to_text)
        dialog.finished.connect(window.user_actions.keyboard_back)
        dialog.open()

    def _go_to_text(self, text: str) -> None:
        window = self.window
        text = text.strip()
        dates = window.library.digests.dates()
        if text in dates:
            window.show_date(text)
            return
        matches = [date for date in dates if date.startswith(text)]
        if matches:
            window.show_date(matches[0])
        else:
            window.statusBar().showMessage(f"No digest on {text}.", 5000)
