"""One stream of changes: every write to the library, this window's or another
process's, reaches the views as one `Changes` value on one signal (Anki's `OpChanges`
and `operation_did_execute`). Each view asks what concerns it and refreshes only that.

This window's writes publish the `Changes` they return. Writes of other processes (a
`kbapp import` in a terminal) are noticed by `LibraryWatcher`: SQLite's `PRAGMA
data_version` moves when another connection commits, and costs microseconds to ask, so
it is polled while the window is idle; when it moves, the library's change log says
what those writes changed.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kbapp.core.store.library import Changes, LibraryError

if TYPE_CHECKING:
    from kbapp.core.store.library import Library

log = logging.getLogger(__name__)

POLL_MS = 250  # a write elsewhere shows within a second, polls cost ~nothing between


class ChangeStream(QObject):
    """The window's one signal for what changed in its library."""

    changed = Signal(object)  # Changes

    def publish(self, changes: object) -> None:
        """Send a write's result on, if it is a `Changes` that changed something."""
        if isinstance(changes, Changes) and changes:
            self.changed.emit(changes)


class LibraryWatcher(QObject):
    """Publishes what other processes wrote to the library, polled every `POLL_MS`."""

    def __init__(
        self, library: Library, stream: ChangeStream, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._stream = stream
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self.watch(library)

    def watch(self, library: Library) -> None:
        """Follow this library (from now on: what was written before is on screen)."""
        self._library = library
        self._version = library.db.data_version()
        self._seen = library.db.last_change()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        db = self._library.db
        try:
            version = db.data_version()
            if version == self._version:
                return
            self._version = version
            self._seen, changes = db.changes_since(self._seen)
        except (LibraryError, sqlite3.Error) as error:  # locked, or gone: at the next poll
            log.warning("could not read the library's changes: %s", error)
            return
        if changes:
            log.debug("written elsewhere: %s", changes.to_json())
        self._stream.publish(changes)
