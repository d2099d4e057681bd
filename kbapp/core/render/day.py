"""A day rendered to HTML for the reader: the date, then one card per item.

The HTML is written for Qt's rich-text engine (tables for cards, no script, no remote
loads): icons are `icon:` resources and in-app links use the `kb:` scheme, both served
by the window. Prose (abstracts, tips, points) goes through `prose`; titles are escaped,
never interpreted (`1*1` is not emphasis); a digest's address is a link only when the
reader would follow it (`links.anchor`).

The colours and the stylesheet are `theme`'s (named here too, with the other parts the
reader takes from this module).

Qt breaks a line after every inline picture and ignores `white-space: nowrap` on a span,
so what must stay in one piece is text (the stars), or starts its own line (a chip with
its icon).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

from kbapp.core.day import Day, DayItem, MyLink
from kbapp.core.digest.identities import arxiv_id
from kbapp.core.digest.model import LINK_FIELDS, Entry, Image, Link, Video
from kbapp.core.render.caps import FULL, VIEW, Budget, Caps
from kbapp.core.render.links import anchor
from kbapp.core.render.media import render_image, render_video
from kbapp.core.render.notes import WIKI_LINK, note_html, render_note
from kbapp.core.render.prose import looks_like_url, prose, url_text_html
from kbapp.core.render.reading import reading_marks
from kbapp.core.render.theme import DARK, LIGHT, stylesheet

__all__ = [
    "DARK",
    "FIELD_NAMES",
    "LIGHT",
    "WIKI_LINK",
    "heading_date",
    "kb_url",
    "my_stars_html",
    "note_html",
    "prose",
    "render_card",
    "render_chips",
    "render_day",
    "render_image",
    "render_my_links",
    "render_note",
    "render_section",
    "render_video",
    "stars_html",
    "stylesheet",
]

FIELD_NAMES = {
    "paper": "Paper",
    "code": "Code",
    "demo": "Demo",
    "video": "Video",
    "dataset": "Dataset",
    "website": "Website",
    "reading": "Reading",
    "competition": "Competition",
    "contact": "Contact",
    "download": "Download",
    "link": "Link",
}
_WEEKDAYS = "一二三四五六日"


def heading_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日 · 星期{_WEEKDAYS[day.weekday()]}"


ImageHtml = Callable[[Image], str]


def render_day(
    day: Day,
    theme: Mapping[str, str] = LIGHT,
    selected: str | None = None,
    image_html: ImageHtml | None = None,
    card: Callable[[DayItem, bool], str] | None = None,
    min_mine: int | None = None,
    limit: int | None = None,
) -> str:
    """The day as one HTML document: its first `limit` cards (None: all), the sections
    after the last card only when every card is there (the reader appends the rest as
    it scrolls: `shown_items`, `render_day_end`).

    `image_html` turns an image into HTML (the window knows what is cached and how wide
    the reader is); without it each image is a placeholder naming its host. `card`
    replaces `render_card` (the reader passes one that caches the cards it made).
    `min_mine` shows only the items I rated that many stars or more.
    """
    if card is None:
        card = lambda item, chosen: render_card(item, theme, chosen, image_html)  # noqa: E731
    head = f"<style>{stylesheet(theme)}</style>"
    parts = [f"<html><head>{head}</head><body>", render_header(day)]
    shown = shown_items(day, min_mine)
    parts += [card(item, item.key == selected) for item in shown[:limit]]
    if limit is not None and limit < len(shown):
        parts.append("</body></html>")
        return "".join(parts)
    parts.append(render_day_end(day, shown, image_html, min_mine))
    parts.append("</body></html>")
    return "".join(parts)


def shown_items(day: Day, min_mine: int | None = None) -> list[DayItem]:
    """The items the day shows under the `mine>=` filter."""
    return [item for item in day.items if min_mine is None or (item.my_rating or 0) >= min_mine]


def render_day_end(
    day: Day,
    shown: list[DayItem],
    image_html: ImageHtml | None = None,
    min_mine: int | None = None,
) -> str:
    """What follows the last card: the filter's note and the day's sections."""
    parts = []
    if len(shown) < len(day.items):
        hidden = len(day.items) - len(shown)
        parts.append(
            f'<p class="meta">{hidden} more item(s) of this day: not rated {min_mine}★ or '
            "more by me (the filter <i>mine&gt;=" + str(min_mine) + "</i>).</p>"
        )
    parts += [render_section(s.name, s.entries, s.images, image_html, s.videos)
              for s in day.sections if s.name]  # fmt: skip
    return "".join(parts)


def render_header(day: Day) -> str:
    count = sum(1 for item in day.items if not item.removed)
    title = html.escape(day.title or "")
    meta = f"{day.date} · {title} · {count} 篇" if title else f"{day.date} · {count} 篇"
    out = f'<h1>{heading_date(day.date)}</h1><p class="meta">{meta}</p>'
    if day.near_duplicate_of:
        earlier = html.escape(day.near_duplicate_of)
        out += (
            f'<p class="meta">A near-duplicate of <a href="{kb_url("day", date=earlier)}">'
            f"{earlier}</a>: most of its items repeat that day's.</p>"
        )
    return out


_NEVER_QUOTED = re.compile(r"[A-Za-z0-9_.~-]*")  # what `quote` leaves as it is, always
_KEY_LIKE = re.compile(r"[A-Za-z0-9_.~/:=-]*")  # item keys: "2021-04-25/s:Abc_d-e"


def _quoted(text: str) -> str:
    """`quote(text, safe="")`, without its cost for the keys and numbers that need none
    or only their "/", ":" and "=" escaped (a day's cards make a hundred of these links)."""
    if _NEVER_QUOTED.fullmatch(text):
        return text
    if _KEY_LIKE.fullmatch(text):
        return text.replace("/", "%2F").replace(":", "%3A").replace("=", "%3D")
    return quote(text, safe="")


def _select_url(key: str) -> str:
    """`kb:select/<key>`, the key quoted as `quote(key, safe="/:~=-_.")` would (an item
    key has nothing to quote but in a hostile file)."""
    return f"kb:select/{key if _KEY_LIKE.fullmatch(key) else quote(key, safe='/:~=-_.')}"


def kb_url(action: str, **values: str | int) -> str:
    """An in-app link (`kb:rate?key=...&stars=3`) the window handles."""
    query = "&".join(f"{name}={_quoted(str(value))}" for name, value in values.items())
    return html.escape(f"kb:{action}?{query}")


def my_stars_html(item: DayItem) -> str:
    """The user's own rating as five star characters to click (the current one clears
    it): text, not pictures, which a day of cards lays out faster."""
    mine = item.my_rating or 0
    stars = []
    for n in range(1, 6):
        # The item by its place in the day: a short link (five a card, a day's worth of
        # them is HTML that Qt parses at every day switch).
        target = f"kb:rate?n={item.ordinal}&amp;s={0 if n == mine else n}"
        glyph, css = ("★", "on") if n <= mine else ("☆", "off")
        stars.append(f'<a class="{css}" href="{target}">{glyph}</a>')
    return f'<span class="mine">mine&nbsp;{"".join(stars)}</span>'


def render_cross(item: DayItem) -> str:
    """The other items that feature the same paper or code, and the candidates."""
    lines = []
    for ref in item.cross:
        if ref.kind == "dismissed":
            continue
        where = (
            f'<a href="{kb_url("item", key=ref.key)}">{html.escape(ref.date)} · '
            f"{html.escape(ref.title)}</a>"
        )
        if ref.kind == "candidate":
            pair = {"a": item.key, "b": ref.key}
            why = html.escape("; ".join(ref.reasons))
            lines.append(
                f'<p class="xref">Possibly the same paper as {where} '
                f'<span class="why">({why})</span> '
                f'<a href="{kb_url("decide", **pair, to="confirmed")}">Confirm</a> · '
                f'<a href="{kb_url("decide", **pair, to="dismissed")}">Dismiss</a></p>'
            )
        else:
            mark = " (confirmed)" if ref.kind == "confirmed" else ""
            lines.append(f'<p class="xref">Also featured: {where}{mark}</p>')
    return "".join(lines)


def render_my_links(owner: str, links: list[MyLink]) -> str:
    """My links from and to an item or a paper (`owner`, a target), each with its label
    and a way to remove it."""
    lines = []
    for link in links:
        arrow = "→" if link.outgoing else "←"
        label = f' <span class="why">({html.escape(link.label)})</span>' if link.label else ""
        there = kb_url("open", target=link.target)
        remove = kb_url("unlink", a=owner, b=link.target)
        lines.append(
            f'<p class="xref">{arrow} <a href="{there}">{html.escape(link.shown)}</a>{label} '
            f'<a href="{remove}">Remove</a></p>'
        )
    return f'<p class="field">My links</p>{"".join(lines)}' if lines else ""


def stars_html(count: int, most: int = VIEW.stars) -> str:
    """The author's rating as star characters: one word Qt keeps on one line (pictures
    would each end a line where they fall); past `most`, the count is written."""
    if not count:
        return '<span class="num">☆ 0</span>'
    if count > most:
        return f'<span class="stars">{"★" * most}</span><span class="num"> ×{count:,}</span>'
    return f'<span class="stars">{"★" * count}</span>'


def render_card(
    item: DayItem,
    theme: Mapping[str, str],
    selected: bool = False,
    image_html: ImageHtml | None = None,
    caps: Caps = VIEW,
) -> str:
    """One item as a card: number, title, author's stars, body, link chips, images; at
    most `caps` of them (what was left out is said, with a Show all)."""
    budget = Budget(caps)
    background = theme["card_selected"] if selected else theme["card"]
    border = theme["accent"] if selected else theme["border"]
    number = item.index if item.index is not None else "·"
    select = _select_url(item.key)
    title = html.escape(budget.text(item.title))
    title = anchor(item.article_url, title, css="title")
    removed = ' <span class="removed">(removed from the file)</span>' if item.removed else ""
    body = [
        f'<a name="item-{html.escape(item.key)}"></a>',
        # One table per card: Qt lays out nested tables slowly (a day switch doubles).
        f'<table width="100%" cellspacing="0" cellpadding="12" border="1" bgcolor="{background}"'
        f' style="margin-top: 10px; border-collapse: collapse; border-color: {border};'
        ' border-style: solid;"><tr><td>',
        f'<p class="head"><a class="num" href="{select}">{number}.</a>&nbsp;{title}&nbsp; '
        f"{stars_html(item.author_stars, caps.stars)}&nbsp;&nbsp; {my_stars_html(item)}"
        f"{reading_marks(item, theme)}{removed}</p>",
    ]
    chip_lines = {link.line for link in item.links if _is_chip(link)}
    body += [render_entry(entry, budget) for entry in item.entries if _is_prose(entry, chip_lines)]
    body.append(render_chips(item.links, budget, item.bylines))
    body.append(render_cross(item))
    body.append(render_my_links(f"item:{item.key}", item.my_links))
    if item.note:
        body.append(render_note(item.note))
    images = item.images[: budget.many("pictures", len(item.images), caps.images)]
    body += [(image_html or render_image)(image) for image in images]
    videos = item.videos[: budget.many("videos", len(item.videos), caps.images)]
    body += [render_video(video) for video in videos]
    body.append(_cut_note(item, budget))
    body.append("</td></tr></table>")
    return "".join(body)


def _cut_note(item: DayItem, budget: Budget) -> str:
    """What the caps left out of a card, and the way to the rest."""
    if not budget.cut:
        return ""
    what = html.escape("; ".join(budget.cut))
    if budget.caps is FULL:
        return (
            f'<p class="meta">Even in full, this item is too large to show whole ({what}): '
            "the library and its exports keep every character.</p>"
        )
    return (
        f'<p class="meta">Not all of this item is shown ({what}). '
        f'<a href="kb:expand?n={item.ordinal}">Show all</a></p>'
    )


def _is_chip(link: Link) -> bool:
    return link.field in LINK_FIELDS or link.field == "link"


def _is_prose(entry: Entry, chip_lines: set[int]) -> bool:
    """Shown as text: all but link entries whose links all became chips."""
    is_link_entry = entry.field in LINK_FIELDS or entry.field == "link"
    return not is_link_entry or entry.line not in chip_lines or bool(entry.children)


def render_entry(entry: Entry, budget: Budget | None = None) -> str:
    """An abstract, tips, note, point or paragraph, with its nested points (as many as
    `budget` allows)."""
    budget = budget or Budget()
    text = prose(budget.text(entry.text), budget.caps.brackets) if entry.text else ""
    label = ""
    if entry.field == "abstract":
        label = ""
    elif entry.label:
        label = f'<p class="field">{html.escape(entry.label)}</p>'
    out = label + (f'<p class="body">{text}</p>' if text else "")
    if entry.kind == "bullet" and entry.label is None and text:
        out = f'<p class="body">• {text}</p>'
    if entry.children:
        out += "<ul>" + _points(entry.children, budget, 1) + "</ul>"
    return out


def _points(entries: list[Entry], budget: Budget, depth: int) -> str:
    caps = budget.caps
    if depth > caps.depth:
        budget.cut.append(f"points nested deeper than {caps.depth} levels")
        return ""
    shown = budget.many("points", len(entries), max(caps.points - budget.points, 0))
    budget.points += shown
    return "".join(_point(entry, budget, depth) for entry in entries[:shown])


def _point(entry: Entry, budget: Budget, depth: int) -> str:
    label = f"<b>{html.escape(budget.text(entry.label))}</b>：" if entry.label else ""
    inner = _points(entry.children, budget, depth + 1) if entry.children else ""
    nested = f"<ul>{inner}</ul>" if inner else ""
    return f"<li>{label}{prose(budget.text(entry.text), budget.caps.brackets)}{nested}</li>"


def render_chips(
    links: list[Link], budget: Budget | None = None, bylines: Mapping[str, str] | None = None
) -> str:
    """The links as chips, one a line, each led by its field's icon: at the start of a
    line the icon cannot be left behind at the end of the one before. A paper arXiv
    described has its first author and year after it (`bylines`, by arXiv ID)."""
    budget = budget or Budget()
    bylines = bylines or {}
    chipped = [link for link in links if _is_chip(link)]
    chips: list[str] = []
    for link in chipped[: budget.many("links", len(chipped), budget.caps.links)]:
        name = link.name if link.field == "link" and link.name else FIELD_NAMES[link.field]
        if link.group:
            name += f" {link.group}"
        icon = f'<img src="icon:field-{link.field}" width="14" height="14">'
        text = _chip_link(link)
        note = f" <i>{html.escape(link.note)}</i>" if link.note else ""
        if bylines and link.field == "paper":
            byline = bylines.get(arxiv_id(link.url) or "")
            note += f' <span class="why">· {html.escape(byline)}</span>' if byline else ""
        top = ' style="margin-top: 8px;"' if not chips else ""
        chips.append(
            f'<p class="chip"{top}>{icon}&nbsp;<span class="chip">&nbsp;<b>'
            f"{html.escape(name)}</b>&nbsp;</span> {text}{note}</p>"
        )
    return "".join(chips)


def _chip_link(link: Link) -> str:
    """A chip's link: its text, or its URL shortened, the full URL as the tooltip."""
    raw = link.text or link.url or ""
    if looks_like_url(raw):
        shown = url_text_html(raw)
    else:
        shown = html.escape(raw if len(raw) <= 70 else raw[:67] + "…")
    return anchor(link.url, shown, tooltip=True)


def render_section(
    name: str,
    entries: list[Entry],
    images: list[Image],
    image_html: ImageHtml | None = None,
    videos: list[Video] | None = None,
) -> str:
    budget = Budget()
    body = [f"<h3>{html.escape(budget.text(name))}</h3>"]
    body += [
        render_entry(entry, budget)
        for entry in entries[: budget.many("entries", len(entries), budget.caps.points)]
    ]
    shown = images[: budget.many("pictures", len(images), budget.caps.images)]
    body += [(image_html or render_image)(image) for image in shown]
    videos = videos or []
    body += [
        render_video(v) for v in videos[: budget.many("videos", len(videos), budget.caps.images)]
    ]
    if budget.cut:
        what = html.escape("; ".join(budget.cut))
        body.append(
            f'<p class="meta">Not all of this section is shown ({what}): the library and '
            "its exports keep every character.</p>"
        )
    return "".join(body)
