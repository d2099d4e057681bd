"""Unicode stars count: ⭐ (U+2B50, with or without the emoji selector U+FE0F) and ★
(U+2605) after an item's link are the author's stars, as `:star:` is, and a diagnostic
names the form. The star text is kept as written (`Item.stars_raw`), so the item head
can be written back exactly; the corpus, which has only `:star:`, parses as before.
"""

from __future__ import annotations

import pytest

from kbapp.core.digest.model import Digest, Item
from kbapp.core.digest.parser import parse
from tests.conftest import CORPUS
from tests.core.digest.corpus import corpus_digest
from tests.core.digest.test_parser_properties import lost_content

PATH = "notes/202104/0425.md"
HEAD = "# 公众号内容拓展学习笔记（2021.4.25）\n\n------\n\n## :paperclip:  今日要点\n\n"
URL = "https://mp.weixin.qq.com/s/abc"
STAR, SELECTOR, BLACK = "\u2b50", "\ufe0f", "\u2605"


def digest_of(*heads: str) -> tuple[str, Digest]:
    text = HEAD + "\n".join(head + "\n   - Abstract: 摘要" for head in heads)
    return text, parse(text, PATH)


def head_line(item: Item) -> str:
    """The item head written back from its fields."""
    return f"{item.index}. [{item.title}]({item.article_url_raw}){item.stars_raw}"


def star_details(digest: Digest) -> list[tuple[int | None, str]]:
    return [(d.line, d.detail) for d in digest.diagnostics if d.code == "unicode_stars"]


@pytest.mark.parametrize(
    ("stars", "count", "form"),
    [
        (STAR * 3, 3, "⭐ (U+2B50)"),
        ((STAR + SELECTOR) * 2, 2, "⭐️ (U+2B50 U+FE0F)"),
        (BLACK * 4, 4, "★ (U+2605)"),
        (STAR, 1, "⭐ (U+2B50)"),
        (f"{STAR} {STAR}  {STAR}", 3, "⭐ (U+2B50)"),
    ],
)
def test_unicode_stars_after_the_link_are_the_authors_stars(stars: str, count: int, form: str):
    head = f"1. [标题]({URL})  {stars}"
    text, digest = digest_of(head)
    (item,) = digest.items
    assert (item.title, item.article_url, item.stars) == ("标题", URL, count)
    assert [e.field for e in item.entries] == ["abstract"]  # no head_extra entry
    assert item.stars_raw == "  " + stars
    assert head_line(item) == head
    noun = "star" if count == 1 else "stars"
    assert star_details(digest) == [(7, f"stars written as {form} counted as {count} {noun}")]
    assert "missing_stars" not in {d.code for d in digest.diagnostics}
    assert lost_content(text, digest) == []


def test_mixed_forms_add_up_and_the_diagnostic_names_each():
    stars = f":star:{STAR} {BLACK}{STAR}{SELECTOR}{BLACK}"
    head = f"2. [混合]({URL}) {stars}"
    _, digest = digest_of(head)
    (item,) = digest.items
    assert item.stars == 5
    assert head_line(item) == head
    assert star_details(digest) == [
        (
            7,
            "stars written as :star:, ⭐ (U+2B50), ★ (U+2605) and ⭐️ (U+2B50 U+FE0F)"
            " counted as 5 stars",
        )
    ]


def test_each_item_counts_its_own_form():
    _, digest = digest_of(
        f"1. [a]({URL}/1) :star::star:",
        f"2. [b]({URL}/2) {STAR * 2}",
        f"3. [c]({URL}/3){BLACK}",
    )
    assert [item.stars for item in digest.items] == [2, 2, 1]
    assert [line for line, _ in star_details(digest)] == [9, 11]
    assert [head_line(item) for item in digest.items] == [
        f"1. [a]({URL}/1) :star::star:",
        f"2. [b]({URL}/2) {STAR * 2}",
        f"3. [c]({URL}/3){BLACK}",
    ]


def test_an_unnumbered_item_with_unicode_stars_starts_an_item():
    # As the :star: one of `notes/202104/0423.md:24` does (spec §2.1, ITEM-UNNUMBERED).
    _, digest = digest_of(f"1. [a]({URL}/1) :star:", f"   [无编号]({URL}/2) {STAR * 2}")
    assert [(item.index, item.title, item.stars) for item in digest.items] == [
        (1, "a", 1),
        (None, "无编号", 2),
    ]
    assert star_details(digest) == [(9, "stars written as ⭐ (U+2B50) counted as 2 stars")]


def test_stars_elsewhere_on_the_line_are_text():
    # In the title, or followed by more text: not a star run at the end of the head.
    _, digest = digest_of(f"1. [{STAR} 标题 {BLACK}]({URL}) :star:", f"2. [b]({URL}/2) {STAR} 推荐")
    first, second = digest.items
    assert (first.title, first.stars) == (f"{STAR} 标题 {BLACK}", 1)
    assert second.stars == 0
    assert [(e.field, e.text) for e in second.entries][0] == ("head_extra", f"{STAR} 推荐")
    assert star_details(digest) == []


def test_corpus_stars_are_unchanged():
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    for path in sorted((CORPUS / "notes").rglob("*.md")):
        digest = corpus_digest(path.relative_to(CORPUS).as_posix())
        assert star_details(digest) == [], path
        for item in digest.items:
            assert item.stars_raw.strip() == ":star:" * item.stars, (path, item.line_start)
