"""`kbapp check` and `kbapp recover` on a library with random bytes in its middle, and what
the other commands say about it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbapp.cli import main
from tests.library_damage import Annotated, annotations_in, build, copy_library, damage


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Annotated]:
    return build(corpus, tmp_path_factory.mktemp("built"))


@pytest.fixture
def sound(built: tuple[Path, Annotated], tmp_path: Path) -> Path:
    return copy_library(built[0], tmp_path)


@pytest.fixture
def damaged(sound: Path) -> Path:
    damage(sound)
    return sound


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_says_a_sound_library_is_sound(
    sound: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--library", str(sound), "check")
    assert (status, err) == (0, "")
    assert "sound" in out
    status, out, _ = run(capsys, "--library", str(sound), "check", "--json")
    data = json.loads(out)
    assert (status, data["ok"], data["integrity"], data["foreign_keys"]) == (0, True, [], [])


def test_check_finds_the_damage_and_names_the_newest_good_backup(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = damaged.read_bytes()
    status, out, err = run(capsys, "--library", str(damaged), "check")
    (backup,) = (damaged.parent / "backups").glob("*.sqlite")
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and "is damaged" in err and str(backup) in err
    assert "kbapp restore-backup" in err and "Traceback" not in err

    status, out, _ = run(capsys, "--library", str(damaged), "check", "--json")
    data = json.loads(out)
    assert (status, data["ok"]) == (1, False)
    assert data["integrity"]
    assert data["newest_good_backup"]["path"] == str(backup)
    assert data["newest_good_backup"]["ratings"] == 20
    assert damaged.read_bytes() == before


@pytest.mark.parametrize("command", [["stats"], ["export"], ["search", "attention"]])
def test_other_commands_refuse_a_damaged_library_in_one_line(
    damaged: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = damaged.read_bytes()
    status, out, err = run(capsys, "--library", str(damaged), *command)
    assert (status, out) == (2, "")
    assert err.startswith("kbapp: the library") and err.count("\n") == 1
    assert "will not write to it" in err and "Traceback" not in err
    assert damaged.read_bytes() == before


def test_import_into_a_damaged_library_writes_nothing(
    damaged: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = damaged.read_bytes()
    day = corpus / "notes" / "202104" / "0425.md"
    status, _, err = run(capsys, "--library", str(damaged), "import", str(day))
    assert status == 2 and "is damaged" in err
    assert damaged.read_bytes() == before


def test_recover_rebuilds_with_the_backups_ratings_and_notes(
    damaged: Path, built: tuple[Path, Annotated], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--library", str(damaged), "recover")
    assert (status, err) == (0, "")
    assert "20 ratings, 3 notes" in out
    (aside,) = [p for p in damaged.parent.glob("lib.sqlite.damaged-*") if p.name[-4] != "-"]
    assert f"the damaged library is kept at {aside}" in out
    assert annotations_in(damaged) == built[1]
    assert run(capsys, "--library", str(damaged), "check")[0] == 0
    status, out, _ = run(capsys, "--library", str(damaged), "stats", "--json")
    assert (status, json.loads(out)["digests"]) == (0, 69)


def test_recover_from_a_json_export(
    sound: Path, built: tuple[Path, Annotated], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "mine.json"
    assert run(capsys, "--library", str(sound), "export", "--output", str(export))[0] == 0
    damage(sound)
    status, out, _ = run(capsys, "--library", str(sound), "recover", "--from", str(export))
    assert status == 0 and "20 ratings, 3 notes" in out
    assert annotations_in(sound) == built[1]


def test_recover_refuses_a_sound_library(sound: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sound.read_bytes()
    status, _, err = run(capsys, "--library", str(sound), "recover")
    assert status == 1 and "is sound: there is nothing to recover" in err
    assert sound.read_bytes() == before
    assert not list(sound.parent.glob("*.damaged-*"))


def test_recover_from_a_malformed_export_says_so_and_changes_nothing(
    damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kbapp", "version": 1, "digests": "none"}', encoding="utf-8")
    before = damaged.read_bytes()
    status, _, err = run(capsys, "--library", str(damaged), "recover", "--from", str(bad),
                         "--digests", str(damaged.parent))  # fmt: skip
    assert status == 1 and err.count("\n") == 1 and "digests" in err
    assert "Traceback" not in err
    assert damaged.read_bytes() == before
