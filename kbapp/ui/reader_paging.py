"""A long day in pages: the reader shows the first cards at once and appends the next
ones as the reader nears the end, so that a day of 10,000 items shows its first screen
as fast as a day of ten, and no step of it holds the event loop for long.

Appending inserts the next cards' HTML at the end of the document (a whole new
document would lay out every card again); the line that says more are coming is
replaced each time, and the day's sections follow the last card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor

from kbapp.core.render import day as render

if TYPE_CHECKING:
    from kbapp.ui.reader import ReaderView

PAGE = 25  # cards a step: the first screen, and each append
AHEAD = 2  # screens below the view kept ready


class Paging:
    def __init__(self, reader: ReaderView) -> None:
        self.reader = reader
        self.limit = PAGE  # cards in the document
        self._tail: int | None = None  # where the "more below" line starts
        self._pending = False
        reader.verticalScrollBar().valueChanged.connect(lambda _value: self.top_up())

    def reset(self) -> None:
        """Another day: its first page."""
        self.limit = PAGE

    def include(self, index: int) -> None:
        """The next render holds the card at `index` (selecting it with J, say)."""
        if index >= self.limit:
            self.limit = (index // PAGE + 1) * PAGE

    def total(self) -> int:
        reader = self.reader
        return len(render.shown_items(reader.day, reader.min_mine)) if reader.day else 0

    def rendered(self) -> None:
        """After the reader set the day's HTML: the line saying more are coming."""
        self._tail = None
        if self.limit < self.total():
            self._say_more()
        self.top_up()

    def top_up(self) -> None:
        """More cards soon when the view is within `AHEAD` screens of the end."""
        if self._pending or self._tail is None:
            return
        bar = self.reader.verticalScrollBar()
        if bar.maximum() - bar.value() <= AHEAD * self.reader.viewport().height():
            self._pending = True
            QTimer.singleShot(0, self._append)

    def _append(self) -> None:
        self._pending = False
        reader, day = self.reader, self.reader.day
        if day is None or self._tail is None:
            return
        shown = render.shown_items(day, reader.min_mine)
        start, self.limit = self.limit, min(self.limit + PAGE, len(shown))
        parts = [reader.card_html(item) for item in shown[start : self.limit]]
        if self.limit >= len(shown):
            parts.append(render.render_day_end(day, shown, reader.image_html, reader.min_mine))
        cursor = self._cut_tail()
        cursor.insertHtml(reader.styled_fragment("".join(parts)))
        self._tail = None
        if self.limit < len(shown):
            self._say_more()
        reader.after_append()
        self.top_up()

    def _cut_tail(self) -> QTextCursor:
        document = self.reader.document()
        cursor = QTextCursor(document)
        cursor.setPosition(min(self._tail or 0, document.characterCount() - 1))
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        return cursor

    def _say_more(self) -> None:
        cursor = QTextCursor(self.reader.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._tail = cursor.position()
        left = self.total() - self.limit
        cursor.insertHtml(
            self.reader.styled_fragment(
                f'<p class="meta">{left:,} more items below: they show as you scroll.</p>'
            )
        )
