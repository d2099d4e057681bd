"""One day, one file: two files with the same date no longer take turns as the day at
each import. The file under the date's own path wins; otherwise the day stays with the
file it came from. The other is reported as a conflict (and nothing of it written)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library

DATE = "2021-03-07"


def source_of_the_day(library: Path) -> str | None:
    with Library(library) as opened:
        info = opened.digests.digest(DATE)
        return None if info is None else info.source_path


def run_import(
    capsys: pytest.CaptureFixture[str], library: Path, *paths: Path
) -> tuple[int, str, str]:
    status = main(["--library", str(library), "import", *map(str, paths)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def pair(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The corpus's 2021-03-07 under its own path, and an edited copy elsewhere whose
    heading gives the same date."""
    text = (corpus / "notes" / "202103" / "0307.md").read_text(encoding="utf-8")
    own = tmp_path / "notes" / "202103" / "0307.md"
    own.parent.mkdir(parents=True)
    own.write_text(text, encoding="utf-8")
    other = tmp_path / "drafts" / "march-draft.md"
    other.parent.mkdir(parents=True)
    other.write_text(text + "\n- a draft line\n", encoding="utf-8")
    return own, other


def test_the_file_under_the_dates_own_path_stays_the_day(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own, other = pair
    library = tmp_path / "library.sqlite"
    status, out, err = run_import(capsys, library, other.parent, own.parent.parent)
    assert status == 0
    assert source_of_the_day(library) == str(own.resolve())
    assert f"was the day of {other.resolve()}" in err  # it replaced the draft, saying so
    for _ in range(3):  # and from now on, whatever the order, the day never flips
        for order in ((other.parent, own.parent.parent), (own.parent.parent, other.parent)):
            status, out, err = run_import(capsys, library, *order)
            assert status == 0
            assert source_of_the_day(library) == str(own.resolve())
            assert f"conflict: {DATE} is already the day of {own.resolve()}" in out
            assert f"  {other.parent}/march-draft.md\n" in out
            assert f"unchanged {DATE}  {own}" in out  # the kept one is unchanged, truly
            assert out.splitlines()[-1].endswith(", 1 not imported: another file has the date")


def test_between_equals_the_file_changed_last_is_the_day(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own, other = pair
    first = tmp_path / "drafts" / "first.md"
    own.rename(first)  # two drafts of one date, neither under the date's path
    os.utime(other, (1_600_000_000, 1_600_000_000))  # the other draft is older
    library = tmp_path / "library.sqlite"
    assert run_import(capsys, library, other, first)[0] == 0  # the older, then replaced
    assert source_of_the_day(library) == str(first.resolve())
    for _ in range(3):  # from now on, whatever the order and however often
        for order in ((other, first), (first, other)):
            status, out, _ = run_import(capsys, library, *order)
            assert status == 0 and source_of_the_day(library) == str(first.resolve())
            assert (
                f"conflict: {DATE} is already the day of {first.resolve()} "
                "(it was changed more recently)"
            ) in out
    with Library(library) as opened:  # nothing of the other file was written
        info = opened.digests.digest(DATE)
        assert info is not None
        assert info.content_hash == hashlib.sha256(first.read_bytes()).hexdigest()
    other.write_text(other.read_text(encoding="utf-8") + "- edited now\n", encoding="utf-8")
    status, out, err = run_import(capsys, library, other)  # an edited copy dragged in
    assert status == 0 and out.startswith("updated")
    assert source_of_the_day(library) == str(other.resolve())
    assert f"was the day of {first.resolve()}" in err


def test_when_the_days_file_is_gone_another_takes_over(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own, other = pair
    library = tmp_path / "library.sqlite"
    assert run_import(capsys, library, own)[0] == 0
    own.unlink()
    status, out, _ = run_import(capsys, library, other)
    assert status == 0 and out.startswith("updated")
    assert source_of_the_day(library) == str(other.resolve())
