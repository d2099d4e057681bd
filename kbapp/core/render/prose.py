"""Digest text as inline HTML: markdown with raw HTML shown as text, links as links, and
URLs shown as text shortened to their host and path tail.

Every character of the text is escaped before markdown sees it (`markup`); a link's
address never meets markdown at all: markdown gets a token in its place and the link's
HTML is written here (`links.anchor`), so that a URL with `<h1>` or `"` in it is an
address, not markup. Titles are escaped elsewhere, never passed here (`1*1` in a title
is not emphasis).
"""

from __future__ import annotations

import html
import re

from kbapp.core.digest.identities import normalise_url
from kbapp.core.digest.links import Found, find_links
from kbapp.core.render.caps import VIEW, too_nested
from kbapp.core.render.links import anchor
from kbapp.core.render.markup import convert, prose_converter

# Text with none of these has no markdown in it: it is escaped, not converted (most
# abstracts; markdown costs ~0.1 ms a call and ~25 ms to import at start-up).
_MARKUP = re.compile(r"[*_`\[\]<>&\\#!\n]|^\s|^[-+]\s|^\d+[.)]\s|https?:|www\.", re.IGNORECASE)
# What markdown gets in a link's place: an entity of no HTML, which markdown passes on as
# it is and the text cannot hold (its own `&` reaches markdown as `&amp;`).
_ADDRESS = "&kbl{};"  # the address of the link numbered so: `[label](&kbl0;)`
_BARE = "&kbu{};"  # a bare URL, the whole link
_TOKEN = re.compile(r"&kbl(\d+);|&kbu(\d+);")
_MADE_LINK = re.compile(r'<a href="&kbl(\d+);">(.*?)</a>', re.DOTALL)
_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)  # as markdown reads it
_RULE_LINE = re.compile(r"^( {0,3})([-*_])(?=(?: *\2){2,} *$)", re.MULTILINE)  # `* * *`

# A link whose URL has only these characters comes out of markdown as `href="URL"` with
# `&` escaped: no quotes (a title), parentheses or brackets (nesting), spaces or markup.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&+,;=%]+", re.IGNORECASE)
_INLINE_MARKUP = re.compile(r"[*_`\[\]<>&\\#!\n]|https?:|www\.", re.IGNORECASE)  # mid-line
_LABEL_MARKUP = re.compile(r"[*_`\[\]<>&\\#!\n]")  # a URL as a link's text stays text


def prose(text: str, nesting: int = VIEW.brackets) -> str:
    """Inline markdown of a text from a digest, with raw HTML shown as text. Brackets
    nested deeper than `nesting` make it plain text: markdown's time grows with the
    square of the depth (70,000 levels: minutes)."""
    if not _MARKUP.search(text) or too_nested(text, nesting):
        return html.escape(text, quote=False)
    links = find_links(text)
    plain = _plain_links(text, links)
    return short_url_texts(plain if plain is not None else markdown_prose(text, links))


def markdown_prose(text: str, links: list[Found]) -> str:
    """`prose` by the markdown package, the links' addresses kept from it (tokens)."""
    pieces: list[str] = []
    targets: list[tuple[str, str]] = []  # each link's address and its URL as written
    pos = 0
    for found in _outside_code(text, links):
        pieces.append(_escaped(text[pos : found.start]))
        end = found.end
        if found.markdown:
            written = url = found.url_raw.strip()
            if url.startswith("<") and url.endswith(">"):  # `[label](<url>)`
                url = url[1:-1]
            url = url.replace(" ", "%20")
            label = md_text(found.text.strip()) if found.text.strip() else md_literal(url)
            pieces.append(f"[{label}]({_ADDRESS.format(len(targets))})")
            targets.append((url or "#", written))
        else:
            url = found.url_raw.strip()
            if url.endswith(">") and text[found.start - 1 : found.start] == "<":  # `<url>`
                url, end = url[:-1], end - 1
            pieces.append(_BARE.format(len(targets)))
            targets.append((normalise_url(url) or url, url))
        pos = end
    pieces.append(_escaped(text[pos:]))
    # A line that is a rule's characters (`* * *`) is text: no rule, no list of lists.
    out = convert(prose_converter(), _RULE_LINE.sub(r"\1\\\2", "".join(pieces)))
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return _links_in(out, targets)


def _outside_code(text: str, links: list[Found]) -> list[Found]:
    """The links not inside a code span: in one, a URL is code like the rest."""
    if "`" not in text:
        return links
    spans = [(span.start(), span.end()) for span in _CODE_SPAN.finditer(text)]
    kept, next_span = [], 0
    for link in links:  # both in text order; code spans do not overlap
        while next_span < len(spans) and spans[next_span][1] <= link.start:
            next_span += 1
        if next_span == len(spans) or link.end <= spans[next_span][0]:
            kept.append(link)
    return kept


def _links_in(out: str, targets: list[tuple[str, str]]) -> str:
    """Markdown's output with each link's token replaced by the link: a link in a code
    span is its text; a markdown link markdown did not take is its text too."""

    def text(found: re.Match[str]) -> str:
        return html.escape(targets[int(found.group(1) or found.group(2))][1], quote=False)

    def link(found: re.Match[str]) -> str:
        if found.group(1) is not None:
            return text(found)
        href, written = targets[int(found.group(2))]
        return anchor(href, html.escape(written, quote=False))

    if "<code>" in out:
        out = _CODE.sub(lambda code: _TOKEN.sub(text, code.group(0)), out)
    out = _MADE_LINK.sub(lambda made: anchor(targets[int(made.group(1))][0], made.group(2)), out)
    return _TOKEN.sub(link, out)


def _plain_links(text: str, links: list[Found]) -> str | None:
    """The HTML markdown makes of a text that is plain words and simple links, without
    loading markdown (~25 ms at start-up, 0.1 ms a call); None for anything else.
    `tests/core/render/test_day.py` holds it equal to markdown's output on every text of
    the corpus and on generated ones."""
    if not links or text[-1:].isspace():
        return None
    out: list[str] = []
    pos = 0
    for found in links:
        url = found.url_raw.strip()
        label = found.text.strip() or url if found.markdown else url
        gap = text[pos : found.start]
        if (
            (_MARKUP if pos == 0 else _INLINE_MARKUP).search(gap)
            or not _PLAIN_URL.fullmatch(url)
            or (found.markdown and _LABEL_MARKUP.search(label))
        ):
            return None
        href = url.replace("&", "&amp;")
        out.append(f'{gap}<a href="{href}">{label if found.markdown else href}</a>')
        pos = found.end
    rest = text[pos:]
    if _INLINE_MARKUP.search(rest):
        return None
    out.append(rest)
    return "".join(out)


def _escaped(text: str) -> str:
    """Digest text for markdown: HTML-escaped (quotes are harmless outside a tag)."""
    return html.escape(text, quote=False)


def md_text(text: str) -> str:
    """Text for a markdown link label: escaped, its brackets and backslashes literal."""
    return _escaped(text.replace("\\", "\\\\")).replace("[", "\\[").replace("]", "\\]")


def md_literal(text: str) -> str:
    """Text markdown shows as it is: escaped, every character markdown reads escaped."""
    return _escaped(_MD_SPECIAL.sub(r"\\\1", text))


# -- URLs shown as text ---------------------------------------------------------------

SHORT_URL = 40  # characters of a URL shown as text, scheme left out
WORD_JOINER = "\u2060"
_SCHEME = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)
_URL_TEXT = re.compile(r"^(?:(?:https?|ftp)://|www\.)\S+$", re.IGNORECASE)
_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


def looks_like_url(text: str) -> bool:
    return bool(_URL_TEXT.match(text.strip()))


def short_url(url: str, limit: int = SHORT_URL) -> str:
    """A URL as a reader reads it: no scheme, and past `limit` characters its host and
    path tail around an ellipsis (`github.com/…/master/readme.md`); a query that does
    not fit is cut to `…`."""
    text = _SCHEME.sub("", url.strip()).rstrip("/")
    if len(text) <= limit:
        return text
    host, _, rest = text.partition("/")
    path = re.split(r"[?#]", rest, maxsplit=1)[0].strip("/")
    if len(host) + 1 + len(path) < limit:  # only the query is long
        return f"{host}/{path}…" if path else f"{host}/…"
    segments = path.split("/")
    room = max(8, limit - len(host) - 3)  # after "host/…/"
    tail = "/".join(segments[-2:])
    if len(tail) > room:
        tail = segments[-1]
    if len(tail) > room:  # one long last segment: keep its end
        return f"{host}/…{tail[-room:]}"
    return f"{host}/…/{tail}"


def unbreakable(text: str) -> str:
    """`text` with a word joiner after each `/` and `-`, the places Qt would otherwise
    break a URL at the end of a line (a span's `white-space: nowrap` is ignored)."""
    return text.replace("/", "/" + WORD_JOINER).replace("-", "-" + WORD_JOINER)


def url_text_html(url: str, text: str | None = None) -> str:
    """The text of a link whose text is a URL, escaped: short and in one piece."""
    return html.escape(unbreakable(short_url(text or url)), quote=False)


def short_url_texts(out: str) -> str:
    """Links in `out` whose text is a URL show it short; the full URL stays the href
    and becomes the link's title (its tooltip)."""
    if "<a " not in out:
        return out

    def shorten(found: re.Match[str]) -> str:
        href, text = found.group(1), html.unescape(found.group(2))
        if not looks_like_url(text):
            return found.group(0)
        title = html.escape(html.unescape(href))
        return f'<a href="{href}" title="{title}">{url_text_html(href, text)}</a>'

    return _LINK.sub(shorten, out)
