"""Digest text is text (issue 19): raw HTML and CSS anywhere in a digest (the day's
title, an item's title, an abstract, a tip, a point, a link's label or address, a bare
URL, a code span, a label the parser does not know, a line it does not know, a section
heading) and in my notes reaches the reader as text, never as markup.

Each hostile day goes the importer's way into a library and is rendered by the real
renderer; its HTML is read back by `html.parser` (and by Qt, the real reader): only the
elements, attributes and link schemes the renderer writes itself, and every character
of the digest still on screen (kbapp is lossless: what it does not know it shows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kbapp.core.day import CrossRef, Day, MyLink
from kbapp.core.importer import import_paths
from kbapp.core.render.caps import FULL
from kbapp.core.render.day import LIGHT, render_card, render_day, stylesheet
from kbapp.core.render.links import REFUSED as WHY
from kbapp.core.render.papers import render_paper
from kbapp.core.render.prose import WORD_JOINER
from kbapp.core.store.library import Library
from kbapp.core.store.papers import PaperRow

PAYLOADS = [
    "<h1>big</h1>",
    "<style>body{font-size:2pt;color:white}</style>",
    "<table><tr><td>cell</td></tr></table>",
    "<script>alert(1)</script>",
    '<iframe src="evil.example"></iframe>',
    "<!-- hidden -->",
    "<b>bold</b><i>it</i><u>u</u><font size=1>f</font>",
    '<a href="javascript:alert(1)">js</a>',
    "<img onerror=alert(1)>",  # no src: not a picture line but text
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "&lt;h1&gt; &amp; &#60;b&#62;",  # entities are text too: shown as written
    "&kbu0; &kbl0; \ue000",  # no text stands for a link the renderer makes
    "</td></tr></table></body><p>",
]

# Each text position starts with its own letter, so that each is checked on its own.
DIGEST = """\
# 公众号内容拓展学习笔记 H {p}（2024.5.{n}）

------

## :paperclip:  今日要点

1. [T {p}](https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAA{n:02d}) :star::star:
   - Abstract: A {p} then https://x.org/U{p} and [L {p}](https://x.org/h{p}) end
   - Paper: [P {p}](https://arxiv.org/abs/2108.11515)
   - Code: https://x.org/C{p}
   - Demo: [D](https://x.org/d{p})
   - Tips: I {p}
     - N {p}
       - E {p} `K {p}` **B {p}**
   - 未知：Q {p}
   - R {p}
X {p}

## S {p}

- O {p}
"""
TEXTS = "HTAILPINEKBQRXSOMWFGYZV"  # every letter that leads a text (the rest: addresses)
URLS = "UhCd"  # the letters of the addresses: each an href carrying the payload
SCHEMES_DAY = """\
# 公众号内容拓展学习笔记（2024.6.1）

------

## :paperclip:  今日要点

1. [J title](javascript:alert(1)) :star:
   - Abstract: see www.x.org/W<h1>w</h1> and https: //x.org/S<b>s</b> and *https://x.org/I<i>i</i>* and [js](javascript:alert(2)) [f](file:///etc/passwd) [dt](data:text/html,<b>x</b>) [kb](kb:unlink?a=forged&b=forged) `https://x.org/K<b>k</b>`
   - Demo: [demo](javascript:alert(3))
   - Video: [v](file:///etc/passwd)
   - Reading: [r](kb:rate?n=1&s=5&forged=1)
   - Code: [https://x.org/"onmouseover="alert(4)](https://x.org/"onmouseover="alert(4))
<div align=center><img src=file:///etc/passwd onerror=alert(5) style='zoom:100%'></div>
<video src="javascript:alert(6)" onclick="alert(7)">

## :paperclip:  Others

- [1]: https://x.org/R<b>r</b>
- # heading
- * * *
- x ![i](https://x.org/p.png 'y') y
"""
REFUSED = ["javascript:alert(1)", "javascript:alert(2)", "file:///etc/passwd",
           "data:text/html,<b>x</b>", "kb:unlink?a=forged&b=forged", "javascript:alert(3)",
           "kb:rate?n=1&s=5&forged=1", "javascript:alert(6)", "javascript:alert(8)"]  # fmt: skip

# What the renderer writes: element -> its attributes. `em` and `div` (markdown's
# emphasis, the note box) and `span title` (a link refused) are not in the corpus.
RENDERER_MARKUP: dict[str, set[str]] = {
    "html": set(), "head": set(), "style": set(), "body": set(), "h1": set(), "h3": set(),
    "table": {"width", "cellspacing", "cellpadding", "border", "bgcolor", "style"},
    "tr": set(), "td": set(),
    "p": {"class", "style", "align"}, "div": {"class"},
    "a": {"href", "class", "title", "name"}, "span": {"class", "title"},
    "img": {"src", "width", "height"}, "br": set(),
    "b": set(), "i": set(), "strong": set(), "em": set(), "code": set(),
    "ul": set(), "ol": set(), "li": set(),
}  # fmt: skip
NOT_IN_THE_CORPUS = {"em", "div"}
CLASSES = {"meta", "head", "num", "title", "field", "body", "chip", "stars", "muted", "removed",
           "mine", "on", "off", "xref", "why", "note", "placeholder", "video"}  # fmt: skip
KB_LINKS = ("kb:select/", "kb:rate?n=", "kb:expand?n=", "kb:item?key=", "kb:decide?a=",
            "kb:open?target=", "kb:unlink?a=", "kb:resolve?q=", "kb:day?date=")  # fmt: skip
LINK_SCHEMES = {"http", "https", "mailto"}


class Page(HTMLParser):
    """An HTML page as its elements, its visible text and its stylesheet."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self.other: list[str] = []  # comments, declarations, <?...>
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.texts).append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"<?{data}>")

    @property
    def text(self) -> str:
        return "".join(self.texts).replace(WORD_JOINER, "")

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.elements if name == tag)

    def values(self, attribute: str) -> list[str]:
        return [attrs[attribute] for _, attrs in self.elements if attribute in attrs]


def _scheme(url: str) -> str | None:
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return found.group(1).lower() if found else None


def assert_only_renderer_markup(page: Page, cards: int, sections: int) -> None:
    """(a) elements and attributes only the renderer's, with values it writes, (b) its
    structure once (one stylesheet, one heading, a table a card), (d) links only of the
    schemes it follows and in-app links only of its own making."""
    assert page.other == []
    for tag, attrs in page.elements:
        assert tag in RENDERER_MARKUP, (tag, attrs)
        assert set(attrs) <= RENDERER_MARKUP[tag], (tag, attrs)
        assert set(attrs.get("class", "").split()) <= CLASSES, (tag, attrs)
        assert attrs.get("align", "center") == "center", attrs
        assert attrs.get("src", "icon:").startswith("icon:"), attrs
        assert attrs.get("name", "item-").startswith("item-"), attrs
        for size in ("width", "height", "cellspacing", "cellpadding", "border"):
            assert re.fullmatch(r"\d+%?", attrs.get(size, "1")), attrs
        assert attrs.get("bgcolor", LIGHT["card"]) in LIGHT.values(), attrs
        style = attrs.get("style", "margin-top: 8px;")
        assert style == "margin-top: 8px;" or style.startswith("margin-top: 10px;"), attrs
        assert re.fullmatch(r"[a-z0-9#:; -]*", style), attrs
    assert page.styles == [stylesheet(LIGHT)]  # the renderer's stylesheet, no other CSS
    for tag in ("html", "head", "style", "body", "h1"):
        assert page.count(tag) == 1, tag
    assert page.count("table") == page.count("tr") == page.count("td") == cards
    assert page.count("h3") == sections
    for href in page.values("href"):
        scheme = _scheme(href)
        if scheme is None:  # a link the reader never follows (`#`, a relative address)
            assert ":" not in re.split(r"[/?#]", href, maxsplit=1)[0], href
        elif scheme == "kb":
            assert href.startswith(KB_LINKS) and "forged" not in href, href
        else:
            assert scheme in LINK_SCHEMES, href


# -- the hostile days -----------------------------------------------------------------


@dataclass
class Rendered:
    day: Day
    html: str

    @property
    def page(self) -> Page:
        return Page(self.html)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Rendered]]:
    """Every hostile day, by its payload (and "schemes"), rendered with a note, cross
    references and my links on its first item, and that item's card in full."""
    root = tmp_path_factory.mktemp("hostile")
    paths = []
    for n, payload in enumerate(PAYLOADS, 1):
        paths.append(root / "notes" / "202405" / f"05{n:02d}.md")
        paths[-1].parent.mkdir(parents=True, exist_ok=True)
        paths[-1].write_text(DIGEST.format(p=payload, n=n), encoding="utf-8")
    paths.append(root / "notes" / "202406" / "0601.md")
    paths[-1].parent.mkdir(parents=True)
    paths[-1].write_text(SCHEMES_DAY, encoding="utf-8")
    out: dict[str, Rendered] = {}
    with Library(root / "lib.sqlite") as library:
        import_paths(library, paths)
        for n, payload in enumerate([*PAYLOADS, "schemes"], 1):
            date = f"2024-05-{n:02d}" if payload != "schemes" else "2024-06-01"
            first = library.days.day(date)
            assert first is not None, payload
            note = f"M {payload} [[W {payload}]] [note js](javascript:alert(8))"
            library.user.set_note(first.items[0].key, note)
            day = library.days.day(date)
            assert day is not None
            item = day.items[0]
            item.cross = [
                CrossRef("same", "k1", "2024-01-01", f"F {payload}"),
                CrossRef("candidate", "k2", "2024-01-02", f"G {payload}", (f"Y {payload}",)),
            ]
            item.my_links = [MyLink("item:k3", f"Z {payload}", f"V {payload}", True)]
            out[payload] = Rendered(day, render_day(day) + render_card(item, LIGHT, caps=FULL))
    yield out


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_day_has_only_the_renderers_markup(
    rendered: dict[str, Rendered], payload: str
) -> None:
    day, page = rendered[payload].day, rendered[payload].page
    assert_only_renderer_markup(page, len(day.items) + 1, sum(1 for s in day.sections if s.name))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_character_of_a_hostile_text_is_shown(
    rendered: dict[str, Rendered], payload: str
) -> None:
    text = rendered[payload].page.text
    missing = [letter for letter in TEXTS if f"{letter} {payload}" not in text]
    assert missing == [], (missing, text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_address_is_the_links_address_as_written(
    rendered: dict[str, Rendered], payload: str
) -> None:
    hrefs = [href.replace("%20", " ") for href in rendered[payload].page.values("href")]
    for letter in URLS:
        written = f"https://x.org/{letter}{payload}"
        # (a bare URL ends where the parser ends it: at a space, before a final quote)
        assert any(written.startswith(h) for h in hrefs if h[14:15] == letter), (letter, hrefs)


def test_qt_shows_every_hostile_text_in_the_renderers_fonts(
    qapp: object, rendered: dict[str, Rendered]
) -> None:
    """Qt, the real reader, shows each text, and no CSS of a digest's sizes or colours it."""
    from PySide6.QtGui import QTextDocument

    for payload in PAYLOADS:
        document = QTextDocument()
        document.setHtml(rendered[payload].html)
        text = document.toPlainText().replace(WORD_JOINER, "")
        assert [letter for letter in TEXTS if f"{letter} {payload}" not in text] == [], payload
        sizes, colours = set(), set()
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                char = fragments.fragment().charFormat()
                sizes.add(char.fontPointSize())
                colours.add(char.foreground().color().name())
                fragments += 1
            block = block.next()
        assert min(size for size in sizes if size) >= 9, (payload, sizes)
        assert "#ffffff" not in colours, payload


def test_links_of_other_schemes_are_shown_not_linked(rendered: dict[str, Rendered]) -> None:
    day, page = rendered["schemes"].day, rendered["schemes"].page
    assert_only_renderer_markup(page, len(day.items) + 1, sum(1 for s in day.sections if s.name))
    titles = page.values("title")
    for address in REFUSED:  # kept, as the tooltip of the text it was the link of
        assert f"{address} ({WHY})" in titles, address
    text = page.text
    for shown in ("J title", "js", "f", "dt", "kb", "demo", "v", "r", "▶", "note js"):
        assert shown in text, shown


def test_bare_urls_of_every_form_are_links_their_text_shown(rendered: dict[str, Rendered]) -> None:
    page = rendered["schemes"].page
    hrefs, text = page.values("href"), page.text
    for href, shown in (
        ("https://www.x.org/W<h1>w</h1>", "www.x.org/W<h1>w</h1>"),
        ("https://x.org/S<b>s</b>", "https: //x.org/S<b>s</b>"),
        ("https://x.org/I<i>i</i>", "x.org/I<i>i</i>"),
        ('https://x.org/"onmouseover="alert(4)', 'x.org/"onmouseover="alert(4)'),
    ):
        assert href in hrefs, (href, hrefs)
        assert shown in text, (shown, text)
    assert "https://x.org/K<b>k</b>" in text  # in a code span: text, not a link


def test_markdown_of_a_digest_makes_no_heading_rule_or_picture(
    rendered: dict[str, Rendered],
) -> None:
    page = rendered["schemes"].page
    text = page.text
    assert "[1]: x.org/R<b>r</b>" in text  # a reference definition is not dropped
    assert "# heading" in text
    assert "* * *" in text
    assert "x ![i](https://x.org/p.png 'y') y" in text  # not a picture


def test_a_papers_page_has_only_the_renderers_markup() -> None:
    for payload in PAYLOADS:
        row = PaperRow(
            key=f"doi:10.1000/D{payload}",
            title=f"T {payload}",
            first="2024-05-01",
            last="2024-05-02",
            times=2,
            mine=3,
            has_note=True,
            has_code=True,
            items=(("2024-05-01", "k1", f"I {payload}"),),
            repos=(f"o/R{payload}",),
        )
        mine = [MyLink("item:k1", f"Z {payload}", f"V {payload}", False)]
        page = Page(render_paper(row, f"M {payload} [[W {payload}]]", LIGHT, mine))
        assert_only_renderer_markup(page, 0, 0)
        shown = [f"{letter} {payload}" for letter in "TIMWZV"] + [f"D{payload}", f"R{payload}"]
        assert [text for text in shown if text not in page.text] == [], (payload, page.text)


# -- the allow-set is the corpus's own --------------------------------------------------


def test_the_corpus_renders_to_exactly_the_renderers_markup(corpus: Path, tmp_path: Path) -> None:
    seen: dict[str, set[str]] = {}
    with Library(tmp_path / "lib.sqlite") as library:
        import_paths(library, sorted((corpus / "notes").rglob("*.md")))
        for summary in library.days.day_summaries():
            day = library.days.day(summary.date)
            assert day is not None
            cards = "".join(render_card(item, LIGHT, caps=FULL) for item in day.items)
            page = Page(render_day(day) + cards)
            assert_only_renderer_markup(
                page, 2 * len(day.items), sum(1 for s in day.sections if s.name)
            )
            for tag, attrs in page.elements:
                seen.setdefault(tag, set()).update(attrs)
    assert set(RENDERER_MARKUP) - set(seen) == NOT_IN_THE_CORPUS
    assert seen["span"] == {"class"}  # `title`: only a refused link's
