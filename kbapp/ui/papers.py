"""The papers view (Ctrl+2): every paper the digests link to, sortable, and a paper's page.

The list is read on the task runner's thread (it reads the whole library: about a
second at ten years) and shown when it arrives; a paper's page lists every day and item
that featured it, its code and my note on it, which the note panel edits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.render.day import LIGHT
from kbapp.core.render.papers import render_paper
from kbapp.core.store.library import Library
from kbapp.core.store.papers import PaperRow
from kbapp.ui.tasks import TaskRunner

TITLE_MIN = 200  # px: a title's first words stay readable at 1000x700
COLUMNS = ("Title", "First seen", "Last seen", "Times", "Mine", "Note", "Code", "Tags")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class PapersModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PaperRow] = []
        self.tags: dict[str, list[str]] = {}  # my tags, by target (paper:<key>)

    def set_rows(self, rows: list[PaperRow], tags: dict[str, list[str]] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.tags = tags or {}
        self.endResetModel()

    def tags_of(self, row: PaperRow) -> list[str]:
        return self.tags.get(f"paper:{row.key}", [])

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.title,
                row.first,
                row.last,
                str(row.times),
                "★" * row.mine if row.mine else "",
                "✎" if row.has_note else "",
                "✓" if row.has_code else "",
                " ".join(f"#{tag}" for tag in self.tags_of(row)),
            )[column]
        if role == SORT_ROLE:
            return (
                row.title.casefold(),
                row.first,
                row.last,
                row.times,
                row.mine or 0,
                int(row.has_note),
                int(row.has_code),
                " ".join(self.tags_of(row)).casefold(),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{row.title}\n{row.key}"  # the whole title, however narrow the column
        return None


class PapersView(QWidget):
    link_clicked = Signal(QUrl)  # a link of the page: the window follows it
    paper_chosen = Signal(str, str)  # paper key, title: the note panel follows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("papersView")
        self.model = PapersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("paperFilter")
        self.filter_edit.setPlaceholderText("Filter papers by title…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setObjectName("papers")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a paper; the page has the whole title
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # The title takes the free width; the other columns are as wide as their values
        # (from the font, not their contents: those would leave the title nothing).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        metrics = self.fontMetrics()
        for column, sample in enumerate(
            (
                " 2021-03-07 ",
                " 2021-03-07 ",
                " Times ",
                " ★★★★★ ",
                " Note ",
                " Code ",
                " #matting #video ",
            ),
            start=1,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 8)
        fixed = sum(header.sectionSize(column) for column in range(1, len(COLUMNS)))
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.table.activated.connect(self._show_current)
        self.page = QTextBrowser(self)
        self.page.setObjectName("paperPage")
        self.page.setOpenLinks(False)
        self.page.anchorClicked.connect(self._on_anchor)
        self.status = QLabel("Reading the papers…", self)
        left = QWidget(self)
        column_layout = QVBoxLayout(left)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(self.filter_edit)
        column_layout.addWidget(self.table)
        column_layout.addWidget(self.status)
        left.setMinimumWidth(fixed + TITLE_MIN)  # the page gives way before the titles
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.page)
        split.setSizes([760, 440])
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._library: Library | None = None
        self._loading = False
        self.pending_key: str | None = None  # to select once the papers are read
        self.theme: Mapping[str, str] = LIGHT  # the reader's (Settings ▸ Theme)

    def load(self, runner: TaskRunner, library: Library) -> None:
        """Read the papers on the worker and show them (again, after changes)."""
        self._library = library
        if self._loading:
            return
        self._loading = True
        runner.run(
            lambda lib, _task: (lib.papers.paper_rows(), lib.tags.every_target()),
            on_done=self._loaded,
        )

    def _loaded(self, result: object) -> None:
        self._loading = False
        assert isinstance(result, tuple)
        rows, tags = result
        current = self.current_key()
        self.model.set_rows(rows, tags)
        self.status.setText(f"{len(rows)} papers")
        wanted, self.pending_key = self.pending_key or current, None
        if wanted is not None:
            self.select_key(wanted)

    def current_key(self) -> str | None:
        row = self._current_row()
        return row.key if row else None

    def current_row(self) -> PaperRow | None:
        """The paper selected in the list, if any."""
        return self._current_row()

    def _current_row(self) -> PaperRow | None:
        index = self.proxy.mapToSource(self.table.currentIndex())
        return self.model.rows[index.row()] if index.isValid() else None

    def select_key(self, key: str) -> bool:
        for n, row in enumerate(self.model.rows):
            if row.key == key:
                index = self.proxy.mapFromSource(self.model.index(n, 0))
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                return True
        return False

    def _show_current(self, *_args: object) -> None:
        row = self._current_row()
        if row is None or self._library is None:
            self.page.setHtml("")
            return
        own = f"paper:{row.key}"
        note = self._library.user.note(own)
        mine = self._library.user.my_links(own)
        scroll = self.page.verticalScrollBar().value()
        tags = self._library.tags.of([own]).get(own, [])
        self.page.setHtml(render_paper(row, note, self.theme, my_links=mine, tags=tags))
        self.page.verticalScrollBar().setValue(scroll)
        if self.isVisible():  # the paper on screen; a reload behind the days view is not
            self.paper_chosen.emit(row.key, row.title)

    def refresh_page(self) -> None:
        self._show_current()

    def _on_anchor(self, url: QUrl) -> None:
        self.link_clicked.emit(url)
