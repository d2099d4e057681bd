"""Reading like a feed reader, organising like a reference manager: the window's read
state, reading queue, tags and saved searches.

`ReadingActions` is a controller of `MainWindow` (as `UserActions` is): M toggles read
on the selected item, Shift+M marks the day read, "Mark all above as read" is on the
card's menu, Space goes to the next unread item (on to the next day with one), L puts
the selected item or paper in the reading queue or takes it out, T edits its tags,
View ▸ Reading queue (Ctrl+3) shows the queue. Each of those is one undoable write
(`UserLayer.change`: the value before and after, as the store's `restore_*` take them).
It also keeps the sidebar's unread counts, tags and saved searches up to date with
every change (counted on the worker), and asks once, on a library from before read
state existed, whether to mark all but the last week read.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from kbapp.core.store.connection import now
from kbapp.core.store.library import Changes, Library
from kbapp.core.store.reading import QueueEntry
from kbapp.ui.read_tracker import DEFAULT_DELAY_MS, DELAY_KEY, ReadTracker, delay_setting
from kbapp.ui.tag_list import TagList

if TYPE_CHECKING:
    from kbapp.core.day import Day, DayItem
    from kbapp.ui.main_window import MainWindow
    from kbapp.ui.queue_view import QueueView


class ReadingActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.tracker = ReadTracker(window)
        self.queue_view: QueueView | None = None  # made when first shown
        self.editor: QDialog | None = None  # the last tag editor opened
        self.tag_list = TagList(window.sidebar)
        window.sidebar.add_section(self.tag_list)
        self.tag_list.open_query.connect(self.open_query)
        self.tag_list.rename_tag.connect(self.rename_tag)
        self.tag_list.delete_saved.connect(self.delete_saved)
        window.changes.changed.connect(self._changed)
        self._recount = QTimer(window)  # many writes in a row: counted once
        self._recount.setSingleShot(True)
        self._recount.setInterval(300)  # (an import publishes a change per batch)
        self._recount.timeout.connect(self.recount)

    # -- what is selected -------------------------------------------------------------------
    def _item(self) -> tuple[Day, DayItem] | None:
        window = self.window
        day, key = window.reader.day, window.reader.selected_key
        item = day.item(key) if day and key else None
        if day is None or item is None:
            window.statusBar().showMessage("Select an item with J or K first.", 3000)
            return None
        return day, item

    def _target(self) -> tuple[str, str, str] | None:
        """(target, what to call it, its day) of the selected item, or in the papers
        view the selected paper."""
        in_view, row = self.window.user_actions.paper_in_view()
        if in_view:
            return (f"paper:{row.key}", f"“{_short(row.title)}”", "") if row else None
        chosen = self._item()
        if chosen is None:
            return None
        day, item = chosen
        return f"item:{item.key}", f"{day.date} #{item.index or item.ordinal}", day.date

    # -- read state -------------------------------------------------------------------------
    def toggle_read(self) -> None:
        """M: the selected item read, or unread again."""
        chosen = self._item()
        if chosen is not None:
            day, item = chosen
            state = "unread" if item.read else "read"
            self._set_read([item.key], not item.read, f"mark {state} {day.date} #{item.index}")

    def mark_day_read(self) -> None:
        """Shift+M: every item of the day shown read."""
        day = self.window.reader.day
        if day is not None:
            keys = [item.key for item in day.items if not item.removed]
            self._set_read(keys, True, f"mark {day.date} read")

    def mark_above_read(self, key: str) -> None:
        """The card menu's Mark all above as read: the items before this one."""
        day = self.window.reader.day
        if day is not None:
            keys = self.window.reader.visible_keys()
            above = keys[: keys.index(key)] if key in keys else []
            self._set_read(above, True, f"mark items above #{day.item(key).index} read")  # type: ignore[union-attr]

    def _set_read(self, keys: list[str], read: bool, text: str) -> None:
        window = self.window
        had = window.library.reading.read_at(keys)
        old = {key: had.get(key) for key in keys}
        at = now()
        new = {key: (old[key] or at) if read else None for key in keys}
        if old == new:
            window.statusBar().showMessage("Nothing to mark: already so.", 3000)
            return
        date = window.current_date() or ""
        window.user.change(text, _write_reads, old, new, date)

    def next_unread(self) -> None:
        """Space: the next unread item, on this day or the next day that has one."""
        window = self.window
        date = window.current_date()
        if date is None:
            return
        found = window.library.reading.next_unread(date, window.reader.selected_key)
        if found is None:
            window.statusBar().showMessage("No unread items after this one.", 4000)
            return
        found_date, key = found
        if found_date == date:
            window.reader.select(key)
        else:
            window.statusBar().showMessage(f"Next unread: {found_date}", 3000)
            window.user_actions.show_item(key)

    # -- the queue ------------------------------------------------------------------------
    def toggle_queue(self) -> None:
        """L: the selected item or paper into the reading queue, or out of it."""
        chosen = self._target()
        if chosen is None:
            return
        target, name, date = chosen
        old = self.window.library.reading.queue()
        if any(entry.target == target for entry in old):
            new = [entry for entry in old if entry.target != target]
            text = f"take {name} out of the queue"
        else:
            new = [*old, QueueEntry(target, now())]
            text = f"queue {name}"
        self._write_queue(text, old, new, date)
        self.window.statusBar().showMessage(text[0].upper() + text[1:], 3000)

    def _write_queue(
        self, text: str, old: list[QueueEntry], new: list[QueueEntry], date: str = ""
    ) -> None:
        self.window.user.change(text, _write_queue, old, new, date)

    def show_queue(self) -> None:
        """View ▸ Reading queue (Ctrl+3)."""
        window = self.window
        if self.queue_view is None:
            from kbapp.ui.queue_view import QueueView

            view = QueueView(window)
            view.open_requested.connect(window.user_actions.open_target)
            view.done_requested.connect(self._done)
            view.remove_requested.connect(self._unqueue)
            view.moved.connect(self._reordered)
            window.views.addWidget(view)
            self.queue_view = view
        self._load_queue()
        window.views.setCurrentWidget(self.queue_view)
        window.user_actions._enable_day_actions(False)
        window.notes.show_target(None)
        self.queue_view.list.setFocus()

    def _load_queue(self) -> None:
        if self.queue_view is None:
            return
        library = self.window.library
        entries = library.reading.queue()
        shown = library.user.describe([entry.target for entry in entries])
        self.queue_view.load([(e.target, shown[e.target], e.queued_at) for e in entries])

    def _done(self, target: str) -> None:
        library = self.window.library
        old = library.reading.queue()
        new = [entry for entry in old if entry.target != target]
        if target.startswith("item:"):  # read too: one step to undo
            key = target[5:]
            had = library.reading.read_at([key]).get(key)
            before, after = (old, {key: had}), (new, {key: had or now()})

            def write(library: Library, value: object) -> Changes:
                assert isinstance(value, tuple)
                return _write_queue(library, value[0]) | _write_reads(library, value[1])

            self.window.user.change("done with a queued item", write, before, after)
        else:
            self._write_queue("done with a queued paper", old, new)

    def _unqueue(self, target: str) -> None:
        old = self.window.library.reading.queue()
        self._write_queue("take out of the queue", old, [e for e in old if e.target != target])

    def _reordered(self, targets: list[str]) -> None:
        old = self.window.library.reading.queue()
        by_target = {entry.target: entry for entry in old}
        new = [by_target[t] for t in targets if t in by_target]
        if new != old and len(new) == len(old):
            self._write_queue("reorder the queue", old, new)

    # -- tags -----------------------------------------------------------------------------
    def edit_tags(self) -> None:
        """T: my tags of the selected item or paper."""
        from kbapp.ui.tag_editor import TagEditor

        chosen = self._target()
        if chosen is None:
            return
        target, name, date = chosen
        window = self.window
        library = window.library
        current = library.tags.of([target]).get(target, [])
        editor = TagEditor(f"Tags of {name}", current, [t.name for t in library.tags.all()], window)
        self.editor = editor  # (kept: the dialog is open while this returns)

        def accepted() -> None:
            wanted = editor.tags()
            have = {tag.casefold() for tag in current}
            changed = [t for t in wanted if t.casefold() not in have]
            changed += [t for t in current if t.casefold() not in {w.casefold() for w in wanted}]
            if not changed:
                return
            old = {tag: library.tags.targets(tag) for tag in changed}
            new = {tag: [*targets, target] if tag in wanted else [x for x in targets if x != target]
                   for tag, targets in old.items()}  # fmt: skip
            self._write_tags(f"tags of {name}", old, new, date)

        editor.accepted.connect(accepted)
        editor.finished.connect(window.user_actions.keyboard_back)
        editor.open()

    def _write_tags(
        self, text: str, old: dict[str, list[str]], new: dict[str, list[str]], date: str = ""
    ) -> None:
        def write(library: Library, value: object) -> Changes:
            assert isinstance(value, dict)
            return Changes.union(
                [library.tags.restore(tag, targets) for tag, targets in value.items()]
            )

        self.window.user.change(text, write, old, new, date)

    def rename_tag(self, name: str, new: str | None = None) -> None:
        """Rename a tag (asking for the name unless given); a name another tag has
        merges the two (undo splits them again)."""
        window = self.window
        if new is None:
            question = f"New name for #{name} (an existing tag's name merges the two):"
            new, ok = QInputDialog.getText(window, "Rename tag", question, text=name)
            window.user_actions.keyboard_back()
            if not ok:
                return
        new = " ".join(new.split())
        if not new or new == name:
            return
        library = window.library
        other = library.tags.name_of(new)
        undo: object
        if new.casefold() == name.casefold():  # only its spelling
            undo, text = "back", f"rename #{name} to #{new}"
        elif other is None:  # new: undo empties it, then makes the old one again
            undo, text = {new: [], name: library.tags.targets(name)}, f"rename #{name} to #{new}"
        else:  # a merge: undo gives each its own again
            undo = {other: library.tags.targets(other), name: library.tags.targets(name)}
            text = f"merge #{name} into #{new}"

        def write(library: Library, value: object) -> Changes:
            if value == "rename":
                return library.tags.rename(name, new)
            if value == "back":
                return library.tags.rename(new, name)
            assert isinstance(value, dict)
            return Changes.union([library.tags.restore(t, ts) for t, ts in value.items()])

        window.user.change(text, write, undo, "rename")

    def delete_saved(self, name: str) -> None:
        library = self.window.library
        query = next((s.query for s in library.tags.saved() if s.name == name), None)
        if query is None:
            return

        def write(library: Library, value: object) -> Changes:
            if value is None:
                return library.tags.delete_search(name)
            return library.tags.save_search(name, str(value))

        self.window.user.change(f"delete saved search {name}", write, query, None)

    def save_search(self) -> None:
        """Go ▸ Save this search…: the search panel's query kept under a name."""
        window = self.window
        panel = window.search_panel
        query = panel.query.text().strip() if panel is not None else ""
        if not query:
            window.statusBar().showMessage("Search first (Ctrl+Shift+F), then save it.", 4000)
            return
        name, ok = QInputDialog.getText(window, "Save search", f"A name for “{query}”:")
        window.user_actions.keyboard_back()
        if ok and name.strip():
            old = next((s.query for s in window.library.tags.saved() if s.name == name), None)

            def write(library: Library, value: object) -> Changes:
                if value is None:
                    return library.tags.delete_search(name)
                return library.tags.save_search(name, str(value))

            window.user.change(f"save search {name.strip()}", write, old, query)

    def open_query(self, query: str) -> None:
        """A tag's or a saved search's query in the search panel."""
        window = self.window
        window.user_actions.search()
        panel = window.search_panel
        if panel is not None:
            panel.query.setText(query)
            panel.run()

    # -- keeping the sidebar and the queue up to date -------------------------------------
    def _changed(self, changes: Changes) -> None:
        if changes.everything or changes.reading or changes.tags or changes.items:
            self._recount.start()
            if self.queue_view is not None and self.window.views.currentWidget() is self.queue_view:
                self._load_queue()

    def recount(self) -> None:
        """Unread counts, tags and saved searches' matches, read on the worker."""

        def work(library: Library, _task: object) -> object:
            saved = []
            for search in library.tags.saved():
                try:
                    count = len(library.search.find(search.query, limit=10_000))
                except ValueError:  # a query this version cannot read: shown as 0
                    count = 0
                saved.append((search.name, search.query, count))
            tags = [(tag.name, tag.count) for tag in library.tags.all()]
            return library.reading.unread_counts(), tags, saved

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            unread, tags, saved = result
            self.window.model.set_unread(unread)
            self.tag_list.show_tags(tags)
            self.tag_list.show_saved(saved)

        self.window.runner.run(work, on_done=done)

    def apply_settings(self) -> None:
        """Settings ▸ Mark items read after…, as the settings have it now."""
        value = self.window.settings.value(DELAY_KEY, DEFAULT_DELAY_MS)
        self.tracker.set_delay(delay_setting(value))

    def started(self) -> None:
        """After the first paint: the counts, and the one-time question."""
        self.recount()
        library = self.window.library
        if library.reading.first_choice_pending():
            QTimer.singleShot(0, self.ask_first_choice)

    def ask_first_choice(self) -> None:
        window = self.window
        box = QMessageBox(QMessageBox.Icon.Question, "Read state", "kbapp now keeps what "
                          "you have read. Mark everything older than the last 7 days as "
                          "read, so that the unread counts show what is new?",
                          QMessageBox.StandardButton.NoButton, window)  # fmt: skip
        box.setObjectName("firstReadChoice")
        older = box.addButton("Mark older days read", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep everything unread", QMessageBox.ButtonRole.RejectRole)

        def answered(_result: int) -> None:
            window.user_actions.keyboard_back()
            newest = window.library.days.newest_date()
            mark = box.clickedButton() is older and newest is not None

            def work(library: Library) -> Changes:
                changes = Changes()
                if mark:
                    week = (dt.date.fromisoformat(newest) - dt.timedelta(days=6)).isoformat()  # type: ignore[arg-type]
                    changes = library.reading.set_read(library.reading.keys_before(week))
                library.reading.first_choice_made()
                return changes

            window.user.quietly(work)

        box.finished.connect(answered)
        box.open()


def _write_reads(library: Library, value: object) -> Changes:
    assert isinstance(value, dict)
    return library.reading.restore_reads(value)


def _write_queue(library: Library, value: object) -> Changes:
    assert isinstance(value, list)
    return library.reading.restore_queue(value)


def _short(title: str) -> str:
    return title if len(title) <= 40 else title[:39] + "…"
