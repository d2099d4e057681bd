"""The search query language: what each piece becomes, and clear errors."""

from __future__ import annotations

import pytest

from kbapp.core.search_text import QueryError, index_text, parse_query, tokens


def test_cjk_text_is_indexed_a_character_a_token_and_full_width_folds() -> None:
    assert tokens("YOLOv5目标检测，ＡＩ") == ["yolov5", "目", "标", "检", "测", "ai"]
    assert index_text("检测") == " 检  测 "


@pytest.mark.parametrize(
    ("query", "match"),
    [
        ("检", '"检"'),
        ("检测", '"检 测"'),
        ("YOLO", '"yolo" *'),
        ("YOLO 检测", '"yolo" * AND "检 测"'),
        ("YOLO检测", '"yolo 检 测"'),
        ('"real time"', '"real time"'),
        ("a OR 检测", '("a" *) OR ("检 测")'),
        ("yolo -v5", '("yolo" *) NOT "v5" *'),
        ("title:检测 paper：YOLO", 'title : "检 测" AND paper : "yolo" *'),
    ],
)
def test_words_phrases_fields_or_and_not(query: str, match: str) -> None:
    assert parse_query(query).match == match


def test_filters_are_read_into_the_query() -> None:
    q = parse_query("yolo stars>=3 mine>=4 date:2021-04-01..2021-04-15 has:code arxiv:2104.04329v2")
    assert (q.stars, q.mine, q.date_from, q.date_to) == (3, 4, "2021-04-01", "2021-04-15")
    assert q.has == {"code"} and q.arxiv == "2104.04329" and q.match == '"yolo" *'
    assert parse_query("date:2021-04").date_to == "2021-04"
    assert parse_query("has:note").match is None  # filters alone are a search too


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"unclosed', "closing quote"),
        ("OR yolo", "OR needs"),
        ("yolo OR", "OR needs"),
        ("-yolo", "at least one word"),
        ("stars>=9", "0 to 5"),
        ("date:April", "date:"),
        ("has:video", "has:"),
        ("arxiv:12", "arXiv ID"),
        ("color:red", "unknown filter"),
        ("-stars>=3 x", "cannot be excluded"),
        ("，。", "nothing to search"),
    ],
)
def test_a_malformed_query_gets_a_clear_message(query: str, says: str) -> None:
    with pytest.raises(QueryError, match=says):
        parse_query(query)
