"""Identities that join papers, code and articles across days (spec §4.5, §7).

A wrong key here shows up in the app as two days that should link to the same paper
and do not, or as a link to the wrong repository.
"""

from __future__ import annotations

import pytest

from kbapp.core.digest.identities import (
    article_key,
    arxiv_id,
    arxiv_ref,
    doi,
    github_ref,
    github_repo,
    normalise_url,
    title_key,
    url_kind,
)

# -- arXiv -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected_id", "version"),
    [
        ("https://arxiv.org/abs/2104.00298", "2104.00298", None),
        ("https://arxiv.org/abs/2012.10545v1", "2012.10545", "v1"),
        ("https://arxiv.org/abs/2103.13141.pdf", "2103.13141", None),
        ("https://arxiv.org/pdf/2103.02852", "2103.02852", None),
        ("https://arxiv.org/pdf/2103.02852.pdf", "2103.02852", None),
        ("https://arxiv.org/pdf/2103.02852v3.pdf", "2103.02852", "v3"),
        ("https://arxiv.org/ftp/arxiv/papers/2101/2101.01234.pdf", "2101.01234", None),
        ("http://arxiv-download.xixiaoyao.cn/pdf/2103.14625.pdf", "2103.14625", None),
        ("https://arXiv.org/abs/2106.04803", "2106.04803", None),
        ("http://arxiv.org/abs/2110.06864", "2110.06864", None),
        (
            "https://arxiv.org/pdf/2103.01988.pdf?fbclid=IwAR3sRgn_9uiOc_yZFROfEfyXylMZX5",
            "2103.01988",
            None,
        ),
        ("https://arxiv.org/abs/1412.6980", "1412.6980", None),  # 4 digits before 2015
    ],
)
def test_arxiv_id_from_every_path_form(url: str, expected_id: str, version: str | None):
    ref = arxiv_ref(url)
    assert ref is not None
    assert (ref.id, ref.version, ref.valid) == (expected_id, version, True)
    assert arxiv_id(url) == expected_id


def test_arxiv_id_without_scheme_after_normalising():
    url = normalise_url("arxiv.org/abs/2106.04803")
    assert url == "https://arxiv.org/abs/2106.04803"
    assert arxiv_id(url) == "2106.04803"


def test_every_form_of_one_paper_shares_one_id():
    forms = [
        "https://arxiv.org/abs/2104.00298",
        "https://arxiv.org/abs/2104.00298v2",
        "http://arxiv.org/pdf/2104.00298.pdf",
        "https://arXiv.org/pdf/2104.00298v1.pdf",
        "http://arxiv-download.xixiaoyao.cn/pdf/2104.00298.pdf",
        normalise_url("arxiv.org/abs/2104.00298"),
    ]
    assert {arxiv_id(url) for url in forms} == {"2104.00298"}


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2206.0467",  # 4-digit sequence after 2015 (spec §7)
        "https://arxiv.org/abs/1412.69801",  # 5-digit sequence before 2015
        "https://arxiv.org/abs/2113.12345",  # month 13
    ],
)
def test_malformed_arxiv_id_is_flagged_and_not_linked(url: str):
    ref = arxiv_ref(url)
    assert ref is not None and ref.valid is False
    assert arxiv_id(url) is None


def test_malformed_arxiv_id_keeps_what_was_written():
    ref = arxiv_ref("https://arxiv.org/abs/2206.0467")
    assert ref is not None and ref.id == "2206.0467"


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/list/cs.CV/recent",
        "https://github.com/abs/2104.00298",
        "https://example.com/pdf/2104.00298.pdf",
        None,
    ],
)
def test_no_arxiv_id_where_there_is_no_paper(url: str | None):
    assert arxiv_ref(url) is None
    assert arxiv_id(url) is None


# -- GitHub ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/google/automl",
        "https://www.github.com/Google/AutoML",
        "https://github.com/google/automl/",
        "https://github.com/google/automl.git",
        "https://github.com/google/automl/tree/master/efficientnetv2",
        "https://github.com/google/automl/blob/master/README.md",
        "http://github.com/google/automl#readme",
    ],
)
def test_github_repo_key_strips_host_case_and_sub_paths(url: str):
    assert github_repo(url) == "google/automl"
    ref = github_ref(url)
    assert ref is not None and ref.malformed is False


def test_github_repo_without_scheme_after_normalising():
    assert github_repo(normalise_url("github.com/google/automl")) == "google/automl"


@pytest.mark.parametrize("url", ["https://github.com/google", "https://github.com/google/"])
def test_owner_only_github_url_is_no_repo(url: str):
    ref = github_ref(url)
    assert ref is not None and (ref.owner, ref.repo, ref.key) == ("google", None, "google")
    assert github_repo(url) is None


def test_malformed_deep_github_path_keeps_repo_and_is_flagged():
    # notes/202104/0403.md:32
    url = "https://github.com/google/automl/efficientnetv2"
    ref = github_ref(url)
    assert ref is not None
    assert (ref.key, ref.malformed) == ("google/automl", True)
    assert github_repo(url) == "google/automl"


def test_github_pages_and_other_hosts_are_no_repo():
    assert github_repo("https://poloclub.github.io/dodrio/") is None
    assert url_kind("https://poloclub.github.io/dodrio/") == "github_pages"
    assert github_repo("https://gitee.com/google/automl") is None


def test_gist_is_not_a_github_repository():
    # Spec §7: url_kind github is github.com and www.github.com only; a gist is no repo.
    url = "https://gist.github.com/karpathy/d4dee566867f8291f086"
    assert github_repo(url) is None
    assert url_kind(url) != "github"


# -- DOI, articles, titles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://doi.org/10.1016/j.isprsjprs.2020.01.013", "10.1016/j.isprsjprs.2020.01.013"),
        ("https://dx.doi.org/10.1109/CVPR.2016.90/", "10.1109/cvpr.2016.90"),
        ("doi:10.1000/XYZ", "10.1000/xyz"),
        ("https://example.com/10.1000/xyz", None),
        (None, None),
    ],
)
def test_doi(url: str | None, expected: str | None):
    assert doi(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mp.weixin.qq.com/s/KyvhAeyQeA-fYOKzUE79gQ", "s:KyvhAeyQeA-fYOKzUE79gQ"),
        ("https://mp.weixin.qq.com/s/KyvhAeyQeA-fYOKzUE79gQ/", "s:KyvhAeyQeA-fYOKzUE79gQ"),
        ("http://mp.weixin.qq.com/s/KyvhAeyQeA-fYOKzUE79gQ?scene=1#rd", "s:KyvhAeyQeA-fYOKzUE79gQ"),
        (
            "https://mp.weixin.qq.com/s?__biz=MzU4NTY4Mzg1Mw==&mid=2247504872&idx=1"
            "&sn=c4faa6b160899ac57f4ccca9eeb267d4&scene=21#wechat_redirect",
            "biz:MzU4NTY4Mzg1Mw==:2247504872:1",
        ),
        ("https://mp.weixin.qq.com/mp/profile_ext?action=home", None),
        ("https://example.com/s/KyvhAeyQeA-fYOKzUE79gQ", None),
        (None, None),
    ],
)
def test_article_key(url: str | None, expected: str | None):
    assert article_key(url) == expected


def test_article_key_ignores_sn_chksm_scene_and_fragment():
    base = "http://mp.weixin.qq.com/s?__biz=MzA5ODEzMjIyMA==&mid=2247571522&idx=1"
    noisy = (
        base + "&sn=380ab14b7cf34783fd412e60713b6b48&chksm=9095d1d1a7e258c79fbfda93ac25b66f"
        "&scene=21#wechat_redirect"
    )
    assert article_key(base) == article_key(noisy) == "biz:MzA5ODEzMjIyMA==:2247571522:1"
    other_idx = base.replace("idx=1", "idx=2")
    assert article_key(other_idx) == "biz:MzA5ODEzMjIyMA==:2247571522:2"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            "EfficientNetV2: Smaller Models and Faster Training",
            "efficientnetv2 -- smaller   models and FASTER training!",
        ),
        ("ＥｆｆｉｃｉｅｎｔＮｅｔＶ２", "EfficientNetV2"),  # full-width letters (NFKC)
        ("⽬标⾏动", "目标行动"),  # Kangxi radicals, notes/202104/0423.md:24
        ("ﬁne-tuning", "Fine Tuning"),  # the ligature seen in later notes
        ("CVPR 2021｜人脸", "cvpr 2021 | 人脸"),
    ],
)
def test_title_key_folds_width_case_and_punctuation(left: str, right: str):
    assert title_key(left) == title_key(right)


def test_title_key_keeps_different_titles_apart():
    assert title_key("EfficientNetV2") != title_key("EfficientNetV1")
    assert title_key("EfficientNetV2: Smaller Models") == "efficientnetv2 smaller models"


# -- URL kinds and normalisation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/abs/2104.00298", "arxiv"),
        ("https://arXiv.org/abs/2104.00298", "arxiv"),
        ("http://arxiv-download.xixiaoyao.cn/pdf/2103.14625.pdf", "arxiv"),
        ("https://github.com/a/b", "github"),
        ("https://www.github.com/a/b", "github"),
        ("https://poloclub.github.io/dodrio/", "github_pages"),
        ("https://mp.weixin.qq.com/s/abc", "wechat"),
        ("https://openaccess.thecvf.com/content/CVPR2021/html/x.html", "cvf"),
        ("https://ieeexplore.ieee.org/document/8907459", "ieee"),
        ("https://openreview.net/forum?id=abc", "openreview"),
        ("https://doi.org/10.1016/j.isprsjprs.2020.01.013", "doi"),
        ("https://www.bilibili.com/video/BV14z4y127XX/", "bilibili"),
        ("https://colab.research.google.com/drive/1Y5i50xSFIuN3V4Md8TB30_GOAtts7RQD", "colab"),
        ("https://huggingface.co/spaces/akhaliq/x", "huggingface"),
        ("https://pan.baidu.com/s/1abCHH6YtsPBCyXh_lhIxAA", "baidu_pan"),
        ("mailto:chuxiangxiang@meituan.com", "email"),
        ("https://zhuanlan.zhihu.com/p/133843407", "other"),
        ("https://notgithub.com/a/b", "other"),
        (None, "other"),
        ("", "other"),
    ],
)
def test_url_kind(url: str | None, kind: str):
    assert url_kind(url) == kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/a/b", "https://github.com/a/b"),
        (" https://arxiv.org/abs/2104.00298", "https://arxiv.org/abs/2104.00298"),
        (
            "https://github.com/hyz-xmaster/VarifocalNet ",
            "https://github.com/hyz-xmaster/VarifocalNet",
        ),
        ("https: //arxiv.org/abs/2104.00298", "https://arxiv.org/abs/2104.00298"),
        ("microsoft.careers.com", "https://microsoft.careers.com"),
        ("www.example.com/a", "https://www.example.com/a"),
        ("arxiv.org/abs/2104.00298", "https://arxiv.org/abs/2104.00298"),
        ("chuxiangxiang@meituan.com", "mailto:chuxiangxiang@meituan.com"),
        ("mailto:a@b.cn", "mailto:a@b.cn"),
        ("*https://gitpod.io/#snapshot/91475a9d*", "https://gitpod.io/#snapshot/91475a9d"),
        (
            "https://github.com/chenyanglei/A%20B",
            "https://github.com/chenyanglei/A%20B",
        ),  # percent-encoded spaces stay as written (notes/202105/0512.md:20)
        ("", None),
        ("   ", None),
    ],
)
def test_normalise_url(raw: str, expected: str | None):
    assert normalise_url(raw) == expected
