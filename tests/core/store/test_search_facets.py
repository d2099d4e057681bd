"""The filters' facet counts (`search_facets`) stay exactly what the index holds through
every write that changes it: an import, a changed file imported again, a day removed
and put back. The search picks the rarer side of a filter from them, so a wrong count
costs speed, never results; this keeps them right."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.search.text import SIDED_FACETS
from kbapp.core.store.library import Library
from kbapp.core.store.search_index import facet_counts


def recounted(library: Library) -> tuple[dict[str, int], int]:
    """The counts made from scratch: the rows holding each facet token in their facets
    column, as the index itself lists them (it keeps no text to read back)."""
    conn = library.db.conn
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.facet_terms "
                 "USING fts5vocab(main, search, col)")  # fmt: skip
    rows = conn.execute("SELECT term, doc FROM temp.facet_terms WHERE col = 'facets'")
    counts = Counter({term: doc for term, doc in rows if term in SIDED_FACETS})
    return dict(counts), conn.execute("SELECT COUNT(*) FROM search").fetchone()[0]


def kept(library: Library) -> tuple[dict[str, int], int]:
    counts, total = facet_counts(library.db.conn)
    return {token: n for token, n in counts.items() if n}, total


def test_facet_counts_follow_every_write(corpus: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes"], workers=0)
        assert kept(library) == recounted(library)
        assert recounted(library)[1] == 449 and recounted(library)[0]

        day = tmp_path / "notes" / "202104" / "0425.md"  # fewer stars, one item fewer
        day.parent.mkdir(parents=True)
        text = (corpus / "notes" / "202104" / "0425.md").read_text(encoding="utf-8")
        day.write_text(text.replace(":star::star:", ":star:"), encoding="utf-8")
        import_paths(library, [day], workers=0)
        assert kept(library) == recounted(library)

        removed = library.removal.remove_days(["2021-04-25", "2021-03-07"])
        assert kept(library) == recounted(library)
        library.removal.restore(removed)  # Undo
        assert kept(library) == recounted(library)
        library.removal.remove_days(["2021-03-07"])
        import_paths(library, [corpus / "notes" / "202103" / "0307.md"], workers=0)
        assert kept(library) == recounted(library)
