"""Searching from the keyboard: the quick switcher (Ctrl+K) and the search panel
(Ctrl+Shift+F).

The switcher jumps to a day, an item or a paper by a date, a few title words or an
arXiv ID. The panel shows results as the user types (debounced); Up/Down choose, Enter
opens the item in the reader with the matches highlighted, Esc goes back to the reader;
Up in an empty field (or at an earlier search) brings back earlier searches. Both read
the library on the UI thread: a search takes milliseconds.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.render.reading import tag_chips
from kbapp.core.render.theme import LIGHT
from kbapp.core.search.text import QUERY_HELP, QueryError, parse_query
from kbapp.core.store.library import Library
from kbapp.ui.keys import ArrowsToList

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
HTML_ROLE = Qt.ItemDataRole.UserRole + 2  # the hit as rich text, its matches marked
HISTORY_KEY = "search/history"
HISTORY_SIZE = 20


def hit_html(date: str, title: str, snippet: str, tags: Sequence[str] = ()) -> str:
    """A result as two lines of rich text: date and title (and my tags as chips), then
    the snippet with its matches (between \x02 and \x03, from the store) in bold on a
    yellow mark."""
    marked = html.escape(" ".join(snippet.split()))
    marked = marked.replace("\x02", "<b style='background-color:#fff3a3;color:#000'>")
    chips = "&nbsp; " + tag_chips(tags, LIGHT) if tags else ""
    return f"{html.escape(date)} · {html.escape(title)}{chips}<br>{marked.replace(chr(3), '</b>')}"


class HitDelegate(QStyledItemDelegate):
    """Draws a result's rich text (`HTML_ROLE`): Qt's list draws plain text only."""

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setHtml(str(index.data(HTML_ROLE) or ""))
        document.setTextWidth(max(40, option.rect.width()))
        return document

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:  # fmt: skip
        if index.data(HTML_ROLE) is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text_color = option.palette.text().color()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
            text_color = option.palette.highlightedText().color()
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_color)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(option.rect.translated(-option.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if index.data(HTML_ROLE) is None:
            return super().sizeHint(option, index)
        view = self.parent()
        if isinstance(view, QListWidget):  # the width the text wraps at
            option.rect.setWidth(view.viewport().width() - 2)
        size = self._document(option, index).size()
        return QSize(int(size.width()), int(size.height()) + 2)


class QuickSwitcher(QDialog):
    chosen = Signal(str)  # day:<date>, item:<key> or paper:<key>

    def __init__(self, library: Library, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("quickSwitcher")
        self.setWindowTitle("Go to…")
        self._library = library
        self.query = QLineEdit(self)
        self.query.setObjectName("switcherQuery")
        self.query.setPlaceholderText("A date, title words or an arXiv ID…")
        self.results = QListWidget(self)
        self.results.setObjectName("switcherResults")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.resize(620, 420)
        ArrowsToList(self.query, self.results)
        self.query.textChanged.connect(self._refresh)
        self.query.returnPressed.connect(self._accept)
        self.results.itemActivated.connect(lambda _item: self._accept())

    def _refresh(self, text: str) -> None:
        self.results.clear()
        for target, shown in self._library.search.switch_targets(text):
            item = QListWidgetItem(shown)
            item.setData(TARGET_ROLE, target)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _accept(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.chosen.emit(str(item.data(TARGET_ROLE)))
            self.accept()


class SearchPanel(QDockWidget):
    open_item = Signal(str, list)  # item key, the words to highlight
    closed = Signal()  # Esc: back to the reader

    def __init__(self, library: Callable[[], Library], settings: QSettings, parent: QWidget):
        super().__init__("Search", parent)
        self.setObjectName("searchPanel")
        self._library = library
        self._settings = settings
        self._history_at = -1  # where Up is in the history (-1: not browsing it)
        self._terms: list[str] = []
        body = QWidget(self)
        self.query = QLineEdit(body)
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText("Search… (F1 for the query language)")
        self.query.setClearButtonEnabled(True)
        self.query.setToolTip(QUERY_HELP)
        self.results = QListWidget(body)
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setResizeMode(QListWidget.ResizeMode.Adjust)  # wrap again on resize
        self.status = QLabel("", body)
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(body)
        layout.addWidget(self.query)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.setWidget(body)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.run)
        self.query.textEdited.connect(self._typed)
        self.query.returnPressed.connect(self.open_current)
        self.results.itemActivated.connect(lambda _item: self.open_current())
        ArrowsToList(self.query, self.results, self._history_up)
        self.query.installEventFilter(self)
        self.results.installEventFilter(self)

    def start(self) -> None:
        """Ctrl+Shift+F: show the panel with the keyboard in its field."""
        self.show()
        self.raise_()
        self.query.setFocus()
        self.query.selectAll()

    def searching(self) -> bool:
        """A search is due (the user typed within the last 150 ms)."""
        return self._debounce.isActive()

    def _typed(self, _text: str) -> None:
        self._history_at = -1
        self._debounce.start()

    def run(self) -> None:
        self._debounce.stop()
        text = self.query.text().strip()
        self.results.clear()
        if not text:
            self.status.setText("")
            return
        try:
            query = parse_query(text)  # once: its words are marked in the reader too
            library = self._library()
            hits = library.search.find(query, limit=100)
            tags = library.tags.of(f"item:{hit.key}" for hit in hits)
        except QueryError as error:
            self.status.setText(f"<span style='color:#d1242f'>{html.escape(str(error))}</span>")
            return
        self._terms = query.terms
        self.status.setText(f"{len(hits)}{'+' if len(hits) == 100 else ''} found")
        for hit in hits:
            snippet = " ".join(hit.snippet.replace("\x02", "").replace("\x03", "").split())
            item = QListWidgetItem(f"{hit.date} · {hit.title}\n{snippet}")
            item.setData(TARGET_ROLE, hit.key)
            mine = tags.get(f"item:{hit.key}", [])
            item.setData(HTML_ROLE, hit_html(hit.date, hit.title, hit.snippet, mine))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)

    def open_current(self) -> None:
        if self._debounce.isActive():  # Enter right after typing: the newest results
            self.run()
        item = self.results.currentItem()
        if item is None:
            return
        self._remember(self.query.text().strip())
        self.open_item.emit(str(item.data(TARGET_ROLE)), list(self._terms))

    # -- earlier searches -------------------------------------------------------------------
    def history(self) -> list[str]:
        value = self._settings.value(HISTORY_KEY, [])
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def _remember(self, text: str) -> None:
        if text:
            kept = [text, *(h for h in self.history() if h != text)][:HISTORY_SIZE]
            self._settings.setValue(HISTORY_KEY, kept)

    def _history_up(self) -> bool:
        """Up walks back through earlier searches while the field shows one (or is
        empty); otherwise it moves in the results."""
        history = self.history()
        showing = self.query.text().strip()
        browsing = not showing or (0 <= self._history_at < len(history)
                                   and history[self._history_at] == showing)  # fmt: skip
        if not browsing or self._history_at + 1 >= len(history):
            return False
        self._history_at += 1
        self.query.setText(history[self._history_at])
        self.run()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.closed.emit()
                return True
        return False
