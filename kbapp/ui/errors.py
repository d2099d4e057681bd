"""Bugs reach the user as a dialog with the details, through one `sys.excepthook`.

Problems of the environment (a locked library, a bad file) are reported where they
happen, in words; what arrives here is a bug: the window stays usable, the traceback is
logged and shown so it can be copied into a report.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("kbapp")


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
