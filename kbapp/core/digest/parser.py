"""The digest parser: text in, `Digest` out, nothing dropped (`digest-format.md`).

The parser is line-oriented (spec §2): each line is cleaned, classified (heading, item,
media, bullet, text) and attached to the current item or section. Item bodies are
gathered as `Entry` trees; labels, links and diagnostics are worked out when an item
is complete, because a bullet's meaning can depend on its children (`核心点` with no
colon is a label only when points follow).
"""

from __future__ import annotations

import re

from kbapp.core.digest import dates
from kbapp.core.digest.entries import EntryBuilder, finish_entries
from kbapp.core.digest.identities import article_key, normalise_url
from kbapp.core.digest.media import is_media_line, parse_media, strip_media
from kbapp.core.digest.model import Diagnostic, Digest, DigestError, Entry, Item, Section
from kbapp.core.digest.text import (
    INVISIBLE,
    clean_line,
    has_invisible,
    is_compat,
    strip_invisible,
)

ITEMS_SECTION = "今日要点"
INDEX_SECTION = "历史更新"

_H1 = re.compile(r"^#\s+(.*)$")
_H2 = re.compile(r"^##\s+(?::[a-z_]+:\s*)?(.+?)\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_ITEM = re.compile(r"^(\d{1,9})\.\s+\[")
# A star: `:star:`, or ⭐ (U+2B50) or ★ (U+2605), each maybe with a variation selector.
_STAR = ":star:|[\u2b50\u2605][\ufe0e\ufe0f]?"
_UNNUMBERED = re.compile(
    rf"^\s+\[.*\]\(\s*https?://mp\.weixin\.qq\.com[^)]*\)[\s]*(?:(?:{_STAR})\s*)+$"
)
_STAR_CHARS = "\u2b50\u2605"
_SELECTORS = "\ufe0e\ufe0f"
_DIV_CLOSE = re.compile(r"^\s*</div>\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^( *)[-*+](?:\s+(.*))?$")


class _State:
    """What the parser is inside: the top of the file, the items section or another."""

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self.section: Section | None = None  # a non-item section being filled
        self.in_items = False
        self.item: Item | None = None
        self.builder = EntryBuilder(top_indent=4)
        self.open_div: int | None = None  # line of a <div> media block not yet closed
        self.item_last_line = 0
        self.indexes: set[int] = set()  # the numbers of the items so far

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.digest.diagnostics


def parse(text: str, source_path: str | None = None) -> Digest:
    """Parse one digest. Raises `DigestError` only when the text is not a digest."""
    digest = Digest(
        source_path=source_path,
        date="",
        date_source="",
        heading_date=None,
        path_date=dates.from_path(source_path),
        heading_title_text=None,
    )
    state = _State(digest)
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if "\t" in text or any(char in text for char in INVISIBLE):
        first_content = next(
            (n for n, raw in enumerate(lines, 1) if strip_invisible(raw).strip()), 0
        )
        for number, raw in enumerate(lines, 1):
            line = clean_line(raw)
            if has_invisible(line):
                digest.diagnostics.append(Diagnostic("invisible_char_removed", number))
                line = strip_invisible(line)
            if not line.strip():
                continue
            _classify(state, line, number, is_first=number == first_content)
    else:  # the usual file: `clean_line` is a right-trim, and no line has to be cleaned
        first_content = next((n for n, raw in enumerate(lines, 1) if raw.strip()), 0)
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip()
            if line:
                _classify(state, line, number, is_first=number == first_content)
    _close_div(state, None)
    _end_item(state)
    _end_section(state)
    looks_like_digest = digest.is_index or digest.items or _has_items_section(lines)
    if not looks_like_digest and not (digest.heading_date or digest.path_date):
        raise DigestError("not a digest: it has neither a date nor any items")
    _resolve_date(digest)
    if not looks_like_digest:
        raise DigestError("not a digest: it has no 今日要点 section and no numbered items")
    return digest


def _classify(state: _State, line: str, number: int, *, is_first: bool) -> None:
    digest = state.digest
    if is_first and (heading := _H1.match(line)):
        digest.structure.append(number)
        title, date = dates.from_heading(heading.group(1))
        digest.heading_title_text, digest.heading_date = title, date
        if date is None and dates.mentions_date(title):
            digest.diagnostics.append(Diagnostic("invalid_heading_date", number, title))
        return
    first = line[0]
    if first == "#" and (heading := _H2.match(line)):
        _close_div(state, number)
        _end_item(state)
        _end_section(state)
        name = heading.group(1)
        digest.structure.append(number)
        state.in_items = name == ITEMS_SECTION
        if name == INDEX_SECTION:
            digest.is_index = True
        if not state.in_items:
            state.section = Section(name=name, line=number)
            state.builder = EntryBuilder(top_indent=None)
        return
    # Cheap necessary conditions first: most lines are bullets, which match neither.
    numbered = _ITEM.match(line) if first.isdigit() else None
    starts_item = numbered is not None or (
        state.in_items
        and first.isspace()
        and "mp.weixin.qq.com" in line
        and _UNNUMBERED.match(line) is not None
    )
    if starts_item and state.section is None:
        # Items right after the rule count even without a 今日要点 heading; inside
        # another section a numbered link is that section's own text.
        state.in_items = True
        _close_div(state, number)
        _end_item(state)
        _start_item(state, line, number, numbered)
        return
    if "<" in line or "![" in line:  # what a `</div>` or a media line needs
        if "</" in line and _DIV_CLOSE.match(line):
            digest.structure.append(number)
            state.open_div = None
            return
        if is_media_line(line):
            _close_div(state, number)
            _add_media(state, line, number)
            line = strip_media(line)  # text beside a tag on the same line is kept too
            if not line.strip():
                return
        elif state.open_div is not None:
            _close_div(state, number)
    elif state.open_div is not None:
        _close_div(state, number)
    if not state.in_items and state.section is None and _RULE.match(line):
        digest.structure.append(number)
        return
    state.item_last_line = number
    bullet = _BULLET.match(line)
    if bullet:
        indent, content = bullet.groups()
        if content is None or not (content := content.strip()):
            digest.structure.append(number)  # an empty bullet: valid and ignored
            return
        state.builder.bullet(len(indent), content, number, line)
    else:
        state.builder.paragraph(line.strip(), number)


def _start_item(state: _State, line: str, number: int, numbered: re.Match[str] | None) -> None:
    """A new item from its head line (`numbered`: the line's `_ITEM` match, if any)."""
    digest = state.digest
    index = int(numbered.group(1)) if numbered else None
    head = line[numbered.end() - 1 :] if numbered else line.strip()
    content, tokens = _trailing_stars(head)
    stars = len(tokens)
    stars_raw, head = head[len(content) :], content
    link_at = head.rfind("](")
    close = head.rfind(")")
    if link_at > 0 and close > link_at:
        title, url_raw, extra = head[1:link_at], head[link_at + 2 : close], head[close + 1 :]
    else:
        title, url_raw, extra = head.lstrip("[").rstrip("]"), "", ""
    url = normalise_url(url_raw)
    item = Item(
        ordinal=len(digest.items) + 1,
        index=index,
        line_start=number,
        line_end=number,
        title=title.strip(),
        article_url_raw=url_raw,
        article_url=url,
        article_key=article_key(url),
        stars=stars,
        stars_raw=stars_raw,
    )
    if extra.strip():
        item.entries.append(Entry(extra.strip(), number, kind="paragraph", field="head_extra"))
    if index is None:
        digest.diagnostics.append(Diagnostic("unnumbered_item", number, item.title))
    elif index in state.indexes:
        digest.diagnostics.append(Diagnostic("duplicate_index", number, str(index)))
    if stars == 0:
        digest.diagnostics.append(Diagnostic("missing_stars", number, item.title))
    if tokens.count(":star:") != stars:  # a ⭐ or ★ among them
        digest.diagnostics.append(Diagnostic("unicode_stars", number, _stars_detail(tokens)))
    if is_compat(item.title):
        digest.diagnostics.append(Diagnostic("compat_char_normalised", number, "title"))
    if index is not None:
        state.indexes.add(index)
    state.item = item
    state.item_last_line = number
    state.builder = EntryBuilder(top_indent=max(4, len(str(index)) + 2) if index else 4)
    digest.items.append(item)


def _trailing_stars(head: str) -> tuple[str, list[str]]:
    """The head without the run of stars (and spaces) that ends it, and those stars in
    order. Taken from the right: a regular expression for the run tried every position
    of the head."""
    content = head.rstrip()
    tokens: list[str] = []
    while content:
        last = content[-1]
        if content.endswith(":star:"):
            size = 6
        elif last in _STAR_CHARS:
            size = 1
        elif last in _SELECTORS and len(content) > 1 and content[-2] in _STAR_CHARS:
            size = 2
        else:
            break
        tokens.append(content[-size:])
        content = content[:-size].rstrip()
    tokens.reverse()
    return content, tokens


def _stars_detail(tokens: list[str]) -> str:
    """`stars written as ⭐ (U+2B50) counted as 3 stars`: each form, in order met."""
    forms = [
        token if token == ":star:" else f"{token} ({' '.join(f'U+{ord(c):04X}' for c in token)})"
        for token in dict.fromkeys(tokens)
    ]
    shown = forms[0] if len(forms) == 1 else ", ".join(forms[:-1]) + " and " + forms[-1]
    noun = "star" if len(tokens) == 1 else "stars"
    return f"stars written as {shown} counted as {len(tokens)} {noun}"


def _end_item(state: _State) -> None:
    item = state.item
    if item is None:
        if state.section is None:  # an open section keeps its own entries
            _flush_preamble(state)
        return
    item.entries.extend(state.builder.roots)
    item.line_end = max(state.item_last_line, item.line_end)
    finish_entries(item.entries, state.diagnostics)
    if not item.entries and not item.images and not item.videos:
        state.diagnostics.append(Diagnostic("item_without_body", item.line_start, item.title))
    if not any(e.field == "abstract" for e in item.entries):
        paragraph = next((e for e in item.entries if e.kind == "paragraph" and not e.label), None)
        if paragraph is not None:
            item.flags.append("abstract_from_paragraph")
            state.diagnostics.append(Diagnostic("abstract_from_paragraph", paragraph.line))
    state.item = None
    state.builder = EntryBuilder(top_indent=4)


def _flush_preamble(state: _State) -> None:
    """Text outside items and sections: the file's preamble, or an items-section lead."""
    roots = state.builder.roots
    if not roots:
        return
    finish_entries(roots, state.diagnostics)
    if state.in_items:
        _items_lead(state).entries.extend(roots)
    else:
        state.digest.preamble.extend(roots)
    state.builder = EntryBuilder(top_indent=4)


def _items_lead(state: _State) -> Section:
    """The 今日要点 section as a Section, for content before its first item."""
    for section in state.digest.sections:
        if section.name == ITEMS_SECTION:
            return section
    section = Section(name=ITEMS_SECTION, line=0)
    state.digest.sections.append(section)
    return section


def _end_section(state: _State) -> None:
    section = state.section
    if section is None:
        _flush_preamble(state)
        return
    section.entries.extend(state.builder.roots)
    finish_entries(section.entries, state.diagnostics)
    state.digest.sections.append(section)
    state.section = None
    state.builder = EntryBuilder(top_indent=4)


def _add_media(state: _State, line: str, number: int) -> None:
    in_div = line.lstrip().lower().startswith("<div")
    images, videos = parse_media(line, number, in_div)
    if in_div and "</div>" not in line.lower():
        state.open_div = number
    for image in images:
        if "truncated_query" in image.flags:
            state.diagnostics.append(Diagnostic("truncated_query", number, image.src_raw))
    if state.item is not None:
        target_images, target_videos = state.item.images, state.item.videos
        state.item_last_line = number
    elif state.section is not None:
        target_images, target_videos = state.section.images, state.section.videos
    else:
        lead = _items_lead(state) if state.in_items else _preamble_section(state)
        target_images, target_videos = lead.images, lead.videos
    target_images.extend(images)
    target_videos.extend(videos)


def _preamble_section(state: _State) -> Section:
    section = Section(name="", line=0)
    state.digest.sections.append(section)
    return section


def _close_div(state: _State, number: int | None) -> None:
    """A `<div>` media block still open when other content (or the end) arrives."""
    if state.open_div is not None:
        state.diagnostics.append(Diagnostic("unclosed_div", state.open_div))
        state.open_div = None


def _resolve_date(digest: Digest) -> None:
    """Heading first, then the path (spec §8); an index is dated by its 今日 line."""
    heading, path = digest.heading_date, digest.path_date
    if heading:
        digest.date, digest.date_source = heading, "heading"
        if path and path != heading:
            digest.diagnostics.append(Diagnostic("date_conflict", 1, f"{heading} vs {path}"))
    elif path:
        digest.date, digest.date_source = path, "path"
    elif digest.is_index:
        digest.date, digest.date_source = dates.from_index(digest.preamble) or "", "index"
    else:
        raise DigestError(
            "no date: the first line has no （Y.M.D） date and the path is not notes/YYYYMM/MMDD.md"
        )


def _has_items_section(lines: list[str]) -> bool:
    return any(_H2.match(clean_line(line)) and ITEMS_SECTION in line for line in lines)
