"""Property tests: whatever text it is given, the parser keeps every line (spec: "anything
not recognised is kept, never dropped") and fails only with `DigestError`.

For each non-blank line (after the parser's own cleaning: CR, tabs, right-trim,
zero-width characters) two things must hold when a `Digest` comes back: the line number
is in `Digest.covered_lines()`, and every word of the line (a run of letters, digits or
CJK characters) is found in the digest's data. Words that are pure syntax are exempt:
an item head's number and trailing `:star:` run, a heading's `##` and emoji short-code, the
name of the 今日要点 section, a rule, an empty bullet, `</div>`, and the tag names and
attributes of a media line (its text outside the tags is not exempt).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbapp.core.digest.media import is_media_line
from kbapp.core.digest.model import Digest, DigestError
from kbapp.core.digest.parser import parse

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
PATH = "notes/202104/0425.md"
INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060"

_WORD = re.compile(r"\w+")
_ITEM_HEAD = re.compile(r"^\d+\.\s+\[")
_TRAILING_STARS = re.compile(r"(?:\s*:star:)+\s*$")
_H2 = re.compile(r"^##\s+(?::[a-z_]+:\s*)?")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_EMPTY_BULLET = re.compile(r"^\s*[-*+]$")
_DIV_CLOSE = re.compile(r"^\s*</div>\s*$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>?")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")

PROPERTY_SETTINGS = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def clean(raw: str) -> str:
    """A line as the spec says the parser classifies it (§1)."""
    line = raw.rstrip("\r").replace("\t", "    ").rstrip()
    return "".join(c for c in line if c not in INVISIBLE)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def haystack(digest: Digest) -> str:
    """Every string the digest holds as data (diagnostics do not count as keeping text)."""
    data = dataclasses.asdict(digest)
    data.pop("diagnostics")
    data.pop("source_path")
    return "\n".join(_strings(data))


def expected_words(line: str, *, item_head: bool) -> list[str]:
    """The words of a cleaned line that must survive into the digest's data."""
    if _RULE.match(line) or _EMPTY_BULLET.match(line) or _DIV_CLOSE.match(line):
        return []
    if heading := _H2.match(line):
        name = line[heading.end() :].strip()
        return [] if name == "今日要点" else _WORD.findall(name)
    if item_head:
        if _ITEM_HEAD.match(line):
            line = line[line.index(".") + 1 :]
        line = _TRAILING_STARS.sub("", line)
    elif is_media_line(line):  # the tags themselves are exempt, text beside them is not
        line = _MD_IMAGE.sub(" ", _TAG.sub(" ", line))
    if line.startswith("# "):
        line = line[2:]
    return _WORD.findall(line)


def lost_content(text: str, digest: Digest) -> list[tuple[int, str]]:
    """(line, what) for every non-blank line that the digest does not keep."""
    covered = digest.covered_lines()
    hay = haystack(digest)
    heads = {item.line_start for item in digest.items}
    lost: list[tuple[int, str]] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = clean(raw)
        if not line.strip():
            continue
        if number not in covered:
            lost.append((number, f"line not covered: {line!r}"))
            continue
        if line.startswith("# ") and digest.heading_date:
            continue  # the first-line heading: its date is checked by the case tests
        for word in expected_words(line, item_head=number in heads):
            if word not in hay:
                lost.append((number, f"word {word!r} of {line!r} not kept"))
    return lost


def check(text: str, path: str = PATH, *, must_keep: bool = False) -> None:
    """Either a Digest that keeps every line, or a DigestError; nothing else. With
    `must_keep` (the text is a digest: it has a date and an items section) only the
    Digest will do."""
    try:
        digest = parse(text, path)
    except DigestError as error:
        if must_keep:
            pytest.fail(f"a digest was refused: {error}")
        return
    assert isinstance(digest, Digest)
    assert lost_content(text, digest) == []


def keep(text: str, path: str = PATH) -> None:
    """`check` of a digest: dated (by PATH, at least) and with its 今日要点 section."""
    check(text, path, must_keep=True)


# -- (a) arbitrary text built from digest-like fragments ---------------------------------

_FRAGMENTS = [
    "1. [t](https://mp.weixin.qq.com/s/x) :star:",
    "12. [标题[1/2]](https://mp.weixin.qq.com/s/abc)\u200b      :star::star:",
    "3. [跟踪】标题](https://mp.weixin.qq.com/s?__biz=Mz==&mid=2&idx=1&sn=c#wechat_redirect)",
    "   [⽬标⾏动](https://mp.weixin.qq.com/s/JqtxtPCn)       :star::star::star:",
    "   - Paper: [x](y)",
    "   - Paper1: [A 3D GAN](https://arxiv.org/abs/2012.10545v1)",
    "   - code2: [https://github.com/a/b](https://github.com/a/b_)",
    "   - 核心点",
    "   - Tips: ",
    "     - 训练方法：集成",
    "       - 子要点",
    "- GitHub：https://github.com/x/y    https://github.com/z/w",
    "   - **github：https://github.com/megvii-model/YOLOF**",
    "   - - 主要内容：提出了",
    "   - Tips: : 双冒号",
    "   - 链接：[https://pan.baidu.com/s/1a](https://pan.baidu.com/s/1a) 提取码：6r80",
    "   - Contact: [a@b.com](a@b.com)",
    "   - 网站：[microsoft.careers.com](microsoft.careers.com)",
    "   - 论文：[EfficientNetV2]( https://arxiv.org/abs/2104.00298)",
    "   - Tips：总结[[论文翻译]Multi-Task](https://blog.csdn.net/x)",
    "   在线版：*https://gitpod.io/#snapshot/91475a9d*",
    "   **GitHub地址：https://github.com/garrettj403/SciencePlots**",
    "   开发调试工具 Cyberbrain：能够详细记录",
    '<div align=center><img src="https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png"'
    " style='zoom:100%'>",
    '<img src="https://mmbiz.qpic.cn/mmbiz_gif/b/640?wx_fmt=gif&amp" alt="Image"'
    ' style="zoom:50%;" />',
    "<div align=center><img src=\"./images/1.gif\" style='zoom:100%'>",
    '<video id="video" controls=""src="http://mpvideo.qpic.cn/v.mp4?dis_k=1" preload="none">',
    "![示意图](images/a.png)",
    "</div>",
    "## Others",
    "## :paperclip:  今日要点",
    "##  :paperclip:  历史更新",
    "## 未知小节",
    "# 公众号内容拓展学习笔记（2021.4.25）",
    "# 拓展学习笔记(2021.2.30)",
    "------",
    "- ",
    "   ",
    "\t- tab bullet",
    "line with CR\r",
    '    1. <a href="notes/202104/0425.md" target="_blank">笔记（2021.4.25）</a>',
]
_PIECES = [
    "[a](http://x.y)",
    "[",
    "](",
    ")",
    ":star:",
    "：",
    ":",
    "**",
    "*",
    "- ",
    "<img src=x>",
    "<div>",
    "http://www.x.com/a_b",
    "www.y.org",
    "\u200b",
    "\t",
    "   ",
    "1. [",
    "论文",
    "Paper",
]
_CHARS = st.characters(codec="utf-8", exclude_characters="\n")
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_word = st.text(st.one_of(_CHARS, _CJK), min_size=1, max_size=12)
_composed = st.lists(st.one_of(st.sampled_from(_PIECES), _word), min_size=1, max_size=6).map(
    "".join
)
_line = st.one_of(
    st.sampled_from(_FRAGMENTS),
    st.sampled_from(_FRAGMENTS).flatmap(lambda f: _composed.map(lambda c: f + c)),
    _composed,
    st.text(st.one_of(_CHARS, _CJK), max_size=40),
    st.just(""),
)
_HEAD = "# 公众号内容拓展学习笔记（2021.4.25）\n\n------\n\n## :paperclip:  今日要点\n\n"


@PROPERTY_SETTINGS
@given(lines=st.lists(_line, max_size=30), with_head=st.booleans())
def test_arbitrary_text_is_kept_or_refused(lines: list[str], with_head: bool):
    # With the head the text is a digest whatever follows: dated (the heading, the
    # path) and with its items section, so it must be kept, not refused.
    check((_HEAD if with_head else "") + "\n".join(lines), must_keep=with_head)


# -- (b) real corpus files, damaged ------------------------------------------------------


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted((CORPUS / "notes").rglob("*.md")) + [CORPUS / "README.md"]


_INSERTABLE = st.one_of(
    st.sampled_from(list("[]()：:*-<>#\u200b\t\r 1.`|！】")),
    _CJK,
    st.characters(codec="utf-8", exclude_characters="\n"),
)


@st.composite
def damaged(draw: st.DrawFn, files: list[Path]) -> tuple[str, str]:
    path = draw(st.sampled_from(files))
    lines = path.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 8))):
        op = draw(
            st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "cut"])
        )
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "indent":
            lines[at] = " " * draw(st.integers(1, 8)) + lines[at]
        elif op == "dedent":
            lines[at] = lines[at].lstrip(" ")
        elif op == "insert":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(_INSERTABLE) + lines[at][column:]
        else:  # truncate the file mid-line
            lines = lines[: at + 1]
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "\n".join(lines), path.relative_to(CORPUS).as_posix()


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"digest corpus not found at {CORPUS}")
@PROPERTY_SETTINGS
@given(case=damaged(_corpus_files() or [Path("missing")]))
def test_damaged_corpus_files_are_kept_or_refused(case: tuple[str, str]):
    text, rel = case
    # Still a digest, so never refused, while its path is dated and a line of it is the
    # file's own 今日要点 heading, undamaged (every corpus file has one).
    headings = {
        line
        for line in (CORPUS / rel).read_text(encoding="utf-8").split("\n")
        if line.startswith("## ") and "今日要点" in line
    }
    dated = re.fullmatch(r"notes/\d{6}/\d{4}\.md", rel) is not None
    check(text, rel, must_keep=dated and any(line in headings for line in text.split("\n")))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"digest corpus not found at {CORPUS}")
def test_every_corpus_file_keeps_every_line():
    for path in _corpus_files():
        text = path.read_text(encoding="utf-8")
        digest = parse(text, path.relative_to(CORPUS).as_posix())
        assert lost_content(text, digest) == [], path


# -- minimised failures found by the properties above, kept as plain regressions -------


def test_text_around_an_img_tag_is_kept():
    body = '   - Tips: 见下图 <img src="a.png"> 说明文字'
    keep(_HEAD + "1. [t](https://mp.weixin.qq.com/s/x) :star:\n" + body)


def test_line_with_img_prefix_but_no_tag_is_kept():
    # "<imgur..." is not an <img> tag, yet the line vanished without a trace.
    keep(_HEAD + "1. [t](https://mp.weixin.qq.com/s/x) :star:\n   - Tips: 见 <imgur.com/abc>")


def test_huge_item_number_is_not_a_crash():
    # A digest (dated, with its items section): kept, the odd line with it.
    text = _HEAD + "9" * 5000 + ". [t](https://mp.weixin.qq.com/s/x) :star:"
    keep(text)
    assert parse(text, PATH).covered_lines() >= {7}


def test_unparsable_heading_date_text_is_kept():
    # 2021.2.30 is no calendar date: the path dates the note, but the text must stay.
    keep(
        "# 拓展学习笔记(2021.2.30)\n"
        + _HEAD.split("\n", 1)[1]
        + "1. [t](https://mp.weixin.qq.com/s/x)"
    )
