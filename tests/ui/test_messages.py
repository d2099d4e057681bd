"""Messages in plain words: why a picture is missing (from the fetcher's stored line),
and a link the system could not open, said in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from kbapp.ui.errors import image_problem, open_in_browser
from tests.ui.conftest import UrlCatcher, make_window, press, select_first

HOST = "mmbiz.qpic.cn"


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("ConnectError: [Errno -2] Name or service not known", f"Offline: could not reach {HOST}"),
        ("ConnectError: [Errno -3] Temporary failure in name resolution",
         f"Offline: could not reach {HOST}"),
        ("ConnectError: [Errno 101] Network is unreachable", f"Offline: could not reach {HOST}"),
        ("ConnectError: [Errno 111] Connection refused", f"{HOST} refused the connection"),
        ("ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
         f"Could not make a secure connection to {HOST}"),
        ("HTTP 403 Forbidden", f"The image host refused it (HTTP 403): {HOST}"),
        ("HTTP 404 Not Found", f"The image is no longer on {HOST} (HTTP 404)"),
        ("HTTP 502 Bad Gateway", f"{HOST} had a problem of its own (HTTP 502)"),
        ("timed out (connecting)", f"{HOST} did not answer in time"),
        ("timed out (no answer)", f"{HOST} did not answer in time"),
        ("too slow (over 120 s)", f"{HOST} sent it too slowly"),
        ("connection broken: peer closed connection without sending complete message body",
         f"The connection to {HOST} broke off"),
        ("ReadError: [Errno 104] Connection reset by peer", f"The connection to {HOST} broke off"),
        ("not an image (HTML); served as text/html",
         f"Not an image: {HOST} sent a web page instead"),
        ("not an image (unknown bytes 00 01 02 03); served as image/png",
         f"Not an image: {HOST} sent something else"),
        ("incomplete PNG (cut short); served as image/png",
         f"The image from {HOST} arrived cut short"),
        ("larger than 10 MB (52,428,800 bytes)", "Too large to show: over 10 MB"),
        ("too many redirects (more than 5)",
         f"{HOST} sent it from one address to another too many times"),
        ("cannot write the image cache: No space left on device",
         "Could not save it: the image folder cannot be written"),
        ("not a web address (ftp:): ftp://example.com/a.png",
         "Not a web address kbapp can download"),
        ("redirected to not a web address (file:): file:///etc/passwd",
         "Not a web address kbapp can download"),
        ("an address that does not parse (Invalid port: '8000abc.png'): http://h:8000abc.png",
         "Not a web address kbapp can download"),
        ("SomethingNewError: what", f"Could not download it from {HOST}"),
        (None, f"Could not download it from {HOST}"),
    ],
)  # fmt: skip
def test_an_image_failure_is_said_in_plain_words(stored: str | None, said: str) -> None:
    words = image_problem(stored, HOST)
    assert words == said
    assert "Error" not in words and "Errno" not in words and "[" not in words


# The offscreen platform's own words for a URL it cannot open: expected here.
@pytest.mark.qt_log_ignore("This plugin does not support QPlatformServices::openUrl")
def test_a_link_the_system_cannot_open_says_so_in_the_status_bar(qtbot, tmp_path: Path) -> None:
    """The offscreen platform opens no URL: a real failure of QDesktopServices.openUrl,
    which the status bar reports instead of nothing happening."""
    if QGuiApplication.platformName() != "offscreen":
        pytest.skip("only the offscreen platform fails to open a link without side effects")
    window = make_window(qtbot, tmp_path / "lib.sqlite", tmp_path / "kbapp.ini")
    url = QUrl("https://mp.weixin.qq.com/s/NoBrowserHere")
    assert open_in_browser(url, window.statusBar()) is False
    assert window.statusBar().currentMessage() == (
        "Could not open https://mp.weixin.qq.com/s/NoBrowserHere: no web browser took the link."
    )
    window.close()


def test_a_link_that_opens_says_nothing(qtbot, tmp_path: Path, opened_urls: UrlCatcher) -> None:
    window = make_window(qtbot, tmp_path / "lib.sqlite", tmp_path / "kbapp.ini")
    window.statusBar().clearMessage()
    url = QUrl("https://mp.weixin.qq.com/s/OpensFine")
    assert open_in_browser(url, window.statusBar()) is True
    assert opened_urls.urls == [url.toString()]
    assert window.statusBar().currentMessage() == ""
    window.close()


@pytest.mark.qt_log_ignore("This plugin does not support QPlatformServices::openUrl")
def test_enter_on_an_item_whose_article_cannot_be_opened_says_so(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, _path = october
    select_first(qtbot, window, "2021-10-16")
    press(qtbot, window, Qt.Key.Key_Return)
    message = window.statusBar().currentMessage()
    assert message.startswith("Could not open https://")
    assert message.endswith("no web browser took the link.")
