"""RIS for the library's arXiv papers (what reference managers import besides BibTeX):
one record per paper, from the digests and what arXiv said.

    TY  - CPAPER
    AU  - Lovelace, Ada
    TI  - EfficientNetV2: Smaller Models and Faster Training
    PY  - 2021
    DA  - 2021/04/01
    T2  - CVPR 2021
    DO  - 10.1000/x
    UR  - https://arxiv.org/abs/2104.00298
    KW  - matting
    ER  -

A field's value is on one line (its line breaks become spaces): RIS has no escapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kbapp.core.export.bibtex import arxiv_papers, is_conference, my_tags, split_name, work_of
from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.metadata.work import DoiRecord
from kbapp.core.papers import Paper


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def record_lines(
    paper: Paper, record: ArxivRecord | None, tags: Mapping[str, list[str]],
    work: DoiRecord | None = None,
) -> list[str]:  # fmt: skip
    journal = (work.container_title if work else None) or (record.journal_ref if record else None)
    kind = ("CPAPER" if is_conference(journal, work) else "JOUR") if journal else "GEN"
    lines = [_line("TY", kind)]
    for author in record.authors if record else ():
        family, given = split_name(author.name)
        lines.append(_line("AU", f"{family}, {given}" if given else family))
    lines.append(_line("TI", record.title if record and record.title else paper.title))
    published = record.published if record else None
    year = published[:4] if published else f"20{(paper.arxiv or '00')[:2]}"
    lines.append(_line("PY", year))
    if published and len(published) >= 10:
        lines.append(_line("DA", published[:10].replace("-", "/")))
    if journal:
        lines.append(_line("T2", journal))
    if work is not None:
        first, _dash, last = (work.page or "").partition("-")
        for tag, value in (("VL", work.volume), ("IS", work.issue), ("SP", first),
                           ("EP", last), ("PB", work.publisher)):  # fmt: skip
            if value:
                lines.append(_line(tag, value))
    if record is not None and record.doi:
        lines.append(_line("DO", record.doi))
    if record is not None and record.abstract:
        lines.append(_line("AB", record.abstract))
    lines.append(_line("UR", f"https://arxiv.org/abs/{paper.arxiv}"))
    lines.append(_line("N1", f"arXiv:{paper.arxiv}"))
    lines += [_line("KW", tag) for tag in my_tags(paper, tags)]
    lines.append("ER  - ")
    return lines


def export_ris(
    papers: Iterable[Paper],
    tags: Mapping[str, list[str]] | None = None,
    records: Mapping[str, ArxivRecord] | None = None,
    works: Mapping[str, DoiRecord] | None = None,
) -> str:
    """Every arXiv paper, ordered by ID, one RIS record each."""
    chosen = arxiv_papers(papers)
    found, published = records or {}, works or {}
    return "".join(
        "\n".join(
            record_lines(
                paper, found.get(paper.key), tags or {}, work_of(found.get(paper.key), published)
            )
        )
        + "\n\n"  # fmt: skip
        for paper in chosen
    )


__all__ = ["export_ris", "record_lines"]
