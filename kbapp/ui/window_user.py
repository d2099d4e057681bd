"""The main window's handling of the user's layer: my ratings and links, notes, the
papers view, and the in-app links (`kb:`) of the reader, the note and the paper pages.
A mixin of `MainWindow`, which owns the widgets it uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QDialog, QMainWindow

from kbapp.ui import actions
from kbapp.ui.reader import EXTERNAL_SCHEMES
from kbapp.ui.user_layer import kb_query

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QStackedWidget

    from kbapp.core.store.library import Library
    from kbapp.ui.days_model import DaysModel
    from kbapp.ui.images import ImagePresenter
    from kbapp.ui.notes import NotePanel
    from kbapp.ui.papers import PapersView
    from kbapp.ui.reader import ReaderView
    from kbapp.ui.search_panel import SearchPanel
    from kbapp.ui.tasks import TaskRunner
    from kbapp.ui.user_layer import UserLayer


class UserActions(QMainWindow if TYPE_CHECKING else object):  # type: ignore[misc]
    library: Library
    runner: TaskRunner
    model: DaysModel
    reader: ReaderView
    notes: NotePanel
    user: UserLayer
    images: ImagePresenter
    views: QStackedWidget
    papers: PapersView | None
    link_picker: QDialog | None
    switcher: QDialog | None
    search_panel: SearchPanel | None
    settings: QSettings
    actions_by_name: dict[str, QAction]

    def show_date(self, date: str) -> None:
        raise NotImplementedError  # MainWindow's

    def current_date(self) -> str | None:
        raise NotImplementedError  # MainWindow's

    def _refresh_day(self) -> None:
        """The shown day read again (the user changed it, or its cross-links), in place."""
        current = self.reader.day
        if current is not None:
            self.reader.replace_day(
                self.user.decorate(self.library, self.library.days.day(current.date))
            )

    # -- the user's layer -------------------------------------------------------------------
    def _selection_changed(self, key: str) -> None:
        day = self.reader.day
        item = day.item(key) if day and key else None
        if item is None or day is None:
            self.notes.show_target(None)
        else:
            heading = f"{day.date} · {item.index or '·'}. {item.title}"
            self.notes.show_target(f"item:{key}", heading, day.date)

    # -- views -----------------------------------------------------------------------------
    def show_days(self) -> None:
        self.views.setCurrentIndex(0)
        self._enable_day_actions(True)
        self._selection_changed(self.reader.selected_key or "")
        self.reader.setFocus()

    def show_papers(self) -> None:
        if self.papers is None:
            from kbapp.ui.papers import PapersView

            self.papers = PapersView(self)
            self.papers.link_clicked.connect(self.follow_link)
            self.papers.paper_chosen.connect(
                lambda key, title: self.notes.show_target(f"paper:{key}", title)
            )
            self.views.addWidget(self.papers)
        self.papers.load(self.runner, self.library)
        self.views.setCurrentWidget(self.papers)
        self._enable_day_actions(False)
        self.notes.show_target(None)
        self.papers.table.setFocus()

    def _enable_day_actions(self, enabled: bool) -> None:
        """Day and item keys act on the days view only (J, K, 0-5 are plain keys)."""
        for name, action in self.actions_by_name.items():
            if actions.command(name).menu in ("&Go", "&Item") and name not in (
                "edit-note",
                "link-item",
                "quick-switcher",
                "search",
            ):
                action.setEnabled(enabled)

    def link_selected(self) -> None:
        """Ctrl+Shift+L: link the selected item (or the paper shown) to another."""
        from kbapp.ui.link_picker import LinkPicker

        source, heading = self.notes.target, self.notes.heading.text()
        if source is None:
            self.statusBar().showMessage("Select an item with J or K (or a paper) first.", 3000)
            return
        date = self.current_date() or "" if source.startswith("item:") else ""
        picker = LinkPicker(self.runner, source, heading, self)
        self.link_picker = picker

        def chosen() -> None:
            if picker.chosen is not None:
                target, label = picker.chosen
                self.user.link(self.library, source, target, label, date)

        picker.accepted.connect(chosen)
        picker.finished.connect(self._keyboard_back)
        picker.open()

    def _keyboard_back(self) -> None:
        """After a dialog: the keyboard back in the window, where it was."""
        self.activateWindow()
        widget = self.reader if self.views.currentIndex() == 0 else self.views.currentWidget()
        if widget is not None:
            widget.setFocus()

    def follow_link(self, url: QUrl) -> None:
        """A link of a note's preview or a paper's page: in-app (`kb:`) here, the web in
        the browser, anything else (file:, javascript:) never."""
        if url.scheme() == "kb":
            self._on_kb_link(url)
        elif url.scheme() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)

    def follow_reference(self, text: str) -> None:
        """`[[text]]` of a note, followed: the day, item or paper it names."""
        found = self.library.user.resolve(text)
        if found is None:
            self.statusBar().showMessage(f"Nothing in the library matches [[{text}]].", 5000)
        elif found.startswith("day:"):
            self.show_days()
            self.show_date(found.removeprefix("day:"))
        else:
            self.open_target(found)

    # -- search ---------------------------------------------------------------------------
    def quick_switcher(self) -> None:
        from kbapp.ui.search_panel import QuickSwitcher

        switcher = QuickSwitcher(self.library, self)
        self.switcher = switcher
        switcher.chosen.connect(self._switch_to)
        switcher.finished.connect(self._keyboard_back)
        switcher.open()
        switcher.query.setFocus()

    def _switch_to(self, target: str) -> None:
        if target.startswith("day:"):
            self.show_days()
            self.show_date(target.removeprefix("day:"))
        else:
            self.open_target(target)

    def search(self) -> None:
        if self.search_panel is None:
            from PySide6.QtCore import Qt

            from kbapp.ui.search_panel import SearchPanel

            panel = SearchPanel(lambda: self.library, self.settings, self)
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, panel)
            panel.open_item.connect(self._open_search_hit)
            panel.closed.connect(self._close_search)
            self.search_panel = panel
        self.search_panel.start()

    def _open_search_hit(self, key: str, terms: list[str]) -> None:
        """The hit in the reader, its matches marked; the keyboard stays in the panel
        (Down and Enter open the next hit, Esc goes back to the reader)."""
        self.open_target(f"item:{key}")
        self.reader.set_highlight(terms)
        self.statusBar().showMessage(f"{self.reader.highlight_count()} matches marked", 4000)
        if self.search_panel is not None:
            self.search_panel.query.setFocus()

    def _close_search(self) -> None:
        if self.search_panel is not None:
            self.search_panel.hide()
        self.activateWindow()
        self.reader.setFocus()

    def open_target(self, target: str) -> None:
        """Show an item (in its day) or a paper (in the papers view)."""
        if target.startswith("paper:"):
            self.show_papers()
            assert self.papers is not None
            key = target.removeprefix("paper:")
            if not self.papers.select_key(key):
                self.papers.pending_key = key
        else:
            self.show_days()
            self.show_item(target.removeprefix("item:"))

    def edit_note(self) -> None:
        if self.notes.target is None:
            self.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        self.notes.show()
        self.notes.editor.setFocus()

    def _rater(self, stars: int) -> Callable[[], None]:
        # A closure without parameters: Qt would hand a default parameter `checked`.
        return lambda: self.rate_selected(stars)

    def rate_selected(self, stars: int) -> None:
        day, key = self.reader.day, self.reader.selected_key
        item = day.item(key) if day and key else None
        if item is None:
            self.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        self.user.rate(item.key, day.date, item.my_rating, stars or None)  # type: ignore[union-attr]

    def show_item(self, key: str) -> None:
        date = key.partition("/")[0]
        self.show_date(date)
        self.reader.select(key)

    def _on_kb_link(self, url: QUrl) -> None:
        path = url.path()
        values = kb_query(url)
        day = self.reader.day
        if path == "rate" and day is not None:
            ordinal = int(values.get("n", "0"))
            item = next((i for i in day.items if i.ordinal == ordinal), None)
            if item is not None:
                stars = int(values.get("s", "0"))
                self.user.rate(item.key, day.date, item.my_rating, stars or None)
            return
        if path == "decide" and day is not None:
            decision = values.get("to")
            self.user.decide(self.library, values["a"], values["b"], day.date, decision)
            return
        if path == "item":
            self.open_target(f"item:{values.get('key', '')}")
            return
        if path == "open":
            self.open_target(values.get("target", ""))
            return
        if path == "resolve":
            self.follow_reference(values.get("q", ""))
            return
        if path == "unlink":
            date = day.date if day is not None and values["a"].startswith("item:") else ""
            self.user.unlink(self.library, values["a"], values["b"], date)
            return
        if path == "day":
            self.show_date(values.get("date", ""))
            return
        if path.startswith("image/"):
            key = unquote(path.removeprefix("image/"))
            picture = self.images.path_of(key)
            if picture is not None:
                from kbapp.ui.viewer import ImageViewer

                viewer = ImageViewer(picture, Path(picture).name, self)
                viewer.open()
            else:
                self.images.retry([key])
                self.statusBar().showMessage("Trying the image again…", 3000)
