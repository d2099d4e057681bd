"""A digest nested 2,000 levels deep is imported from the command line with the file
after it, exported again as markdown (its deepest lines as they were written) and read
back: no RecursionError anywhere, and no file stops the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library
from tests.core.digest.test_deep_nesting import deep_body, deep_digest

NEXT = (
    "# 公众号内容拓展学习笔记（2021.4.26）\n\n------\n\n## :paperclip:  今日要点\n\n"
    "1. [The day after](https://mp.weixin.qq.com/s/after) :star::star::star:\n"
    "   - Abstract: still imported\n"
)


def test_a_2000_level_digest_and_the_next_file_are_both_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes" / "202104"
    notes.mkdir(parents=True)
    (notes / "0425.md").write_text(deep_digest(2_000), encoding="utf-8")
    (notes / "0426.md").write_text(NEXT, encoding="utf-8")
    lib = tmp_path / "library.sqlite"

    assert main(["--library", str(lib), "import", str(tmp_path / "notes")]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "recursion" not in (out + err).lower()
    assert out.splitlines()[-1].startswith("2 imported, 0 updated")

    (notes / "0425.md").unlink()  # the export now writes the day from the library alone
    exported = tmp_path / "exported"
    assert main(["--library", str(lib), "export", "--format", "markdown",
                 "--date", "2021-04-25", "--output", str(exported)]) == 0  # fmt: skip
    capsys.readouterr()
    (written,) = exported.rglob("*.md")
    lines = written.read_text(encoding="utf-8").splitlines()
    deepest = deep_body(2_000)[-1]
    assert deepest in lines  # as written: not "- " doubled before its own marker
    assert not any(line.lstrip().startswith("- -") for line in lines)

    again = tmp_path / "again.sqlite"
    assert main(["--library", str(again), "import", str(written)]) == 0
    capsys.readouterr()
    with Library(again) as library:
        day = library.days.day("2021-04-25")
        assert day is not None
        (item,) = day.items
        text = "\n".join(entry.plain() for entry in item.entries)
        assert "point 1999" in text and "point 0" in text
