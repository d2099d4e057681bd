"""A paper's page as HTML: what arXiv says of it once looked up (authors with their
affiliations, versions, categories, DOI, journal reference, its English abstract beside
the digest's), every day and item that featured it, its code, my note."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from kbapp.core.day import MyLink
from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.metadata.work import DoiRecord
from kbapp.core.render.day import LIGHT, kb_url, render_my_links, stylesheet
from kbapp.core.render.notes import note_html
from kbapp.core.render.prose import prose
from kbapp.core.render.reading import tag_chips
from kbapp.core.store.papers import PaperRow


def display_title(title: str, record: ArxivRecord | None) -> str:
    """The digest's title, unless it pasted a link or an ID where arXiv has a title."""
    if record and record.title and (title.startswith("http") or " " not in title.strip()):
        return record.title
    return title


def render_paper(
    row: PaperRow,
    note: str | None,
    theme: Mapping[str, str] = LIGHT,
    my_links: list[MyLink] | None = None,
    tags: Sequence[str] = (),
    record: ArxivRecord | None = None,
    digest_abstract: str | None = None,
    work: DoiRecord | None = None,
) -> str:
    """`record`: arXiv's details, when looked up; `digest_abstract`: the abstract of the
    latest item that featured it, as the digest wrote it."""
    title = html.escape(display_title(row.title, record))
    parts = [f"<html><head><style>{stylesheet(theme)}</style></head><body>", f"<h1>{title}</h1>"]
    if record is not None:
        parts.append(_byline(record))
    meta = [f"featured {row.times}×, {row.first} – {row.last}"]
    if row.key.startswith("arxiv:"):
        arxiv = html.escape(row.key[6:])
        meta.append(f'<a href="https://arxiv.org/abs/{arxiv}">arXiv {arxiv}</a>')
    elif row.key.startswith("doi:"):
        doi = html.escape(row.key[4:])
        meta.append(f'<a href="https://doi.org/{doi}">doi {doi}</a>')
    if row.mine is not None:
        meta.append(f"mine {'★' * row.mine or '0'}")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if tags:
        parts.append(f"<p>{tag_chips(tags, theme)}</p>")
    if record is not None:
        parts.extend(_details(record, work))
    elif work is not None:
        parts.append(_published(work))
    parts.append(_abstracts(record.abstract if record else "", digest_abstract or ""))
    parts.append('<p class="field">Featured on</p>')
    for date, key, item_title in row.items:
        target = kb_url("item", key=key)
        parts.append(
            f'<p class="xref"><a href="{target}">{html.escape(date)} · '
            f"{html.escape(item_title)}</a></p>"
        )
    if row.repos:
        parts.append('<p class="field">Code</p>')
        for repo in row.repos:
            safe = html.escape(repo)
            parts.append(f'<p class="xref"><a href="https://github.com/{safe}">{safe}</a></p>')
    parts.append(render_my_links(f"paper:{row.key}", my_links or []))
    parts.append('<p class="field">My note on the paper</p>')
    parts.append(
        f'<div class="note">{note_html(note)}</div>'
        if note
        else '<p class="meta">None yet: write it in the note panel (N).</p>'
    )
    parts.append("</body></html>")
    return "".join(parts)


def _byline(record: ArxivRecord) -> str:
    """Every author, with their affiliations when arXiv gives them."""
    names = []
    for author in record.authors:
        name = html.escape(author.name)
        if author.affiliations:
            where = html.escape("; ".join(author.affiliations))
            name += f' <span class="why">({where})</span>'
        names.append(name)
    return f'<p class="body">{", ".join(names)}</p>' if names else ""


def _details(record: ArxivRecord, work: DoiRecord | None) -> list[str]:
    facts = []
    if record.version:
        facts.append(f"v{record.version}")
    if record.published:
        facts.append(f"submitted {html.escape(record.published[:10])}")
    if record.updated and record.updated[:10] != (record.published or "")[:10]:
        facts.append(f"updated {html.escape(record.updated[:10])}")
    categories = [f"<b>{html.escape(c)}</b>" if c == record.primary_category else html.escape(c)
                  for c in record.categories]  # fmt: skip
    if categories:
        facts.append(" ".join(categories))
    parts = [f'<p class="meta">{" · ".join(facts)}</p>'] if facts else []
    if record.journal_ref:
        parts.append(f'<p class="meta">Published in {html.escape(record.journal_ref)}</p>')
    if record.doi:
        doi = html.escape(record.doi)
        parts.append(f'<p class="meta">DOI <a href="https://doi.org/{doi}">{doi}</a></p>')
    if record.comment:
        parts.append(f'<p class="meta">{html.escape(record.comment)}</p>')
    if work is not None:
        parts.append(_published(work))
    buttons = []
    abstract_page = record.links.get("abs") or f"https://arxiv.org/abs/{record.arxiv_id}"
    buttons.append(f'<a href="{html.escape(abstract_page)}">Open abstract page</a>')
    pdf = record.links.get("pdf") or f"https://arxiv.org/pdf/{record.arxiv_id}"
    buttons.append(f'<a href="{html.escape(pdf)}">Open PDF</a>')
    parts.append(f'<p class="xref">{" · ".join(buttons)}</p>')
    return parts


def _published(work: DoiRecord) -> str:
    """Where the publisher says it appeared: "2021 IEEE/CVF … (CVPR), vol. 1, pp. 100-110
    · IEEE · 2021"."""
    where = [work.container_title or work.title or work.doi]
    if work.volume:
        where.append(f"vol. {work.volume}")
    if work.issue:
        where.append(f"no. {work.issue}")
    if work.page:
        where.append(f"pp. {work.page}")
    facts = [", ".join(where)]
    facts += [str(fact) for fact in (work.publisher, work.year) if fact]
    return f'<p class="meta">Publisher: {html.escape(" · ".join(facts))}</p>'


def _abstracts(english: str, digest: str) -> str:
    """arXiv's abstract beside the digest's, each in its cell; one alone when the other
    is not known."""
    cells = []
    if digest.strip():
        cells.append(("From the digest", f'<p class="body">{prose(digest)}</p>'))
    if english.strip():
        cells.append(("Abstract (arXiv)", f'<p class="body">{html.escape(english)}</p>'))
    if not cells:
        return ""
    width = 100 // len(cells)
    heads = "".join(f'<td width="{width}%"><p class="field">{name}</p>{body}</td>'
                    for name, body in cells)  # fmt: skip
    return f'<table width="100%" cellspacing="0" cellpadding="6"><tr>{heads}</tr></table>'
