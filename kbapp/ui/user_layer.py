"""The user's own layer in the window: my ratings, decisions on candidate cross-links,
and their undo and redo.

Every change is one `QUndoCommand` on one stack (Edit ▸ Undo, Ctrl+Z; Redo,
Ctrl+Shift+Z). A command's redo and undo are writes run by the task runner, the one
writer, each in one transaction; when a write lands, the day it touched is read again
with its cross-links (a few milliseconds: only its items and their neighbours) and
shown in place, and the sidebar's marks follow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from kbapp.core.day import Day
from kbapp.core.store.library import Changes, Library

if TYPE_CHECKING:
    from kbapp.core.store.removal import Removed
    from kbapp.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class _Write(QUndoCommand):
    """One undoable change: `apply(value)` writes, `done` refreshes what it touched;
    `date` is the day it was made on (undo and redo go there first)."""

    def __init__(
        self, text: str, apply: Callable[[object], None], old: object, new: object, date: str = ""
    ):
        super().__init__(text)
        self._apply, self._old, self._new = apply, old, new
        self.date = date

    def redo(self) -> None:
        self._apply(self._new)

    def undo(self) -> None:
        self._apply(self._old)


class _RemoveDays(QUndoCommand):
    """Library ▸ Remove day: redo takes the days out, undo writes back what was taken
    (the `Removed` the removal returned, kept here on the worker thread that wrote it)."""

    def __init__(self, layer: UserLayer, dates: list[str]) -> None:
        names = dates[0] if len(dates) == 1 else f"{len(dates)} days ({dates[0]} to {dates[-1]})"
        super().__init__(f"remove {names}")
        self._layer, self._dates = layer, dates
        self._removed: Removed | None = None
        self.date = dates[0]

    def redo(self) -> None:
        def work(library: Library) -> Changes:
            self._removed = library.removal.remove_days(self._dates)
            return self._removed.changes

        self._layer._write(work, "")

    def undo(self) -> None:
        def work(library: Library) -> Changes:
            removed, self._removed = self._removed, None
            return library.removal.restore(removed) if removed is not None else Changes()

        self._layer._write(work, "", then=lambda: self._layer.went_to.emit(self.date))


class UserLayer(QObject):
    changed = Signal(object)  # the Changes a write returned (with the day it was made on)
    failed = Signal(str)  # a message for the status bar
    acting = Signal(str)  # "Undo: my rating 4★ on 2021-04-25 #3", for the status bar
    went_to = Signal(str)  # the day an undo or redo acts on: the window shows it

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.undo_stack = QUndoStack(self)

    # -- undo and redo, named ----------------------------------------------------------------
    def undo(self) -> None:
        self._step(undo=True)

    def redo(self) -> None:
        self._step(undo=False)

    def _step(self, *, undo: bool) -> None:
        stack = self.undo_stack
        if not (stack.canUndo() if undo else stack.canRedo()):
            self.acting.emit("Nothing to undo." if undo else "Nothing to redo.")
            return
        command = stack.command(stack.index() - 1 if undo else stack.index())
        text = stack.undoText() if undo else stack.redoText()
        date = getattr(command, "date", "")
        if date:
            self.went_to.emit(date)  # there first, so the change is seen happening
        self.acting.emit(f"{'Undo' if undo else 'Redo'}: {text}")
        stack.undo() if undo else stack.redo()

    def remove_days(self, dates: list[str]) -> None:
        """Take these days out of the library, undoably (their annotations stay)."""
        if dates:
            self.undo_stack.push(_RemoveDays(self, sorted(dates)))

    def set_runner(self, runner: TaskRunner) -> None:
        """Another library: its own writer, and an undo history of its own."""
        self._runner = runner
        self.undo_stack.clear()

    # -- cross-links ----------------------------------------------------------------------
    @staticmethod
    def decorate(library: Library, day: Day | None) -> Day | None:
        """The day with each item's cross-links, my links, read state, queue place, tags
        and its papers' first authors and years attached (as the card shows them)."""
        if day is None:
            return None
        keys = [item.key for item in day.items]
        refs = library.papers.cross_refs_for(keys)
        links = library.user.my_links_of(keys)
        read = library.reading.read_at(keys)
        targets = [f"item:{key}" for key in keys]
        queued = library.reading.queued_at(targets)
        tags = library.tags.of(targets)
        bylines = library.metadata.bylines(day.arxiv_ids())
        for item, target in zip(day.items, targets, strict=True):
            item.cross = refs.get(item.key, [])
            item.my_links = links[item.key]
            item.read = item.key in read
            item.queued = target in queued
            item.tags = tags.get(target, [])
            item.bylines = {i: bylines[i] for i in item.arxiv_ids() if i in bylines}
        return day

    # -- ratings --------------------------------------------------------------------------
    def rate(
        self, key: str, date: str, old: int | None, stars: int | None, where: str = ""
    ) -> None:
        """My rating of an item; `where` names it in the undo text ("2021-04-25 #3")."""
        if stars == old:
            return
        place = f" on {where or date}"
        text = f"my rating {stars}★{place}" if stars else f"clear my rating{place}"

        def apply(value: object) -> None:
            assert value is None or isinstance(value, int)
            self._write(lambda library: library.user.set_rating(key, value), date)

        self.undo_stack.push(_Write(text, apply, old, stars, date))

    def rate_paper(self, key: str, title: str, library: Library, stars: int | None) -> None:
        """My rating of a paper (the papers view's 0-5), undoable like an item's."""
        old = library.user.paper_rating(key)
        if stars == old:
            return
        short = title if len(title) <= 40 else title[:39] + "…"
        text = f"my rating {stars}★ on “{short}”" if stars else f"clear my rating on “{short}”"

        def apply(value: object) -> None:
            assert value is None or isinstance(value, int)
            self._write(lambda library: library.user.set_paper_rating(key, value), "")

        self.undo_stack.push(_Write(text, apply, old, stars))

    # -- candidate cross-links ------------------------------------------------------------
    def decide(self, library: Library, one: str, two: str, date: str, decision: str | None) -> None:
        old = library.papers.link_decision(one, two)
        if decision == old:
            return
        text = {"confirmed": "confirm link", "dismissed": "dismiss link"}.get(decision or "", "")

        def apply(value: object) -> None:
            assert value is None or isinstance(value, str)
            self._write(lambda library: library.papers.decide_link(one, two, value), date)

        self.undo_stack.push(
            _Write(f"{text or 'undecide link'} on {date}", apply, old, decision, date)
        )

    # -- my links ---------------------------------------------------------------------------
    def link(
        self, library: Library, source: str, target: str, label: str | None, date: str
    ) -> None:
        """Link two items or papers (undo removes it, or puts back the label it had)."""
        existing = [
            link for link in library.user.links_of(source) if target in (link.source, link.target)
        ]
        old = (existing[0].label or "") if existing else None

        def apply(value: object) -> None:
            if value is None:
                self._write(lambda library: library.user.remove_link(source, target), date)
            else:
                chosen = str(value) or None  # "" is a link without a label
                self._write(lambda library: library.user.add_link(source, target, chosen), date)

        self.undo_stack.push(_Write(f"link on {date}", apply, old, label or "", date))

    def unlink(self, library: Library, source: str, target: str, date: str) -> None:
        existing = [
            link for link in library.user.links_of(source) if target in (link.source, link.target)
        ]
        if not existing:
            return
        # Undo puts it back as it was made: from its source, with its label.
        made_from, made_to, label = existing[0].source, existing[0].target, existing[0].label or ""

        def apply(value: object) -> None:
            if value is None:
                self._write(lambda library: library.user.remove_link(made_from, made_to), date)
            else:
                kept = str(value) or None
                self._write(lambda library: library.user.add_link(made_from, made_to, kept), date)

        self.undo_stack.push(_Write(f"remove link on {date}", apply, label, None, date))

    # -- read state, the queue, tags: undoable as a value before and after ----------------
    def change(
        self, text: str, write: Callable[[Library, object], object], old: object, new: object,
        date: str = "",
    ) -> None:  # fmt: skip
        """One undoable change written by `write(library, value)`: `new` on redo, `old`
        on undo (both as the store's `restore_*` writes take them)."""

        def apply(value: object) -> None:
            self._write(lambda library: write(library, value), date)

        self.undo_stack.push(_Write(text, apply, old, new, date))

    def quietly(self, work: Callable[[Library], object], date: str = "") -> None:
        """A write the undo stack does not keep (an item marked read by being seen)."""
        self._write(work, date)

    # -- writing --------------------------------------------------------------------------
    def _write(
        self, work: Callable[[Library], object], date: str, then: Callable[[], None] | None = None
    ) -> None:
        def done(result: object) -> None:
            changes = result if isinstance(result, Changes) else Changes()
            self.changed.emit(changes | Changes(dates=frozenset({date} if date else ())))
            if then is not None:
                then()

        self._runner.run(lambda library, _task: work(library), on_done=done, on_error=self._report)

    def _report(self, error: BaseException) -> None:
        log.error("a change could not be saved: %s", error)
        self.failed.emit(f"Could not save the change: {error}")


def kb_query(url: QUrl) -> dict[str, str]:
    """The values of an in-app link (`kb:rate?key=...&stars=3`)."""
    query = url.query(QUrl.ComponentFormattingOption.FullyEncoded)
    return {name: values[0] for name, values in parse_qs(query).items()}
