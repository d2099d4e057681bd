"""Papers' details looked up on arXiv from the window: after an import (the papers not
yet looked up, when Settings ▸ "Look up paper details online" is on) and by Library ▸
Look up paper details… (every paper that is due), with progress and Cancel in the
status bar (`LookupBar`); then the publisher DOIs due (arXiv's for the papers, and the
digests' own) resolved to their works (`metadata.doi`).

The network lane is one thread of its own (arXiv's terms: one connection, a request
every 3 seconds), never the task runner's: a slow answer must not hold up a note's
save. What each request brings is written by the task runner (the library's one
writer), one transaction a request, and its `Changes` go out on the window's stream,
so the papers view, a paper's page and the cards follow while the rest is fetched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from kbapp.core.store.library import Library
from kbapp.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:  # httpx is imported when a lookup starts, not for the first paint
    from kbapp.core.metadata.doi import DoiOutcome
    from kbapp.core.metadata.fetch import BatchOutcome

log = logging.getLogger(__name__)

LOOKUP_ONLINE = "papers/look_up_online"


def look_up_online(settings: QSettings) -> bool:
    """On by default: what is sent is the papers' arXiv IDs and DOIs, nothing else."""
    value = settings.value(LOOKUP_ONLINE, True)
    return value not in (False, "false", "0", 0)


class _Cancelled(Exception):
    pass


class PaperLookup(QObject):
    """One lookup at a time; a request for more while one runs is done after it."""

    started = Signal(int, bool)  # IDs to ask, asked by hand (the bar shows)
    dois_started = Signal(int)  # DOIs to resolve, after arXiv's part
    progress = Signal(int, int, int)  # IDs (then DOIs) answered, of, failed so far
    finished = Signal(int, int, int, bool)  # found, not found, failed, cancelled
    _answered = Signal(object)  # (generation, BatchOutcome), from the network thread
    _ended = Signal(bool)  # cancelled, from the network thread
    _want_dois = Signal(object)  # (holder, event): the DOIs due, asked of the runner
    _doi_started = Signal(int)  # from the network thread

    def __init__(
        self,
        runner: TaskRunner,
        publish: Callable[[object], None],
        interval_s: float | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._publish = publish
        self.interval_s = interval_s  # between requests' starts: arXiv's 3 s unless set
        self._cancel = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._again: bool | None = None  # another lookup asked meanwhile (by hand?)
        self._total = 0
        self._tally = [0, 0, 0]  # found, not found, failed
        self.by_hand = False
        self._generation = 0
        self.doi_interval_s: float | None = None  # between DOI requests (None: 0.2 s)
        self.doi_tally = [0, 0, 0]  # resolved, unknown, failed
        self._doi_total = 0
        self._answered.connect(self._on_answer)
        self._ended.connect(self._on_end)
        self._want_dois.connect(self._on_want_dois)
        self._doi_started.connect(self._on_dois_started)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def set_runner(self, runner: TaskRunner) -> None:
        """Another library: what runs is stopped, the next lookup writes to it."""
        self.cancel()
        self._generation += 1  # answers still on their way are the old library's
        self._runner = runner

    def look_up(self, *, by_hand: bool = False) -> None:
        """Every paper that is due (never asked, or failed and past its retry time)."""
        if self._closed:
            return
        if self.running:
            self._again = by_hand or bool(self._again)
            return
        self._runner.run(
            lambda library, _task: (library.metadata.due(), len(library.dois.due())),
            on_done=lambda due: self._start(due, by_hand),
        )

    def cancel(self) -> None:
        self._again = None
        self._cancel.set()

    def shutdown(self) -> None:
        """The window closes: stop between requests; one in flight ends by its timeout
        in the background (the window does not wait for a slow server)."""
        self._closed = True
        self.cancel()

    # -- the network thread ---------------------------------------------------------------
    def _start(self, due: object, by_hand: bool) -> None:
        """`due`: (the arXiv IDs due, how many DOIs are due)."""
        if self._closed or self.running:
            return
        assert isinstance(due, tuple)
        ids, dois = due
        self.by_hand = by_hand
        self._total, self._tally = len(ids), [0, 0, 0]
        self.doi_tally, self._doi_total = [0, 0, 0], 0
        self.started.emit(len(ids), by_hand)
        if not ids and not dois:
            self.finished.emit(0, 0, 0, False)
            return
        self._cancel.clear()
        self._thread = threading.Thread(
            target=self._fetch, args=(ids, self._generation), name="kbapp-papers", daemon=True
        )
        self._thread.start()

    def _fetch(self, ids: list[str], generation: int) -> None:
        from kbapp.core.metadata.fetch import INTERVAL_S, Polite, fetch_arxiv

        stop = self._cancel
        interval = INTERVAL_S if self.interval_s is None else self.interval_s

        def wait(seconds: float) -> None:  # arXiv's pace, cut short by a cancel
            if stop.wait(seconds):
                raise _Cancelled

        try:
            if ids:
                fetch_arxiv(
                    ids,
                    lambda outcome: self._answered.emit((generation, outcome)),
                    polite=Polite(interval, sleep=wait),
                    cancel=stop.is_set,
                )
            self._fetch_dois(generation, wait)
        except _Cancelled:
            pass
        except Exception:  # a bug, not the network (its faults are outcomes): logged
            log.exception("looking papers up failed")
        finally:
            if not self._closed:
                self._ended.emit(stop.is_set())

    def _fetch_dois(self, generation: int, wait: Callable[[float], None]) -> None:
        """The DOIs due once arXiv's answers are written (the runner keeps order)."""
        from kbapp.core.metadata.doi import INTERVAL_S, fetch_dois
        from kbapp.core.metadata.fetch import Polite

        holder: dict[str, list[str]] = {}
        asked = threading.Event()
        self._want_dois.emit((holder, asked))
        while not asked.wait(0.05):
            if self._cancel.is_set() or self._closed:
                raise _Cancelled
        dois = holder.get("dois", [])
        if not dois or self._cancel.is_set():
            return
        self._doi_started.emit(len(dois))
        interval = INTERVAL_S if self.doi_interval_s is None else self.doi_interval_s
        fetch_dois(
            dois,
            lambda outcome: self._answered.emit((generation, outcome)),
            polite=Polite(interval, sleep=wait),
            cancel=self._cancel.is_set,
        )

    # -- back on the UI thread ------------------------------------------------------------
    def _on_want_dois(self, request: tuple[dict[str, list[str]], threading.Event]) -> None:
        holder, asked = request

        def answered(dois: object) -> None:
            holder["dois"] = list(dois) if isinstance(dois, list) else []
            asked.set()

        self._runner.run(
            lambda library, _task: library.dois.due(),
            on_done=answered,
            on_error=lambda _error: asked.set(),
        )

    def _on_dois_started(self, total: int) -> None:
        self._doi_total = total
        self.dois_started.emit(total)

    def _on_answer(self, answer: tuple[int, BatchOutcome | DoiOutcome]) -> None:
        generation, outcome = answer
        if self._closed or generation != self._generation:
            return
        from kbapp.core.metadata.doi import DoiOutcome

        doi = isinstance(outcome, DoiOutcome)

        def write(library: Library, _task: Task) -> object:
            part = library.dois if doi else library.metadata
            return part.record(outcome.records, outcome.not_found, outcome.failed)  # type: ignore[arg-type]

        self._runner.run(write, on_done=self._publish)
        tally = self.doi_tally if doi else self._tally
        tally[0] += len(outcome.records)
        tally[1] += len(outcome.not_found)
        tally[2] += len(outcome.failed)
        if outcome.failed:
            log.info("not looked up: %s", next(iter(outcome.failed.values())))
        self.progress.emit(sum(tally), self._doi_total if doi else self._total, tally[2])

    def _on_end(self, cancelled: bool) -> None:
        self._thread = None
        self.finished.emit(*self._tally, cancelled)
        again, self._again = self._again, None
        if again is not None and not cancelled:
            self.look_up(by_hand=again)
