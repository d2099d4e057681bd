"""Labelled entries: `Label: value` splitting and the alias table (spec §4.2, §4.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kbapp.core.digest.text import label_key

# Lookup keys (NFKC, case-folded) → canonical field. Exhaustive for the corpus; a label
# not in here is kept as an unknown label, never dropped.
ALIASES: dict[str, str] = {
    **dict.fromkeys(["abstract", "主要内容"], "abstract"),
    **dict.fromkeys(["tips", "核心要点", "核心点"], "tips"),
    **dict.fromkeys(["paper", "论文", "论文地址"], "paper"),
    **dict.fromkeys(
        ["code", "github", "gtihub", "源码", "代码地址", "代码链接", "baseline", "github地址"],
        "code",
    ),
    **dict.fromkeys(["demo", "colab", "colab教程", "测试地址", "在线版"], "demo"),
    **dict.fromkeys(["video", "bilibili", "视频地址", "视频说明"], "video"),
    "dataset": "dataset",
    **dict.fromkeys(
        ["address", "website", "网站", "网址", "blog", "项目", "项目地址", "代码说明"], "website"
    ),
    **dict.fromkeys(
        ["参考阅读", "相关阅读", "关联阅读", "英文原文", "更多关注", "相关链接"], "reading"
    ),
    **dict.fromkeys(["competition", "报名地址", "赛题地址"], "competition"),
    "contact": "contact",
    "链接": "download",
}
# Misspellings that case-folding does not mend (spec §4.3: GtiHub).
TYPOS = {"gtihub"}

_COLON = re.compile(r"[:：]")
_GROUP = re.compile(r"^(.*?)(\d+)$")
_FORBIDDEN_IN_LABEL = re.compile(r"[\[\]()<>]|http", re.IGNORECASE)
_DOUBLE_COLON = re.compile(r"^[:：]\s*")
_BOLD_WRAP = re.compile(r"^\*\*(.+)\*\*$")


@dataclass(slots=True)
class Labelled:
    label: str  # the raw label as written, outer spaces and `*` trimmed
    field: str | None  # canonical field, None for an unknown label
    group: int | None
    value: str
    typo: bool = False
    double_colon: bool = False


def unwrap(text: str) -> tuple[str, list[str]]:
    """Strip a wrapping bold pair and one stray leading `-` (spec §4.2 steps 1-2)."""
    flags: list[str] = []
    match = _BOLD_WRAP.match(text) if text.startswith("**") else None
    if match:
        text = match.group(1).strip()
        flags.append("bold_wrapped")
    if text.startswith("-") and not text.startswith("--"):
        text = text[1:].lstrip()
        flags.append("stray_dash")
    return text, flags


@lru_cache(maxsize=4096)
def lookup(label: str) -> tuple[str | None, int | None]:
    """The canonical field and group index of a raw label, (None, None) if unknown."""
    k = label_key(label)
    if k in ALIASES:
        return ALIASES[k], None
    match = _GROUP.match(k)
    if match and match.group(1).strip() in ALIASES:
        return ALIASES[match.group(1).strip()], int(match.group(2))
    return None, None


def split_label(text: str, *, known_only: bool = False) -> Labelled | None:
    """Split `Label: value` at the first colon (spec §4.2 step 3), or None.

    `known_only` is for free paragraphs, where a sentence subject before a colon must
    not become a label (spec §4.4, `notes/202103/0322.md:20`).
    """
    match = _COLON.search(text)
    if not match:
        return None
    at = match.start()
    raw_label = text[:at]
    trimmed = raw_label.strip()
    if not 1 <= len(trimmed) <= 30:
        return None
    label = trimmed.strip("*").strip()
    if not label or _FORBIDDEN_IN_LABEL.search(raw_label):
        return None
    field, group = lookup(label)
    if known_only and field is None:
        return None
    value = text[at + 1 :].strip()  # the colon is one character
    # `Label: : value` (what `_DOUBLE_COLON` matches: the value starts with a colon).
    double = value[:1] in (":", "：")
    if double:
        value = _DOUBLE_COLON.sub("", value, count=1).strip()
    # A bold label (`**GitHub地址：...**` unwrapped, or `**Paper**: ...`) keeps its value.
    return Labelled(label, field, group, value, label_key(label) in TYPOS, double)


def bare_label(text: str) -> Labelled | None:
    """A whole-text known label without a colon, as `核心点` (spec §4.2 step 5)."""
    field, group = lookup(text)
    if field is None:
        return None
    return Labelled(text.strip().strip("*").strip(), field, group, "")
