"""`kbapp sources`: a bare git repository with two days, cloned as a source; a third day
committed upstream comes in with `kbapp sources update`; with the upstream gone the
update fails in one plain line, exit 1, nothing changed; `sources list --json` shows a
git and a plain source with their counts; `remove` forgets the folder, not its days."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DAY = "# 公众号内容拓展学习笔记（2021.11.{d}）\n\n## :paperclip:  今日要点\n\n1. [第{d}天](https://mp.weixin.qq.com/s/day{d}xxxxxxxxxxxxxxxx)  :star::star:\n"


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          env=env, check=True)  # fmt: skip
    return done.stdout


def commit_day(work: Path, day: int) -> None:
    path = work / "202111" / f"11{day:02d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DAY.format(d=day), encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", f"day {day}")
    git(work, "push", "-q", "origin", "HEAD")


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Path, Path]:
    """A bare repository with two days, and the author's working copy that pushes to it."""
    bare = tmp_path / "upstream.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp_path / "author"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    git(work, "checkout", "-q", "-b", "main")
    commit_day(work, 1)
    commit_day(work, 2)
    return bare, work


def dates(path: Path) -> list[str]:
    with Library(path) as library:
        return library.digests.dates()


def test_a_git_source_updates_and_a_gone_upstream_fails_plainly(
    upstream: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare, work = upstream
    source = tmp_path / "digests"
    git(tmp_path, "clone", "-q", str(bare), str(source))
    plain = tmp_path / "plain"
    (plain / "202111").mkdir(parents=True)
    (plain / "202111" / "1120.md").write_text(DAY.format(d=20), encoding="utf-8")
    lib = ["--library", str(tmp_path / "library.sqlite")]
    assert main([*lib, "sources", "add", str(source)]) == 0
    assert main([*lib, "sources", "add", str(plain)]) == 0
    assert "added a source (git)" in capsys.readouterr().out
    assert dates(tmp_path / "library.sqlite") == ["2021-11-01", "2021-11-02", "2021-11-20"]

    commit_day(work, 3)  # the author publishes a third day
    assert main([*lib, "sources", "update"]) == 0
    out = capsys.readouterr().out
    assert "up to date at" in out and "1 imported" in out
    assert "2021-11-03" in dates(tmp_path / "library.sqlite")

    assert main([*lib, "sources", "list", "--json"]) == 0
    listed = {row["path"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed[str(source.resolve())]["kind"] == "git"
    assert listed[str(source.resolve())]["files"] == 3
    assert listed[str(plain.resolve())]["kind"] == "folder"
    assert listed[str(plain.resolve())]["files"] == 1
    assert all(row["last_error"] is None and row["last_scan"] for row in listed.values())

    commit_day(work, 4)
    bare.rename(tmp_path / "moved.git")  # the upstream unreachable
    head = git(source, "rev-parse", "HEAD")
    before = dates(tmp_path / "library.sqlite")
    capsys.readouterr()
    assert main([*lib, "sources", "update"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"kbapp: {source.resolve()}: not updated: the remote repository could not be "
        "reached (no network, or it moved)"
    ]
    assert git(source, "rev-parse", "HEAD") == head  # nothing changed
    assert dates(tmp_path / "library.sqlite") == before
    assert main([*lib, "sources", "list", "--json"]) == 0
    listed = {row["path"]: row for row in json.loads(capsys.readouterr().out)}
    assert "could not be reached" in listed[str(source.resolve())]["last_error"]

    assert main([*lib, "sources", "remove", str(source)]) == 0
    assert main([*lib, "sources", "remove", str(source)]) == 1  # not one any more
    assert dates(tmp_path / "library.sqlite") == before  # its days stay


def test_a_checkout_with_changes_of_its_own_is_not_pulled(
    upstream: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare, work = upstream
    source = tmp_path / "digests"
    git(tmp_path, "clone", "-q", str(bare), str(source))
    lib = ["--library", str(tmp_path / "library.sqlite")]
    assert main([*lib, "sources", "add", str(source)]) == 0
    (source / "202111" / "1101.md").write_text("edited by hand\n", encoding="utf-8")
    commit_day(work, 3)
    capsys.readouterr()
    assert main([*lib, "sources", "update"]) == 1
    assert "changes not committed" in capsys.readouterr().err
    assert "2021-11-03" not in dates(tmp_path / "library.sqlite")
