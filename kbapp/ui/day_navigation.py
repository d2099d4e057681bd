"""The Go menu's days, a controller of the window: the previous, next, newest and oldest
day, and Go to date; and reading a day to show, on the worker when it is a long one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QInputDialog, QLineEdit

if TYPE_CHECKING:
    from kbapp.core.day import Day
    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow

# Past any of these a day is read on the worker (10,000 items took the UI thread
# ~0.45 s, 20,000 links ~75 ms, a 5 MB body ~50 ms): the corpus's largest day has 16
# items, 22 links and 6.7 KB of bodies, so only a hostile file waits.
LONG_DAY = (500, 1_000, 100_000)  # items, links, bytes of body


class DayNavigation:
    """The Go menu's days: the previous, next, newest and oldest day, and Go to date
    (a date typed, or the start of one: the first day it begins)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.reading: str | None = None  # the long day being read on the worker

    def read_day(
        self, date: str, then: Callable[[Day | None], None], *, refresh: bool = False
    ) -> None:
        """`then` with the day, decorated as the reader shows it: at once, or for a long
        day when the worker has read it (unless another day was asked for meanwhile).
        A `refresh` of the day shown waits for no one: while another day is being read,
        it is skipped (that day replaces this one)."""
        window = self.window
        if refresh and self.reading is not None:
            return
        weight = window.library.days.weight(date)
        if all(has <= most for has, most in zip(weight, LONG_DAY, strict=True)):
            self.reading = None
            then(window.user.decorate(window.library, window.library.days.day(date)))
            return
        self.reading = date
        window.statusBar().showMessage(f"Reading {date}, a long day…", 5000)

        def work(library: Library, _task: object) -> Day | None:
            return window.user.decorate(library, library.days.day(date))

        def done(day: Day | None) -> None:
            if self.reading == date:
                self.reading = None
                then(day)

        window.runner.run(work, on_done=done)

    def step_day(self, step: int) -> None:
        window = self.window
        dates = window.library.days.dates()  # oldest first
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
        dates = self.window.library.days.dates()
        if dates:
            self.window.show_date(dates[-1])

    def oldest_day(self) -> None:
        dates = self.window.library.days.dates()
        if dates:
            self.window.show_date(dates[0])

    def go_to_date(self) -> None:
        window = self.window
        dates = window.library.days.dates()
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
        dates = window.library.days.dates()
        if text in dates:
            window.show_date(text)
            return
        matches = [date for date in dates if date.startswith(text)]
        if matches:
            window.show_date(matches[0])
        else:
            window.statusBar().showMessage(f"No digest on {text}.", 5000)
