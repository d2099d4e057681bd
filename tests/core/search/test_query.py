"""The search query language: what each piece becomes, and clear errors."""

from __future__ import annotations

import re

import pytest

from kbapp.core.search.text import (
    QueryError,
    facet_sides,
    facet_text,
    fts_match,
    index_text,
    parse_query,
)


def tokens(text: str) -> list[str]:
    """The tokens of indexed text as the index's tokenizer sees them: letters and digits."""
    return re.findall(r"[^\W_]+", index_text(text).casefold())


def test_cjk_text_is_indexed_as_overlapping_pairs_and_full_width_folds() -> None:
    assert tokens("YOLOv5目标检测，ＡＩ") == ["yolov5", "目标", "标检", "检测", "测", "ai"]
    assert index_text("检测") == " 检测 测 "
    assert tokens("检。测") == ["检", "测"]


@pytest.mark.parametrize(
    ("query", "match"),
    [
        ("检", '"检" *'),
        ("检测", '"检测"'),
        ("检测算法", '"检测 测算 算法"'),
        ("YOLO", '"YOLO" *'),  # FTS5 folds case with the index's tokenizer
        ("YOLO 检测", '"YOLO" * AND "检测"'),
        ("YOLO检测", '"YOLO 检测"'),
        ("检测v5", '"检测 测 v5"'),
        ("v5检", '"v5 检" *'),
        ('"real time"', '"real time"'),
        ("a OR 检测", '("a" *) OR ("检测")'),
        ("yolo -v5", '("yolo" *) NOT "v5" *'),
        ("title:检测 abstract：YOLO", 'title : "检测" AND abstract : "YOLO" *'),
        ("title:检测 paper：YOLO", 'title : "检测"'),  # paper: is a filter (its own test)
    ],
)
def test_words_phrases_fields_or_and_not(query: str, match: str) -> None:
    assert parse_query(query).match == match


def test_paper_words_are_a_filter_over_titles_and_arxiv_details() -> None:
    q = parse_query("检测 paper:YOLO")
    assert q.match == '"检测"' and q.paper == [("text", '"YOLO" *')] and "YOLO" in q.terms
    assert parse_query("-paper:yolo x").match == '("x" *) NOT paper : "yolo" *'


def test_filters_are_read_into_the_query() -> None:
    q = parse_query("yolo stars>=3 mine>=4 date:2021-04-01..2021-04-15 has:code arxiv:2104.04329v2")
    assert (q.stars, q.mine, q.date_from, q.date_to) == (3, 4, "2021-04-01", "2021-04-15")
    assert q.has == {"code"} and q.arxiv == "2104.04329" and q.match == '"yolo" *'
    assert parse_query("date:2021-04").date_to == "2021-04"
    assert parse_query("has:note").match is None  # filters alone are a search too


def test_filters_become_facet_tokens_that_no_word_can_match() -> None:
    def shown(text: str | None) -> str | None:
        return None if text is None else text.replace("\ue000", "^")

    assert shown(facet_text("2021-04-25", 3, ["code", "link", "image"])) == (
        "^y2021 ^m202104 ^d20210425 ^s1 ^s2 ^s3 ^u4 ^u5 ^hcode ^npaper ^himage"
    )
    assert shown(facet_text("not a day", 0, [])) == "^u1 ^u2 ^u3 ^u4 ^u5 ^ncode ^npaper ^nimage"
    query = parse_query("检测 stars>=2 has:code has:note date:2021-03-30..2021-05")
    assert [(name, shown(yes), shown(no)) for name, yes, no in facet_sides(query)] == [
        ("stars", "^s2", "^u2"),
        ("code", "^hcode", "^ncode"),
    ]
    days = '"^d20210330" OR "^d20210331" OR "^m202104" OR "^m202105"'
    assert shown(fts_match(query)) == (
        f'((("检测") AND facets : ({days})) AND facets : "^s2") AND facets : "^hcode"'
    )
    assert shown(fts_match(query, absent={"stars", "code"})) == (
        f'((("检测") AND facets : ({days})) NOT facets : "^u2") NOT facets : "^ncode"'
    )
    assert shown(fts_match(parse_query("x date:2020-12..2022-01"))).endswith(
        'facets : ("^m202012" OR "^y2021" OR "^m202201")'
    )
    assert fts_match(parse_query("x date:2021-05..2021-04")) is None  # an empty range
    assert fts_match(parse_query("s1 y2021")) == '"s1" * AND "y2021" *'
    assert parse_query("\ue000s1").match == '"s1" *'  # a query cannot hold the marker


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"unclosed', "closing quote"),
        ("OR yolo", "OR needs"),
        ("yolo OR", "OR needs"),
        ("-yolo", "at least one word"),
        ("stars>=9", "0 to 5"),
        ("date:April", "date:"),
        ("date:2021-02-30", "not a day of the calendar"),
        ("date:2021-13", "not a day of the calendar"),
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
