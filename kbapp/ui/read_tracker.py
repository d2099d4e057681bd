"""Marking items read as they are read: an item in view for a moment (2 s by default,
Settings ▸ "Mark items read after…"; 0: only by hand) is marked read, and so is the item
the selection moves on from (J past it). Feed readers do the same (NetNewsWire's "mark
as read on scroll").

The reader is asked which cards are in view when the view has kept still for the delay:
a card counts when enough of it shows (`MIN_SHOWN` px, or the whole viewport's worth of
it), not a sliver at the bottom edge. These writes are not undo steps (they happen
without the user asking); M marks an item unread again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QTimer

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow

DELAY_KEY = "reading/mark_read_after_ms"
DEFAULT_DELAY_MS = 2000
MIN_SHOWN = 72  # px of a card that must be in view for it to count as seen
_STEP = 24  # px between the points the viewport is sampled at


def delay_setting(value: object) -> int:
    """The stored delay in ms (QSettings gives text from an ini file); the default when
    it is not a number."""
    try:
        return max(0, int(str(value)))
    except ValueError:
        return DEFAULT_DELAY_MS


class ReadTracker(QObject):
    """Marks what the reader shows read once it has been in view for `delay_ms`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.mark_seen)
        self._last_selected = ""
        self.set_delay(delay_setting(window.settings.value(DELAY_KEY, DEFAULT_DELAY_MS)))
        reader = window.reader
        reader.verticalScrollBar().valueChanged.connect(lambda _value: self.restart())
        reader.rendered.connect(self._day_shown)
        reader.selection_changed.connect(self._selected)

    @property
    def delay_ms(self) -> int:
        return self._delay

    def set_delay(self, milliseconds: int) -> None:
        """The moment an item must stay in view (0: items are marked read only by hand)."""
        self._delay = max(0, int(milliseconds))
        self._timer.setInterval(self._delay)
        if not self._delay:
            self._timer.stop()

    def restart(self) -> None:
        if self._delay:
            self._timer.start()

    def _day_shown(self, _date: str) -> None:
        self._last_selected = ""
        self.restart()

    def _selected(self, key: str) -> None:
        """J or K moved on: the item left behind is read (it was looked at)."""
        left, self._last_selected = self._last_selected, key
        if self._delay and left and left != key:
            self._mark([left])
        self.restart()

    def seen_keys(self) -> list[str]:
        """The items whose cards show enough in the reader's viewport now."""
        reader = self.window.reader
        viewport = reader.viewport()
        height, middle = viewport.height(), viewport.width() // 2
        shown: dict[str, int] = {}
        for y in range(_STEP // 2, height, _STEP):
            key = reader.key_at(QPoint(middle, y))
            if key is not None:
                shown[key] = shown.get(key, 0) + _STEP
        enough = min(MIN_SHOWN, max(_STEP, height - _STEP))
        return [key for key, pixels in shown.items() if pixels >= enough]

    def mark_seen(self) -> None:
        window = self.window
        if not self._delay or not window.isActiveWindow() and not window.isVisible():
            return
        if window.views.currentIndex() != 0:
            return
        self._mark(self.seen_keys())

    def _mark(self, keys: list[str]) -> None:
        day = self.window.reader.day
        if day is None:
            return
        unread = [key for key in keys if (item := day.item(key)) is not None and not item.read]
        if unread:
            for key in unread:  # (shown as read at once; the write follows)
                item = day.item(key)
                if item is not None:
                    item.read = True
            self.window.user.quietly(
                lambda library: library.reading.set_read(unread, True), day.date
            )
