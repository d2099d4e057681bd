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
    QEvent,
    QModelIndex,
    QObject,
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

from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.metadata.work import DoiRecord
from kbapp.core.render.day import LIGHT
from kbapp.core.render.papers import display_title, render_paper
from kbapp.core.store.library import Library
from kbapp.core.store.papers import PaperRow
from kbapp.ui.tasks import TaskRunner

TITLE_MIN = 200  # px: a title's first words stay readable at 1000x700
TITLE_WANTED = 320  # px: narrower than this, the columns of HIDDEN_FIRST give way
# Each column but the title is as wide as its sample (from the font, not the contents:
# those would leave the title nothing); a longer value is elided, its tip whole.
SAMPLES = {
    "Title": "",
    "Authors": " Lovelace et al. ",
    "Year": " 2021 ",
    "Venue": " CVPR 2021 ",
    "Categories": " cs.CV cs.LG ",
    "First seen": " 2021-03-07 ",
    "Last seen": " 2021-03-07 ",
    "Times": " Times ",
    "Mine": " ★★★★★ ",
    "Note": " Note ",
    "Code": " Code ",
    "Tags": " #matting #video ",
}
COLUMNS = tuple(SAMPLES)
HIDDEN_FIRST = ("Categories", "First seen", "Code", "Note", "Venue", "Last seen", "Tags")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def _read_papers(library: Library, _task: object) -> tuple[object, ...]:
    """The worker's part: the papers, my tags on them and what arXiv said of them."""
    records = {key: meta.record for key, meta in library.metadata.of().items() if meta.record}
    resolved = library.dois.of()
    rows = library.papers.paper_rows()
    works = {}
    for row in rows:
        record = records.get(row.key)
        doi = (
            record.doi
            if record and record.doi
            else row.key[4:]
            if row.key.startswith("doi:")
            else ""
        )
        if doi.lower() in resolved:
            works[row.key] = resolved[doi.lower()]
    return rows, library.tags.every_target(), records, works


class PapersModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PaperRow] = []
        self.tags: dict[str, list[str]] = {}  # my tags, by target (paper:<key>)
        self.records: dict[str, ArxivRecord] = {}  # what arXiv said, by paper key
        self.works: dict[str, DoiRecord] = {}  # what its publisher DOI said, by paper key

    def set_rows(
        self,
        rows: list[PaperRow],
        tags: dict[str, list[str]] | None = None,
        records: dict[str, ArxivRecord] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows = rows
        self.tags = tags or {}
        self.records = records or {}
        self.endResetModel()

    def title_of(self, row: PaperRow) -> str:
        return display_title(row.title, self.records.get(row.key))

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
        row, name = self.rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(row, name)
        if role == SORT_ROLE:
            return self._sort_key(row, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, name)
        return None

    def _shown(self, row: PaperRow, name: str) -> str:
        record = self.records.get(row.key)
        if name == "Title":
            return self.title_of(row)
        if name == "Authors":
            return record.byline if record else ""
        if name == "Year":
            return str(record.year or "") if record else ""
        if name == "Venue":  # arXiv's short form ("CVPR 2021"), else the publisher's
            work = self.works.get(row.key)
            short = record.journal_ref if record else None
            return short or (work.container_title if work else None) or ""
        if name == "Categories":
            return " ".join(record.categories) if record else ""
        return {
            "First seen": row.first,
            "Last seen": row.last,
            "Times": str(row.times),
            "Mine": "★" * row.mine if row.mine else "",
            "Note": "✎" if row.has_note else "",
            "Code": "✓" if row.has_code else "",
            "Tags": " ".join(f"#{tag}" for tag in self.tags_of(row)),
        }[name]

    def _sort_key(self, row: PaperRow, name: str) -> object:
        if name == "Year":
            record = self.records.get(row.key)
            return (record.year or 0) if record else 0
        if name == "Times":
            return row.times
        if name == "Mine":
            return row.mine or 0
        if name == "Tags":
            return " ".join(self.tags_of(row)).casefold()
        return self._shown(row, name).casefold()

    def _tip(self, row: PaperRow, name: str) -> str | None:
        record = self.records.get(row.key)
        if name == "Title":
            return f"{self.title_of(row)}\n{row.key}"  # the whole title, however narrow
        if name == "Authors" and record and record.authors:
            names = [author.name for author in record.authors]
            more = f"\n… and {len(names) - 12} more" if len(names) > 12 else ""
            return "\n".join(names[:12]) + more
        if name in ("Venue", "Categories"):
            return self._shown(row, name) or None
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
        # The title takes the free width; the others are as wide as their samples.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        metrics = self.fontMetrics()
        for column, sample in enumerate(SAMPLES.values()):
            if column:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, metrics.horizontalAdvance(sample) + 8)
        kept = [n for n, name in enumerate(COLUMNS) if n and name not in HIDDEN_FIRST]
        fixed = sum(header.sectionSize(column) for column in kept)
        self.table.installEventFilter(self)  # narrower: HIDDEN_FIRST give way in turn
        self.table.sortByColumn(COLUMNS.index("Times"), Qt.SortOrder.DescendingOrder)
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
        self._load_again: TaskRunner | None = None  # changes came while reading
        self.pending_key: str | None = None  # to select once the papers are read
        self.theme: Mapping[str, str] = LIGHT  # the reader's (Settings ▸ Theme)

    @property
    def loading(self) -> bool:
        """The list is being read (again)."""
        return self._loading

    def load(self, runner: TaskRunner, library: Library) -> None:
        """Read the papers on the worker and show them (again, after changes)."""
        self._library = library
        if self._loading:
            self._load_again = runner  # what is being read may predate the change
            return
        self._loading = True
        runner.run(_read_papers, on_done=self._loaded)

    def _loaded(self, result: object) -> None:
        self._loading = False
        assert isinstance(result, tuple)
        rows, tags, records, works = result
        current = self.current_key()
        self.model.set_rows(rows, tags, records)
        self.model.works = works
        known = sum(row.key in records for row in rows)
        self.status.setText(f"{len(rows)} papers" + (f", {known} with details" if known else ""))
        wanted, self.pending_key = self.pending_key or current, None
        if wanted is not None:
            self.select_key(wanted)
        again, self._load_again = self._load_again, None
        if again is not None and self._library is not None:
            self.load(again, self._library)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Hide the columns of HIDDEN_FIRST, in turn, while the title would be narrower
        than TITLE_WANTED; show them again when there is room."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        shown = list(range(1, len(COLUMNS)))
        hidden: set[int] = set()
        for name in HIDDEN_FIRST:
            if room - sum(header.sectionSize(n) for n in shown) >= TITLE_WANTED:
                break
            column = COLUMNS.index(name)
            shown.remove(column)
            hidden.add(column)
        for column in range(1, len(COLUMNS)):
            if header.isSectionHidden(column) != (column in hidden):
                header.setSectionHidden(column, column in hidden)

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
        latest = self._library.digests.item(row.items[-1][1]) if row.items else None
        page = render_paper(
            row,
            note,
            self.theme,
            my_links=mine,
            tags=tags,
            record=self.model.records.get(row.key),
            work=self.model.works.get(row.key),
            digest_abstract=latest.abstract if latest else None,
        )
        self.page.setHtml(page)
        self.page.verticalScrollBar().setValue(scroll)
        if self.isVisible():  # the paper on screen; a reload behind the days view is not
            self.paper_chosen.emit(row.key, row.title)

    def refresh_page(self) -> None:
        self._show_current()

    def _on_anchor(self, url: QUrl) -> None:
        self.link_clicked.emit(url)
