"""A paper's page as HTML: every day and item that featured it, its code, my note."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from kbapp.core.day import MyLink
from kbapp.core.render.day import LIGHT, kb_url, render_my_links, stylesheet
from kbapp.core.render.notes import note_html
from kbapp.core.render.reading import tag_chips
from kbapp.core.store.papers import PaperRow


def render_paper(
    row: PaperRow,
    note: str | None,
    theme: Mapping[str, str] = LIGHT,
    my_links: list[MyLink] | None = None,
    tags: Sequence[str] = (),
) -> str:
    title = html.escape(row.title)
    parts = [f"<html><head><style>{stylesheet(theme)}</style></head><body>", f"<h1>{title}</h1>"]
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
