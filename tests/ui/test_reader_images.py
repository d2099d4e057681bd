"""Pictures in the reader: placeholders that turn into images in place, a viewer,
animated GIFs, and no request at all when remote images are off."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QProgressDialog, QToolTip

from kbapp.core.images.cache import image_key
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.ui.download_bar import DownloadBar
from kbapp.ui.main_window import MainWindow
from kbapp.ui.settings import LOAD_REMOTE_IMAGES
from kbapp.ui.viewer import ImageViewer
from tests.core.images.image_server import ImageServer, digest_text, encoded
from tests.ui.conftest import make_window

DATE = "2024-03-05"


def _digest(image_url: str) -> str:
    """One item with a remote picture, then enough long items to scroll past it."""
    lines = [
        "# 公众号内容拓展学习笔记（2024.3.5）",
        "",
        "------",
        "",
        "## :paperclip:  今日要点",
        "",
    ]
    lines += [
        "1. [带图的文章 An article with a picture](https://mp.weixin.qq.com/s/PictureArticle0000000001)  :star::star:",
        "   - Abstract: 图在下面",
        "",
        f"<div align=center><img src=\"{image_url}\" style='zoom:100%'>",
        "</div>",
        "",
    ]
    for n in range(2, 10):
        lines += [
            f"{n}. [第 {n} 篇长文 Long article {n}](https://mp.weixin.qq.com/s/LongArticle{n:013d})  :star:",
            "   - Abstract: " + "很长的摘要，" * 60,
            "",
        ]
    return "\n".join(lines)


def _window(qtbot, tmp_path: Path, image_url: str, remote: bool = True) -> MainWindow:  # type: ignore[no-untyped-def]
    note = tmp_path / "notes" / "202403" / "0305.md"
    note.parent.mkdir(parents=True)
    note.write_text(_digest(image_url), encoding="utf-8")
    library = tmp_path / "lib.sqlite"
    with Library(library) as opened:
        import_paths(opened, [note])
    config = tmp_path / "kbapp.ini"
    QSettings(str(config), QSettings.Format.IniFormat).setValue(LOAD_REMOTE_IMAGES, remote)
    return make_window(qtbot, library, config)


def _top(window: MainWindow) -> tuple[int, int]:
    """The document position at the top of the reader's view and where it is drawn."""
    reader = window.reader
    cursor = reader.cursorForPosition(QPoint(reader.viewport().width() // 2, 8))
    return cursor.position(), reader.cursorRect(cursor).top()


def test_a_placeholder_turns_into_the_picture_without_moving_what_is_read(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    url = server.image("/wide.png", encoded("PNG", 1600, 200), delay=1.0)
    window = _window(qtbot, tmp_path, url)
    assert window.current_date() == DATE
    reader = window.reader
    assert "kb-wait:" in reader.toHtml()  # a placeholder while the picture is on its way
    bar = reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 400)
    bar.setValue(bar.maximum() // 2)  # reading further down, below the picture
    position, y = _top(window)

    qtbot.waitUntil(lambda: "kb-image:" in reader.toHtml(), timeout=10_000)
    assert server.counts["/wide.png"] == 1
    cursor = QTextCursor(reader.document())
    cursor.setPosition(position)
    assert abs(reader.cursorRect(cursor).top() - y) <= 2  # the same text, the same place
    state = window.library.images.states([url])[url]
    assert state.status == "ok"

    # The wide picture is scaled to the reader's width, and a click opens it full size.
    reader.anchorClicked.emit(QUrl(f"kb:image/{url.replace('/', '%2F').replace(':', '%3A')}"))
    viewer = window.findChild(ImageViewer)
    qtbot.waitUntil(lambda: viewer is not None and viewer.isVisible())
    assert viewer.natural_size.width() == 1600
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert viewer.zoom > 1
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible())
    window.close()


def test_with_remote_images_off_nothing_is_requested(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    url = server.image("/off.png", encoded("PNG"))
    window = _window(qtbot, tmp_path, url, remote=False)
    assert window.current_date() == DATE
    # Downloads are let go after the first paint (`ImagePresenter.start`): by then a (wrong)
    # one would have been asked for, and it is either still asked or has reached the server.
    qtbot.waitUntil(lambda: window.images._ready)
    assert window.images._asked == set()
    assert server.total == 0
    text = window.images.resource(f"kb-wait:{image_key(DATE, url, False)}")
    assert text is not None
    assert window.images._placeholders[url][0].startswith("Remote images are off")
    window.close()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:image/png;base64,AAAA"])
def test_a_picture_that_is_not_on_the_web_is_never_loaded_and_says_so(
    qtbot, tmp_path: Path, server: ImageServer, url: str
) -> None:
    window = _window(qtbot, tmp_path, url)
    qtbot.waitUntil(lambda: window.images._ready)
    assert window.images.resource(f"kb-wait:{image_key(DATE, url, False)}") is not None
    text = window.images._placeholders[url][0]
    assert text.startswith("Not loaded: kbapp loads pictures from http and https addresses only")
    assert window.images._asked == set() and server.total == 0
    window.close()


def test_a_failed_picture_says_why_and_a_click_tries_again(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    url = server.route("/broken.png", "status", status=500)
    window = _window(qtbot, tmp_path, url)
    qtbot.waitUntil(
        lambda: window.library.images.states([url])[url].status == "failed", timeout=10_000
    )
    qtbot.waitUntil(lambda: "500" in window.images._placeholders.get(url, ("",))[0])
    server.image("/broken.png", encoded("PNG"))  # the server mends
    window.reader.anchorClicked.emit(
        QUrl(f"kb:image/{url.replace('/', '%2F').replace(':', '%3A')}")
    )
    qtbot.waitUntil(lambda: "kb-image:" in window.reader.toHtml(), timeout=10_000)
    assert server.counts["/broken.png"] == 2
    window.close()


def test_an_animated_gif_plays_in_the_reader(qtbot, tmp_path: Path) -> None:
    from kbapp.paths import samples_dir

    library = tmp_path / "samples.sqlite"
    with Library(library) as opened:
        import_paths(opened, [samples_dir()])
    window = make_window(qtbot, library, tmp_path / "kbapp.ini")
    window.show_date("2026-11-20")  # its matting item shows an animated GIF
    day = window.reader.day
    assert day is not None
    (matting,) = [i for i in day.items if any(m.src.endswith(".gif") for m in i.images)]
    with qtbot.waitSignal(window.images.frame, timeout=5_000):
        window.reader.select(matting.key)  # in view: a picture loads when it is drawn
    window.close()


def _bulk_window(
    qtbot, tmp_path: Path, server: ImageServer, count: int, delay: float
) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window with remote pictures off (nothing fetched on its own), a first day of
    one picture and a second of `count - 1`, each answered after `delay` seconds; then
    remote pictures on, ready for Download all."""
    url = server.image("/first.png", encoded("PNG"), delay=delay)
    window = _window(qtbot, tmp_path, url, remote=False)
    other = tmp_path / "notes" / "202403" / "0306.md"
    urls = [server.image(f"/more-{n}.jpg", encoded("JPEG", 64, 48, 0x33AA00 + n), "image/jpeg",
                         delay=delay)
            for n in range(count - 1)]  # fmt: skip
    other.write_text(digest_text("2024-03-06", urls), encoding="utf-8")
    import_paths(window.library, [other])
    window.settings.setValue(LOAD_REMOTE_IMAGES, True)
    return window


def test_download_all_images_shows_progress_and_fills_the_cache(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    """Progress and Cancel sit in the status bar, no dialog: the window goes on working
    (J selects an item meanwhile), and the end says how it went in a line."""
    window = _bulk_window(qtbot, tmp_path, server, 6, delay=0.3)
    status = window.statusBar()
    window.actions_by_name["download-images"].trigger()
    bar = status.findChild(DownloadBar)
    assert bar is not None and bar.isVisible() and bar.cancel_button.isVisible()
    assert QApplication.activeModalWidget() is None
    assert window.findChild(QProgressDialog) is None
    assert bar.progress.maximum() == 6
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_J)  # the reader still takes the keyboard
    assert window.reader.selected_key is not None
    # (read as it changes: the bar removes itself the moment the last image is in)
    seen: list[str] = []
    bar.progress.valueChanged.connect(lambda _value: seen.append(bar.progress.text()))
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].startswith("Images: ")
    qtbot.waitUntil(lambda: status.findChild(DownloadBar) is None, timeout=10_000)  # removed
    assert status.currentMessage() == "Downloaded 6 images."
    assert QApplication.activeModalWidget() is None
    # The results are recorded by the task runner, the one writer, just after they show.
    qtbot.waitUntil(lambda: window.library.images.status_counts()["ok"] == 6)
    assert window.library.images.status_counts()["failed"] == 0
    assert all(
        server.counts[path] == 1 for path in ["/first.png", *(f"/more-{n}.jpg" for n in range(5))]
    )
    window.close()


def test_download_all_images_counts_the_failures(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    window = _bulk_window(qtbot, tmp_path, server, 4, delay=0)
    server.route("/more-0.jpg", "status", status=404)
    window.actions_by_name["download-images"].trigger()
    status = window.statusBar()
    qtbot.waitUntil(lambda: status.findChild(DownloadBar) is None, timeout=10_000)
    assert status.currentMessage() == "Downloaded 3 images, 1 failed."
    window.close()


def test_cancel_stops_download_all(qtbot, tmp_path: Path, server: ImageServer) -> None:
    """Cancel in the status bar: what is in flight lands, nothing more is asked."""
    window = _bulk_window(qtbot, tmp_path, server, 40, delay=0.5)
    window.actions_by_name["download-images"].trigger()
    status = window.statusBar()
    bar = status.findChild(DownloadBar)
    assert bar is not None
    with qtbot.waitSignal(window.images.progress, timeout=10_000):
        pass  # the first picture has arrived
    qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    assert not bar.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: status.findChild(DownloadBar) is None, timeout=10_000)
    message = status.currentMessage()
    assert message.startswith("Download cancelled: ") and message.endswith(" left.")
    asked = server.total
    assert asked < 40
    qtbot.waitUntil(lambda: window.library.images.status_counts()["ok"] == asked)
    assert window.library.images.status_counts()["pending"] == 40 - asked
    window.close()


def test_a_picture_cached_by_another_process_appears_in_the_reader(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    """`kbapp images fetch` in a terminal: the window, which fetches nothing itself here
    (remote images off), draws the picture once the other process has cached it."""
    url = server.image("/elsewhere.png", encoded("PNG"))
    window = _window(qtbot, tmp_path, url, remote=False)
    qtbot.waitUntil(lambda: window.images._ready)
    assert "kb-image:" not in window.reader.toHtml()
    library = tmp_path / "lib.sqlite"
    subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(library), "images", "fetch"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert server.counts["/elsewhere.png"] == 1
    qtbot.waitUntil(lambda: "kb-image:" in window.reader.toHtml(), timeout=1000)
    assert server.counts["/elsewhere.png"] == 1  # drawn from the cache, not fetched again
    window.close()


def _image_cursor(window: MainWindow, name: str) -> QTextCursor:
    """A cursor on the picture (or its box) whose resource URL is `name`, in the reader."""
    document = window.reader.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == name:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + 1)
                return cursor
            iterator += 1
        block = block.next()
    raise AssertionError(f"no picture {name} in the reader")


def test_a_refused_picture_says_so_in_words_and_why_in_its_tooltip(
    qtbot, tmp_path: Path, server: ImageServer
) -> None:
    url = server.route("/refused.png", "status", status=403)
    window = _window(qtbot, tmp_path, url)
    qtbot.waitUntil(
        lambda: window.library.images.states([url])[url].status == "failed", timeout=10_000
    )
    key = image_key(DATE, url, False)
    qtbot.waitUntil(lambda: "403" in window.images._placeholders.get(key, ("",))[0])
    text = window.images._placeholders[key][0]
    assert text == "The image host refused it (HTTP 403): 127.0.0.1\nClick to try again"
    # The fetcher's own words ("HTTP 403 Forbidden") are the box's tooltip, shown on hover.
    cursor = _image_cursor(window, f"kb-wait:{quote(key, safe='')}")
    assert "HTTP 403 Forbidden" in cursor.charFormat().toolTip()
    reader = window.reader
    reader.verticalScrollBar().setValue(0)
    where = reader.cursorRect(cursor).center()
    QApplication.sendEvent(
        reader.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, where, reader.viewport().mapToGlobal(where)),
    )
    qtbot.waitUntil(lambda: "HTTP 403 Forbidden" in QToolTip.text())
    assert url in QToolTip.text()
    QToolTip.hideText()
    window.close()


def test_an_unreachable_host_is_named_without_an_exception(qtbot, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/gone.png"
    window = _window(qtbot, tmp_path, url)
    key = image_key(DATE, url, False)
    qtbot.waitUntil(lambda: "Click to try again" in window.images._placeholders.get(key, ("",))[0],
                    timeout=10_000)  # fmt: skip
    text = window.images._placeholders[key][0]
    assert text.startswith("127.0.0.1 refused the connection")
    assert "Error" not in text and "Errno" not in text
    state = window.library.images.states([url])[url]
    assert state.last_error is not None and "ConnectError" in state.last_error  # kept, for the log
    window.close()
