"""Importing real files: the corpus, re-imports that must write nothing, edits that must
keep the user's ratings and notes, and files that must be refused without a trace."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from kbapp.core.export.library_json import FORMAT, VERSION, export_json
from kbapp.core.importer import FileOutcome, ImportReport, Status, import_paths
from kbapp.core.store.library import Library

ITEM_LINE = re.compile(r"^\s*(\d+\.\s+)?\[.*\]\(https?://mp\.weixin")
EXPECTED_STARS = {"0": 1, "1": 19, "2": 398, "3": 19, "4": 9, "5": 3}


def author_stars_by_file(path: Path) -> list[int]:
    """An independent count: the item lines of 今日要点 and the :star: on each."""
    stars, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("##"):
            inside = "今日要点" in line
        elif inside and ITEM_LINE.match(line):
            stars.append(line.count(":star:"))
    return stars


def by_name(report: ImportReport) -> dict[str, FileOutcome]:
    return {outcome.path.name: outcome for outcome in report.outcomes}


@pytest.fixture(scope="module")
def imported(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportReport]:
    """The corpus imported once into a library file (closed), with its report."""
    path = tmp_path_factory.mktemp("corpus") / "library.sqlite"
    with Library(path) as library:
        report = import_paths(library, [corpus], workers=0)
    return path, report


def test_the_corpus_imports_with_the_known_counts(imported: tuple[Path, ImportReport]) -> None:
    path, report = imported
    assert report.count(Status.IMPORTED) == 69
    outcomes = by_name(report)
    assert outcomes["README.md"].status is Status.SKIPPED
    assert outcomes["README.md"].reason == "series index"
    source = outcomes["SOURCE.md"]
    assert source.status is Status.FAILED and source.reason and "digest" in source.reason
    assert report.summary() == "69 imported, 0 updated, 0 unchanged, 1 skipped, 1 failed"
    with Library(path) as library:
        stats = library.stats.summary()
    assert stats["digests"] == 69 and stats["items"] == 449
    assert stats["stars"] == EXPECTED_STARS
    assert stats["arxiv_ids"] == 177
    assert (stats["first_date"], stats["last_date"]) == ("2021-03-07", "2021-10-18")


def test_every_day_matches_an_independent_count(imported: tuple[Path, ImportReport]) -> None:
    path, report = imported
    with Library(path) as library:
        for outcome in report.outcomes:
            if outcome.status is not Status.IMPORTED:
                continue
            assert outcome.date is not None
            items = library.digests.items_for_date(outcome.date)
            expected = author_stars_by_file(outcome.path)
            assert [i.author_stars for i in items] == expected, outcome.path
            assert outcome.items == len(expected)


def test_a_reimport_is_all_unchanged_and_writes_nothing(
    corpus: Path, imported: tuple[Path, ImportReport], tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    shutil.copy(imported[0], path)
    before = path.read_bytes()
    observer = sqlite3.connect(path)
    version = observer.execute("PRAGMA data_version").fetchone()[0]
    with Library(path) as library:
        report = import_paths(library, [corpus])
        writes = library.db.conn.total_changes
    assert observer.execute("PRAGMA data_version").fetchone()[0] == version
    observer.close()
    assert writes == 0
    assert report.count(Status.UNCHANGED) == 69
    assert report.count(Status.SKIPPED) == report.count(Status.FAILED) == 1
    assert path.read_bytes() == before


def test_worker_processes_give_the_same_library(
    corpus: Path, imported: tuple[Path, ImportReport], tmp_path: Path
) -> None:
    with Library(tmp_path / "parallel.sqlite") as library:
        report = import_paths(library, [corpus / "notes"], workers=2)
        parallel = _comparable(export_json(library))
    with Library(imported[0]) as library:
        sequential = _comparable(export_json(library))
    assert [o.status for o in report.outcomes] == [Status.IMPORTED] * 69
    assert parallel == sequential


def _comparable(data: dict) -> list:  # type: ignore[type-arg]
    for digest in data["digests"]:
        digest.pop("imported_at")
    return data["digests"]  # type: ignore[no-any-return]


def test_the_re_dated_copy_is_flagged_as_a_near_duplicate(
    imported: tuple[Path, ImportReport],
) -> None:
    with Library(imported[0]) as library:
        assert library.digests.digest("2021-05-28").near_duplicate_of == "2021-05-27"  # type: ignore[union-attr]
        flagged = [
            d for d in library.digests.dates() if library.digests.digest(d).near_duplicate_of
        ]  # type: ignore[union-attr]
    assert flagged == ["2021-05-28"]


def test_editing_a_file_keeps_the_users_ratings_and_notes(
    corpus: Path, library: Library, tmp_path: Path
) -> None:
    note = tmp_path / "notes" / "202104" / "0425.md"
    note.parent.mkdir(parents=True)
    shutil.copy(corpus / "notes" / "202104" / "0425.md", note)
    assert import_paths(library, [note]).outcomes[0].status is Status.IMPORTED
    first, second = library.digests.items_for_date("2021-04-25")[:2]
    for n, key in enumerate((first.key, second.key), start=3):
        library.user.set_rating(key, n)
        library.user.set_note(key, f"my note {n}")

    lines = note.read_text(encoding="utf-8").split("\n")
    heads = [n for n, line in enumerate(lines) if re.match(r"^\d+\.\s+\[", line)]
    others = next(n for n, line in enumerate(lines) if line.startswith("## ") and "Others" in line)
    lines[heads[0]] = re.sub(r"\[.*\]\(", "[改过的标题：A retitled article](", lines[heads[0]])
    new_item = [
        "9. [一篇新文章 A new article](https://mp.weixin.qq.com/s/NewArticleKey0000000001)  :star:",
        "   - Abstract: 新的内容",
        "",
    ]
    lines = lines[: heads[1]] + lines[heads[2] : others] + new_item + lines[others:]
    note.write_text("\n".join(lines), encoding="utf-8")

    outcome = import_paths(library, [note]).outcomes[0]
    assert (outcome.status, outcome.items) == (Status.UPDATED, 8)
    retitled = library.digests.item(first.key)
    assert retitled is not None and retitled.title == "改过的标题：A retitled article"
    assert (retitled.my_rating, retitled.note, retitled.removed) == (3, "my note 3", False)
    removed = library.digests.item(second.key)
    assert removed is not None and removed.removed
    assert (removed.my_rating, removed.note) == (4, "my note 4")
    assert (
        library.digests.items_for_date("2021-04-25")[-1].key
        == "2021-04-25/s:NewArticleKey0000000001"
    )

    (day,) = export_json(library)["digests"]
    exported = {item["key"]: item for item in day["items"]}
    assert exported[first.key]["my_rating"] == 3 and exported[first.key]["removed"] is False
    assert exported[second.key]["removed"] is True
    assert exported[second.key]["note"] == "my note 4"
    assert exported["2021-04-25/s:NewArticleKey0000000001"]["author_stars"] == 1


def test_export_carries_every_documented_field(imported: tuple[Path, ImportReport]) -> None:
    with Library(imported[0]) as library:
        data = export_json(library)
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    assert [d["date"] for d in data["digests"]][:2] == ["2021-03-07", "2021-03-21"]
    day = data["digests"][0]
    assert day["others"]["name"] == "Others" and day["source_path"].endswith("0307.md")
    item = day["items"][0]
    for name in ("key", "date", "title", "url", "author_stars", "abstract", "tips", "links",
                 "removed", "my_rating", "note", "links_to", "body"):  # fmt: skip
        assert name in item, name
    assert item["links_to"] == [] and item["body"][0]["kind"] in ("bullet", "paragraph")
    assert all({"field", "label", "text", "url"} <= set(link) for link in item["links"])
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# -- files that are not digests ------------------------------------------------------------
@pytest.fixture
def sample(corpus: Path) -> bytes:
    return (corpus / "notes" / "202104" / "0425.md").read_bytes()


def test_refused_files_write_nothing_and_the_others_go_on(
    library: Library, tmp_path: Path, sample: bytes
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-binary.md").write_bytes(bytes(range(256)) * 64)
    (folder / "b-empty.md").write_bytes(b"")
    (folder / "c-huge.md").write_bytes(sample * (20 * 1024 * 1024 // len(sample) + 1))
    damaged = sample[:400] + b"\xff\xfe\xfd" + sample[400:]
    (folder / "d-damaged.md").write_bytes(damaged)
    (folder / "e-good.md").write_bytes(sample)
    before = library.db.conn.total_changes

    report = import_paths(library, [folder, tmp_path / "missing.md"])
    outcomes = by_name(report)
    reasons = {name: (o.status, o.reason) for name, o in outcomes.items()}
    assert reasons["a-binary.md"][0] is Status.FAILED and "binary" in reasons["a-binary.md"][1]
    assert reasons["b-empty.md"] == (Status.FAILED, "empty file")
    assert reasons["c-huge.md"][0] is Status.FAILED and "10 MB" in reasons["c-huge.md"][1]
    assert reasons["d-damaged.md"][0] is Status.FAILED and "UTF-8" in reasons["d-damaged.md"][1]
    assert reasons["missing.md"] == (Status.FAILED, "no such file or folder")
    assert outcomes["e-good.md"].status is Status.IMPORTED
    assert library.digests.dates() == ["2021-04-25"]  # only the good file
    written = library.db.conn.total_changes - before

    alone = import_paths(library, [folder / "d-damaged.md", folder / "a-binary.md"])
    assert alone.failed and library.db.conn.total_changes - before == written


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_other_encodings_import_as_the_same_text(
    encoding: str, tmp_path: Path, sample: bytes
) -> None:
    original = tmp_path / "utf8" / "0425.md"
    other = tmp_path / encoding / "0425.md"
    for path, data in ((original, sample), (other, sample.decode().encode(encoding))):
        path.parent.mkdir()
        path.write_bytes(data)
    if encoding == "utf-16":
        assert other.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")  # with a BOM
    days = []
    for path in (original, other):
        with Library(path.parent / "library.sqlite") as library:
            assert import_paths(library, [path]).outcomes[0].status is Status.IMPORTED
            (day,) = export_json(library)["digests"]
            days.append(day["items"])
    assert days[0] == days[1]


def test_progress_and_cancel(corpus: Path, library: Library) -> None:
    seen: list[tuple[int, int]] = []
    asked: list[None] = []

    def cancel() -> bool:  # asked before each file
        asked.append(None)
        return len(asked) > 3

    report = import_paths(
        library,
        [corpus / "notes"],
        progress=lambda done, total, outcome: seen.append((done, total)),
        cancel=cancel,
    )
    assert report.cancelled and len(report.outcomes) == 3
    assert seen == [(1, 69), (2, 69), (3, 69)]
    assert len(library.digests.dates()) == 3


def test_files_written_before_an_import_stops_stay_written(corpus: Path, tmp_path: Path) -> None:
    """Files share a commit; when the import stops on an error half-way through one, the
    files already written are committed all the same, and reported (only then)."""
    path = tmp_path / "library.sqlite"
    asked: list[None] = []
    told: list[int] = []

    def stop_at_the_sixth() -> bool:  # asked before each file, inside the batch
        asked.append(None)
        if len(asked) == 6:
            raise KeyboardInterrupt  # as Ctrl+C in `kbapp import`, or any error
        return False

    with Library(path) as library, pytest.raises(KeyboardInterrupt):
        import_paths(
            library,
            [corpus / "notes"],
            progress=lambda done, _total, _outcome: told.append(done),
            cancel=stop_at_the_sixth,
            workers=0,
        )
    with Library(path) as fresh:  # another connection: what is really committed
        assert len(fresh.digests.dates()) == 5
    assert told == [1, 2, 3, 4, 5]
