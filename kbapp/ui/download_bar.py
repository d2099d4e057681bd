"""Library ▸ Download all images… in the status bar: a progress bar and a Cancel
button while it runs, a one-line result when it ends; the window stays usable.

The bar lives only while a download runs: it is added to the status bar when one starts
and removed (and deleted) when the presenter says the batch is over, cancelled or not.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QStatusBar, QToolButton, QWidget

from kbapp.ui import icons
from kbapp.ui.images import ImagePresenter

MESSAGE_MS = 10_000


def outcome_message(done: int, failures: int, total: int, cancelled: bool) -> str:
    """`Downloaded 120 images, 3 failed`, or what a cancel left."""
    downloaded = done - failures
    noun = "image" if downloaded == 1 else "images"
    failed = f", {failures} failed" if failures else ""
    if cancelled and done < total:
        return f"Download cancelled: {downloaded} {noun} downloaded{failed}, {total - done} left."
    return f"Downloaded {downloaded} {noun}{failed}."


class DownloadBar(QWidget):
    """Progress of one "Download all images" run, in the status bar."""

    def __init__(self, images: ImagePresenter, total: int, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.setObjectName("downloadImages")
        self._images = images
        self._status = status_bar
        self._total = total
        self.active = True  # until the batch ends or its library closes
        self.progress = QProgressBar(self)
        self.progress.setObjectName("downloadProgress")
        self.progress.setMaximumWidth(260)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat("Images: %v of %m")
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("cancelDownload")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setIcon(icons.action_icon("cancel"))
        self.cancel_button.setToolTip("Stop downloading (what has arrived stays in the cache)")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        images.progress.connect(self._progressed)
        images.bulk_finished.connect(self._finished)
        status_bar.addPermanentWidget(self)

    def cancel(self) -> None:
        self._images.cancel_downloads()
        self.cancel_button.setEnabled(False)
        self.progress.setFormat("Cancelling: %v of %m")

    def _progressed(self, done: int, total: int, size: int, failures: int) -> None:
        self.progress.setValue(done)
        failed = f", {failures} failed" if failures else ""
        if self.cancel_button.isEnabled():
            self.progress.setFormat(f"Images: %v of %m{failed}")
        self.progress.setToolTip(f"{done} of {total} images, {size / 2**20:.1f} MB{failed}")

    def _finished(self, done: int, failures: int, cancelled: bool) -> None:
        self.close_bar()
        self._status.showMessage(
            outcome_message(done, failures, self._total, cancelled), MESSAGE_MS
        )

    def close_bar(self) -> None:
        """Out of the status bar, quietly (the download ended or its library closed)."""
        if not self.active:
            return
        self.active = False
        self._images.progress.disconnect(self._progressed)
        self._images.bulk_finished.disconnect(self._finished)
        self._status.removeWidget(self)
        self.deleteLater()
