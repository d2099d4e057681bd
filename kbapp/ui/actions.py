"""Every command of the window as a QAction in a menu, with its shortcut shown.

The table below is the one place shortcuts are defined; the Keyboard shortcuts dialog
(F1) is generated from it, so the help can never fall behind the menus.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QTextBrowser, QVBoxLayout, QWidget

from kbapp.ui import icons

if TYPE_CHECKING:
    from kbapp.ui.main_window import MainWindow


@dataclass(frozen=True)
class Command:
    name: str  # also the icon name and the handler suffix
    menu: str
    text: str
    shortcuts: tuple[str, ...] = ()


COMMANDS = (
    Command("import-files", "&File", "&Import files…", ("Ctrl+O",)),
    Command("import-folder", "&File", "Import &folder…", ("Ctrl+Shift+O",)),
    Command("add-source", "&File", "Add &source folder…"),
    Command("open-library", "&File", "&Open library…"),
    Command("new-library", "&File", "&New library…"),
    Command("export-json", "&File", "Export as &JSON…"),
    Command("export-markdown", "&File", "Export as &Markdown…"),
    Command("export-bibtex", "&File", "Export papers as &BibTeX…"),
    Command("export-ris", "&File", "Export papers as R&IS…"),
    Command("export-csl-json", "&File", "Export papers as &CSL JSON…"),
    Command("restore-json", "&File", "&Restore my data from JSON…"),
    Command("back-up-now", "&File", "&Back up now"),
    Command("restore-backup", "&File", "Restore from bac&kup…"),
    Command("settings", "&File", "&Settings…", ("Ctrl+,",)),
    Command("quit", "&File", "&Quit", ("Ctrl+Q",)),
    Command("undo", "&Edit", "&Undo", ("Ctrl+Z",)),
    Command("redo", "&Edit", "&Redo", ("Ctrl+Shift+Z",)),
    Command("show-days", "&View", "&Days", ("Ctrl+1",)),
    Command("show-papers", "&View", "&Papers", ("Ctrl+2",)),
    Command("show-queue", "&View", "Reading &queue", ("Ctrl+3",)),
    Command("toggle-notes", "&View", "&Note panel", ("Ctrl+4",)),
    Command("zoom-in", "&View", "Zoom &in", ("Ctrl+=", "Ctrl++")),
    Command("zoom-out", "&View", "Zoom &out", ("Ctrl+-",)),
    Command("zoom-reset", "&View", "&Actual size", ("Ctrl+0",)),
    Command("previous-day", "&Go", "&Previous day", ("Alt+Left",)),
    Command("next-day", "&Go", "&Next day", ("Alt+Right",)),
    Command("newest-day", "&Go", "N&ewest day", ("Home",)),
    Command("oldest-day", "&Go", "&Oldest day", ("End",)),
    Command("go-back", "&Go", "&Back", ("Alt+[",)),
    Command("go-forward", "&Go", "&Forward", ("Alt+]",)),
    Command("go-to-date", "&Go", "&Go to date…", ("Ctrl+G",)),
    Command("quick-switcher", "&Go", "Go to day, item or &paper…", ("Ctrl+K",)),
    Command("search", "&Go", "&Search…", ("Ctrl+Shift+F",)),
    Command("save-search", "&Go", "Sa&ve this search…"),
    Command("next-unread", "&Go", "Next &unread item", ("Space",)),
    Command("next-item", "&Go", "Next &item", ("J",)),
    Command("previous-item", "&Go", "Previous i&tem", ("K",)),
    Command("open-article", "&Go", "Open &article", ("Return", "Enter")),
    Command("focus-filter", "&Go", "&Filter days", ("Ctrl+L",)),
    Command("edit-note", "&Item", "Edit &note", ("N",)),
    Command("toggle-read", "&Item", "Mark read or unrea&d", ("M",)),
    Command("mark-day-read", "&Item", "Mark the &whole day read", ("Shift+M",)),
    Command("toggle-queue", "&Item", "Read la&ter (reading queue)", ("L",)),
    Command("edit-tags", "&Item", "T&ags…", ("T",)),
    Command("link-item", "&Item", "&Link to…", ("Ctrl+Shift+L",)),
    Command("save-note", "&Item", "&Save note (keep a revision)", ("Ctrl+S",)),
    Command("note-history", "&Item", "Note &history…", ("Ctrl+Shift+H",)),
    *(
        Command(f"rate-{n}", "&Item", f"Rate {'★' * n}" if n else "Clear my rating", (str(n),))
        for n in range(6)
    ),
    Command("download-images", "&Library", "&Download all images…"),
    Command("look-up-papers", "&Library", "&Look up paper details…"),
    Command("update-sources", "&Library", "&Update sources", ("F5",)),
    Command("retry-images", "&Library", "&Retry images of this day", ("Ctrl+R",)),
    Command("remove-days", "&Library", "Re&move day…"),
    Command("check-library", "&Library", "&Check library"),
    Command("shortcuts", "&Help", "&Keyboard shortcuts", ("F1",)),
    Command("about", "&Help", "&About kbapp"),
)


def handlers(window: MainWindow) -> dict[str, Callable[[], object]]:
    """Each command of `COMMANDS`, by name: the window's or its controller's method it
    runs."""
    days, user = window.navigation, window.user_actions
    library, exports, reading = window.library_actions, window.export_actions, window.reading
    return {
        "import-files": library.import_files,
        "import-folder": library.import_folder,
        "add-source": lambda: window.sources.add_folder(),
        "update-sources": window.sources.update,
        "open-library": library.open_library,
        "new-library": library.new_library,
        "quit": window.close,
        "previous-day": lambda: days.step_day(-1),
        "next-day": lambda: days.step_day(+1),
        "newest-day": days.newest_day,
        "oldest-day": days.oldest_day,
        "go-to-date": days.go_to_date,
        "zoom-in": lambda: window.reader.zoom_by(+1),
        "zoom-out": lambda: window.reader.zoom_by(-1),
        "zoom-reset": lambda: window.reader.set_zoom(100),
        "go-back": window.history.back,
        "go-forward": window.history.forward,
        "quick-switcher": user.quick_switcher,
        "search": user.search,
        "next-item": lambda: window.reader.select_step(+1),
        "previous-item": lambda: window.reader.select_step(-1),
        "open-article": user.open_article,
        "focus-filter": window.sidebar.focus_filter,
        "export-json": exports.export_json,
        "export-markdown": exports.export_markdown,
        "export-bibtex": exports.export_bibtex,
        "export-ris": exports.export_ris,
        "export-csl-json": exports.export_csl_json,
        "restore-json": exports.restore_json,
        "back-up-now": window.safety.back_up_now,
        "restore-backup": window.safety.restore_from_backup,
        "check-library": window.safety.check_library,
        "settings": library.show_settings,
        "download-images": library.download_all_images,
        "look-up-papers": library.look_up_papers,
        "retry-images": library.retry_images,
        "show-days": user.show_days,
        "show-papers": user.show_papers,
        "toggle-notes": lambda: window.layout_keeper.show_notes(not window.notes.isVisible()),
        "edit-note": user.edit_note,
        "toggle-read": reading.toggle_read,
        "mark-day-read": reading.mark_day_read,
        "toggle-queue": reading.toggle_queue,
        "edit-tags": reading.edit_tags,
        "next-unread": reading.next_unread,
        "show-queue": reading.show_queue,
        "save-search": reading.save_search,
        "link-item": user.link_selected,
        "save-note": lambda: window.notes.save("save"),
        "note-history": window.notes.show_history,
        "undo": window.user.undo,
        "redo": window.user.redo,
        "remove-days": lambda: user.remove_days(),
        **{f"rate-{n}": user._rater(n) for n in range(6)},
        "shortcuts": window.show_shortcuts,
        "about": window.show_about,
    }


def command(name: str) -> Command:
    return next(command for command in COMMANDS if command.name == name)


def install(window: QMainWindow, handlers: dict[str, Callable[[], object]]) -> dict[str, QAction]:
    """Create the menus and actions; `handlers` maps each command name to its slot."""
    actions: dict[str, QAction] = {}
    menus: dict[str, object] = {}
    for command in COMMANDS:
        menu = menus.get(command.menu)
        if menu is None:
            menu = window.menuBar().addMenu(command.menu)
            menus[command.menu] = menu
        action = QAction(command.text, window)  # icons come with icons.load(), later
        action.setObjectName(command.name)
        if command.shortcuts:
            action.setShortcuts([QKeySequence(key) for key in command.shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(handlers[command.name])
        menu.addAction(action)  # type: ignore[attr-defined]
        window.addAction(action)
        actions[command.name] = action
        if command.name in (
            "new-library", "restore-backup", "settings", "oldest-day", "next-unread",
            "previous-item", "note-history", "edit-tags",
        ):  # fmt: skip
            menu.addSeparator()  # type: ignore[attr-defined]
    return actions


def apply_icons(actions: dict[str, QAction]) -> None:
    for name, action in actions.items():
        action.setIcon(icons.action_icon(name))


def shortcuts_html() -> str:
    rows = []
    for command in COMMANDS:
        keys = " or ".join(
            QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            for key in command.shortcuts
        )
        menu = command.menu.replace("&", "")
        text = command.text.replace("&", "")
        rows.append(
            f"<tr><td>{html.escape(menu)}</td><td>{html.escape(text)}</td>"
            f"<td><b>{html.escape(keys or '—')}</b></td></tr>"
        )
    from kbapp.core.search.text import QUERY_HELP  # the search's modules, loaded for F1 only

    return (
        "<h2>Keyboard shortcuts</h2><table cellpadding='4'>"
        "<tr><th align='left'>Menu</th><th align='left'>Command</th>"
        "<th align='left'>Keys</th></tr>" + "".join(rows) + "</table>"
        "<p>Drop digest files or folders anywhere on the window to import them.</p>"
        "<h3>Searching</h3><p>" + html.escape(QUERY_HELP) + "</p>"
    )


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        view = QTextBrowser(self)
        view.setHtml(shortcuts_html())
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        self.resize(520, 560)
