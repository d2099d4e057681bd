"""File ▸ Export (JSON, Markdown, BibTeX, RIS, CSL JSON) and File ▸ Restore from JSON,
run by the task runner (they read or write the whole library) with the result in the
status bar.

`ExportActions` is a controller of `MainWindow`: it asks for the file or folder with the
window as the dialogs' parent and works on the window's library, runner and note panel
as they are when it acts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from kbapp.core.store.library import Changes

if TYPE_CHECKING:
    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow

FILTERS = {
    "json": "kbapp export (*.json)",
    "bibtex": "BibTeX (*.bib)",
    "ris": "RIS (*.ris)",
    "csl-json": "CSL JSON (*.json)",
}
SUFFIXES = {"json": ".json", "bibtex": ".bib", "ris": ".ris", "csl-json": ".csl.json"}


def write_export(library: Library, kind: str, target: Path) -> str:
    """Write one export of the library; a line saying what was written."""
    if kind == "markdown":
        from kbapp.core.export.markdown_days import export_markdown, write_days

        days = export_markdown(library)
        write_days(days, target)
        return f"Exported {len(days)} days as markdown to {target}"
    if kind == "bibtex":
        from kbapp.core.export.paper_exports import library_bibtex

        text = library_bibtex(library)
        target.write_text(text, encoding="utf-8")
        count = sum(text.count(f"@{kind}{{") for kind in ("misc", "article", "inproceedings"))
        return f"Exported {count} BibTeX entries to {target}"
    if kind == "ris":
        from kbapp.core.export.paper_exports import library_ris

        text = library_ris(library)
        target.write_text(text, encoding="utf-8")
        return f"Exported {text.count('ER  - ')} RIS records to {target}"
    if kind == "csl-json":
        import json

        from kbapp.core.export.paper_exports import library_csl_json

        text = library_csl_json(library)
        target.write_text(text, encoding="utf-8")
        return f"Exported {len(json.loads(text))} CSL JSON items to {target}"
    from kbapp.core.export.library_json import dumps, export_json

    target.write_text(dumps(export_json(library)), encoding="utf-8")
    return f"Exported the library as JSON to {target}"


class ExportActions:
    """The File menu's exports of the whole library and its restore from a JSON export."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def export_json(self) -> None:
        self._ask_and_export("json")

    def export_markdown(self) -> None:
        self._ask_and_export("markdown")

    def export_bibtex(self) -> None:
        self._ask_and_export("bibtex")

    def export_ris(self) -> None:
        self._ask_and_export("ris")

    def export_csl_json(self) -> None:
        self._ask_and_export("csl-json")

    def _ask_and_export(self, kind: str) -> None:
        window = self.window
        start = str(window.library.path.parent)
        if kind == "markdown":
            name = QFileDialog.getExistingDirectory(window, "Export markdown into a folder", start)
        else:
            suggested = str(window.library.path.with_suffix(SUFFIXES[kind]))
            name, _ = QFileDialog.getSaveFileName(window, "Export", suggested, FILTERS[kind])
        if name:
            self.export_library(kind, Path(name))

    def export_library(self, kind: str, target: Path) -> None:
        """Export in the background; the status bar says when it is written."""
        window = self.window
        window.notes.flush()  # the note being typed goes out too (the runner keeps order)
        window.statusBar().showMessage(f"Exporting {kind}…")
        window.runner.run(
            lambda library, _task: write_export(library, kind, target),
            on_done=lambda message: window.statusBar().showMessage(str(message), 10000),
            on_error=lambda error: self._export_failed(error),
        )

    def _export_failed(self, error: BaseException) -> None:
        self.window.statusBar().showMessage("Export failed.", 10000)
        QMessageBox.warning(self.window, "Export failed", str(error))

    def restore_json(self) -> None:
        window = self.window
        name, _ = QFileDialog.getOpenFileName(
            window, "Restore my data from a JSON export", str(window.library.path.parent),
            FILTERS["json"],
        )  # fmt: skip
        if name:
            self.restore_from(Path(name))

    def restore_from(self, path: Path) -> None:
        """Merge a JSON export's user data in (one transaction), then show it."""
        from kbapp.core.export.restore import restore_json

        window = self.window
        window.notes.flush()

        def done(counts: object) -> None:
            assert isinstance(counts, dict)
            added = ", ".join(f"{n} {name}" for name, n in counts.items() if name != "missing")
            window.statusBar().showMessage(f"Restored from {path.name}: {added}", 10000)
            window.changes.publish(Changes(everything=True))

        window.runner.run(lambda library, _task: restore_json(library, path), on_done=done,
                          on_error=self._restore_failed)  # fmt: skip

    def _restore_failed(self, error: BaseException) -> None:
        self.window.statusBar().showMessage("Nothing restored.", 10000)
        QMessageBox.warning(self.window, "Cannot restore", str(error))
