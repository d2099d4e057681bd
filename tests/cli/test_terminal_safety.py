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


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A library holding the hostile day."""
    (tmp_path / "0107.md").write_text(DIGEST, encoding="utf-8")
    path = str(tmp_path / "lib.sqlite")
    assert main(["import", str(tmp_path / "0107.md"), "--library", path]) == 0
    capsys.readouterr()
    return path


def test_search_prints_control_characters_as_text(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:

    assert main(["search", "title", "--library", lib]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2022-01-07  Evil")
    assert not any(char in out for char in "\x1b\x07\x9b"), repr(out)
    assert "Evil\\x1b]0;pwned\\x07 title \\x1b[31mred\\x9b2J" in out

    assert main(["search", "title", "--json", "--library", lib]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert json.loads(out)[0]["title"] == TITLE  # the data itself is kept exactly


def _on_a_terminal(*args: str) -> str:
    """What `kbapp ARGS` writes to a real terminal (a pseudo-terminal), as text."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kbapp", *args],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other side closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8")


def test_an_export_shown_on_a_terminal_escapes_and_a_piped_one_is_exact(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for form in ("markdown", "json"):
        args = ["--library", lib, "export", "--format", form, "--date", "2022-01-07"]
        if form == "json":
            args = args[:-2]
        shown = _on_a_terminal(*args)
        assert not any(char in shown for char in "\x1b\x07\x9b"), repr(shown[:300])
        assert "\\x1b]0;pwned\\x07" in shown or "\\u001b]0;pwned\\u0007" in shown
        assert main(args) == 0  # into a pipe (here, captured): the data, exactly
        piped = capsys.readouterr().out
        exact = TITLE if form == "markdown" else json.dumps(TITLE, ensure_ascii=False)[1:-1]
        assert exact in piped


def test_import_lines_show_a_hostile_file_name_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "day\x1b]0;pwned\x07\x9b2J.md"
    hostile.write_text(DIGEST, encoding="utf-8")
    empty = tmp_path / "empty\x1b[31m.md"
    empty.write_text("", encoding="utf-8")
    lib = str(tmp_path / "lib.sqlite")
    main(["import", str(tmp_path), "--library", lib])
    out = capsys.readouterr().out
    assert not any(char in out for char in "\x1b\x07\x9b"), repr(out)
    assert "day\\x1b]0;pwned\\x07\\x9b2J.md" in out and "empty\\x1b[31m.md" in out
