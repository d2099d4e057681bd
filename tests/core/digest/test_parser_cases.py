"""The tricky cases of `digest-format.md` §11, pinned against the real 2021 corpus.

Each test is named after the `MMDD_line` it reads, and asserts what a reader of the
app would see for that line: the title, the stars, the field a link lands in, its URL
and identity, the shape of a nested list, an image's format, a diagnostic.
"""

from __future__ import annotations

import re

import pytest

from kbapp.core.digest.files import parse_bytes, read_bytes
from kbapp.core.digest.identities import arxiv_id, arxiv_ref, github_repo
from kbapp.core.digest.model import Digest, DigestError, Entry, Item, Link
from kbapp.core.digest.parser import parse
from tests.conftest import CORPUS
from tests.core.digest.corpus import corpus_digest


def note(mmdd: str) -> Digest:
    """`0307` → the 2021 note of that day."""
    return corpus_digest(f"notes/2021{mmdd[:2]}/{mmdd}.md")


def item_at(digest: Digest, line: int) -> Item:
    found = [item for item in digest.items if item.line_start == line]
    assert len(found) == 1, f"no single item starts at line {line}"
    return found[0]


def item_holding(digest: Digest, line: int) -> Item:
    """The item whose entries or media hold `line`."""
    for item in digest.items:
        lines = {e.line for root in item.entries for e in root.walk()}
        lines |= {image.line for image in item.images}
        if line in lines:
            return item
    raise AssertionError(f"no item holds line {line}")


def entry_at(item: Item, line: int) -> Entry:
    found = [e for root in item.entries for e in root.walk() if e.line == line]
    assert len(found) == 1, f"no single entry at line {line}"
    return found[0]


def links_at(item: Item, line: int) -> list[Link]:
    return [link for link in item.links if link.line == line]


def codes_at(digest: Digest, line: int) -> list[str]:
    return [d.code for d in digest.diagnostics if d.line == line]


def texts(entries: list[Entry]) -> list[str]:
    return [e.text for e in entries]


# -- header, headings, items ------------------------------------------------------------


def test_0307_1_title_variant_dates_the_note():
    digest = note("0307")
    assert digest.heading_title_text == "拓展学习笔记"
    assert (digest.date, digest.date_source) == ("2021-03-07", "heading")
    assert digest.heading_date == digest.path_date == "2021-03-07"
    assert "date_conflict" not in [d.code for d in digest.diagnostics]


def test_0307_7_heading_with_two_spaces_after_hashes_opens_the_items():
    digest = note("0307")
    assert 7 in digest.structure
    assert [(i.ordinal, i.index, i.line_start) for i in digest.items] == [
        (1, 1, 9),
        (2, 2, 15),
        (3, 3, 23),
    ]
    assert [s.name for s in digest.sections] == ["Others"]


def test_0307_9_zero_width_space_and_five_stars():
    item = item_at(note("0307"), 9)
    assert item.title == "登顶GitHub大热项目|非监督GAN算法U-GAT-IT大幅改进图像转换"
    assert item.stars == 5
    assert item.article_url == "https://mp.weixin.qq.com/s/KyvhAeyQeA-fYOKzUE79gQ"
    assert item.article_key == "s:KyvhAeyQeA-fYOKzUE79gQ"
    assert "invisible_char_removed" in codes_at(note("0307"), 9)
    assert item_at(note("0307"), 15).stars == 2


def test_0307_11_free_paragraph_becomes_abstract_and_13_related_link():
    digest = note("0307")
    item = item_at(digest, 9)
    assert item.abstract == "U-GAT-IT是属于GAN的一种图像变换模型，多任务下鲁棒的图像转换"
    assert "abstract_from_paragraph" in item.flags
    (link,) = links_at(item, 13)
    assert (link.field, link.label, link.text) == ("reading", "相关链接", "知乎")
    assert link.url == "https://zhuanlan.zhihu.com/p/133843407"


def test_0307_19_paragraph_labels_with_bare_urls_and_21_fbclid_arxiv():
    item = item_at(note("0307"), 15)
    (code,) = links_at(item, 19)
    assert (code.field, code.text, code.url) == (
        "code",
        "",
        "https://github.com/facebookresearch/vissl",
    )
    assert github_repo(code.url) == "facebookresearch/vissl"
    (paper,) = links_at(item, 21)
    assert (paper.field, paper.label, paper.url_kind) == ("paper", "paper", "arxiv")
    assert paper.url_raw.endswith(
        "?fbclid=IwAR3sRgn_9uiOc_yZFROfEfyXylMZX5-C-yTDN_QRggHev9ai2snQkemh81w"
    )
    assert arxiv_id(paper.url) == "2103.01988"


def test_0321_19_paper_named_by_title_without_url():
    item = item_at(note("0321"), 17)
    (paper,) = links_at(item, 19)
    assert paper.field == "paper"
    assert paper.text == "Revisiting ResNets: Improved Training and Scaling Strategies"
    assert (paper.url_raw, paper.url) == ("", None)


def test_0321_23_three_level_tips_tree_with_labelled_points():
    item = item_at(note("0321"), 17)
    tips = entry_at(item, 23)
    assert (tips.label, tips.field, tips.text) == ("核心点", "tips", "")
    shape = [
        (child.line, child.label, child.text, [(g.line, g.text) for g in child.children])
        for child in tips.children
    ]
    assert shape == [
        (
            24,
            None,
            "扩展策略",
            [
                (25, "在过拟合可发生的训练设置下扩展模型深度（否则扩展宽度更可取）"),
                (26, "以更慢的速度扩展图像分辨率"),
            ],
        ),
        (
            27,
            "训练方法",
            "多种方法的集成，权重衰减，标签平滑，dropout和随机深度，RandAugment，"
            "这部分提升较大，视觉比赛中也较为常用的改进",
            [],
        ),
        (28, "网络架构部分", "", [(29, "Squeeze-and-Excitation"), (30, "ResNet-D")]),
    ]
    assert item.tips_points == tips.children


def test_0321_51_footer_image_in_div_never_closed():
    digest = note("0321")
    others = digest.others
    assert others is not None and others.line == 42
    (image,) = others.images
    assert image.line == 51
    assert image.src == (
        "https://github.com/xiaoxuebajie/LeetCode/raw/master/solution_python/images/qrcode.jpg"
    )
    assert (image.wrapped_in_div, image.zoom, image.format_hint, image.host) == (
        True,
        100,
        "jpeg",
        "github.com",
    )
    assert "unclosed_div" in codes_at(digest, 51)
    assert item_at(digest, 36).images == []


def test_0321_44_others_section_holds_its_footer_bullets():
    # Spec §9: the Others footer is parsed as bullets + links + image of that section.
    digest = note("0321")
    others = digest.others
    assert others is not None
    assert texts(others.entries) == [
        "喜欢的朋友请点点 star",
        "关注我的[CSDN](https://mp.csdn.net/console/article)博客",
        "关注我的[哔哩哔哩](https://space.bilibili.com/424394389?spm_id_from=333.788.b_765f7570696e666f.1)",
        "关注我的公众号CV伴读社",
    ]
    assert [link.text for link in others.links] == ["CSDN", "哔哩哔哩"]
    assert digest.preamble == []


def test_0322_12_label_without_colon_before_children():
    item = item_at(note("0322"), 9)
    tips = entry_at(item, 12)
    assert (tips.label, tips.field, tips.text) == ("核心点", "tips", "")
    assert [c.line for c in tips.children] == [13, 14]
    assert (
        tips.children[1].text
        == "进一步引入了前向和后向注意力模块，这些模块有效的整合了局部信息和全局信息以消除歧义"
    )


def test_0322_16_bare_img_with_entities_and_alt():
    item = item_at(note("0322"), 9)
    (image,) = item.images
    assert image.line == 16
    assert "&amp;" in image.src_raw and "&amp;" not in image.src
    assert image.src.endswith("/640?tp=webp&wxfrom=5&wx_lazy=1&wx_co=1")
    assert (image.alt, image.zoom, image.wrapped_in_div) == ("Image", 50, False)
    assert (image.format_hint, image.host, image.is_local) == ("png", "mmbiz.qpic.cn", False)


def test_0322_20_sentence_colon_stays_prose_22_italic_url_30_bold_label():
    digest = note("0322")
    item = item_at(digest, 18)
    sentence = entry_at(item, 20)
    assert (sentence.kind, sentence.label) == ("paragraph", None)
    assert (
        item.abstract == "开发调试工具 Cyberbrain：能够详细记录项目数据流，变量，状态等关键信息。"
    )
    (demo,) = links_at(item, 22)
    assert (demo.field, demo.label) == ("demo", "在线版")
    assert demo.url == "https://gitpod.io/#snapshot/91475a9d-4ccf-420a-b0ee-11db084ce689"
    (code,) = links_at(item_at(digest, 28), 30)
    assert (code.field, code.label, code.url) == (
        "code",
        "GitHub地址",
        "https://github.com/garrettj403/SciencePlots",
    )


def test_0322_38_bold_wrapped_lowercase_github_bullet():
    item = item_at(note("0322"), 36)
    entry = entry_at(item, 38)
    assert (entry.label, entry.field, entry.text) == (
        "github",
        "code",
        "https://github.com/megvii-model/YOLOF",
    )
    (link,) = entry.links
    assert github_repo(link.url) == "megvii-model/yolof"


def test_0322_66_item_ten_bullets_at_indent_four_are_top_level():
    item = item_at(note("0322"), 66)
    assert (item.index, item.title) == (
        10,
        "yolov5 deepsort 行人车辆 双向计数 跟踪检测 | 开源项目分享",
    )
    assert [(e.line, e.label, e.field, e.children) for e in item.entries] == [
        (68, "主要内容", "abstract", []),
        (69, "项目地址", "website", []),
        (70, "视频地址", "video", []),
    ]
    assert [link.url_kind for link in item.links] == ["github", "bilibili"]


def test_0323_18_two_bare_urls_in_one_github_entry():
    item = item_at(note("0323"), 15)
    assert [(link.field, link.url) for link in links_at(item, 18)] == [
        ("code", "https://github.com/imlixinyang/HiSD"),
        ("code", "https://github.com/NVlabs/MUNIT"),
    ]


def test_0323_22_blank_line_then_column_zero_bullets_stay_in_item_four():
    digest = note("0323")
    item = item_at(digest, 22)
    assert item.index == 4
    assert [(e.line, e.field) for e in item.entries] == [(24, "abstract"), (25, "paper")]
    assert (
        links_at(item, 25)[0].text
        == "Open-book Video Captioning with Retrieve-Copy-Generate Network"
    )
    assert item.images and item.images[0].line == 27


def test_0324_32_long_biz_article_url():
    item = item_at(note("0324"), 32)
    assert item.title == "实时车道线检测和智能告警 | 车距 + 弯道 + 车道线"
    assert item.stars == 4
    assert item.article_url_raw.endswith("&scene=21#wechat_redirect")
    assert item.article_key == "biz:MzU4NTY4Mzg1Mw==:2247504872:1"
    assert item_at(note("0324"), 38).article_key == "biz:MzU4NTY4Mzg1Mw==:2247504929:1"


def test_0325_19_mixed_indents_empty_bullet_and_whitespace_line():
    digest = note("0325")
    item = item_at(digest, 18)
    assert [(e.line, e.label, e.field) for e in item.entries] == [
        (19, "主要内容", "abstract"),
        (20, "GitHub", "code"),
        (21, "Colab教程", "demo"),
    ]
    assert all(e.children == [] for e in item.entries)
    assert 22 in digest.structure
    assert [link.url_kind for link in item.links] == ["github", "colab"]
    assert item_at(digest, 24).index == 3


def test_0325_71_inline_link_inside_abstract():
    item = item_at(note("0325"), 69)
    entry = entry_at(item, 71)
    assert entry.field == "abstract"
    assert entry.text.startswith("[OpenAI在1月5日公布DALL-E模型](http://mp.weixin.qq.com/s?__biz=")
    assert entry.text.endswith(
        "以来，人们都惊艳于模型的语言想象力是如此丰富和细致，主要是一种文本-图像生成方法。"
    )
    (link,) = entry.links
    assert (link.field, link.context, link.text, link.url_kind) == (
        "inline",
        "abstract",
        "OpenAI在1月5日公布DALL-E模型",
        "wechat",
    )


def test_0325_73_space_before_colon_and_74_gith_typo_label():
    item = item_at(note("0325"), 69)
    (blog,) = links_at(item, 73)
    assert (blog.field, blog.label, blog.url) == (
        "website",
        "Blog",
        "https://openai.com/blog/dall-e/",
    )
    (code,) = links_at(item, 74)
    assert (code.field, code.label, code.url) == (
        "code",
        "GItHub",
        "https://github.com/openai/DALL-E",
    )


def test_0326_24_image_src_truncated_at_amp():
    digest = note("0326")
    item = item_holding(digest, 24)
    (image,) = item.images
    assert image.src_raw.endswith("640?wx_fmt=gif&amp")
    assert "truncated_query" in image.flags
    assert (image.format_hint, image.zoom, image.wrapped_in_div) == ("gif", 50, True)
    assert "truncated_query" in codes_at(digest, 24)
    assert 25 in digest.structure  # its </div>


def test_0326_48_zero_stars_no_gap_item_kept():
    digest = note("0326")
    item = item_at(digest, 48)
    assert (item.index, item.stars) == (7, 0)
    assert item.title == "深度学习模型可解释了：华为云做到了，规则化可解释模型助力知识+AI融合"
    assert item.article_url == "https://mp.weixin.qq.com/s/R-xuCpkWM8QmIB6lUVeJVA"
    assert "missing_stars" in codes_at(digest, 48)
    (paper,) = links_at(item, 50)
    assert paper.url_kind == "ieee"


def test_0327_48_arxiv_abs_id_pdf_hybrid():
    item = item_at(note("0327"), 46)
    (paper,) = links_at(item, 48)
    assert paper.url == "https://arxiv.org/abs/2103.13141.pdf"
    assert paper.url_kind == "arxiv"
    assert arxiv_id(paper.url) == "2103.13141"


def test_0328_11_nested_name_link_bullets_under_abstract():
    digest = note("0328")
    item = item_at(digest, 9)
    abstract = entry_at(item, 10)
    assert (abstract.field, abstract.text) == ("abstract", "3个开源项目")
    children = [
        (c.line, c.label, c.field, [(k.field, k.name, github_repo(k.url)) for k in c.links])
        for c in abstract.children
    ]
    assert children == [
        (11, "Paddle-CLIP", "link", [("link", "Paddle-CLIP", "agentmaker/paddle-clip")]),
        (12, "圈生成器", "link", [("link", "圈生成器", "sunyuqian1997/ghost-on-web")]),
        (13, "视频风格转换", "link", [("link", "视频风格转换", "oukohou/paddlegan-develop")]),
    ]
    assert all("unknown_label" in codes_at(digest, n) for n in (11, 12, 13))


def test_0328_48_same_article_as_0327_53_under_another_title():
    earlier = item_at(note("0327"), 53)
    later = item_at(note("0328"), 48)
    assert earlier.article_key == later.article_key == "s:zF0XIQREtti4oe61zLIXBQ"
    assert earlier.title == "图像篡改检测 | D-Unet：用于图像篡改检测和定位的双编码器U-Net"
    assert later.title == "15 分钟看完：悉尼科技大学入选 CVPR 2021 的 9 篇论文，都研究什么？"


def test_0403_11_paper_label_pointing_to_github_keeps_field():
    digest = note("0403")
    (link,) = links_at(item_at(digest, 9), 11)
    assert (link.field, link.url_kind) == ("paper", "github")
    assert github_repo(link.url) == "zcswdt/color_ocr_image_generator"
    assert "label_url_kind_mismatch" in codes_at(digest, 11)


def test_0403_22_empty_abstract_with_list_of_titled_links():
    digest = note("0403")
    item = item_at(digest, 21)
    abstract = entry_at(item, 22)
    assert (abstract.label, abstract.field, abstract.text) == ("主要内容", "abstract", "")
    links = [(k.text, k.url, k.context) for c in abstract.children for k in c.links]
    assert links == [
        ("Yolov5通过计算机视觉提高聋人社区的可访问性", None, "abstract"),
        ("OCNLI 中文原生自然语言推理任务", "https://github.com/CLUEbenchmark/OCNLI", "abstract"),
        (
            "ml-skeleton-py 最佳实践机器学习项目模板",
            "https://github.com/datarootsio/ml-skeleton-py",
            "abstract",
        ),
        (
            "julius 基于PyTorch的快速DSP用于音频和一维信号",
            "https://github.com/adefossez/julius",
            "abstract",
        ),
    ]
    assert "empty_link_url" in codes_at(digest, 23)


def test_0403_31_leading_space_url_annotations_and_deep_github_path():
    digest = note("0403")
    item = item_at(digest, 29)
    (paper,) = links_at(item, 31)
    assert paper.url_raw == " https://arxiv.org/abs/2104.00298"
    assert paper.url == "https://arxiv.org/abs/2104.00298"
    assert arxiv_id(paper.url) == "2104.00298"
    assert "url_whitespace" in codes_at(digest, 31)
    (official,) = links_at(item, 32)
    (pytorch,) = links_at(item, 33)
    assert (official.field, official.note) == ("code", "（官方）")
    assert (pytorch.field, pytorch.note) == ("code", "(pytorch)")
    assert github_repo(official.url) == "google/automl"
    assert github_repo(pytorch.url) == "d-li14/efficientnetv2.pytorch"
    assert "malformed_github_path" in codes_at(digest, 32)
    assert [k.line for k in item.links if k.field == "code"] == [32, 33]


def test_0404_23_gtihub_typo_is_code_with_diagnostic():
    digest = note("0404")
    (link,) = links_at(item_holding(digest, 23), 23)
    assert (link.field, link.label) == ("code", "GtiHub")
    assert github_repo(link.url) == "chenyanglei/polarization-reflection-removal"
    assert "label_typo" in codes_at(digest, 23)


def test_0408_32_stray_dash_before_label():
    item = item_holding(note("0408"), 32)
    entry = entry_at(item, 32)
    assert (entry.label, entry.field) == ("主要内容", "abstract")
    assert entry.text == (
        "提出了Gradient Vectorized Quantization和Magnitude-aware Clipping Strategy"
        "两大策略来实现INT8的无损提速。"
    )
    assert item.abstract == entry.text


def test_0409_20_link_text_with_nested_brackets_inside_tips():
    item = item_holding(note("0409"), 20)
    entry = entry_at(item, 20)
    assert entry.field == "tips"
    (link,) = entry.links
    assert link.text == "[论文翻译]Multi-Task Learning for Dense Prediction Tasks: A Survey"
    assert link.url == "https://blog.csdn.net/weixin_44189610/article/details/113862785"
    assert (link.field, link.context) == ("inline", "tips")


def test_0410_38_fullwidth_g_label_and_40_local_image():
    digest = note("0410")
    item = item_holding(digest, 38)
    (code,) = links_at(item, 38)
    assert (code.field, code.label) == ("code", "ＧitHub")
    assert github_repo(code.url) == "zju3dv/neuralrecon"
    (image,) = item.images
    assert (image.line, image.src, image.is_local, image.resolved_path) == (
        40,
        "images/0410.png",
        True,
        "images/0410.png",
    )
    assert (image.host, image.format_hint, image.zoom) == (None, "png", 100)
    assert "local_image_missing" not in codes_at(digest, 40)


def test_0412_24_three_unknown_labels_each_with_one_link():
    item = item_holding(note("0412"), 24)
    found = [(k.line, k.field, k.name, k.url) for k in item.links if k.line in (24, 25, 26)]
    assert found == [
        (24, "link", "文献下载导航", "http://489.org/"),
        (25, "link", "龙猫学术导航", "http://www.6453.net/"),
        (26, "link", "格桑花学术导航", "http://20009.net/"),
    ]


def test_0413_29_trailing_space_inside_link_text_and_url():
    digest = note("0413")
    (link,) = links_at(item_holding(digest, 29), 29)
    assert link.text == "https://github.com/hyz-xmaster/VarifocalNet"
    assert link.url_raw == "https://github.com/hyz-xmaster/VarifocalNet "
    assert link.url == "https://github.com/hyz-xmaster/VarifocalNet"
    assert "url_whitespace" in codes_at(digest, 29)
    assert "text_href_mismatch" not in codes_at(digest, 29)


def test_0414_21_link_without_scheme():
    digest = note("0414")
    (link,) = links_at(item_holding(digest, 21), 21)
    assert (link.field, link.label) == ("website", "网站")
    assert (link.url_raw, link.url) == ("microsoft.careers.com", "https://microsoft.careers.com")
    assert "url_without_scheme" in codes_at(digest, 21)


def test_0416_44_code_label_on_arxiv_and_52_text_differs_from_href():
    digest = note("0416")
    (code,) = links_at(item_holding(digest, 44), 44)
    assert (code.field, code.url_kind, arxiv_id(code.url)) == ("code", "arxiv", "2103.02852")
    assert "label_url_kind_mismatch" in codes_at(digest, 44)
    (mismatch,) = links_at(item_holding(digest, 52), 52)
    assert mismatch.text == "https://github.com/naver-ai/relabel"
    assert mismatch.url == "https://github.com/naver-ai/relabel_"
    assert "text_href_mismatch" in codes_at(digest, 52)


def test_0418_22_column_zero_tips_and_26_stray_colon_after_link():
    digest = note("0418")
    item = item_at(digest, 20)
    assert [(e.line, e.field) for e in item.entries] == [(21, "abstract"), (22, "tips")]
    assert item.tips == "视觉比赛通用提点方法，有些场景可能会掉点，实验出真知。"
    (link,) = links_at(item_at(digest, 24), 26)
    assert (link.field, link.name, link.text) == (
        "link",
        "开源垃圾分类小程序全套技术方案",
        "慧眼识垃圾",
    )
    assert link.url == "https://github.com/thomas-yanxin/the-eye-knows-the-garbage"
    assert link.note is None


def test_0419_24_duplicate_number_four_and_title_with_brackets():
    digest = note("0419")
    first, second = item_at(digest, 24), item_at(digest, 34)
    assert (first.ordinal, first.index, second.ordinal, second.index) == (4, 4, 5, 4)
    assert first.title == "水下目标检测算法比赛 Baseline分享 -- 提交成绩：0.45 [135/568]"
    assert first.article_url == "https://mp.weixin.qq.com/s/lsV43jpETqaYanmlJCPh7A"
    assert second.title == "干货 | 深度学习检测小目标常用方法"
    assert "duplicate_index" in codes_at(digest, 34)
    assert "duplicate_index" not in codes_at(digest, 24)


def test_0421_45_unpaired_bracket_and_51_one_star_one_in_title():
    digest = note("0421")
    assert (
        item_at(digest, 45).title
        == "跟踪】视频流多目标多类别无延迟高精度目标追踪 YOLO+Deepsort 全解"
    )
    assert item_at(digest, 51).title == "收藏 | 卷积神经网络中用1*1 卷积有什么作用或者好处呢？"
    assert item_at(digest, 51).stars == 2


def test_0423_22_stale_item_without_body_then_unnumbered_item():
    digest = note("0423")
    stale = item_at(digest, 22)
    assert (stale.index, stale.entries, stale.images) == (3, [], [])
    assert "item_without_body" in codes_at(digest, 22)
    unnumbered = item_at(digest, 24)
    assert (unnumbered.ordinal, unnumbered.index, unnumbered.stars) == (4, None, 3)
    # Kangxi radicals (U+2F6C ⽬, U+2F8F ⾏ ...) stay as written in the display title.
    assert unnumbered.title == "⽬标⾏动及稠密环境未知情况下，⽆⼈机跟踪的系统解决⽅案"
    assert "\u2f6c" in unnumbered.title
    assert unnumbered.article_key == "s:JqtxtPCnhNXqqEV4sZ6i3A"
    assert [(e.line, e.field) for e in unnumbered.entries] == [
        (26, "abstract"),
        (28, "paper"),
        (29, "code"),
        (30, "tips"),
    ]
    assert "unnumbered_item" in codes_at(digest, 24)
    assert "compat_char_normalised" in codes_at(digest, 24)
    assert arxiv_id(links_at(unnumbered, 28)[0].url) == "2011.03968"


def test_0423_19_whitespace_line_then_column_zero_bullet_stays_in_item_two():
    item = item_at(note("0423"), 18)
    assert [(e.line, e.field) for e in item.entries] == [(20, "abstract")]


def test_0424_15_dot_slash_local_gif_23_extraction_code_24_empty_reading():
    digest = note("0424")
    first = item_at(digest, 9)
    (image,) = first.images
    assert (image.src_raw, image.is_local, image.resolved_path, image.format_hint) == (
        "./images/1.gif",
        True,
        "images/1.gif",
        "gif",
    )
    assert "local_image_missing" not in codes_at(digest, 15)
    second = item_at(digest, 20)
    (download,) = links_at(second, 23)
    assert (download.field, download.label, download.url_kind) == ("download", "链接", "baidu_pan")
    assert download.url == "https://pan.baidu.com/s/1abCHH6YtsPBCyXh_lhIxAA"
    assert download.note == "提取码：6r80"
    reading = entry_at(second, 24)
    assert (reading.label, reading.field, reading.text, reading.links) == (
        "参考阅读",
        "reading",
        "",
        [],
    )
    assert "empty_value" in codes_at(digest, 24)


def test_0425_34_paper1_paper2_code2_groups_and_abs_v1():
    item = item_at(note("0425"), 32)
    found = [(k.line, k.field, k.group) for k in item.links]
    assert found == [(34, "paper", 1), (35, "paper", 2), (36, "code", 2)]
    ref = arxiv_ref(links_at(item, 34)[0].url)
    assert ref is not None and (ref.id, ref.version, ref.valid) == ("2012.10545", "v1", True)
    assert github_repo(links_at(item, 36)[0].url) == "hzzone/mtlface"
    assert [i.line for i in item.images] == [39, 42]


def test_0427_55_empty_tips_value_with_nested_points():
    item = item_at(note("0427"), 53)
    tips = entry_at(item, 55)
    assert (tips.label, tips.field, tips.text) == ("Tips", "tips", "")
    assert texts(item.tips_points) == ["使用轻量化基础镜像", "多阶段构建"]


def test_0428_45_email_as_link_target():
    item = item_holding(note("0428"), 45)
    (link,) = links_at(item, 45)
    assert (link.field, link.text) == ("contact", "chuxiangxiang@meituan.com")
    assert (link.url, link.url_kind) == ("mailto:chuxiangxiang@meituan.com", "email")


def test_0501_24_csdn_image_with_fragment_and_47_paper_on_github():
    digest = note("0501")
    (image,) = item_holding(digest, 22).images
    assert image.line == 24
    assert image.src.endswith("t_70#pic_center")
    assert (image.host, image.format_hint) == ("img-blog.csdnimg.cn", "png")
    (paper,) = links_at(item_holding(digest, 47), 47)
    assert (paper.field, paper.url_kind) == ("paper", "github")
    assert paper.text == "PFLD: A Practical Facial Landmark Detector"
    assert "label_url_kind_mismatch" in codes_at(digest, 47)


def test_0502_39_wx_fmt_beats_mmbiz_png_path():
    (image,) = item_holding(note("0502"), 37).images
    assert image.line == 39
    assert "/mmbiz_png/" in image.src and "wx_fmt=jpeg" in image.src
    assert image.format_hint == "jpeg"


def test_0509_15_local_image_blob_missing_and_51_arxiv_mirror():
    digest = note("0509")
    (image,) = item_at(digest, 9).images
    assert (image.line, image.resolved_path, image.is_local) == (
        15,
        "images/sample_result.gif",
        True,
    )
    assert "local_image_missing" in codes_at(digest, 15)
    (paper,) = links_at(item_holding(digest, 51), 51)
    assert paper.url == "http://arxiv-download.xixiaoyao.cn/pdf/2103.14625.pdf"
    assert (paper.url_kind, arxiv_id(paper.url)) == ("arxiv", "2103.14625")


def test_0528_9_near_duplicate_of_0527_differs_only_in_item_one():
    earlier, later = note("0527"), note("0528")
    assert (earlier.date, later.date) == ("2021-05-27", "2021-05-28")
    assert len(earlier.items) == len(later.items) > 1
    assert earlier.items[0].title == "RepPointv2：使用点集合表示来做目标检测"
    assert (
        later.items[0].title == "最强无监督行人重识别方法 Cluster Contrast ReID，精度超越有监督算法"
    )
    assert [i.title for i in earlier.items[1:]] == [i.title for i in later.items[1:]]
    assert [i.article_key for i in earlier.items[1:]] == [i.article_key for i in later.items[1:]]


def test_1003_11_paper1_paper2_code1_and_two_images():
    item = item_at(corpus_digest("notes/202110/1003.md"), 9)
    found = [(k.line, k.field, k.group, arxiv_id(k.url) or github_repo(k.url)) for k in item.links]
    assert found == [
        (11, "paper", 1, "2104.00298"),
        (12, "paper", 2, "2106.04803"),
        (13, "code", 1, "d-li14/efficientnetv2.pytorch"),
    ]
    assert [(i.line, i.format_hint, i.zoom) for i in item.images] == [
        (16, "png", 100),
        (19, "png", 100),
    ]


def test_1018_42_baidu_proxy_image_format_from_path_parameters():
    digest = corpus_digest("notes/202110/1018.md")
    (image,) = item_holding(digest, 40).images
    assert image.line == 42
    assert image.host == "gimg2.baidu.com"
    assert image.format_hint == "jpeg"
    assert image.src == image.src_raw
    assert image.flags == []


# -- the README and other files ---------------------------------------------------------


def test_readme_is_the_index_dated_by_its_today_line():
    digest = corpus_digest("README.md")
    assert digest.is_index is True
    assert digest.date == "2021-10-18"
    assert digest.heading_title_text == "dairly_learning"
    assert "历史更新" in [s.name for s in digest.sections]
    # Its 今日要点 copies notes/202110/1018.md.
    day = corpus_digest("notes/202110/1018.md")
    assert [i.title for i in digest.items] == [i.title for i in day.items]


def test_readme_history_section_keeps_its_index_entries():
    digest = corpus_digest("README.md")
    history = next(s for s in digest.sections if s.name == "历史更新")
    raw = (CORPUS / "README.md").read_text(encoding="utf-8").split("\n")
    href_lines = [n for n, line in enumerate(raw, 1) if "<a href=" in line]
    assert len(href_lines) == 67
    held = {e.line for root in history.entries for e in root.walk()}
    assert set(href_lines) <= held
    assert any("公众号内容拓展学习笔记（2021.10.18）" in e.text for e in history.entries)


def test_source_md_is_refused():
    corpus_digest("README.md")  # skips without a corpus
    path = CORPUS / "SOURCE.md"
    with pytest.raises(DigestError, match="not a digest"):
        parse_bytes(read_bytes(path), path)


def test_whole_corpus_counts():
    corpus_digest("README.md")  # skips without a corpus
    paths = sorted((CORPUS / "notes").rglob("*.md"))
    digests = [corpus_digest(p.relative_to(CORPUS).as_posix()) for p in paths]
    assert len(digests) == 69
    assert sum(len(d.items) for d in digests) == 449
    # Stars counted independently from the raw item-head lines (spec §3).
    head = re.compile(r"^(?:\d+\.\s+\[|\s+\[.*\]\(\s*https?://mp\.weixin\.qq\.com.*:star:\s*$)")
    raw_stars = sum(
        line.count(":star:")
        for p in paths
        for line in p.read_text(encoding="utf-8").split("\n")
        if head.match(line)
    )
    assert sum(i.stars for d in digests for i in d.items) == raw_stars == 923
    ids = {arxiv_id(k.url) for d in digests for i in d.items for k in i.links} - {None}
    assert len(ids) == 177
    assert len({d.date for d in digests}) == 69


# -- dates (spec §8), on small synthetic notes -----------------------------------------

_BODY = "\n------\n\n## :paperclip:  今日要点\n\n1. [标题](https://mp.weixin.qq.com/s/abc) :star:\n"


def test_heading_and_path_disagree_heading_wins_with_diagnostic():
    digest = parse("# 公众号内容拓展学习笔记（2021.4.25）\n" + _BODY, "notes/202104/0426.md")
    assert (digest.date, digest.date_source) == ("2021-04-25", "heading")
    assert [d.line for d in digest.diagnostics if d.code == "date_conflict"] == [1]


def test_unparsable_heading_date_falls_back_to_path():
    digest = parse("# 公众号内容拓展学习笔记（2021.2.30）\n" + _BODY, "notes/202104/0426.md")
    assert (digest.date, digest.date_source, digest.heading_date) == ("2021-04-26", "path", None)


def test_no_date_anywhere_is_refused():
    with pytest.raises(DigestError, match="date"):
        parse("# 公众号内容拓展学习笔记\n" + _BODY, "inbox/today.md")


def test_zero_width_only_first_line_does_not_hide_the_heading():
    # Spec §1: U+200B is removed everywhere before matching, so line 2 is the heading.
    digest = parse("\u200b\n# 公众号内容拓展学习笔记（2021.4.25）\n" + _BODY, "inbox/today.md")
    assert (digest.date, digest.date_source) == ("2021-04-25", "heading")
    assert digest.heading_title_text == "公众号内容拓展学习笔记"
