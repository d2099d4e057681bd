"""BibTeX for the library's arXiv papers: one entry per arXiv ID, from what the digests
say (the title as its links show it, the year from the ID) and, once `kbapp papers
fetch` has asked arXiv, what arXiv says (authors, title, date, category, DOI, venue:
`@inproceedings` with `booktitle` for a conference's journal reference, `@article` with
`journal` for another, `@misc` for a preprint; keys like `lastname2021firstword`).

    @misc{arxiv2104.00298,
      title = {{EfficientNetV2}: Smaller Models and Faster Training},
      eprint = {2104.00298},
      archivePrefix = {arXiv},
      year = {2021},
      url = {https://arxiv.org/abs/2104.00298},
      keywords = {matting, survey},
    }

`keywords` are my tags on the paper and on the items that feature it (when any).

Words with capitals after their first letter are braced so that BibTeX styles keep them
as written; TeX's special characters are escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from kbapp.core.metadata.arxiv import ArxivRecord, family_name
from kbapp.core.metadata.work import DoiRecord
from kbapp.core.papers import Paper

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts escaped braces too
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_CHARS = re.compile(r"[\\{}&%$#_~^]")
_KEEP_CASE = re.compile(r"\b(\w*[A-Z]\w*[A-Z0-9]\w*|\w+[A-Z]\w*)\b")


def tex(text: str) -> str:
    escaped = _SPECIAL_CHARS.sub(lambda m: _SPECIAL[m.group(0)], " ".join(text.split()))
    return _KEEP_CASE.sub(lambda m: "{" + m.group(0) + "}", escaped)


CONFERENCE = re.compile(
    r"\b(CVPR|ICCV|ECCV|NeurIPS|NIPS|ICLR|ICML|AAAI|IJCAI|ACL|EMNLP|NAACL|COLING|WACV|BMVC|"
    r"MICCAI|SIGGRAPH|KDD|Proceedings|Conference|Workshop|Symposium)\b", re.IGNORECASE)  # fmt: skip
_STOP = {"a", "an", "the", "on", "of", "for", "to", "in", "and", "with", "towards", "toward"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def escaped(text: str) -> str:
    """TeX's special characters escaped, spaces collapsed (no case protection)."""
    return _SPECIAL_CHARS.sub(lambda m: _SPECIAL[m.group(0)], " ".join(text.split()))


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a name as arXiv writes it ("Kaiming He": He, Kaiming)."""
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def cite_key(paper: Paper, record: ArxivRecord | None) -> str:
    """`lastname2021firstword` (ASCII letters), or `arxiv2104.00298` without authors."""
    if record is None or not record.authors or record.year is None:
        return f"arxiv{paper.arxiv}"
    family = re.sub(r"[^a-z]", "", _ascii(family_name(record.authors[0].name)).lower())
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(record.title).lower()) if w not in _STOP]
    return f"{family or 'anon'}{record.year}{words[0] if words else ''}"


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def entry(
    paper: Paper,
    tags: Mapping[str, list[str]] | None = None,
    record: ArxivRecord | None = None,
    key: str | None = None,
    work: DoiRecord | None = None,
) -> str:
    """One paper's entry; `tags` (target → my tags) gives its `keywords`, `record` (what
    arXiv said) its authors, dates, category, DOI and venue, `work` (what its DOI's
    agency said) the venue, volume, number, pages and publisher."""
    arxiv = paper.arxiv
    if arxiv is None:
        raise ValueError(f"{paper.key} is not an arXiv paper")
    kind, fields = "misc", {"title": tex(record.title if record and record.title else paper.title)}
    if record is not None and record.authors:
        fields["author"] = " and ".join(
            escaped(f"{family}, {given}" if given else family)
            for family, given in (split_name(a.name) for a in record.authors)
        )
    published = record.published if record is not None else None
    fields["year"] = published[:4] if published else f"20{arxiv[:2]}"
    if published and published[5:7].isdigit() and 1 <= int(published[5:7]) <= 12:
        fields["month"] = _MONTHS[int(published[5:7]) - 1]
    fields |= {"eprint": arxiv, "archivePrefix": "arXiv"}
    if record is not None and record.primary_category:
        fields["primaryClass"] = escaped(record.primary_category)
    if record is not None and record.doi:
        fields["doi"] = escaped(record.doi)
    venue = (work.container_title if work else None) or (record.journal_ref if record else None)
    if venue:
        conference = is_conference(venue, work)
        kind = "inproceedings" if conference else "article"
        fields["booktitle" if conference else "journal"] = escaped(venue)
    if work is not None:
        for name, value in (("volume", work.volume), ("number", work.issue),
                            ("pages", work.page), ("publisher", work.publisher)):  # fmt: skip
            if value:
                fields[name] = escaped(value.replace("-", "--") if name == "pages" else value)
    fields["url"] = f"https://arxiv.org/abs/{arxiv}"
    if tags:
        keywords = my_tags(paper, tags)
        if keywords:
            fields["keywords"] = ", ".join(tex(tag).replace(",", "{,}") for tag in keywords)
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@{kind}{{{key or f'arxiv{arxiv}'},\n{body}}}\n"


def is_conference(venue: str, work: DoiRecord | None) -> bool:
    """A proceedings paper: by its agency's type, else by its venue's name."""
    if work is not None and work.type:
        return work.type == "paper-conference"
    return bool(CONFERENCE.search(venue))


def work_of(record: ArxivRecord | None, works: Mapping[str, DoiRecord]) -> DoiRecord | None:
    """What the publisher DOI arXiv gave for the paper resolved to, if it was."""
    return works.get(record.doi.lower()) if record and record.doi else None


def arxiv_papers(papers: Iterable[Paper]) -> list[Paper]:
    """The arXiv papers, ordered by ID: what every paper export writes, in its order."""
    return sorted((p for p in papers if p.arxiv), key=lambda p: p.arxiv or "")


def my_tags(paper: Paper, tags: Mapping[str, list[str]]) -> list[str]:
    """My tags on the paper and on the items that feature it, one spelling each, sorted."""
    mine = [*tags.get(f"paper:{paper.key}", [])]
    mine += [tag for key in paper.item_keys for tag in tags.get(f"item:{key}", [])]
    return sorted({tag.casefold(): tag for tag in mine}.values(), key=str.casefold)


def unique_keys(papers: Sequence[Paper], records: Mapping[str, ArxivRecord]) -> list[str]:
    """The papers' cite keys, in order, each once: a second `he2021deep` is
    `he2021deepb` (the BibTeX keys, and the CSL JSON ids)."""
    used: set[str] = set()
    keys = []
    for paper in papers:
        key = base = cite_key(paper, records.get(paper.key))
        for suffix in "bcdefghijklmnopqrstuvwxyz":
            if key not in used:
                break
            key = f"{base}{suffix}"
        else:
            key = f"arxiv{paper.arxiv}"
        used.add(key)
        keys.append(key)
    return keys


def export_bibtex(
    papers: Iterable[Paper],
    tags: Mapping[str, list[str]] | None = None,
    records: Mapping[str, ArxivRecord] | None = None,
    works: Mapping[str, DoiRecord] | None = None,
) -> str:
    """Every arXiv paper, ordered by ID; `tags` (target → my tags) for `keywords`,
    `records` (paper key → what arXiv said) for authors and the rest, `works` (DOI →
    what its agency said) for the published venue. Keys are unique (`unique_keys`)."""
    chosen = arxiv_papers(papers)
    found, published = records or {}, works or {}
    keys = unique_keys(chosen, found)
    return "\n".join(
        entry(paper, tags, found.get(paper.key), key, work_of(found.get(paper.key), published))
        for paper, key in zip(chosen, keys, strict=True)
    )
