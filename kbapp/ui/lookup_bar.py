"""Library ▸ Look up paper details… in the status bar: a progress bar and a Cancel
button while the lookup runs, a one-line result when it ends. A lookup that starts by
itself after an import shows the same bar (it can be cancelled too) and its result."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QStatusBar, QToolButton, QWidget

from kbapp.ui import icons
from kbapp.ui.paper_lookup import PaperLookup

MESSAGE_MS = 10_000


def lookup_message(
    found: int, missing: int, failed: int, cancelled: bool, dois: Sequence[int] = (0, 0, 0)
) -> str:
    """`Paper details: 175 found, 2 not on arXiv, 3 failed (tried again later); 40 DOIs
    resolved.` (`dois`: resolved, unknown, failed)."""
    parts = [f"{found} found"]
    if missing:
        parts.append(f"{missing} not on arXiv")
    if failed:
        parts.append(f"{failed} failed (tried again later)")
    head = "Paper lookup cancelled" if cancelled else "Paper details"
    text = f"{head}: {', '.join(parts)}"
    resolved, unknown, unresolved = dois
    doi_parts = [f"{resolved} DOIs resolved"] if resolved else []
    if unknown:
        doi_parts.append(f"{unknown} DOIs unknown")
    if unresolved:
        doi_parts.append(f"{unresolved} DOIs not resolved (tried again later)")
    return f"{text}; {', '.join(doi_parts)}." if doi_parts else f"{text}."


class LookupBar(QWidget):
    """Progress of the running paper lookup, in the status bar, while it runs."""

    def __init__(self, lookup: PaperLookup, total: int, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.setObjectName("lookupPapers")
        self._lookup = lookup
        self._status = status_bar
        self.active = True
        self._what = "Papers"  # then "DOIs"
        self.progress = QProgressBar(self)
        self.progress.setObjectName("lookupProgress")
        self.progress.setMaximumWidth(260)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat("Papers: %v of %m")
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("cancelLookup")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setIcon(icons.action_icon("cancel"))
        self.cancel_button.setToolTip("Stop looking papers up (what has arrived is kept)")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        lookup.progress.connect(self._progressed)
        lookup.dois_started.connect(self._dois_started)
        lookup.finished.connect(self._finished)
        status_bar.addPermanentWidget(self)

    def _dois_started(self, total: int) -> None:
        self._what = "DOIs"
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        if self.cancel_button.isEnabled():
            self.progress.setFormat("DOIs: %v of %m")

    def cancel(self) -> None:
        self._lookup.cancel()
        self.cancel_button.setEnabled(False)
        self.progress.setFormat("Cancelling: %v of %m")

    def _progressed(self, done: int, total: int, failed: int) -> None:
        self.progress.setValue(done)
        failures = f", {failed} failed" if failed else ""
        if self.cancel_button.isEnabled():
            self.progress.setFormat(f"{self._what}: %v of %m{failures}")
        where = "papers looked up on arXiv" if self._what == "Papers" else "DOIs resolved"
        self.progress.setToolTip(f"{done} of {total} {where}{failures}")

    def _finished(self, found: int, missing: int, failed: int, cancelled: bool) -> None:
        self.close_bar()
        message = lookup_message(found, missing, failed, cancelled, self._lookup.doi_tally)
        self._status.showMessage(message, MESSAGE_MS)

    def close_bar(self) -> None:
        if not self.active:
            return
        self.active = False
        self._lookup.progress.disconnect(self._progressed)
        self._lookup.dois_started.disconnect(self._dois_started)
        self._lookup.finished.disconnect(self._finished)
        self._status.removeWidget(self)
        self.deleteLater()
