"""Cards that read cleanly (issue 13.4): ratings and chip icons never broken across
lines, URLs shown short, videos as boxes, the digest's zoom as a width limit, a note's
lists as lists. Checked on the HTML and, where it is about line breaks, on Qt's own
layout of that HTML at many widths."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kbapp.core.day import Day
from kbapp.core.digest.media import parse_media
from kbapp.core.importer import import_paths
from kbapp.core.render.day import LIGHT, render_card, render_day
from kbapp.core.render.media import fit_image, max_image_width
from kbapp.core.render.notes import note_html
from kbapp.core.render.prose import WORD_JOINER, prose, short_url
from kbapp.core.store.library import Library
from tests.core.render.layout import PICTURE, all_lines

LONG_CODE = "https://github.com/open-mmlab/mmdetection/blob/master/docs/en/get_started/readme.md"
VIDEO_SRC = (
    "http://mpvideo.qpic.cn/0bc3waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.f10002.mp4"
    "?dis_k=0123456789abcdef0123456789abcdef&dis_t=1651234567"
)
DIGEST = f"""\
# 公众号内容拓展学习笔记（2024.5.6）

------

## :paperclip:  今日要点

1. [一个足够长的标题，让星星落在行尾附近 Robust High-Resolution Video Matting with Guidance](https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA) :star::star::star::star:
   - Abstract: 一种实时抠图方法，配置说明见 {LONG_CODE} 。
   - Paper: [Robust Matting](https://arxiv.org/abs/2108.11515)
   - Code: [{LONG_CODE}]({LONG_CODE})
   - Demo: [在线试用](https://huggingface.co/spaces/example/matting)
   - Dataset: [MattingSet](https://example.org/dataset)

<div align=center><img src="https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png" style='zoom:50%'>
</div>

## :paperclip:  Others

- 关注我的[博客](https://example.org/blog)

<div align=center><video src="{VIDEO_SRC.replace("&", "&amp;")}" style='zoom:100%'>
</div>
<video id="video" controls=""src="http://mpvideo.qpic.cn/second.f10002.mp4?dis_k=1" preload="none">
"""
NOTE = "Worth a re-read:\n- the matting loss\n  - and its ablation\n- the code\n\nPlan\n1. train\n2. test"
WIDTHS = range(140, 720, 7)


@pytest.fixture
def day(tmp_path: Path) -> Day:
    note = tmp_path / "notes" / "202405" / "0506.md"
    note.parent.mkdir(parents=True)
    note.write_text(DIGEST, encoding="utf-8")
    with Library(tmp_path / "lib.sqlite") as library:
        import_paths(library, [note])
        first = library.days.day("2024-05-06")
        assert first is not None
        library.user.set_rating(first.items[0].key, 2)
        library.user.set_note(first.items[0].key, NOTE)
        shown = library.days.day("2024-05-06")
    assert shown is not None
    return shown


@pytest.fixture
def card(day: Day) -> str:
    return render_card(day.items[0], LIGHT)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- 1. a rating never breaks across lines ----------------------------------------------


def test_each_rating_is_one_word_of_star_characters(card: str) -> None:
    author = re.findall(r'<span class="stars">(.*?)</span>', card)
    assert author == ["★★★★"]  # characters, not pictures: Qt breaks after any picture
    mine = re.search(r'<span class="mine">(.*?)</span>', card)
    assert mine is not None
    assert "<img" not in mine.group(1)
    assert _text(mine.group(1)) == "mine\xa0★★☆☆☆"  # nothing breakable in between


def test_qt_never_breaks_a_rating(qapp: object, card: str) -> None:
    assert any("★★★★" in line for line in all_lines(card, 600))  # the author's, as text
    for width in WIDTHS:
        for line in all_lines(card, width):
            for run in re.findall("[★☆]+", line):  # two ratings on one line join up
                assert run in ("★★★★", "★★☆☆☆", "★★★★★★☆☆☆"), (width, line)
            assert "☆" not in line or "mine" in line, (width, line)


# -- 2. a chip's icon stays with its label ----------------------------------------------


def test_each_chip_starts_its_own_line_with_its_icon_bound_to_its_label(card: str) -> None:
    chips = re.findall(r'<p class="chip"[^>]*>(.*?)</p>', card)
    assert [_text(chip).split("\xa0")[2] for chip in chips] == ["Paper", "Code", "Demo", "Dataset"]
    for chip in chips:  # the picture first, then only non-breaking space up to the label
        assert re.match(r'<img src="icon:field-\w+"[^>]*>&nbsp;<span class="chip">&nbsp;<b>', chip)


def test_qt_never_leaves_a_chip_icon_at_a_line_end(qapp: object, card: str) -> None:
    for width in WIDTHS:
        for line in all_lines(card, width):
            assert not line.rstrip("\xa0 ").endswith(PICTURE), (width, line)


# -- 3. URLs shown short ------------------------------------------------------------------


def test_a_long_url_shows_its_host_and_path_tail() -> None:
    assert short_url(LONG_CODE) == "github.com/…/get_started/readme.md"
    assert short_url("https://github.com/a/b") == "github.com/a/b"
    assert short_url("https://arxiv.org/abs/2103.14030?fbclid=" + "x" * 60) == (
        "arxiv.org/abs/2103.14030…"
    )
    assert len(short_url("https://example.org/" + "y" * 90)) <= 40


def test_url_text_is_short_and_unbreakable_the_full_url_is_the_href_and_title(
    card: str,
) -> None:
    shown = f"github.com/{WORD_JOINER}…/{WORD_JOINER}get_started/{WORD_JOINER}readme.md"
    link = f'<a href="{LONG_CODE}" title="{LONG_CODE}">{shown}</a>'
    assert card.count(link) == 2  # in the abstract and as the Code chip
    assert f">{LONG_CODE}<" not in card and f">{LONG_CODE[8:]}<" not in card
    assert prose(f"see {LONG_CODE}") == f"see {link}"


def test_qt_keeps_a_short_url_on_one_line(qapp: object, card: str) -> None:
    for width in range(300, 720, 7):
        lines = [line.replace(WORD_JOINER, "") for line in all_lines(card, width)]
        assert sum("github.com/…/get_started/readme.md" in line for line in lines) == 2, width


# -- 4. videos ----------------------------------------------------------------------------


def test_a_video_is_a_box_with_its_host_that_opens_it(day: Day) -> None:
    page = render_day(day)
    href = html.escape(VIDEO_SRC)
    assert (
        f'<a href="{href}" title="{href}"><b>▶&nbsp;Video&nbsp;·&nbsp;mpvideo.qpic.cn</b></a>'
        in (page)
    )
    second = "http://mpvideo.qpic.cn/second.f10002.mp4?dis_k=1"
    assert f'<a href="{second}"' in page  # `controls=""src=…`, no space between


def test_a_video_under_an_item_shows_on_its_card(tmp_path: Path) -> None:
    note = tmp_path / "notes" / "202405" / "0507.md"
    note.parent.mkdir(parents=True)
    note.write_text(DIGEST.replace("2024.5.6", "2024.5.7").replace("## :paperclip:  Others", ""))
    with Library(tmp_path / "lib.sqlite") as library:
        import_paths(library, [note])
        day = library.days.day("2024-05-07")
    assert day is not None
    assert "▶&nbsp;Video" in render_card(day.items[0], LIGHT)


# -- 5. the digest's zoom is a width limit ---------------------------------------------


def test_zoom_caps_a_picture_at_its_share_of_the_reader_width() -> None:
    images, _ = parse_media(
        "<div align=center><img src=\"https://mmbiz.qpic.cn/a/640?wx_fmt=png\" style='zoom:50%'>",
        1,
    )
    zoom = images[0].zoom
    assert zoom == 50
    assert max_image_width(800, zoom) == 400
    assert fit_image(640, 320, 800, zoom) == (400, 200)  # wider than 50%: scaled down
    assert fit_image(300, 90, 800, zoom) == (300, 90)  # a small one keeps its size
    assert fit_image(1600, 800, 800, None) == (800, 400)  # no zoom: the reader's width
    assert fit_image(1600, 800, 800, 100) == (800, 400)


def test_the_card_keeps_the_zoom_of_its_picture(day: Day) -> None:
    assert [image.zoom for image in day.items[0].images] == [50]


# -- 6. a note's lists are lists ------------------------------------------------------------


def test_a_notes_lists_render_as_lists(card: str) -> None:
    note = card[card.index('<div class="note">') :]
    assert re.search(
        r"<ul>\s*<li>the matting loss\s*<ul>\s*<li>and its ablation</li>\s*</ul>\s*</li>"
        r"\s*<li>the code</li>\s*</ul>",
        note,
    ), note
    assert re.search(r"<ol>\s*<li>train</li>\s*<li>test</li>\s*</ol>", note), note
    assert "- the matting loss" not in note


def test_list_syntax_inside_text_stays_text() -> None:
    assert note_html("a - b and 1. c") == "<p>a - b and 1. c</p>"
    assert "<ul>" in note_html("- a\n- b")
