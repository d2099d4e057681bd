"""The sidebar's Tags and Saved searches: every tag with how many items and papers carry
it, and my saved searches with how many items each finds now (smart folders: counted
again whenever the library changes). Activating one opens the search panel on it; the
context menu renames or merges a tag and deletes a saved search (the window's writes,
undoable)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from kbapp.core.render.reading import tag_colours

QUERY_ROLE = Qt.ItemDataRole.UserRole + 1  # the search a row opens
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # a tag's or a saved search's name
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # "tag" or "saved"


class TagList(QTreeWidget):
    open_query = Signal(str)  # a search to open: tag:NAME or a saved search's query
    rename_tag = Signal(str)  # the tag whose new name to ask for
    delete_saved = Signal(str)  # the saved search to delete

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagList")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.tags = QTreeWidgetItem(self, ["Tags", ""])
        self.saved = QTreeWidgetItem(self, ["Saved searches", ""])
        for section in (self.tags, self.saved):
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = section.font(0)
            font.setBold(True)
            section.setFont(0, font)
            section.setExpanded(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().resizeSection(1, self.fontMetrics().horizontalAdvance(" 88888 "))
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.dark = False

    def show_tags(self, counts: list[tuple[str, int]]) -> None:
        from kbapp.core.search.text import tag_query  # (the query language: after the paint)

        self._fill(self.tags, [(name, count, tag_query(name), "tag") for name, count in counts])
        for n in range(self.tags.childCount()):
            child = self.tags.child(n)
            if child is None or not child.data(0, NAME_ROLE):
                continue
            background, text = tag_colours(str(child.data(0, NAME_ROLE)), self.dark)
            child.setForeground(0, QBrush(QColor(text)))
            child.setBackground(0, QBrush(QColor(background)))
        self.tags.setText(1, str(len(counts)) if counts else "")

    def show_saved(self, rows: list[tuple[str, str, int]]) -> None:
        """(name, query, matches now)."""
        self._fill(self.saved, [(name, count, query, "saved") for name, query, count in rows])

    def _fill(self, section: QTreeWidgetItem, rows: list[tuple[str, int, str, str]]) -> None:
        section.takeChildren()
        for name, count, query, kind in rows:
            shown = f"#{name}" if kind == "tag" else name
            child = QTreeWidgetItem(section, [shown, str(count)])
            child.setData(0, QUERY_ROLE, query)
            child.setData(0, NAME_ROLE, name)
            child.setData(0, KIND_ROLE, kind)
            child.setToolTip(0, query)
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not rows:
            hint = "T on an item adds a tag" if section is self.tags else "Save one from search"
            empty = QTreeWidgetItem(section, [hint, ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)

    def names(self, kind: str) -> list[str]:
        section = self.tags if kind == "tag" else self.saved
        children = (section.child(n) for n in range(section.childCount()))
        found = (child.data(0, NAME_ROLE) for child in children if child is not None)
        return [str(name) for name in found if name]

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        query = item.data(0, QUERY_ROLE)
        if query:
            self.open_query.emit(str(query))

    def _menu(self, where: QPoint) -> None:
        item = self.itemAt(where)
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if item is None or not kind:
            return
        name = str(item.data(0, NAME_ROLE))
        menu = QMenu(self)
        menu.setObjectName("tagMenu")
        menu.addAction("Open", lambda: self._activated(item))
        if kind == "tag":
            menu.addAction("Rename or merge…", lambda: self.rename_tag.emit(name))
        else:
            menu.addAction("Delete saved search", lambda: self.delete_saved.emit(name))
        menu.popup(self.viewport().mapToGlobal(where))
