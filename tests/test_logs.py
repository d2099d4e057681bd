"""Logging (`kbapp.logs`), configured once by the entry point: `--debug` or `KBAPP_LOG=debug`
puts kbapp's debug lines on stderr; without them only warnings would show."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbapp import logs

# `    123 ms kbapp.paths: library from the option: …`
DEBUG_LINE = re.compile(r"^ *\d+ ms kbapp(\.\w+)*: \S", re.MULTILINE)


def kbapp(args: list[str], *, log_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != logs.LOG_ENV}
    if log_env is not None:
        env[logs.LOG_ENV] = log_env
    done = subprocess.run(
        [sys.executable, "-m", "kbapp", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digests"), done.stdout  # the command ran as usual
    return done


def stats(tmp_path: Path, *extra: str) -> list[str]:
    return ["--library", str(tmp_path / "l.sqlite"), *extra, "stats"]


def test_debug_prints_debug_lines_on_stderr(tmp_path: Path) -> None:
    done = kbapp(["--debug", *stats(tmp_path)])
    lines = DEBUG_LINE.findall(done.stderr)
    assert lines, done.stderr
    assert "kbapp.paths: library from the option: " in done.stderr
    assert not DEBUG_LINE.search(done.stdout)  # stdout stays the command's


def test_debug_after_the_command_too(tmp_path: Path) -> None:
    done = kbapp([*stats(tmp_path), "--debug"])
    assert DEBUG_LINE.search(done.stderr), done.stderr


def test_without_debug_no_debug_lines(tmp_path: Path) -> None:
    done = kbapp(stats(tmp_path))
    assert done.stderr == ""


@pytest.mark.parametrize("value", ["debug", "DEBUG"])
def test_the_environment_does_what_debug_does(tmp_path: Path, value: str) -> None:
    with_flag = kbapp(["--debug", *stats(tmp_path)])
    with_env = kbapp(stats(tmp_path), log_env=value)
    assert DEBUG_LINE.search(with_env.stderr), with_env.stderr

    def messages(stderr: str) -> list[str]:  # the times differ, the lines do not
        return [line.split(" ms ", 1)[1] for line in stderr.splitlines()]

    assert messages(with_env.stderr) == messages(with_flag.stderr)


def test_another_value_of_the_environment_is_no_debug(tmp_path: Path) -> None:
    assert kbapp(stats(tmp_path), log_env="info").stderr == ""


@pytest.fixture
def kbapp_logger() -> Iterator[logging.Logger]:
    """The `kbapp` logger, put back as it was (configure changes it for the process)."""
    logger = logging.getLogger("kbapp")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def ours(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if h.formatter and h.formatter._fmt == logs.FORMAT]


def test_configure_is_idempotent(
    kbapp_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv(logs.LOG_ENV, raising=False)
    logs.configure(debug=True)
    logs.configure(debug=True)
    assert len(ours(kbapp_logger)) == 1
    logging.getLogger("kbapp.test").debug("once")
    assert capsys.readouterr().err.count("kbapp.test: once") == 1

    logs.configure(debug=False)  # warnings still show, debug lines no more
    assert len(ours(kbapp_logger)) == 1
    logging.getLogger("kbapp.test").debug("hidden")
    logging.getLogger("kbapp.test").warning("shown")
    err = capsys.readouterr().err
    assert "hidden" not in err
    assert re.search(r"^ *\d+ ms kbapp\.test: shown$", err, re.MULTILINE), err
