"""The reader: one day as cards in a QTextBrowser that never loads anything remote.

Links to the web open in the system browser; `kb:` links are the app's own and are
handed to the window by `kb_link`; `icon:` resources are drawn by qtawesome. The
selected item (J/K) is highlighted by re-assembling the cached card HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from kbapp.core.day import Day, DayItem
from kbapp.core.digest.model import Image
from kbapp.core.render import day as render
from kbapp.core.render.caps import FULL, VIEW
from kbapp.ui import icons
from kbapp.ui.errors import OPENED_SCHEMES
from kbapp.ui.reader_look import ZOOM_STEP, ReaderLook
from kbapp.ui.reader_paging import Paging

if TYPE_CHECKING:
    from kbapp.ui.images import ImagePresenter

EXTERNAL_SCHEMES = OPENED_SCHEMES  # the one rule: errors.open_in_browser applies it


class ReaderView(QTextBrowser):
    kb_link = Signal(QUrl)
    selection_changed = Signal(str)  # the selected item's key ("" for none)
    card_menu = Signal(str, QPoint)  # an item's key, where its context menu opens
    rendered = Signal(str)  # the date just shown
    zoomed = Signal(int)  # the zoom percentage, to keep

    def __init__(
        self,
        parent: QWidget | None = None,
        open_external: Callable[[QUrl], Any] = lambda url: (
            url.scheme().lower() in EXTERNAL_SCHEMES and QDesktopServices.openUrl(url)
        ),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        # Always there: a scroll bar that hides while setHtml empties the document and
        # comes back narrows the text twice, two extra layouts of the day per switch.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.anchorClicked.connect(self._on_anchor)
        self._open_external = open_external
        self._day: Day | None = None
        self._selected: str | None = None
        self._cards: dict[tuple[str, bool], str] = {}
        self._icons: dict[str, Any] = {}  # `icon:` pictures, until a refresh (icons, theme)
        self._expanded: set[str] = set()  # items shown with the FULL caps (Show all)
        self._images: ImagePresenter | None = None
        self._min_mine: int | None = None  # only my items rated this or more (a filter)
        self._highlight: list[str] = []  # a search's words, marked in the shown day
        self.look = ReaderLook()  # font, zoom and theme
        self._apply_font()
        self.look.follow(self.palette())
        self.paging = Paging(self)  # a long day's cards, a page at a time

    # -- font and zoom ---------------------------------------------------------------------
    @property
    def zoom(self) -> int:
        """The text's zoom, percent."""
        return self.look.zoom

    @property
    def theme_choice(self) -> str:
        """The theme asked for (Settings ▸ Theme): system, light or dark."""
        return self.look.choice

    def set_reading_font(self, family: str | None, size: float | None) -> None:
        self.look.set_font(family, size)
        self._apply_font()
        self.refresh()

    def set_zoom(self, percent: int) -> None:
        """The reader's text at this percentage (the pictures keep their width)."""
        percent = self.look.clamp_zoom(percent)
        if percent != self.look.zoom:
            self.look.zoom = percent
            self._apply_font()
            self._cards.clear()
            if self._day is not None:
                self._render(keep_scroll=True, anchor=True)  # the same text at the top
            self.zoomed.emit(percent)

    def zoom_by(self, steps: int) -> None:
        self.set_zoom(self.zoom + ZOOM_STEP * steps)

    def _apply_font(self) -> None:
        self.document().setDefaultFont(self.look.font(self.font()))

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.zoom_by(1 if delta > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def set_images(self, presenter: ImagePresenter) -> None:
        """Show pictures from the cache (else placeholders) and follow their arrival."""
        self._images = presenter
        presenter.set_width(self._content_width(), self.devicePixelRatioF())
        presenter.changed.connect(self._images_changed)
        presenter.frame.connect(self._next_frame)

    def _image_html(self, image: Image) -> str:
        if self._images is None:
            return render.render_image(image)
        return self._images.html(image)

    def _content_width(self) -> int:
        return self.viewport().width() - 2 * 12 - 2 * 8  # card padding and margins

    def text_width(self) -> int:
        """The width a card's text is laid out in, in pixels."""
        return self._content_width()

    def _images_changed(self) -> None:
        self._cards.clear()
        if self._day is not None:
            self._render(keep_scroll=True, anchor=True)

    def _next_frame(self, url: str) -> None:
        if self._images is None:
            return
        frame = self._images.resource(url)
        if frame is not None:
            self.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), frame)
            self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._images is not None:
            before = self._images.width
            self._images.set_width(self._content_width(), self.devicePixelRatioF())
            if abs(self._images.width - before) > 40 and self._day is not None:
                self._images_changed()  # pictures are laid out to the new width

    # -- what is shown ----------------------------------------------------------------
    @property
    def day(self) -> Day | None:
        return self._day

    @property
    def selected_key(self) -> str | None:
        return self._selected

    @property
    def min_mine(self) -> int | None:
        return self._min_mine

    def show_day(self, day: Day | None, selected: str | None = None) -> None:
        self._day = day
        self._highlight = []
        self._cards.clear()
        self._expanded.clear()
        self.paging.reset()
        if self._images is not None:
            self._images.day_shown(day)
        keys = self.visible_keys()
        self._selected = selected if selected in keys else None
        if self._selected:
            self.paging.include(keys.index(self._selected))
        self._render(keep_scroll=False)
        self.verticalScrollBar().setValue(0)
        if self._selected:
            self.scrollToAnchor(f"item-{self._selected}")
        self.rendered.emit(day.date if day else "")
        self.selection_changed.emit(self._selected or "")

    def set_highlight(self, terms: list[str]) -> None:
        """Mark the words of a search in the shown day (until another day is shown)."""
        self._highlight = [term for term in terms if term.strip()]
        self._apply_highlight()

    def _apply_highlight(self) -> None:
        from PySide6.QtGui import QColor, QTextCharFormat
        from PySide6.QtWidgets import QTextEdit

        marks = []
        mark = QTextCharFormat()
        mark.setBackground(QColor("#fff3a3" if self.look.theme is render.LIGHT else "#6b5b00"))
        document = self.document()
        for term in self._highlight:
            cursor = document.find(term)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = mark
                marks.append(selection)
                cursor = document.find(term, cursor)
        self.setExtraSelections(marks)

    def highlight_count(self) -> int:
        """How many matches are marked (for tests and the status bar)."""
        return len(self.extraSelections())

    def set_min_rating(self, stars: int | None) -> None:
        """Show only the items I rated `stars` or more (None: all)."""
        if stars != self._min_mine:
            self._min_mine = stars
            self.paging.reset()
            if self._day is not None:
                self._render(keep_scroll=False)

    def visible_keys(self) -> list[str]:
        day, least = self._day, self._min_mine
        if day is None:
            return []
        return [i.key for i in day.items if least is None or (i.my_rating or 0) >= least]

    def replace_day(self, day: Day | None) -> None:
        """The same day read again (the user rated it, a cross-link changed): shown in
        place, scroll and selection kept."""
        if day is None or self._day is None or day.date != self._day.date:
            self.show_day(day)
            return
        self._day = day
        self._cards.clear()
        self._render(keep_scroll=True, anchor=True)

    def _render(self, keep_scroll: bool, anchor: bool = False) -> None:
        """Set the day's HTML. `keep_scroll` keeps the scroll bar where it was; `anchor`
        keeps the text at the top of the view in place even when pictures above it
        changed height (a placeholder swapped for its image)."""
        scroll = self.verticalScrollBar().value()
        if anchor:
            # Hit-test inside the column: at x = 0 the point falls beside the card tables
            # and maps to the start of a table far above.
            top = self.cursorForPosition(QPoint(self.viewport().width() // 2, 8))
            top_position, top_y = top.position(), self.cursorRect(top).top()
        day = self._day
        if day is None:
            self.setHtml(self.look.styled(self._empty_html()))
            return
        self.setHtml(
            self.look.styled(
                render.render_day(
                    day,
                    self.look.theme,
                    self._selected,
                    self._image_html,
                    self._card,
                    self._min_mine,
                    self.paging.limit,
                )  # fmt: skip
            )
        )
        self.paging.rendered()
        if self._highlight:
            self._apply_highlight()
        if keep_scroll:
            self.verticalScrollBar().setValue(scroll)
        if anchor and scroll > 0:
            cursor = QTextCursor(self.document())
            cursor.setPosition(min(top_position, self.document().characterCount() - 1))
            moved = self.cursorRect(cursor).top() - top_y
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved)

    def _card(self, item: DayItem, selected: bool) -> str:
        """A card's HTML, kept until the day, the theme or its pictures change."""
        card = self._cards.get((item.key, selected))
        if card is None:
            caps = FULL if item.key in self._expanded else VIEW
            card = render.render_card(item, self.look.theme, selected, self._image_html, caps)
            self._cards[(item.key, selected)] = card
        return card

    # -- what Paging asks of the reader ---------------------------------------------------
    def card_html(self, item: DayItem) -> str:
        return self._card(item, item.key == self._selected)

    def image_html(self, image: Image) -> str:
        return self._image_html(image)

    def styled_fragment(self, body: str) -> str:
        """HTML to insert into the day shown, with the day's stylesheet."""
        style = render.stylesheet(self.look.theme)
        return self.look.styled(
            f"<html><head><style>{style}</style></head><body>{body}</body></html>"
        )

    def after_append(self) -> None:
        if self._highlight:
            self._apply_highlight()

    def expand(self, ordinal: int) -> None:
        """Show all: the item with the larger caps, in place."""
        item = (
            next((i for i in self._day.items if i.ordinal == ordinal), None) if self._day else None
        )
        if item is None:
            return
        self._expanded.add(item.key)
        self._cards = {key: card for key, card in self._cards.items() if key[0] != item.key}
        self._render(keep_scroll=True, anchor=True)

    def _empty_html(self) -> str:
        return (
            f"<html><head><style>{render.stylesheet(self.look.theme)}</style></head><body>"
            "<h1>No digest yet</h1><p class='meta'>Drop digest markdown files or a folder "
            "on this window, or use File ▸ Import files… (Ctrl+O).</p></body></html>"
        )

    def refresh(self) -> None:
        """Render again, same day, same scroll (icons loaded, theme changed)."""
        self._cards.clear()
        self._icons.clear()
        if self._day is not None:
            self._render(keep_scroll=True)

    # -- selection ----------------------------------------------------------------------
    def select(self, key: str | None) -> None:
        if self._day is None or key == self._selected:
            return
        self._selected = key
        keys = self.visible_keys()
        if key in keys:
            self.paging.include(keys.index(key))
        self._render(keep_scroll=True)
        if key:
            self.scrollToAnchor(f"item-{key}")
        self.selection_changed.emit(key or "")

    def select_step(self, step: int) -> None:
        """Select the next (+1) or previous (-1) item, wrapping at neither end."""
        if self._day is None or not self._day.items:
            return
        keys = self.visible_keys()
        if not keys:
            return
        if self._selected not in keys:
            target = 0 if step > 0 else len(keys) - 1
        else:
            target = max(0, min(len(keys) - 1, keys.index(self._selected) + step))
        self.select(keys[target])

    def key_at(self, point: QPoint) -> str | None:
        """The item whose card is at this point of the viewport (None between days'
        sections or above the first card)."""
        if self._day is None:
            return None
        position = self.cursorForPosition(point).position()
        found = None
        block = self.document().begin()
        while block.isValid() and block.position() <= position:
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                for name in fragment.charFormat().anchorNames():
                    if name.startswith("item-"):
                        found = name.removeprefix("item-")
                fragments += 1
            block = block.next()
        return found if found and self._day.item(found) is not None else None

    def contextMenuEvent(self, event: Any) -> None:
        key = self.key_at(event.pos())
        if key is None:
            super().contextMenuEvent(event)
            return
        self.select(key)
        self.card_menu.emit(key, event.globalPos())

    def open_selected(self) -> bool:
        item = self._day.item(self._selected) if self._day and self._selected else None
        if item is None or not item.article_url:
            return False
        self._open_external(QUrl(item.article_url))
        return True

    # -- links and resources ------------------------------------------------------------
    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme().lower() != "kb":  # the web; anything else refused there, saying why
            self._open_external(url)
            return
        path = url.path()
        if path.startswith("select/"):
            self.select(path.removeprefix("select/"))
        elif path == "expand":
            ordinal = url.query().removeprefix("n=")
            if ordinal.isdigit():
                self.expand(int(ordinal))
        else:
            self.kb_link.emit(url)

    def loadResource(self, kind: int, url: QUrl) -> Any:  # type: ignore[override]
        if kind != QTextDocument.ResourceType.ImageResource:
            return None
        if url.scheme() == "icon":
            # Qt forgets a document's loaded resources at every setHtml: the chips'
            # icons are asked again each day, ~0.15 ms each from `icons`.
            name = url.path()
            image = self._icons.get(name)
            if image is None:
                image = self._icons[name] = icons.image(name, self.look.theme)
            return image
        if url.scheme() in ("kb-image", "kb-wait") and self._images is not None:
            return self._images.resource(url.toString())
        return None  # the document never loads anything else, least of all remote

    # -- theme ------------------------------------------------------------------------
    @property
    def theme(self) -> Mapping[str, str]:
        """The colours the reader draws with (the papers page takes the same)."""
        return self.look.theme

    def set_theme(self, choice: str) -> None:
        """Settings ▸ Theme: the reader's colours follow (system, light or dark)."""
        self.look.choice = choice
        self.look.follow(self.palette())
        self.refresh()

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.look.follow(self.palette())
            self.refresh()
