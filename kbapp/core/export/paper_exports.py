"""The paper exports (BibTeX, RIS, CSL JSON) of a library, all of its papers or those a search
chooses (`--where QUERY`): a paper is chosen when one of its items matches the query;
for `mine>=N`, when my rating of it is at least N (my rating of the paper, else my best
rating of the items that feature it, as the papers view shows it); for `tag:NAME`, when
the paper or one of its items carries the tag."""

from __future__ import annotations

from kbapp.core.export.bibtex import export_bibtex
from kbapp.core.export.csl import export_csl_json
from kbapp.core.export.ris import export_ris
from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.papers import Paper
from kbapp.core.store.library import Library


def chosen_papers(library: Library, where: str | None = None) -> list[Paper]:
    """The library's papers, or those `where` chooses (QueryError for a bad query)."""
    papers = library.papers.all()
    if not where or not where.strip():
        return papers
    from kbapp.core.search.text import parse_query

    query = parse_query(where)
    least, query.mine = query.mine, None
    if least is not None:
        mine = {row.key: row.mine or 0 for row in library.papers.paper_rows()}
        papers = [p for p in papers if mine.get(p.key, 0) >= least]
    wanted, query.tags = [t.casefold() for t in query.tags], []
    if wanted:  # a tag on the paper or on one of its items
        tags = library.tags.every_target()

        def tagged(paper: Paper) -> set[str]:
            targets = [f"paper:{paper.key}", *(f"item:{key}" for key in paper.item_keys)]
            return {tag.casefold() for target in targets for tag in tags.get(target, [])}

        papers = [p for p in papers if set(wanted) <= tagged(p)]
    rest = query.match is not None or any(
        (query.stars, query.date_from, query.has, query.arxiv, query.states)
    )
    if rest:
        found = {hit.key for hit in library.search.find(query, limit=10**9)}
        papers = [p for p in papers if found.intersection(p.item_keys)]
    return papers


def records(library: Library) -> dict[str, ArxivRecord]:
    """What arXiv said of each paper asked about, by paper key."""
    return {key: meta.record for key, meta in library.metadata.of().items() if meta.record}


def library_bibtex(library: Library, where: str | None = None) -> str:
    return export_bibtex(chosen_papers(library, where), library.tags.every_target(),
                         records(library), library.dois.of())  # fmt: skip


def library_ris(library: Library, where: str | None = None) -> str:
    return export_ris(chosen_papers(library, where), library.tags.every_target(),
                      records(library), library.dois.of())  # fmt: skip


def library_csl_json(library: Library, where: str | None = None) -> str:
    return export_csl_json(chosen_papers(library, where), library.tags.every_target(),
                           records(library), library.dois.of())  # fmt: skip


__all__ = ["chosen_papers", "library_bibtex", "library_csl_json", "library_ris", "records"]
