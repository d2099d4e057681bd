"""The sidebar: a filter field over the year → month → day tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QHelpEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kbapp.ui.days_model import NEW_ROLE, DaysModel

if TYPE_CHECKING:
    from kbapp.core.store.library import Changes


class DaysTree(QTreeView):
    """The days tree; a day new since the window was last open (and its month and year)
    has a dot in the branch area left of its text, which takes no width from the date."""

    def drawBranches(
        self, painter: QPainter, rect: QRect, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().drawBranches(painter, rect, index)
        if not index.data(NEW_ROLE):
            return
        cell = self.indentation()  # the row's own branch cell: the rightmost of `rect`
        leaf = not self.model().hasChildren(index)
        size = 6 if leaf else 4  # beside a month's or year's arrow, a smaller one
        x = rect.right() - cell + (cell - size) // 2 if leaf else rect.right() - size
        y = rect.center().y() - size // 2 if leaf else rect.top() + 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().highlight())
        painter.drawEllipse(x, y, size, size)
        painter.restore()


class Sidebar(QWidget):
    day_selected = Signal(str)
    filtered = Signal(str)  # the filter now applied
    remove_requested = Signal(list)  # the dates under a day, month or year (context menu)

    def __init__(self, model: DaysModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._quiet = False  # selecting a day for the window: do not announce it back
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("dayFilter")
        self.filter_edit.setPlaceholderText("Filter days: 2021-04, 04-25, a word, is:unread…")
        self.filter_edit.setClearButtonEnabled(True)
        self.tree = DaysTree(self)
        self.tree.setObjectName("days")
        self.tree.setModel(model)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)  # the day column keeps room for "04-25  周日"
        # The current day is highlighted by the model (`DaysModel.set_current`), not
        # selected: a selection costs every repaint a third more.
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Nothing here is edited (the model's day cells keep Qt's default flags).
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(False)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths from the font, not ResizeToContents: measuring the contents asks
        # the model for every row's data on each expand, ~8,000 calls per day switch.
        metrics = self.tree.fontMetrics()
        for column, sample in ((1, " Items "), (2, " ★★★★★ "), (3, " ★★★★★✎ ")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        self.sections = QSplitter(Qt.Orientation.Vertical, self)  # the tree, then the tags
        self.sections.setObjectName("sidebarSections")
        self.sections.setChildrenCollapsible(False)
        self.sections.addWidget(self.tree)
        layout.addWidget(self.sections, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self._connect_selection()
        self.tree.expanded.connect(self._expanded)
        self.tree.viewport().installEventFilter(self)  # a day's tooltip, made on hover
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, point: QPoint) -> None:
        """On a day, a month or a year: remove its days (Library ▸ Remove day)."""
        index = self.tree.indexAt(point)
        if not index.isValid():
            return
        dates = self.dates_under(index.siblingAtColumn(0))
        if not dates:
            return
        menu = QMenu(self)
        menu.setObjectName("daysMenu")
        name = dates[0] if len(dates) == 1 else f"these {len(dates)} days"
        remove = menu.addAction(f"Remove {name} from the library…")
        remove.triggered.connect(lambda: self.remove_requested.emit(dates))
        menu.popup(self.tree.viewport().mapToGlobal(point))

    def dates_under(self, index: QModelIndex) -> list[str]:
        """The day of a day's row, or every day below a month's or a year's."""
        date = self.model.date_of(index)
        if date:
            return [date]
        dates: list[str] = []
        self.model.ensure_children(index)  # a year or month not expanded yet
        for row in range(self.model.rowCount(index)):
            dates += self.dates_under(self.model.index(row, 0, index))
        return sorted(dates)

    def _connect_selection(self) -> None:
        self.tree.selectionModel().currentChanged.connect(self._on_current)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.model.tooltip(self.tree.indexAt(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.tree.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def _expanded(self, index: QModelIndex) -> None:
        self.model.ensure_children(index)  # a month's days, read as it opens

    def set_model(self, model: DaysModel) -> None:
        """Show another library's days (File ▸ Open library)."""
        self.model = model
        self.tree.setModel(model)
        self._connect_selection()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.model.set_current(current)
        date = self.model.date_of(current)
        if date and not self._quiet:
            self.day_selected.emit(date)

    def apply_filter(self) -> None:
        self._debounce.stop()
        keep = self.current_date()
        self.model.set_filter(self.filter_edit.text())
        self.filtered.emit(self.model.filter_text)
        if self.model.filter_text:
            self.tree.expandToDepth(0)
        if keep and self.model.index_for_date(keep).isValid():
            self.select_date(keep, emit=False)
        elif self.model.filter_text:
            first = self.first_date()
            if first:
                self.select_date(first)

    # -- navigation -------------------------------------------------------------------
    def current_date(self) -> str | None:
        return self.model.date_of(self.tree.currentIndex())

    def select_date(self, date: str, *, emit: bool = True) -> bool:
        index = self.model.index_for_date(date)
        if not index.isValid():
            return False
        self.tree.expand(index.parent().parent())
        self.tree.expand(index.parent())
        # Not blockSignals(): the view must still hear of the change to repaint it.
        self._quiet = not emit
        try:
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
        finally:
            self._quiet = False
        self.tree.scrollTo(index)
        return True

    def first_date(self) -> str | None:
        """The newest day the tree shows (its first year, month and day)."""
        parent = QModelIndex()
        for _level in range(3):
            self.model.ensure_children(parent)
            if self.model.rowCount(parent) == 0:
                return None
            parent = self.model.index(0, 0, parent)
        return self.model.date_of(parent)

    def reload(self, select: str | None = None) -> None:
        keep = select or self.current_date()
        self.model.reload()
        if self.model.filter_text:
            self.tree.expandToDepth(0)
        if keep:
            self.select_date(keep, emit=select is not None)

    def add_section(self, widget: QWidget) -> None:
        """A section below the days (the tags and saved searches), a fifth of the height."""
        self.sections.addWidget(widget)
        self.sections.setStretchFactor(0, 4)
        self.sections.setStretchFactor(1, 1)

    def apply(self, changes: Changes) -> None:
        """What a write changed: days added or removed read the tree again (the current
        day stays current), a day whose items the user marked is read again in place."""
        if changes.everything or changes.items:
            self.reload()
            return
        for date in changes.dates:
            self.model.update_day(date)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()
