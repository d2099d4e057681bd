"""CSL JSON for the library's arXiv papers: what Zotero, pandoc and citeproc read (the
Citation Style Language's input data, schemas/input/csl-data.json of its 1.0 schema):
one object per paper, from the digests and what arXiv said.

    {"id": "lovelace2021efficientnetv2", "type": "paper-conference",
     "title": "EfficientNetV2: …", "author": [{"family": "Lovelace", "given": "Ada"}],
     "issued": {"date-parts": [[2021, 4, 1]]}, "container-title": "CVPR 2021",
     "DOI": "10.1000/x", "URL": "https://arxiv.org/abs/2104.00298",
     "number": "arXiv:2104.00298", "keyword": "matting, video", …}

A paper not yet published is a preprint (`article`, arXiv as its publisher), as
Zotero's arXiv translator writes it; one with a conference's journal reference is a
`paper-conference`, any other journal reference an `article-journal`. Ids are the
BibTeX export's cite keys, so the two can be used side by side.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kbapp.core.export.bibtex import (
    arxiv_papers,
    is_conference,
    my_tags,
    split_name,
    unique_keys,
    work_of,
)
from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.metadata.work import DoiRecord
from kbapp.core.papers import Paper


def _date_parts(published: str | None, arxiv: str) -> list[int]:
    """[year, month, day] of arXiv's first version, else the year and month of the ID."""
    if published and len(published) >= 10 and published[:10].replace("-", "").isdigit():
        return [int(published[:4]), int(published[5:7]), int(published[8:10])]
    yymm = arxiv.split(".")[0]
    return [2000 + int(yymm[:2]), int(yymm[2:4])] if len(yymm) == 4 and yymm.isdigit() else []


def csl_item(
    paper: Paper, record: ArxivRecord | None, key: str, tags: Mapping[str, list[str]],
    work: DoiRecord | None = None,
) -> dict[str, Any]:  # fmt: skip
    """`work`: what the publisher DOI resolved to (venue, volume, issue, pages)."""
    arxiv = paper.arxiv or ""
    journal = (work.container_title if work else None) or (record.journal_ref if record else None)
    kind = "article"
    if journal:
        kind = "paper-conference" if is_conference(journal, work) else "article-journal"
    title = record.title if record and record.title else paper.title
    item: dict[str, Any] = {"id": key, "type": kind, "title": " ".join(title.split())}
    authors = []
    for author in record.authors if record else ():
        family, given = split_name(author.name)
        authors.append({"family": family, "given": given} if given else {"literal": family})
    if authors:
        item["author"] = authors
    parts = _date_parts(record.published if record else None, arxiv)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if journal:
        item["container-title"] = " ".join(journal.split())
    if work is not None:
        for name, value in (("volume", work.volume), ("issue", work.issue),
                            ("page", work.page), ("publisher", work.publisher)):  # fmt: skip
            if value:
                item[name] = value
    if not journal:
        item.setdefault("publisher", "arXiv")
    if record is not None and record.doi:
        item["DOI"] = record.doi
    item["URL"] = f"https://arxiv.org/abs/{arxiv}"
    item["number"] = f"arXiv:{arxiv}"
    if record is not None and record.version:
        item["version"] = str(record.version)
    if record is not None and record.abstract:
        item["abstract"] = record.abstract
    if record is not None and record.categories:
        item["categories"] = list(record.categories)
    keywords = my_tags(paper, tags)
    if keywords:
        item["keyword"] = ", ".join(keywords)
    if record is not None and record.comment:
        item["note"] = " ".join(record.comment.split())
    return item


def export_csl_json(
    papers: Iterable[Paper],
    tags: Mapping[str, list[str]] | None = None,
    records: Mapping[str, ArxivRecord] | None = None,
    works: Mapping[str, DoiRecord] | None = None,
) -> str:
    """Every arXiv paper, ordered by ID, as a CSL JSON array."""
    chosen = arxiv_papers(papers)
    found, published = records or {}, works or {}
    keys = unique_keys(chosen, found)
    items = [csl_item(paper, found.get(paper.key), key, tags or {},
                      work_of(found.get(paper.key), published))
             for paper, key in zip(chosen, keys, strict=True)]  # fmt: skip
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


__all__ = ["csl_item", "export_csl_json"]
