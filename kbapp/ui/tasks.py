"""One small task runner: background work off the UI thread, results back by signal.

A single worker thread owns the writing library connection (a sqlite-utils `Database`
belongs to the thread that opened it). Call sites read like one line:

    runner.run(lambda lib, task: import_paths(lib, paths, ...), on_done=show_report)

`task` lets the work report progress and notice a cancel; `on_done`, `on_error` and
`on_progress` are called on the UI thread. A task without `on_error` that meets a fault
of the environment (a `LibraryError`: a read-only or full disk, a locked file) has it
said by the runner's `problem` signal, in words; a damaged library, by `damaged`, which
the window answers with its recovery dialog. Anything else is a bug, and logged.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kbapp.core.store.library import DamagedLibraryError, Library, LibraryError

log = logging.getLogger(__name__)


@dataclass
class Task:
    """A handle on one piece of background work."""

    id: int
    work: Callable[[Library, Task], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)
    _emit: Callable[[int, int, int, str], None] | None = None

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Called from the worker; reaches `on_progress` on the UI thread."""
        if self._emit is not None:
            self._emit(self.id, done, total, text)


# How long the worker's write waits for another process writing to the library (an
# import in a terminal) before it reports the library locked.
WAIT_FOR_WRITERS_S = 120.0


class _Worker(QObject):
    finished = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int, str)

    def __init__(self, library_path: Path) -> None:
        super().__init__()
        self._library_path = library_path
        self._library: Library | None = None

    @Slot(object)
    def execute(self, task: Task) -> None:
        try:
            if self._library is None:  # the window checks it with its first task
                self._library = Library(self._library_path, check=False)
                self._library.db.wait_for_writers(  # `kbapp import` in a terminal: take turns
                    lambda: log.info("waiting for another program writing to the library"),
                    WAIT_FOR_WRITERS_S,
                )
            result = task.work(self._library, task)
        except BaseException as error:  # reported to the UI, never lost in the thread
            if isinstance(error, LibraryError):  # the environment: words, no traceback
                log.warning("background task %s: %s", task.id, error)
            else:
                log.exception("background task %s failed", task.id)
            self.failed.emit(task.id, error)
        else:
            self.finished.emit(task.id, result)

    @Slot()
    def close(self) -> None:
        """The last task: after every one queued before it (a note's final save)."""
        if self._library is not None:
            self._library.close()
            self._library = None
        thread = self.thread()
        if thread is not None:
            thread.quit()


class TaskRunner(QObject):
    """Runs tasks one after another on the worker thread."""

    problem = Signal(str)  # a LibraryError no task handled, as one sentence
    damaged = Signal(object)  # a DamagedLibraryError, whoever handled it

    _submit = Signal(object)
    _close = Signal()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self._thread = QThread()
        self._thread.setObjectName("kbapp-worker")
        self._worker = _Worker(library_path)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        self._close.connect(self._worker.close)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.progressed.connect(self._on_progress)
        self._thread.start()

    def run(
        self,
        work: Callable[[Library, Task], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Task:
        task = Task(next(self._ids), work, on_done, on_error, on_progress)
        task._emit = self._worker.progressed.emit
        self._tasks[task.id] = task
        self._submit.emit(task)
        return task

    def shutdown(self) -> None:
        """Ask what is queued to stop early (an import checks), run it to its end (a
        note's last save is never dropped), close the library, stop the thread."""
        for task in self._tasks.values():
            task.cancel()
        if self._thread.isRunning():
            self._close.emit()
            self._thread.wait()

    def _pop(self, task_id: int) -> Task | None:
        return self._tasks.pop(task_id, None)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: object) -> None:
        task = self._pop(task_id)
        if task is not None and task.on_done is not None:
            task.on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, error: object) -> None:
        task = self._pop(task_id)
        if isinstance(error, DamagedLibraryError):
            self.damaged.emit(error)
        if task is None:
            return
        if task.on_error is not None:
            task.on_error(error)  # type: ignore[arg-type]
        elif isinstance(error, DamagedLibraryError):
            pass  # the recovery dialog says it
        elif isinstance(error, LibraryError):
            self.problem.emit(str(error))
        else:
            log.error("unhandled background error: %s", error)

    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, text: str) -> None:
        task = self._tasks.get(task_id)
        if task is not None and task.on_progress is not None:
            task.on_progress(done, total, text)
