"""The parser's and the search text's fast paths agree with the general path on every
line of the corpus (and on a few made-up shapes)."""

from __future__ import annotations

import unicodedata

import pytest

from kbapp.core.digest import parser
from kbapp.core.digest.labels import _BOLD_WRAP, unwrap
from kbapp.core.digest.links import find_links, may_hold_links
from kbapp.core.digest.text import clean_line
from kbapp.core.search.text import _RUN, _pairs, index_text
from tests.conftest import CORPUS

MADE_UP = [
    "## :paperclip:  今日要点",
    "#",
    "１. [全角](https://mp.weixin.qq.com/s/x) :star:",
    "٣. [arabic digit](https://mp.weixin.qq.com/s/x) :star:",
    "\u3000[unnumbered](https://mp.weixin.qq.com/s/x) ⭐",
    "  </DIV>  ",
    "**bold**",
    "**",
    "- Paper: www.example.com",
    "see HTTP: later",
    "Ｆｕｌｌ　ｗｉｄｔｈ 目标检测",
]


def _lines() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    found = list(MADE_UP)
    for path in sorted((CORPUS / "notes").rglob("*.md")):
        for raw in path.read_text(encoding="utf-8").split("\n"):
            line = clean_line(raw)
            if line.strip():
                found.append(line)
    return found


def test_line_prefilters_keep_every_match() -> None:
    for line in _lines():
        first = line[0]
        if parser._H2.match(line):
            assert first == "#", line
        if parser._ITEM.match(line):
            assert first.isdigit(), line
        if parser._UNNUMBERED.match(line):
            assert first.isspace() and "mp.weixin.qq.com" in line, line
        if parser._DIV_CLOSE.match(line):
            assert "</" in line, line
        if _BOLD_WRAP.match(line.strip()):
            assert line.strip().startswith("**"), line


def test_link_skip_finds_what_the_finder_finds() -> None:
    for line in _lines():
        for text in (line, line.strip(), unwrap(line.strip())[0]):
            if not may_hold_links(text):
                assert find_links(text) == [], text


def test_index_text_fast_path_is_the_general_one() -> None:
    for line in _lines():
        assert index_text(line) == _RUN.sub(_pairs, unicodedata.normalize("NFKC", line))
