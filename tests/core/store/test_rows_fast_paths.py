"""The rows' shortened paths write what the plain ones wrote: an item's body JSON built
as text is the JSON of its entries' dicts, and a packed body is the bytes a new
compressor given the dictionary makes, behind the format byte."""

from __future__ import annotations

import json
import zlib

import pytest

from kbapp.core.digest.files import parse_bytes, read_bytes
from kbapp.core.digest.model import Entry
from kbapp.core.digest.parser import parse
from kbapp.core.store import packing, rows
from tests.conftest import CORPUS


def _corpus_items_entries() -> list[list[Entry]]:
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    found: list[list[Entry]] = []
    for path in sorted((CORPUS / "notes").rglob("*.md")):
        digest = parse_bytes(read_bytes(path), path)
        found += [item.entries for item in digest.items]
        found += [section.entries for section in digest.sections]
        found.append(digest.preamble)
    return found


def _made_up_entries() -> list[list[Entry]]:
    text = "# 2021.4.25\n\n## 今日要点\n\n1. [t](https://mp.weixin.qq.com/s/a) :star:\n"
    text += "".join(f'{"  " * depth}- 第{depth}层 "q" \\ \x7f\u2028\n' for depth in range(130))
    text += "   - **Paper2：** [p](https://arxiv.org/abs/2104.00298)\n   - 核心点\n     - x\n"
    text += "head\n2. [u](https://mp.weixin.qq.com/s/b) ⭐ 尾\n  段落：正文\n"
    return [item.entries for item in parse(text, "notes/202104/0425.md").items]


def _plain_body(entries: list[Entry]) -> str:
    value = [entry.to_dict() for entry in entries]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_body_json_is_the_json_of_the_entries() -> None:
    for entries in [*_corpus_items_entries(), *_made_up_entries(), []]:
        assert rows.body_json(entries) == _plain_body(entries)


def _plain_pack(body: str) -> str | bytes:
    data = body.encode()
    if len(data) > packing.PACK_MAX or body == "[]":
        return body
    packer = zlib.compressobj(
        6, zlib.DEFLATED, -13, 8, zlib.Z_DEFAULT_STRATEGY, packing._DICTIONARY_1
    )
    return bytes((1,)) + packer.compress(data) + packer.flush()


def test_packed_bodies_are_the_bytes_of_the_format() -> None:
    bodies = [rows.body_json(entries) for entries in _corpus_items_entries()]
    bodies += ["[]", "x", "目标" * 3000, '"' * 16_384, "a" * 16_385]
    for body in bodies:
        packed = packing.pack_body(body)
        assert packed == _plain_pack(body)
        assert packing.unpack_body(packed) == body
