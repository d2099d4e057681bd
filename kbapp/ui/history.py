"""Back and forward through what the user looked at: days, items, papers (a search hit
is the item it opens). Go ▸ Back (Alt+[) and Forward (Alt+]), or the mouse's back and
forward buttons; Alt+Left and Alt+Right stay the previous and next day.

Stepping through a day with J/K is one place, not one per item: an item replaces the
day or the item before it when they are of the same day, so Back goes to where the
user was before, not to the item above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow

LIMIT = 200  # places kept behind


@dataclass(frozen=True)
class Place:
    kind: str  # day, item or paper
    key: str  # the date, the item's key or the paper's key
    date: str = ""  # the day of a day or an item

    def describe(self) -> str:
        return {"day": "the day", "item": "the item", "paper": "the paper"}[self.kind]


class History(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.behind: list[Place] = []  # the last one is where the user is
        self.ahead: list[Place] = []
        self._moving = False

    # -- what the window tells it -----------------------------------------------------------
    def day_shown(self, date: str) -> None:
        if date:
            self._record(Place("day", date, date))

    def item_selected(self, key: str) -> None:
        date = self.window.current_date() or ""
        if key:
            self._record(Place("item", key, date))

    def paper_shown(self, key: str) -> None:
        if key:
            self._record(Place("paper", key))

    def _record(self, place: Place) -> None:
        if self._moving:
            return
        last = self.behind[-1] if self.behind else None
        if last == place:
            return
        if last is not None and last.kind in ("day", "item") and last.date == place.date:
            if place.kind == "item" or (place.kind == "day" and last.kind == "day"):
                self.behind[-1] = place  # the same day: one place
                return
            if place.kind == "day":  # the day of the item shown: nothing new
                return
        self.behind.append(place)
        del self.behind[:-LIMIT]
        self.ahead.clear()

    # -- moving -----------------------------------------------------------------------------
    def back(self) -> None:
        if len(self.behind) < 2:
            self.window.statusBar().showMessage("Nothing to go back to.", 3000)
            return
        self.ahead.append(self.behind.pop())
        self._go(self.behind[-1])

    def forward(self) -> None:
        if not self.ahead:
            self.window.statusBar().showMessage("Nothing to go forward to.", 3000)
            return
        place = self.ahead.pop()
        self.behind.append(place)
        self._go(place)

    def _go(self, place: Place) -> None:
        window = self.window
        self._moving = True
        try:
            if place.kind == "day":
                window.user_actions.show_days()
                if window.library.days.has_date(place.key):
                    window.show_date(place.key)
            elif place.kind == "item":
                window.user_actions.open_target(f"item:{place.key}")
            else:
                window.user_actions.open_target(f"paper:{place.key}")
        finally:
            self._moving = False
