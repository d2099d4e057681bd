"""Digest text printed to a terminal is shown, not obeyed: a title's escape codes (which
would retitle or recolour the terminal) come out as visible `\\x1b` text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbapp.cli import main

TITLE = "Evil\x1b]0;pwned\x07 title \x1b[31mred\x9b2J"
DIGEST = (
    "# 公众号内容拓展学习笔记（2022.01.07）\n\n------\n\n## :paperclip:  今日要点\n\n"
    f"1. [{TITLE}](https://mp.weixin.qq.com/s/EvilTitle0000Key0000)  :star::star:\n"
    "   - Abstract: an abstract with \x1b[2J in it\n"
)


def test_search_prints_control_characters_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "0107.md").write_text(DIGEST, encoding="utf-8")
    lib = str(tmp_path / "lib.sqlite")
    assert main(["import", str(tmp_path / "0107.md"), "--library", lib]) == 0
    capsys.readouterr()

    assert main(["search", "title", "--library", lib]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2022-01-07  Evil")
    assert not any(char in out for char in "\x1b\x07\x9b"), repr(out)
    assert "Evil\\x1b]0;pwned\\x07 title \\x1b[31mred\\x9b2J" in out

    assert main(["search", "title", "--json", "--library", lib]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert json.loads(out)[0]["title"] == TITLE  # the data itself is kept exactly
