"""Problems in words: what the environment did, said plainly; bugs, through one
`sys.excepthook`, as a dialog with the details.

Problems of the environment (a locked library, a bad file, an image host that is down,
no browser to open a link) are reported where they happen, in words a reader acts on;
the technical reason goes to a tooltip and the log. What reaches the hook is a bug: the
window stays usable, the traceback is logged and shown so it can be copied into a report.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QStatusBar, QWidget

from kbapp.core.render.links import LINK_SCHEMES

log = logging.getLogger("kbapp")
# How core/images/urls.py's reasons begin (a bad address, or a redirect to one).
ADDRESS_PROBLEMS = ("not a web address", "an address", "redirected to")


def show_bug(error: BaseException, parent: QWidget | None = None) -> QMessageBox:
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "kbapp hit a bug",
        f"Something went wrong inside kbapp: {type(error).__name__}: {error}\n\n"
        "Your library is safe: every change is written in one transaction. The details "
        "below help to fix it.",
        parent=parent,
    )
    box.setObjectName("bugDialog")
    box.setDetailedText(details)
    box.open()
    return box


def install_excepthook() -> None:
    """Route uncaught exceptions (in slots and event handlers too) to `show_bug`."""

    shown: list[QMessageBox] = []  # a parentless dialog lives only while referenced

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("uncaught exception", exc_info=(kind, error, tb))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            box = show_bug(error.with_traceback(tb), app.activeWindow())
            shown.append(box)
            box.finished.connect(lambda _result: shown.remove(box))

    sys.excepthook = hook


# -- images that could not be fetched ---------------------------------------------------
# `kbapp.core.images.fetch` stores one line per failure ("HTTP 403 Forbidden", "timed out
# (connecting)", "ConnectError: [Errno -2] Name or service not known", "not an image
# (HTML); served as text/html"); the state keeps no kind, so the kind is read back here.
_NO_NETWORK = ("name or service not known", "temporary failure in name resolution",
               "nodename nor servname", "network is unreachable", "no route to host",
               "getaddrinfo failed", "no address associated")  # fmt: skip


def image_problem(error: str | None, host: str) -> str:
    """Why a picture is missing, for a person: `error` as the fetcher or the cache
    recorded it, `host` the picture's host (or its path, for a local one)."""
    text = (error or "").strip()
    lower = text.lower()
    http = re.match(r"HTTP (\d{3})", text)
    if http:
        return _http_problem(int(http.group(1)), host)
    if lower.startswith("timed out"):
        return f"{host} did not answer in time"
    if lower.startswith("too slow"):
        return f"{host} sent it too slowly"
    if lower.startswith("too many redirects"):
        return f"{host} sent it from one address to another too many times"
    if lower.startswith("connection broken") or lower.startswith(("readerror", "writeerror")):
        return f"The connection to {host} broke off"
    if lower.startswith("larger than"):
        size = re.match(r"larger than ([\d.,]+ ?[KMG]?B|[\d,]+ bytes)", text)
        return f"Too large to show: over {size.group(1)}" if size else "Too large to show"
    if lower.startswith("too large to decode"):
        return "Too large to show safely"
    if lower.startswith("connecterror") or lower.startswith("connecttimeout"):
        return _connect_problem(lower, host)
    if lower.startswith(("unsupportedprotocol", "invalidurl") + ADDRESS_PROBLEMS):
        return "Not a web address kbapp can download"
    if lower.startswith("proxyerror"):
        return f"The proxy would not connect to {host}"
    if lower.startswith("cannot write the image cache"):
        return "Could not save it: the image folder cannot be written"
    if lower == "missing file":
        return f"Local image missing: {host}"
    if lower.startswith("refused: outside"):
        return "Not shown: the image is outside the note's folder"
    if lower.startswith("cannot read the file"):
        return f"Could not read the local image {host}"
    return _body_problem(lower, host) or f"Could not download it from {host}"


def _http_problem(code: int, host: str) -> str:
    if code in (401, 403, 451):
        return f"The image host refused it (HTTP {code}): {host}"
    if code in (404, 410):
        return f"The image is no longer on {host} (HTTP {code})"
    if code == 429:
        return f"{host} asks to wait: too many requests (HTTP {code})"
    if code >= 500:
        return f"{host} had a problem of its own (HTTP {code})"
    return f"{host} did not send the image (HTTP {code})"


def _connect_problem(lower: str, host: str) -> str:
    if any(sign in lower for sign in _NO_NETWORK):
        return f"Offline: could not reach {host}"
    if "refused" in lower:
        return f"{host} refused the connection"
    if "ssl" in lower or "certificate" in lower:
        return f"Could not make a secure connection to {host}"
    return f"Could not reach {host}"


def _body_problem(lower: str, host: str) -> str | None:
    """What the bytes were, when they were no picture (see `images.check`)."""
    if lower.startswith("not an image (html"):
        return f"Not an image: {host} sent a web page instead"
    if lower.startswith("not an image") or lower.startswith("empty"):
        return f"Not an image: {host} sent something else"
    if "cut short" in lower:
        return f"The image from {host} arrived cut short"
    if "decode" in lower or "not a readable" in lower or "cannot read this format" in lower:
        return "Not a picture kbapp can show (damaged, or a format it does not know)"
    return None


# -- links the system cannot open -----------------------------------------------------
Opener = Callable[[QUrl], bool]
OPENED_SCHEMES = LINK_SCHEMES  # what the system is ever asked to open: what the reader links


def open_in_browser(
    url: QUrl, status_bar: QStatusBar, opener: Opener = QDesktopServices.openUrl
) -> bool:
    """Open a web or mail link with the system's program; when none takes it, say so in
    the status bar (and why in the log) rather than nothing happening. Every way of
    opening a link ends here (a click, Enter, a menu, a note's or paper's page), so this
    is the one rule: any other scheme (javascript:, file:, data:) never reaches the
    system, and the status bar says why."""
    address = url.toString()
    if url.scheme().lower() not in OPENED_SCHEMES:
        from kbapp.core.images.urls import shown  # loads httpx: not before the first paint

        status_bar.showMessage(
            f"Not opened: {shown(address)} is not a web link (kbapp opens only http and https).",
            10_000,
        )
        return False
    if opener(url):
        return True
    program = "mail program" if url.scheme() == "mailto" else "web browser"
    log.warning("the system opened no program for %s", address)
    status_bar.showMessage(f"Could not open {address}: no {program} took the link.", 10_000)
    return False
