"""kbapp's core: everything that knows no screen. It never imports PySide6 or qtawesome
(`tests/core/test_core_has_no_qt.py` says so), so each part runs and is tested without a
QApplication.

Rooms, from the bottom up (a room imports only the rooms above it in this list):

- `digest/`: the digest format: text in, a `Digest` out, nothing dropped.
- `search/`: how an item's text is indexed and how a query reads (pure).
- `images/`: the image cache on disk, checking and fetching pictures (no SQL).
- `day` and `papers`: the shown day's values and the papers logic (pure).
- `store/`: the library file; the only place with SQL.
- `render/`: a day and a paper as HTML for the reader.
- `export/`: JSON, markdown and BibTeX exports, and restoring from JSON.
- `importer`: files and folders into a library, in worker processes.
"""
