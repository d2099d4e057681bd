"""The user's layer in the window, and getting about in it: my ratings and links, the
note of the selection, the days and papers views, the quick switcher and the search
panel, and the in-app links (`kb:`) of the reader, the note and the paper pages.

`UserActions` is a controller of `MainWindow`: it holds no widget of its own, it reaches
the window's (the reader, the note panel, the papers view it makes when first asked
for) through the window it is given, at the moment it acts, so a library opened since
is the one it works on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from kbapp.ui import actions
from kbapp.ui.errors import open_in_browser
from kbapp.ui.layout import DOCK_MIN
from kbapp.ui.user_layer import kb_query

if TYPE_CHECKING:
    from kbapp.core.store.papers import PaperRow
    from kbapp.ui.main_window import MainWindow

# Go and Item commands that still act in the papers view (the rest need the days view).
ANYWHERE = (
    "edit-note", "link-item", "quick-switcher", "search", "go-back", "go-forward",
    "toggle-queue", "edit-tags", "save-search",
    *(f"rate-{n}" for n in range(6)),  # in the papers view: the selected paper
)  # fmt: skip


class UserActions:
    """Rating, linking and noting what is selected; moving between the days and papers
    views, to an item or a paper, through the quick switcher or the search panel; and
    following the links the reader, the note panel and the paper pages are clicked on."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    # -- the user's layer -------------------------------------------------------------------
    def _selection_changed(self, key: str) -> None:
        """The note panel follows the reader's selected item (none: no target)."""
        window = self.window
        day = window.reader.day
        item = day.item(key) if day and key else None
        if item is None or day is None:
            window.notes.show_target(None)
        else:
            heading = f"{day.date} · {item.index or '·'}. {item.title}"
            window.notes.show_target(f"item:{key}", heading, day.date)

    def edit_note(self) -> None:
        window = self.window
        if window.notes.target is None:
            window.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        window.layout_keeper.show_notes(True)
        window.notes.editor.setFocus()

    def remove_days(self, dates: list[str] | None = None) -> None:
        """Library ▸ Remove day (the day shown) or the sidebar's menu (a day, a month, a
        year): asked once, then undoable with Ctrl+Z; the user's annotations stay."""
        window = self.window
        shown = window.current_date()
        chosen = list(dates or ([shown] if shown else []))
        if not chosen:
            window.statusBar().showMessage("Choose a day to remove first.", 4000)
            return
        wanted = set(chosen)
        items = sum(day.items for day in window.library.days.day_summaries() if day.date in wanted)
        name = chosen[0] if len(chosen) == 1 else f"{len(chosen)} days"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove day",
            f"Remove {name} ({items} items) from the library?",
            QMessageBox.StandardButton.Cancel,
            window,
        )
        box.setObjectName("removeDays")
        box.setInformativeText(
            "Your ratings, notes and links on these items are kept: they come back when "
            "the file is imported again. Edit ▸ Undo puts the days back now."
        )
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            self.keyboard_back()  # J/K and Ctrl+Z work at once
            if box.clickedButton() is remove:
                window.user.remove_days(chosen)

        box.finished.connect(answered)
        box.open()

    def card_menu(self, key: str, where: QPoint) -> None:
        """A card's context menu (the item is selected): what the keys do, by mouse."""
        window = self.window
        day = window.reader.day
        item = day.item(key) if day else None
        if day is None or item is None:
            return
        menu = QMenu(window)
        menu.setObjectName("cardMenu")
        opened = menu.addAction("Open article", self.open_article)
        opened.setEnabled(bool(item.article_url))
        copy = menu.addAction("Copy link", lambda: _copy(item.article_url or ""))
        copy.setEnabled(bool(item.article_url))
        from kbapp.core.export.item_markdown import item_markdown

        menu.addAction("Copy as markdown", lambda: _copy(item_markdown(item)))
        menu.addSeparator()
        rate = menu.addMenu("Rate")
        for stars in range(6):
            text = "★" * stars if stars else "Clear my rating"
            rate.addAction(text, self._rater(stars))
        menu.addAction("Edit note", self.edit_note)
        reading = self.window.reading
        menu.addAction("Mark unread" if item.read else "Mark read", reading.toggle_read)
        menu.addAction("Mark all above as read", lambda: reading.mark_above_read(key))
        menu.addAction("Read later" if not item.queued else "Out of the reading queue",
                       reading.toggle_queue)  # fmt: skip
        menu.addAction("Tags…", reading.edit_tags)
        menu.addAction("Link to…", self.link_selected)
        menu.addSeparator()
        menu.addAction(f"Remove {day.date}…", lambda: self.remove_days([day.date]))
        menu.popup(where)

    def _rater(self, stars: int) -> Callable[[], None]:
        # A closure without parameters: Qt would hand a default parameter `checked`.
        return lambda: self.rate_selected(stars)

    def paper_in_view(self) -> tuple[bool, PaperRow | None]:
        """Whether the papers view is the one shown, and its selected paper (None: none,
        and the status bar says to select one)."""
        window = self.window
        papers = window.papers
        if papers is None or window.views.currentWidget() is not papers:
            return False, None
        row = papers.current_row()
        if row is None:
            window.statusBar().showMessage("Select a paper first.", 3000)
        return True, row

    def rate_selected(self, stars: int) -> None:
        window = self.window
        in_view, row = self.paper_in_view()
        if in_view:
            if row is not None:
                window.user.rate_paper(row.key, row.title, window.library, stars or None)
            return
        day, key = window.reader.day, window.reader.selected_key
        item = day.item(key) if day and key else None
        if item is None:
            window.statusBar().showMessage("Select an item with J or K first.", 3000)
            return
        window.user.rate(item.key, day.date, item.my_rating, stars or None, _where(day.date, item))  # type: ignore[union-attr]

    def link_selected(self) -> None:
        """Ctrl+Shift+L: link the selected item (or the paper shown) to another."""
        from kbapp.ui.link_picker import LinkPicker

        window = self.window
        source, heading = window.notes.target, window.notes.heading.text()
        if source is None:
            window.statusBar().showMessage("Select an item with J or K (or a paper) first.", 3000)
            return
        date = window.current_date() or "" if source.startswith("item:") else ""
        picker = LinkPicker(window.runner, source, heading, window)
        window.link_picker = picker

        def chosen() -> None:
            if picker.chosen is not None:
                target, label = picker.chosen
                window.user.link(window.library, source, target, label, date)

        picker.accepted.connect(chosen)
        picker.finished.connect(self.keyboard_back)
        picker.open()

    def keyboard_back(self) -> None:
        """After a dialog: the keyboard back in the window, where it was."""
        window = self.window
        window.activateWindow()
        widget = window.reader if window.views.currentIndex() == 0 else window.views.currentWidget()
        if widget is not None:
            widget.setFocus()

    # -- views -----------------------------------------------------------------------------
    def show_days(self) -> None:
        window = self.window
        window.views.setCurrentIndex(0)
        self._enable_day_actions(True)
        self._selection_changed(window.reader.selected_key or "")
        window.reader.setFocus()

    def show_papers(self) -> None:
        window = self.window
        if window.papers is None:
            from kbapp.ui.papers import PapersView

            window.papers = PapersView(window)
            window.papers.link_clicked.connect(self.follow_link)
            window.papers.paper_chosen.connect(
                lambda key, title: window.notes.show_target(f"paper:{key}", title)
            )
            window.papers.paper_chosen.connect(lambda key, _title: window.history.paper_shown(key))
            window.views.addWidget(window.papers)
        window.papers.theme = window.reader.theme  # the reader's colours
        window.papers.load(window.runner, window.library)
        window.views.setCurrentWidget(window.papers)
        self._enable_day_actions(False)
        window.notes.show_target(None)
        window.papers.table.setFocus()

    def _enable_day_actions(self, enabled: bool) -> None:
        """Day and item keys act on the days view only (J, K, 0-5 are plain keys)."""
        for name, action in self.window.actions_by_name.items():
            if actions.command(name).menu in ("&Go", "&Item") and name not in ANYWHERE:
                action.setEnabled(enabled)

    def open_target(self, target: str) -> None:
        """Show an item (in its day) or a paper (in the papers view)."""
        window = self.window
        if target.startswith("paper:"):
            self.show_papers()
            assert window.papers is not None
            key = target.removeprefix("paper:")
            if not window.papers.select_key(key):
                window.papers.pending_key = key
        else:
            self.show_days()
            self.show_item(target.removeprefix("item:"))

    def show_item(self, key: str) -> None:
        date = key.partition("/")[0]
        self.window.show_date(date)
        self.window.reader.select(key)

    # -- search ---------------------------------------------------------------------------
    def quick_switcher(self) -> None:
        from kbapp.ui.search_panel import QuickSwitcher

        window = self.window
        switcher = QuickSwitcher(window.library, window)
        window.switcher = switcher
        switcher.chosen.connect(self._switch_to)
        switcher.finished.connect(self.keyboard_back)
        switcher.open()
        switcher.query.setFocus()

    def _switch_to(self, target: str) -> None:
        if target.startswith("day:"):
            self.show_days()
            self.window.show_date(target.removeprefix("day:"))
        elif target.startswith("search:"):  # a tag or a saved search
            self.window.reading.open_query(target.removeprefix("search:"))
        else:
            self.open_target(target)

    def search(self) -> None:
        window = self.window
        if window.search_panel is None:
            from kbapp.ui.search_panel import SearchPanel

            panel = SearchPanel(lambda: window.library, window.settings, window)
            # Beside the note panel, as a tab: the reader keeps its width.
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            panel.setMinimumWidth(DOCK_MIN)
            if window.notes.isVisible() and not window.notes.isFloating():
                window.tabifyDockWidget(window.notes, panel)
            panel.open_item.connect(self._open_search_hit)
            panel.closed.connect(self._close_search)
            window.search_panel = panel
        window.search_panel.start()

    def _open_search_hit(self, key: str, terms: list[str]) -> None:
        """The hit in the reader, its matches marked; the keyboard stays in the panel
        (Down and Enter open the next hit, Esc goes back to the reader)."""
        window = self.window
        self.open_target(f"item:{key}")
        window.reader.set_highlight(terms)
        window.statusBar().showMessage(f"{window.reader.highlight_count()} matches marked", 4000)
        if window.search_panel is not None:
            window.search_panel.query.setFocus()

    def _close_search(self) -> None:
        window = self.window
        if window.search_panel is not None:
            window.search_panel.hide()
        window.activateWindow()
        window.reader.setFocus()

    def open_article(self) -> None:
        """Enter: in a field it acts for the field (the window's shortcut hears it first)."""
        window = self.window
        focus = window.focusWidget()
        if focus is window.sidebar.filter_edit:
            window.sidebar.apply_filter()
            window.sidebar.tree.setFocus()
            return
        panel = window.search_panel
        if panel is not None and focus in (panel.query, panel.results):
            panel.open_current()
            return
        if not window.reader.open_selected():
            window.statusBar().showMessage("Select an item with J or K first.", 3000)

    # -- links ----------------------------------------------------------------------------
    def follow_link(self, url: QUrl) -> None:
        """A link of a note's preview or a paper's page: in-app (`kb:`) here, the web in
        the browser, anything else (file:, javascript:) never, and the status bar says
        why (`open_in_browser`)."""
        if url.scheme() == "kb":
            self._on_kb_link(url)
        else:
            open_in_browser(url, self.window.statusBar())

    def follow_reference(self, text: str) -> None:
        """`[[text]]` of a note, followed: the day, item or paper it names."""
        window = self.window
        found = window.library.user.resolve(text)
        if found is None:
            window.statusBar().showMessage(f"Nothing in the library matches [[{text}]].", 5000)
        elif found.startswith("day:"):
            self.show_days()
            window.show_date(found.removeprefix("day:"))
        else:
            self.open_target(found)

    def _on_kb_link(self, url: QUrl) -> None:
        """A `kb:` link: rate, decide or remove a link, go to a day, item or paper, or
        open a picture (a picture not downloaded yet is asked for again)."""
        window = self.window
        path = url.path()
        values = kb_query(url)
        day = window.reader.day
        if path == "rate" and day is not None:
            ordinal = int(values.get("n", "0"))
            item = next((i for i in day.items if i.ordinal == ordinal), None)
            if item is not None:
                stars = int(values.get("s", "0"))
                window.user.rate(
                    item.key, day.date, item.my_rating, stars or None, _where(day.date, item)
                )
            return
        if path == "decide" and day is not None:
            decision = values.get("to")
            window.user.decide(window.library, values["a"], values["b"], day.date, decision)
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
            window.user.unlink(window.library, values["a"], values["b"], date)
            return
        if path == "day":
            window.show_date(values.get("date", ""))
            return
        if path == "tag":
            from kbapp.core.search.text import tag_query

            window.reading.open_query(tag_query(values.get("name", "")))
            return
        if path.startswith("image/"):
            key = unquote(path.removeprefix("image/"))
            picture = window.images.path_of(key)
            if picture is not None:
                from kbapp.ui.viewer import ImageViewer

                viewer = ImageViewer(picture, Path(picture).name, window)
                viewer.open()
            else:
                window.images.retry([key])
                window.statusBar().showMessage("Trying the image again…", 3000)


def _where(date: str, item: object) -> str:
    """An item as the undo text names it: `2021-04-25 #3`."""
    number = getattr(item, "index", None) or getattr(item, "ordinal", None)
    return f"{date} #{number}" if number else date


def _copy(text: str) -> None:
    QApplication.clipboard().setText(text)
