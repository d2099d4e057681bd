"""Rendering a day from the library to HTML: cards, chips for every link field, no leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbapp.core.digest.links import find_links
from kbapp.core.importer import import_paths
from kbapp.core.render.day import FIELD_NAMES, render_day
from kbapp.core.render.prose import _plain_links, markdown_prose, prose, short_url_texts
from kbapp.core.store.library import Library

EVERY_FIELD = """\
# 公众号内容拓展学习笔记（2024.5.6）

------

## :paperclip:  今日要点

1. [图像抠图新方法 | 1*1 卷积 [v2]](https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA) :star::star::star:
   - Abstract: 一种 **实时** 抠图方法，参见 [项目主页](https://example.org/matting)
   - Paper: [Robust Matting](https://arxiv.org/abs/2108.11515)
   - Code: [https://github.com/example/matting](https://github.com/example/matting)
   - Demo: [在线试用](https://huggingface.co/spaces/example/matting)
   - Video: [演示视频](https://www.bilibili.com/video/BV1xx411c7mD)
   - Dataset: [MattingSet](https://example.org/dataset)
   - Address: [https://example.github.io/matting](https://example.github.io/matting)
   - 参考阅读：[相关综述](https://zhuanlan.zhihu.com/p/1)
   - Competition: [挑战赛](https://example.org/challenge)
   - Contact: [someone@example.org](someone@example.org)
   - 链接：[https://pan.baidu.com/s/1abc](https://pan.baidu.com/s/1abc) 提取码：ab12
   - 工具箱：[Toolbox](https://example.org/toolbox)
   - Tips: 要点如下
     - 第一点 <script>alert(1)</script>
       - 更深一层
     - 第二点

<div align=center><img src="https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png" style='zoom:100%'>
</div>

## :paperclip:  Others

- 关注我的[博客](https://example.org/blog)
"""


@pytest.fixture
def day_html(tmp_path: Path) -> str:
    note = tmp_path / "notes" / "202405" / "0506.md"
    note.parent.mkdir(parents=True)
    note.write_text(EVERY_FIELD, encoding="utf-8")
    with Library(tmp_path / "lib.sqlite") as library:
        import_paths(library, [note])
        note.unlink()  # the reader renders from the library, never from the file
        day = library.days.day("2024-05-06")
        assert day is not None
        return render_day(day, selected=day.items[0].key)


def test_every_link_field_is_a_chip_with_its_icon(day_html: str) -> None:
    for field in FIELD_NAMES:
        assert f'src="icon:field-{field}"' in day_html, field
    assert ">工具箱</b>" in day_html  # an unknown label keeps its own name
    assert "提取码：ab12" in day_html  # the note after a link stays beside it
    assert 'href="mailto:someone@example.org"' in day_html
    assert 'href="https://arxiv.org/abs/2108.11515"' in day_html


def test_card_shows_title_stars_abstract_and_nested_tips(day_html: str) -> None:
    assert "1*1 卷积 [v2]" in day_html  # titles are shown verbatim, not as markdown
    assert '<span class="stars">★★★</span>' in day_html  # the author's three stars
    assert "<strong>实时</strong>" in day_html
    assert '<a href="https://example.org/matting">项目主页</a>' in day_html
    assert re.search(r"<li>第一点.*<ul><li>更深一层</li></ul></li>", day_html)
    assert "2024年5月6日 · 星期一" in day_html
    assert "image · mmbiz.qpic.cn" in day_html  # a placeholder until images are fetched
    assert "关注我的" in day_html  # the Others section


def test_no_script_and_nothing_remote_is_loaded(day_html: str) -> None:
    assert "<script" not in day_html
    assert "&lt;script&gt;" in day_html
    sources = re.findall(r'<img[^>]*src="([^"]+)"', day_html)
    assert sources and all(src.startswith("icon:") for src in sources)


def test_selected_item_is_highlighted(tmp_path: Path, day_html: str) -> None:
    from kbapp.core.render.day import LIGHT

    assert LIGHT["card_selected"] in day_html


# -- the plain-links fast path gives markdown's own HTML ---------------------------------


def _same_as_markdown(text: str) -> bool | None:
    """True when the fast path gave markdown's HTML, None when it declined the text."""
    links = find_links(text)
    plain = _plain_links(text, links)
    return None if plain is None else plain == markdown_prose(text, links)


def test_the_fast_path_is_taken_for_words_and_simple_links() -> None:
    text = "论文 [Paper title](https://arxiv.org/abs/2104.00298?a=1&b=2) and https://github.com/a/b"
    assert _plain_links(text, find_links(text)) is not None
    assert prose(text) == short_url_texts(markdown_prose(text, find_links(text)))
    for slow in ("**bold** [x](https://a.b)", " [x](https://a.b)", "[x](https://a.b 'title')"):
        assert _plain_links(slow, find_links(slow)) is None


def test_the_fast_path_equals_markdown_on_every_corpus_line(corpus: Path) -> None:
    fast = 0
    for path in sorted((corpus / "notes").rglob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for text in {line, line.strip(), line.partition(":")[2].strip()}:
                same = _same_as_markdown(text) if text else None
                assert same is not False, (path.name, text)
                fast += bool(same)
    assert fast > 250  # the common case (249 of the 275 texts with markup rendered), not a corner


_PIECES = st.sampled_from(
    [
        "word",
        " ",
        "检测",
        "[label](https://arxiv.org/abs/2104.00298)",
        "[a b](http://x.y/p?q=1&r=2)",
        "[https://x.y/a](https://x.y/a)",
        "[www.x.y](http://www.x.y)",
        "[t](https://x.y/a(b))",
        "[t](https://x.y/'q')",
        "https://github.com/a/b",
        "www.example.com",
        "*",
        "_",
        "`",
        "&",
        "<b>",
        "#",
        "!",
        "\n",
        "1. ",
        "- ",
        ":",
        '"',
        "'",
        "--",
        "(",
        ")",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_the_fast_path_equals_markdown_on_generated_texts(text: str) -> None:
    assert _same_as_markdown(text) is not False
