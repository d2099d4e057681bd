"""Logging, configured once by the entry point (`kbapp.cli.main`): kbapp's records on
stderr as `  123 ms kbapp.ui.app: library: …` (milliseconds since the process started
logging, the logger's name, the message).

Warnings always show. `--debug`, or `KBAPP_LOG=debug` in the environment, shows the debug
and info lines too: where the library is, the window's start-up steps, launches handed
over, changes read from other processes. Only kbapp's own loggers (`kbapp.*`) are set;
other libraries keep Python's defaults.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

from kbapp import __version__

LOG_ENV = "KBAPP_LOG"
FORMAT = "%(relativeCreated)7.0f ms %(name)s: %(message)s"


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to the `sys.stderr` of the moment, not the one that was current when it
    was made (a test's captured stderr, a redirected one)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # (under the handler's lock)
        super().emit(record)


def debug_wanted(debug: bool) -> bool:
    """Debug lines: asked for by the flag, or by `KBAPP_LOG=debug`."""
    return debug or os.environ.get(LOG_ENV, "").strip().lower() == "debug"


def configure(debug: bool) -> None:
    """kbapp's loggers to stderr, at DEBUG when `debug_wanted`, else at WARNING.

    Idempotent: a second call sets the level again and adds no second handler.
    """
    level = logging.DEBUG if debug_wanted(debug) else logging.WARNING
    logger = logging.getLogger("kbapp")
    handler = next((h for h in logger.handlers if isinstance(h, _Stderr)), None)
    if handler is None:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(level)
    logger.getChild("logs").debug(
        "kbapp %s on Python %s: debug lines on", __version__, sys.version.split()[0]
    )


__all__ = ["FORMAT", "LOG_ENV", "configure", "debug_wanted"]
