"""The `kbapp` command, run in-process through `main([...])` (and once as a process)."""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import kbapp
from kbapp.cli import COMMANDS, build_parser, main, parse_args
from kbapp.core.store.library import Library
from kbapp.paths import LIBRARY_ENV, default_library_path, library_path

LINE = re.compile(
    r"^(imported|updated|unchanged) +\d{4}-\d\d-\d\d  \S+\.md  \(\d+ items?\)$"
    r"|^skipped: series index  \S+$|^failed: .+  \S+$"
)


def test_version_in_process_and_as_a_module(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kbapp {kbapp.__version__}"
    done = subprocess.run(
        [sys.executable, "-m", "kbapp", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == f"kbapp {kbapp.__version__}"


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    """The sub-commands' names (argparse has no public view of them)."""
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def test_the_command_names_a_launch_checks_are_the_parsers_commands() -> None:
    assert set(COMMANDS) == command_names(build_parser())


@pytest.mark.parametrize("command", [[], ["import"], ["stats"], ["export"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kbapp") and "--library" in out


@pytest.mark.parametrize(
    ("argv", "files"),
    [
        ([], []),
        (["notes/202103/0307.md"], ["notes/202103/0307.md"]),
        (["a.md", "--library", "L", "notes/202104"], ["a.md", "notes/202104"]),
        (["--lib", "L", "a.md"], ["a.md"]),  # an abbreviated option's value is no file
        (["--screenshot", "o.png", "--date", "2021-03-07", "a.md"], ["a.md"]),
        (["--library", "stats"], []),  # a library file named like a command
        (["./stats"], ["stats"]),  # a file named like a command, written with its folder
        (["--", "stats"], ["stats"]),
        (["--", "-odd.md", "b.md"], ["-odd.md", "b.md"]),
    ],
)
def test_without_a_command_the_words_are_files_for_the_window(
    argv: list[str], files: list[str]
) -> None:
    args = parse_args(argv)
    assert getattr(args, "run", None) is None  # the window
    assert getattr(args, "files", []) == [Path(name) for name in files]


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["stats"], "run_stats"),
        (["--library", "L", "stats", "--json"], "run_stats"),
        (["--lib", "L", "import", "a.md"], "run_import"),
        (["import", "a.md", "--library", "L"], "run_import"),
        (["--date", "2021-03-07", "export"], "run_export"),
        (["export", "--date", "2021-03-07", "--format", "markdown"], "run_export"),
        (["search", "notes/202103/0307.md"], "run_search"),
    ],
)
def test_a_command_name_is_the_command(argv: list[str], command: str) -> None:
    args = parse_args(argv)
    assert args.run.__name__ == command and not hasattr(args, "files")


def test_a_command_wins_over_a_folder_of_its_name(
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lib = str(tmp_path / "lib.sqlite")
    assert main(["--library", lib, "import", str(corpus / "notes" / "202109")]) == 0
    (tmp_path / "stats").mkdir()
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["stats", "--library", lib]) == 0  # the counts, not a window on ./stats
    assert capsys.readouterr().out.startswith("digests       1")
    assert main(["--library"]) == 2
    assert "--library: expected one argument" in capsys.readouterr().err


def test_import_prints_a_line_per_file_and_a_summary(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = str(tmp_path / "lib.sqlite")
    assert main(["--library", lib, "import", str(corpus)]) == 1  # SOURCE.md fails
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert lines[-1] == "69 imported, 0 updated, 0 unchanged, 1 skipped, 1 failed"
    first = next(line for line in lines if "0307.md" in line)
    assert first == f"imported  2021-03-07  {corpus / 'notes/202103/0307.md'}  (3 items)"
    assert f"skipped: series index  {corpus / 'README.md'}" in lines

    assert main(["import", str(corpus / "notes"), "--library", lib]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unchanged 2021-03-07  ")
    assert lines[-1] == "0 imported, 0 updated, 69 unchanged, 0 skipped, 0 failed"


def test_a_missing_path_is_a_failure_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["import", str(missing), "--library", str(tmp_path / "l.sqlite")]) == 1
    out = capsys.readouterr().out
    assert f"failed: no such file or folder  {missing}" in out


def test_library_option_beats_the_environment_which_beats_the_default(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env, from_option = tmp_path / "env.sqlite", tmp_path / "option.sqlite"
    monkeypatch.setenv(LIBRARY_ENV, str(from_env))
    day = str(corpus / "notes" / "202103" / "0307.md")
    assert main(["import", day]) == 0
    assert main(["import", "--library", str(from_option), str(corpus / "notes" / "202104")]) == 0
    with Library(from_env) as library:
        assert library.digests.dates() == ["2021-03-07"]
    with Library(from_option) as library:
        assert len(library.digests.dates()) == 30 and "2021-03-07" not in library.digests.dates()
    assert library_path(None, {}) == default_library_path()
    assert default_library_path().name == "library.sqlite"


def test_stats_json(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib.sqlite")
    main(["--library", lib, "import", str(corpus / "notes")])
    capsys.readouterr()
    assert main(["stats", "--json", "--library", lib]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["digests"] == 69 and stats["items"] == 449
    assert stats["stars"] == {"0": 1, "1": 19, "2": 398, "3": 19, "4": 9, "5": 3}
    for name in ("papers", "arxiv_ids", "github_repos", "images", "first_date", "last_date"):
        assert name in stats
    assert main(["stats", "--library", lib]) == 0
    assert "digests" in capsys.readouterr().out


def test_export_to_stdout_and_to_a_file(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = str(tmp_path / "lib.sqlite")
    main(["--library", lib, "import", str(corpus / "notes" / "202104" / "0425.md")])
    capsys.readouterr()
    assert main(["--library", lib, "export", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "拉普拉斯金字塔" in out  # UTF-8 characters, not \u escapes
    data = json.loads(out)
    assert data["format"] == "kbapp" and data["digests"][0]["date"] == "2021-04-25"
    target = tmp_path / "export.json"
    assert main(["--library", lib, "export", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["digests"] == data["digests"]


def test_environment_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "newer.sqlite"
    Library(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('kbapp', '0099_future', 'later')"
        )
    assert main(["stats", "--library", str(newer)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer kbapp" in err and "Traceback" not in err

    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    assert main(["import", str(tmp_path), "--library", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kbapp: ") and err.count("\n") == 1

    assert (
        main(["export", "--library", str(tmp_path / "ok.sqlite"), "--output", str(tmp_path)]) == 2
    )
    assert capsys.readouterr().err.startswith("kbapp: cannot write")


def test_a_word_that_is_neither_a_command_nor_a_file_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--library", str(tmp_path / "lib.sqlite"), "backpu"]) == 2
    err = capsys.readouterr().err
    assert "backpu is neither a command nor a file or folder" in err
    assert "did you mean `kbapp backup`?" in err
    assert not (tmp_path / "lib.sqlite").exists()  # no window, no library opened
