"""Finding links in an entry's value: markdown links, bare URLs, their notes (spec §4.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kbapp.core.digest.identities import normalise_url, url_kind
from kbapp.core.digest.model import Diagnostic, Link

_BARE_URL = re.compile(r"(?:https?:\s?//|www\.)[!-~]+", re.IGNORECASE)
_MAYBE_URL = re.compile(r"https?:|www\.", re.IGNORECASE)
_LOOKS_LIKE_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_NOTE_TRIM = " \t:：*"


@dataclass(slots=True)
class Found:
    text: str
    url_raw: str
    start: int
    end: int
    markdown: bool = True


_BRACKETS = {"[": re.compile(r"[\[\]]"), "(": re.compile(r"[()]")}


def _match_close(value: str, start: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at `start`, or -1 (nesting allowed). Only
    the brackets are visited (a regular expression finds each), not every character."""
    depth = 0
    for match in _BRACKETS[open_].finditer(value, start):
        if match.group() == open_:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.start()
    return -1


def markdown_links(value: str) -> list[Found]:
    """`[text](url)` links, with brackets inside the text (`[[论文翻译]…](…)`)."""
    if "](" not in value:
        return []
    found: list[Found] = []
    pos = 0
    while (start := value.find("[", pos)) >= 0:
        close = _match_close(value, start, "[", "]")
        if close < 0:
            break
        if close + 1 < len(value) and value[close + 1] == "(":
            end = _match_close(value, close + 1, "(", ")")
            if end > 0:
                found.append(
                    Found(value[start + 1 : close], value[close + 2 : end], start, end + 1)
                )
                pos = end + 1
                continue
        pos = start + 1
    return found


def _trim_bare(url: str) -> str:
    url = url.rstrip("*_,.;!?'\"")
    # A closing parenthesis belongs to the URL only when it opens one too.
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def bare_urls(value: str, taken: list[Found]) -> list[Found]:
    """Bare `http(s)://` and `www.` URLs outside the markdown links already found."""
    if not _MAYBE_URL.search(value):
        return []
    text = value
    if taken:  # each markdown link blanked out (they come in order, none overlapping)
        pieces: list[str] = []
        at = 0
        for link in taken:
            pieces += (value[at : link.start], " " * (link.end - link.start))
            at = link.end
        pieces.append(value[at:])
        text = "".join(pieces)
    found = []
    for match in _BARE_URL.finditer(text):
        url = _trim_bare(match.group(0))
        found.append(Found("", url, match.start(), match.start() + len(url), markdown=False))
    return found


def may_hold_links(value: str) -> bool:
    """False when `find_links` would find nothing: no `](` and nothing URL-shaped."""
    return "](" in value or _MAYBE_URL.search(value) is not None


# A value that is one markdown link and nothing else, without brackets inside: most
# link values. What `markdown_links` finds in it is this one link, and `bare_urls` nothing
# (the link blanked out leaves only spaces).
_ONE_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()]*)\)")


def find_links(value: str) -> list[Found]:
    if value[:1] == "[" and (one := _ONE_LINK.fullmatch(value)):
        return [Found(one.group(1), one.group(2), 0, len(value))]
    links = markdown_links(value)
    bare = bare_urls(value, links)
    if bare:  # the markdown links come in order already
        links += bare
        links.sort(key=lambda link: link.start)
    return links


def build_links(
    value: str,
    *,
    field: str,
    line: int,
    diagnostics: list[Diagnostic],
    label: str | None = None,
    name: str | None = None,
    group: int | None = None,
    context: str | None = None,
) -> list[Link]:
    """The `Link`s of one value, each with its normalised URL, kind and trailing note."""
    links: list[Link] = []
    for text, url_raw, url, kind, note, problems in _analysed(value):
        for code, detail in problems:
            diagnostics.append(Diagnostic(code, line, detail))
        links.append(Link(field, text, url_raw, url, kind, line, label, name, group, note, context))
    return links


# (text, url_raw, url, url_kind, note, ((diagnostic code, detail), ...)) of one link
_Analysed = tuple[str, str, str | None, str, str | None, tuple[tuple[str, str], ...]]


@lru_cache(maxsize=8192)
def _analysed(value: str) -> tuple[_Analysed, ...]:
    """What `build_links` makes of a value, the parts that depend on the value alone:
    cached, as the same links (a repository, a paper) come back day after day."""
    found = find_links(value)
    links: list[_Analysed] = []
    for number, item in enumerate(found):
        following = found[number + 1].start if number + 1 < len(found) else len(value)
        note = value[item.end : following].strip(_NOTE_TRIM) or None
        url = normalise_url(item.url_raw)
        text = item.text.strip()
        problems = _check(text, item.url_raw, url)
        if item.markdown and not text:
            problems.append(("empty_link_text", item.url_raw))
        links.append((text, item.url_raw, url, url_kind(url), note, tuple(problems)))
    return tuple(links)


def _check(text: str, raw: str, url: str | None) -> list[tuple[str, str]]:
    """The (diagnostic code, detail) pairs a link earns (spec §4.5)."""
    if not raw.strip():
        return [("empty_link_url", text)]
    problems = []
    if raw != raw.strip():
        problems.append(("url_whitespace", raw))
    if url and url != raw.strip() and not url.startswith("mailto:"):
        problems.append(("url_without_scheme", raw.strip()))
    if _LOOKS_LIKE_URL.match(text) and url and _same(text) != _same(url):
        problems.append(("text_href_mismatch", f"{text} -> {url}"))
    return problems


def _same(url: str) -> str:
    return url.strip().rstrip("/").lower()
