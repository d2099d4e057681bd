"""The reader's pictures: cached files shown in place, placeholders that say why not,
and the background downloads that fill the cache.

Downloads run on one thread of their own (`fetch_many` keeps at most six requests in
flight); each result comes back to the UI thread by a queued signal, is shown at once
(the file is already in the cache) and is recorded in the library by the task runner,
the one writer.

A picture that failed says why in plain words on its box (`errors.image_problem`); the
fetcher's own line for it (an exception, a status line) is the box's tooltip and goes
to the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from PySide6.QtCore import QObject, QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QMovie, QPainter

from kbapp.core.day import Day
from kbapp.core.digest.model import Image
from kbapp.core.images.cache import FetchResult, ImageFiles, ImageState, image_key
from kbapp.core.render.media import fit_image, max_image_width
from kbapp.core.store.library import Library
from kbapp.core.store.results import Changes
from kbapp.ui.errors import image_problem
from kbapp.ui.settings import load_remote_images
from kbapp.ui.tasks import TaskRunner

if TYPE_CHECKING:  # httpx costs the start ~70 ms: it loads with the first download
    from concurrent.futures import ThreadPoolExecutor

    from kbapp.core.images.fetch import Fetcher

PLACEHOLDER_RATIO = 0.42  # height / width of a box waiting for its picture
MAX_WIDTH = 960
DECODED_CACHE = 64  # decoded pictures kept in memory (a few days' worth)
NOTE_HEIGHT = 84  # a placeholder that explains why there is no picture

log = logging.getLogger(__name__)


class ImagePresenter(QObject):
    changed = Signal()  # a picture of the shown day arrived or changed state
    frame = Signal(str)  # an animated picture's resource URL has a new frame
    progress = Signal(int, int, int, int)  # done, total, bytes, failures (Download all)
    bulk_finished = Signal(int, int, bool)  # done, failures, cancelled (Download all)
    _bulk_ended = Signal()  # from the download thread, after its last result
    _result = Signal(object, bool)  # a FetchResult from the download thread, bulk?

    def __init__(self, library: Library, runner: TaskRunner, settings: QSettings) -> None:
        super().__init__()
        self._library = library
        self._runner = runner
        self._settings = settings
        self._files = ImageFiles(library.images.folder)
        self._states: dict[str, ImageState] = {}
        self._keys: dict[str, Image] = {}  # shown day's image keys → images
        self._asked: set[str] = set()  # downloads under way
        self._placeholders: dict[str, tuple[str, int, int]] = {}
        self._sizes: dict[str, QSize] = {}
        self._movies: dict[str, QMovie] = {}
        self._width = 640
        self._dpr = 1.0
        self._decoded_cache: OrderedDict[tuple[str, int, int], QImage] = OrderedDict()
        self._date = ""
        self._cancel = threading.Event()  # stops "Download all images"
        self._closed = False
        self._ready = False  # no download before the window's first paint (GIL, httpx)
        self._waiting: list[str] = []
        self._pool: ThreadPoolExecutor | None = None  # made with the first download
        self._fetcher: Fetcher | None = None
        self._bulk = (0, 0, 0, 0)
        self._result.connect(self._on_result)
        self._bulk_ended.connect(self._on_bulk_ended)
        # Several pictures often land within a few ms: one re-render for all of them.
        self._changed_soon = QTimer(self)
        self._changed_soon.setSingleShot(True)
        self._changed_soon.setInterval(30)
        self._changed_soon.timeout.connect(self.changed)

    # -- the day being shown ------------------------------------------------------------
    @property
    def width(self) -> int:
        """The width pictures and placeholders are laid out to."""
        return self._width

    def set_width(self, width: int, device_pixel_ratio: float = 1.0) -> None:
        self._width = max(160, min(MAX_WIDTH, width))
        self._dpr = max(1.0, device_pixel_ratio)

    def day_shown(self, day: Day | None) -> None:
        """Learn the day's pictures and start what is due: pending, or failed long enough."""
        self._stop_movies()
        self._keys = {}
        self._date = day.date if day else ""
        if day is None:
            return
        images = [image for item in day.items for image in item.images]
        images += [image for section in day.sections for image in section.images]
        for image in images:
            self._keys[image_key(day.date, image.src, image.is_local)] = image
        self._states.update(self._library.images.states(list(self._keys)))
        due = set(self._library.images.due(day.date, dt.datetime.now(dt.UTC)))
        wanted = [key for key in self._keys if key in due and self._may_fetch(key)]
        self._download(wanted, bulk=False)

    def apply(self, changes: Changes) -> None:
        """Another writer (`kbapp images fetch`, a retry) changed the cache state of some
        of the shown day's pictures: read their states again and redraw if one differs."""
        keys = (
            list(self._keys)
            if changes.everything
            else [k for k in changes.images if k in self._keys]
        )
        if not keys:
            return
        states = self._library.images.states(keys)
        if any(self._states.get(key) != state for key, state in states.items()):
            self._states.update(states)
            self._changed_soon.start()

    def _may_fetch(self, key: str) -> bool:
        image = self._keys.get(key)
        return image is not None and not image.is_local and load_remote_images(self._settings)

    # -- HTML and resources for the reader ---------------------------------------------------
    def html(self, image: Image) -> str:
        key = image_key(self._date, image.src, image.is_local)
        state = self._states.get(key)
        link = f"kb:image/{quote(key, safe='')}"
        if state is not None and state.status == "ok" and state.hash:
            natural = self._natural_size(state)  # at most the digest's zoom of the width
            size = QSize(*fit_image(natural.width(), natural.height(), self._width, image.zoom))
            src = f"kb-image:{state.hash}"
            return (
                f'<p class="picture" align="center"><a href="{link}"><img src="{src}" '
                f'width="{size.width()}" height="{size.height()}"></a></p>'
            )
        width = max_image_width(self._width, image.zoom)
        waiting = state is None or state.status == "pending"
        fetching = waiting and _is_web(image) and load_remote_images(self._settings)
        # A box the size of a typical picture while one may come; a short note otherwise.
        height = int(width * PLACEHOLDER_RATIO) if fetching else NOTE_HEIGHT
        self._placeholders[key] = (self._placeholder_text(image, state), width, height)
        tip = self.tooltip(image, state)
        title = f' title="{escape(tip)}"' if tip else ""
        return (
            f'<p class="picture" align="center"><a href="{link}"{title}><img src="kb-wait:'
            f'{quote(key, safe="")}" width="{width}" height="{height}"></a></p>'
        )

    def _placeholder_text(self, image: Image, state: ImageState | None) -> str:
        where = image.host or (image.resolved_path or image.src)
        if state is not None and state.status == "failed":
            problem = image_problem(state.last_error, where)
            if image.is_local:
                return problem
            if not load_remote_images(self._settings):
                return f"{problem}\nRemote images are off (Settings)"
            return f"{problem}\nClick to try again"
        if image.is_local:
            return f"Local image not in the library\n{where}"
        if not _is_web(image):  # file:, data:, javascript:: never fetched nor read
            return f"Not loaded: kbapp loads pictures from http and https addresses only\n{where}"
        if not load_remote_images(self._settings):
            return f"Remote images are off (Settings)\n{where}"
        return f"Loading image…\n{where}"

    @staticmethod
    def tooltip(image: Image, state: ImageState | None) -> str:
        """The technical side of a failed picture's box: what was asked, what failed."""
        if state is None or state.status != "failed":
            return ""
        tries = f"{state.attempts} tries" if state.attempts != 1 else "1 try"
        return f"{image.src}\n{state.last_error or 'unknown error'} ({tries})"

    def resource(self, url: str) -> QImage | None:
        """The picture behind a `kb-image:` or `kb-wait:` URL of the reader."""
        scheme, _, rest = url.partition(":")
        if scheme == "kb-image":
            movie = self._movies.get(rest)
            if movie is not None:
                return movie.currentImage()
            path = self._files.path(rest)
            if path is None:
                return None
            if self._animated(rest, path):
                return self._movies[rest].currentImage()
            return self._decoded(rest, path)
        if scheme == "kb-wait":
            text, width, height = self._placeholders.get(unquote(rest), ("", 320, 134))
            return _draw_placeholder(text, width, height, self._dpr)
        return None

    def _decoded(self, digest: str, path: Path) -> QImage:
        """The picture decoded at the size it is shown (JPEG decodes much faster scaled
        down), kept for the next days: switching back is then free."""
        natural = self._sizes.get(digest) or QImageReader(str(path)).size()
        shown = self._fit(natural) * self._dpr if natural.isValid() else natural
        cache_key = (digest, shown.width(), shown.height())
        image = self._decoded_cache.pop(cache_key, None)
        if image is None:
            reader = QImageReader(str(path))
            if shown.isValid() and shown != natural:
                reader.setScaledSize(shown)
            image = reader.read()
        self._decoded_cache[cache_key] = image
        while len(self._decoded_cache) > DECODED_CACHE:
            self._decoded_cache.popitem(last=False)
        return image

    def _animated(self, digest: str, path: Path) -> bool:
        movie = QMovie(str(path))
        if not movie.isValid() or movie.frameCount() == 1:
            return False
        movie.setCacheMode(QMovie.CacheMode.CacheAll)
        self._movies[digest] = movie  # before start(): the first frame is announced at once
        movie.frameChanged.connect(lambda _n, url=f"kb-image:{digest}": self.frame.emit(url))
        movie.start()
        return True

    def _stop_movies(self) -> None:
        for movie in self._movies.values():
            movie.stop()
        self._movies.clear()

    def _natural_size(self, state: ImageState) -> QSize:
        assert state.hash is not None
        size = self._sizes.get(state.hash)
        if size is None:
            path = self._files.path(state.hash)
            size = QImageReader(str(path)).size() if path else QSize()
            if not size.isValid():
                size = QSize(self._width, int(self._width * PLACEHOLDER_RATIO))
            self._sizes[state.hash] = size
        return size

    def _fit(self, size: QSize) -> QSize:
        """Wide pictures scale down to the reader's width; small ones keep their size."""
        if size.width() <= self._width:
            return size
        return QSize(self._width, max(1, round(size.height() * self._width / size.width())))

    # -- clicks -------------------------------------------------------------------------
    def path_of(self, key: str) -> Path | None:
        state = self._states.get(key)
        if state is None or state.status != "ok" or not state.hash:
            return None
        return self._files.path(state.hash)

    def retry(self, keys: Iterable[str]) -> None:
        """Try these again now, whatever their backoff says."""
        keys = [key for key in keys if self._may_fetch(key)]
        if not keys:
            return
        self._runner.run(lambda library, _task: library.images.retry(keys))
        self._download(keys, bulk=False)

    def retry_failed(self) -> int:
        failed = [k for k in self._keys if (s := self._states.get(k)) and s.status == "failed"]
        self.retry(failed)
        return len(failed)

    # -- downloads ------------------------------------------------------------------------
    def start(self) -> None:
        """The window has painted: downloads may begin."""
        self._ready = True
        waiting, self._waiting = self._waiting, []
        self._download(waiting, bulk=False)

    def _download(self, keys: list[str], *, bulk: bool) -> None:
        if not self._ready and not bulk:
            self._waiting.extend(keys)
            return
        keys = [key for key in keys if key not in self._asked]
        if not keys:
            return
        self._asked.update(keys)
        states = {key: self._states.get(key) for key in keys}
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kbapp-images")
        self._pool.submit(self._fetch_in_thread, states, bulk)

    def _fetch_in_thread(self, states: dict[str, ImageState | None], bulk: bool) -> None:
        from kbapp.core.images.fetch import Fetcher, fetch_many, make_client
        from kbapp.qt_image import qt_decoder

        if self._fetcher is None:
            self._fetcher = Fetcher(make_client(), self._files, decoder=qt_decoder)

        def deliver(result: FetchResult) -> None:
            if not self._closed:  # the window may be gone while a request was in flight
                self._result.emit(result, bulk)

        def stop() -> bool:
            return self._closed or (bulk and self._cancel.is_set())

        try:
            fetch_many(self._fetcher, list(states.items()), deliver, cancel=stop)
        finally:  # queued after the last result: the bar never outlives the batch
            if bulk and not self._closed:
                self._bulk_ended.emit()

    def download_all(self) -> int:
        """Every image of the library that is due; progress comes by `progress`."""
        now = dt.datetime.now(dt.UTC)
        due = self._library.images.due(None, now) if load_remote_images(self._settings) else []
        # One of the shown day's, already on its way, is not asked twice nor counted.
        due = [key for key in due if not key.startswith("local:") and key not in self._asked]
        self._cancel.clear()
        self._bulk = (0, len(due), 0, 0)
        self._states.update(self._library.images.states(due))
        self._download(due, bulk=True)
        return len(due)

    def cancel_downloads(self) -> None:
        self._cancel.set()

    def _on_result(self, result: FetchResult, bulk: bool) -> None:
        self._asked.discard(result.url)
        self._runner.run(lambda library, _task: library.images.record(result))
        state = result.state()
        self._states[result.url] = state
        if state.status == "failed":
            log.info("image %s failed: %s", result.url, result.error)
        if bulk:
            done, total, size, failures = self._bulk
            self._bulk = (
                done + 1,
                total,
                size + (result.size or 0),
                failures + (state.status == "failed"),
            )
            self.progress.emit(*self._bulk)
        if result.url in self._keys:
            self._changed_soon.start()

    def _on_bulk_ended(self) -> None:
        done, _total, _size, failures = self._bulk
        self.bulk_finished.emit(done, failures, self._cancel.is_set())

    def shutdown(self) -> None:
        """Stop at once: queued downloads are dropped; one in flight ends by its timeout
        in the background (the window does not wait for a slow server)."""
        self._closed = True
        self._cancel.set()
        self._stop_movies()
        pool, fetcher = self._pool, self._fetcher

        def close_when_idle() -> None:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if fetcher is not None:
                fetcher.close()

        threading.Thread(target=close_when_idle, name="kbapp-images-close", daemon=True).start()


@lru_cache(maxsize=32)
def _draw_placeholder(text: str, width: int, height: int, dpr: float = 1.0) -> QImage:
    image = QImage(QSize(width, height) * dpr, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(128, 128, 128, 40))
    painter.drawRoundedRect(QRectF(0, 0, width, height), 6, 6)
    painter.setPen(QColor(110, 110, 110))
    font = QFont()
    font.setPointSizeF(9.5)
    painter.setFont(font)
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(QRectF(8, 8, width - 16, height - 16), flags, text)
    painter.end()
    return image


def _is_web(image: Image) -> bool:
    """Whether the picture is a remote one the cache may fetch (http or https)."""
    return not image.is_local and image.src.split(":", 1)[0].lower() in ("http", "https")
