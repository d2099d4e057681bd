"""A layout that holds at laptop sizes: the reader keeps a readable width, the docks
give way first.

Widths are counted in CJK characters of the reader's font, the unit the digests are
read in: the reader never goes below `MIN_CHARS` a line (Qt then refuses to shrink it,
and a splitter or dock restored from an older, wider session cannot squeeze it), and
the note panel, while it is docked, steps aside when keeping it would bring the
reader under `COMFORT_CHARS`; it comes back when the window is wide enough again, or
at once when the user asks for it (View ▸ Note panel, or N to edit a note).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea

    from kbapp.ui.main_window import MainWindow

MIN_CHARS = 28  # the narrowest the reader goes: a title still reads on one or two lines
COMFORT_CHARS = 60  # what the reader keeps before the note panel steps aside
SIDEBAR_MIN = 240  # at least; in fact what the counts, stars and a day's label need
DOCK_MIN = 200
DEFAULT_SIZE = (1400, 900)


def char_width(window: MainWindow) -> int:
    """One CJK character of the reader's text, in pixels."""
    return QFontMetrics(window.reader.document().defaultFont()).horizontalAdvance("中")


def scroll_bar_width(view: QAbstractScrollArea) -> int:
    """The width of the view's vertical scroll bar as its style draws it (the bar's size
    hint: asking the style for PM_ScrollBarExtent would import QStyle, whose enums
    PySide6 builds at import, ~5 ms before the first paint)."""
    return view.verticalScrollBar().sizeHint().width()


def reader_width_for(window: MainWindow, chars: int) -> int:
    """The reader's width that gives `chars` characters a line (cards' padding and
    margins and the scroll bar included)."""
    reader = window.reader
    scroll_bar = scroll_bar_width(reader)
    margins = reader.viewport().width() - reader.text_width()  # the cards' padding
    return chars * char_width(window) + margins + scroll_bar + 2 * reader.frameWidth() + 4


def sidebar_width(window: MainWindow) -> int:
    """The sidebar's narrowest: its fixed columns (items, best, mine) and a day's label
    ("04-25  周日") two levels in, so no column is cut."""
    tree = window.sidebar.tree
    header = tree.header()
    fixed = sum(header.sectionSize(column) for column in range(1, header.count()))
    label = tree.fontMetrics().horizontalAdvance("04-25  周日") + 3 * tree.indentation()
    scroll_bar = scroll_bar_width(tree)
    return max(SIDEBAR_MIN, fixed + label + scroll_bar + 2 * tree.frameWidth() + 8)


def default_geometry(available: QRect) -> QRect:
    """The first window: DEFAULT_SIZE, or the screen's free area less a margin."""
    width = min(DEFAULT_SIZE[0], available.width() - 40)
    height = min(DEFAULT_SIZE[1], available.height() - 40)
    rect = QRect(0, 0, max(width, 640), max(height, 480))
    rect.moveCenter(available.center())
    return rect


class Layout(QObject):
    """Keeps the window's minimums and lets the note panel give way."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.gave_way = False  # the note panel is hidden by this, not by the user
        self.chosen = False  # the user showed or hid it: the width no longer decides
        window.sidebar.setMinimumWidth(sidebar_width(window))
        window.splitter.setCollapsible(0, False)
        window.splitter.setCollapsible(1, False)
        window.notes.setMinimumWidth(DOCK_MIN)
        self.update_minimum()

    def update_minimum(self) -> None:
        """The reader's minimum, again when its font changes."""
        self.window.reader.setMinimumWidth(reader_width_for(self.window, MIN_CHARS))

    def place_first_window(self) -> None:
        """No saved geometry: a size that fits the screen, the sidebar at its usual
        width, the note panel beside the reader if it leaves the reader comfortable."""
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(default_geometry(screen.availableGeometry()))
        sidebar = sidebar_width(window)
        window.splitter.setSizes([sidebar, max(window.width() - sidebar, 1)])
        window.resizeDocks([window.notes], [260], Qt.Orientation.Horizontal)
        self.fit()

    def wanted_with_notes(self) -> int:
        """The window width that keeps the note panel and a comfortable reader."""
        window = self.window
        sidebar = max(window.sidebar.width(), sidebar_width(window))
        return sidebar + reader_width_for(window, COMFORT_CHARS) + DOCK_MIN + 24

    def fit(self) -> None:
        """After a resize: the note panel steps aside, or comes back."""
        window, notes = self.window, self.window.notes
        if notes.isFloating() or self.chosen:
            return
        narrow = window.width() < self.wanted_with_notes()
        if narrow and notes.isVisible() and not self.gave_way:
            self.gave_way = True
            notes.hide()
            window.statusBar().showMessage(
                "The note panel stepped aside to keep the reader readable: N or "
                "View ▸ Note panel shows it.",
                6000,
            )
        elif not narrow and self.gave_way:
            self.gave_way = False
            notes.show()

    def show_notes(self, visible: bool) -> None:
        """The user's choice, whatever the width."""
        self.gave_way = False
        self.chosen = True
        self.window.notes.setVisible(visible)
