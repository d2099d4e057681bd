"""The sidebar's model: year → month → day, newest first, days read as they are shown.

A `QStandardItemModel`: the cells' texts, tooltips and colours are kept in Qt's own items
once a row is read, so painting the tree (every visible cell, seven roles each, on every
day switch) never calls Python; the Python model this replaces spent 10-14 ms of each
switch answering `data()`, `index()` and `parent()`.

Years and months are read when the model is (re)set, two queries; each month holds as
many empty rows as it has days, and they are read from the library (`ensure_children`)
only when the month is first expanded or a day of it is looked up, so ten years of
digests cost about 130 rows at start-up. The row counts are right from the start and
change only with a reset: filling a month's rows changes their data, never their
number, under a view or a model tester (a `fetchMore` that inserts rows would).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QStandardItem,
    QStandardItemModel,
)

from kbapp.core.day import DaySummary
from kbapp.core.store.days import Period
from kbapp.core.store.library import Library

DATE_ROLE = Qt.ItemDataRole.UserRole + 1  # ISO date of a day row (column 0), else None
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "year" or "month" (a day has its DATE_ROLE)
KEY_ROLE = Qt.ItemDataRole.UserRole + 3  # "2021" or "2021-04" (a day has its DATE_ROLE)
NEW_ROLE = Qt.ItemDataRole.UserRole + 4  # True on a day (and its month, year) new since
COLUMNS = ("Day", "Items", "Best", "Mine")
_WEEKDAYS = "一二三四五六日"

Index = QModelIndex | QPersistentModelIndex
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_RIGHT_INT = int(_RIGHT)  # an int in a cell costs less than the flag type
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole


def _prototypes(kind: str) -> list[QStandardItem]:
    """One item per column with what every row of `kind` shares (cloned for each row:
    one call instead of four)."""
    row = []
    for column in range(len(COLUMNS)):
        item = QStandardItem()
        item.setFlags(_FLAGS)
        item.setData(kind, KIND_ROLE)
        if column > 0:
            item.setTextAlignment(_RIGHT)
        row.append(item)
    return row


class DaysModel(QStandardItemModel):
    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self._library = library
        self._filter = ""
        self._prototype = {kind: _prototypes(kind) for kind in ("year", "month")}
        # A day's cells are made by the model itself as its rows are filled in, with
        # two roles each and Qt's default flags (the sidebar edits nothing): every
        # role kept costs ~100 bytes a cell, and 100 months are 12,000 cells.
        # Where every row read so far is, by key: its row numbers from the top. (Not
        # the items: PySide's wrappers of items it did not make go stale.)
        self._paths: dict[str, tuple[int, ...]] = {}
        # Rows whose children are not read yet: key → how many the parent's query counted.
        self._pending: dict[str, int] = {}
        self._current: str | None = None  # the highlighted row's key (`set_current`)
        # Unread items per day (`set_unread`, counted on the worker after the first
        # paint and after every change): a row with some is bold and its Items column
        # says how many are unread (as a feed reader's does); a row read through says
        # how many items it has.
        self._unread: dict[str, int] = {}
        self._totals: dict[str, int] = {}  # the items of each row read so far
        # Days that arrived since the window was last open (`mark_new`), with their
        # months and years: a dot beside the date.
        self._new: set[str] = set()
        palette = QGuiApplication.palette()
        self._highlight = (palette.highlight(), palette.highlightedText())
        self._load_root()

    # -- loading ------------------------------------------------------------------------
    def _load_root(self) -> None:
        """The years and their months (signals blocked: the caller resets the model)."""
        self._paths.clear()
        self._pending.clear()
        self._current = None
        self.setRowCount(0)
        days = self._library.days
        months: dict[str, list[Period]] = {}
        for month in days.period_counts(7, "", self._filter):
            months.setdefault(month.key[:4], []).append(month)
        root = self.invisibleRootItem()
        for number, year in enumerate(days.period_counts(4, "", self._filter)):
            row = self._period_row("year", year, (number,))
            children = months.get(year.key, [])
            if len(children) != year.children:  # an import between the two queries
                QTimer.singleShot(0, self.reload)
            children = children[: year.children]
            row[0].setColumnCount(len(COLUMNS))
            for month_number, month in enumerate(children):
                month_row = self._period_row("month", month, (number, month_number))
                # The days: empty rows, read when first shown (`ensure_children`).
                month_row[0].setRowCount(month.children)
                month_row[0].setColumnCount(len(COLUMNS))
                self._pending[month.key] = month.children
                row[0].appendRow(month_row)
            root.appendRow(row)

    def _row(
        self, kind: str, key: str, path: tuple[int, ...], texts: tuple[str, str, str, str]
    ) -> list[QStandardItem]:
        row = [prototype.clone() for prototype in self._prototype[kind]]
        for item, text in zip(row, texts, strict=True):
            item.setText(text)
        row[0].setData(key, KEY_ROLE)
        self._paths[key] = path
        return row

    def _period_row(self, kind: str, period: Period, path: tuple[int, ...]) -> list[QStandardItem]:
        name = f"{period.key}年" if kind == "year" else f"{int(period.key[5:7])}月"
        unread = self._unread.get(period.key, 0)
        self._totals[period.key] = period.items
        texts = (name, str(unread or period.items), _stars(period.best), "")
        row = self._row(kind, period.key, path, texts)
        if unread:
            row[0].setFont(_bold())
            row[1].setFont(_bold())
            row[1].setToolTip(f"{unread} of {period.items} items unread")
        if period.key in self._new:
            row[0].setData(True, NEW_ROLE)
        return row

    def ensure_children(self, index: QModelIndex) -> None:
        """Read a month's days into its empty rows if they are not yet (the sidebar does
        as the tree expands the month; a lookup by date does on the way)."""
        key = index.data(KEY_ROLE) if index.isValid() else None
        expected = self._pending.pop(key, None) if isinstance(key, str) else None
        if key is None or expected is None:
            return
        month = index.siblingAtColumn(0)
        path = self._paths[key]
        summaries = self._library.days.day_summaries(key, self._filter)
        # The count was read with the month: if the library moved on meanwhile (another
        # process importing), keep to it and read the tree again once this call is done.
        if len(summaries) != expected:
            QTimer.singleShot(0, self.reload)
        summaries = summaries[:expected]
        if not summaries:
            return
        set_data, cell = self.setData, self.index
        blocked = self.blockSignals(True)  # one dataChanged for the month, not per cell
        try:
            for number, summary in enumerate(summaries):
                texts = _day_texts(summary)
                first = cell(number, 0, month)
                set_data(first, texts[0])
                set_data(first, summary.date, DATE_ROLE)
                for column in (1, 2, 3):
                    counts = cell(number, column, month)
                    set_data(counts, texts[column])
                    set_data(counts, _RIGHT_INT, _ALIGNMENT)
                self._paths[summary.date] = (*path, number)
                self._totals[summary.date] = summary.items
                if self._unread.get(summary.date):
                    self._show_unread(summary.date, first)
                if summary.date in self._new:
                    set_data(first, True, NEW_ROLE)
        finally:
            self.blockSignals(blocked)
        first = self.index(0, 0, month)
        self.dataChanged.emit(first, first.sibling(len(summaries) - 1, len(COLUMNS) - 1))

    def set_filter(self, text: str) -> None:
        """Keep only days whose date or item titles contain the text."""
        text = text.strip()
        if text == self._filter:
            return
        self._filter = text
        self.reload()

    def reload(self) -> None:
        """Read the years again (a reset: the tree collapses and has no current row)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)  # one reset, not a signal per row
        try:
            self._load_root()
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    def set_current(self, index: QModelIndex) -> None:
        """Highlight the row of `index` (the sidebar's current day). The tree draws it
        from here, not from a selection: a selection makes every repaint ask each cell
        whether it is selected, a third of a full sidebar repaint."""
        first = index.siblingAtColumn(0) if index.isValid() else QModelIndex()
        key = str(first.data(KEY_ROLE) or first.data(DATE_ROLE)) if first.isValid() else None
        if key == self._current:
            return
        previous, self._current = self._current, key
        if previous is not None:
            self._paint_row(self._index(previous), None)
        if first.isValid():
            self._paint_row(first, self._highlight)

    def _paint_row(self, first: QModelIndex, colours: tuple[Any, Any] | None) -> None:
        if not first.isValid():
            return
        for column in range(len(COLUMNS)):
            cell = first.siblingAtColumn(column)
            self.setData(cell, colours[0] if colours else None, _BACKGROUND)
            self.setData(cell, colours[1] if colours else None, _FOREGROUND)

    def _index(self, key: str) -> QModelIndex:
        """The row of a year, month or day read so far (else invalid)."""
        index = QModelIndex()
        for row in self._paths.get(key, ()):
            index = self.index(row, 0, index)
        return index

    def update_day(self, date: str) -> None:
        """Read one shown day's counts and the user's marks again (after a rating or a
        note), without resetting the tree."""
        first = self._index(date)
        if not first.isValid():
            return  # not read yet: it will be read as it is now
        summaries = self._library.days.day_summaries(date, "")
        if not summaries:
            return
        summary = summaries[0]
        for column, text in enumerate(_day_texts(summary)):
            self.setData(first.siblingAtColumn(column), text, Qt.ItemDataRole.DisplayRole)
        self._totals[date] = summary.items
        self._show_unread(date, first)

    # -- unread counts ----------------------------------------------------------------
    def set_unread(self, counts: dict[str, int]) -> None:
        """Unread items per day: each row read so far shows its own and its days'."""
        by_key = dict(counts)
        for date, count in counts.items():
            by_key[date[:7]] = by_key.get(date[:7], 0) + count
            by_key[date[:4]] = by_key.get(date[:4], 0) + count
        old, self._unread = self._unread, by_key
        for key in set(old) | set(by_key):
            if old.get(key) != by_key.get(key):
                first = self._index(key)
                if first.isValid():
                    self._show_unread(key, first)

    def unread(self, key: str) -> int:
        """Unread items of a day, a month (`2021-04`) or a year (`2021`), as last counted."""
        return self._unread.get(key, 0)

    def _show_unread(self, key: str, first: QModelIndex) -> None:
        total = self._totals.get(key)
        if total is None:
            return
        unread = self._unread.get(key, 0)
        font = _bold() if unread else None
        self.setData(first.siblingAtColumn(1), str(unread or total))
        for column in (0, 1):
            self.setData(first.siblingAtColumn(column), font, Qt.ItemDataRole.FontRole)

    # -- days new since the window was last open ----------------------------------------
    def mark_new(self, dates: list[str]) -> None:
        """Mark days that arrived since the window was last open (a source's scan, an
        import in a terminal), and their months and years."""
        for date in dates:
            for key in (date, date[:7], date[:4]):
                if key not in self._new:
                    self._new.add(key)
                    first = self._index(key)
                    if first.isValid():
                        self.setData(first, True, NEW_ROLE)

    def is_new(self, key: str) -> bool:
        """A day, month or year marked by `mark_new`."""
        return key in self._new

    def loaded_nodes(self) -> int:
        """How many rows have been read from the library so far (lazy loading, for tests)."""
        return len(self._paths)

    @property
    def filter_text(self) -> str:
        return self._filter

    # -- lookups used by the window -----------------------------------------------------
    def tooltip(self, index: QModelIndex) -> str | None:
        """What hovering a day's row says (read then: hovering is rare, rows many)."""
        date = self.date_of(index)
        summaries = self._library.days.day_summaries(date, "") if date else []
        if not summaries:
            return None
        unread = self._unread.get(summaries[0].date, 0)
        new = "; new since kbapp was last open (dot)" if summaries[0].date in self._new else ""
        return _day_tooltip(summaries[0]) + (f"; {unread} unread (bold)" if unread else "") + new

    def date_of(self, index: Index) -> str | None:
        date = index.sibling(index.row(), 0).data(DATE_ROLE) if index.isValid() else None
        return str(date) if date else None

    def index_for_date(self, date: str) -> QModelIndex:
        """The day's index, reading its year and month on the way; invalid if absent."""
        if date[:7] in self._pending:
            self.ensure_children(self._index(date[:7]))
        return self._index(date)


@cache
def _bold() -> QFont:
    """The unread rows' font (made once the application is: a QFont needs it)."""
    font = QFont()
    font.setBold(True)
    return font


def _stars(count: int | None) -> str:
    return "★" * count if count else "–"


def _day_texts(summary: DaySummary) -> tuple[str, str, str, str]:
    weekday = dt.date.fromisoformat(summary.date).weekday()
    stars = "★" * summary.my_best if summary.my_best else ""
    mine = f"{stars}{' ✎' if summary.has_notes else ''}".strip()
    return (
        f"{summary.date[5:]}  周{_WEEKDAYS[weekday]}",
        str(summary.items),
        _stars(summary.best_stars),
        mine,
    )


def _day_tooltip(summary: DaySummary) -> str:
    mine = f", mine {summary.my_best}★" if summary.my_best is not None else ""
    notes = ", with notes" if summary.has_notes else ""
    return f"{summary.date}: {summary.items} items, best rating {summary.best_stars}★{mine}{notes}"
