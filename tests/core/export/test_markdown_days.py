"""`kbapp export --format markdown`: every day as a digest again, my ratings and notes
merged in; importing the output loses none of the digest's content."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbapp.core.export.markdown_days import NOTE_LABEL, RATING_LABEL, TAGS_LABEL, export_markdown
from kbapp.core.importer import Status, import_paths
from kbapp.core.store.library import Library


def content(library: Library) -> dict[str, list[tuple[object, ...]]]:
    """Per day, each item's title, URL, stars, entries (label, text, depth) and links."""
    found: dict[str, list[tuple[object, ...]]] = {}
    for digest in library.transfer.export_rows():
        items = []
        for item in digest["items"]:
            if item["removed"]:
                continue
            entries: list[tuple[object, ...]] = []
            for entry in item["body"]:
                _walk(entry, 0, entries)
            links = [(link["field"], link["url"]) for link in item["links"]]
            images = [image["src"] for image in item["images"]]
            items.append((item["title"], item["url"], item["author_stars"], entries, links, images))
        found[digest["date"]] = items
    return found


def _walk(entry: dict[str, object], depth: int, into: list[tuple[object, ...]]) -> None:
    """(label, text, depth) of an entry and its children; the user's bullets left out."""
    label = entry.get("label")
    if label not in (RATING_LABEL, NOTE_LABEL, TAGS_LABEL):
        into.append((label, " ".join(str(entry.get("text") or "").split()), depth))
        for child in entry.get("children") or []:  # type: ignore[attr-defined]
            _walk(child, depth + 1, into)


def user_entries(library: Library, date: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for digest in library.transfer.export_rows():
        if digest["date"] == date:
            for item in digest["items"]:
                found[item["title"]] = [
                    f"{e['label']}: {e['text']}"
                    for e in item["body"]
                    if e.get("label") in (RATING_LABEL, NOTE_LABEL, TAGS_LABEL)
                ]
    return found


@pytest.fixture(params=["the files themselves", "written again"])
def source(request: pytest.FixtureRequest, corpus: Path, tmp_path: Path) -> Path:
    """A library of the corpus, annotated; for "written again" its files are gone."""
    notes = corpus / "notes"
    if request.param == "written again":
        notes = Path(shutil.copytree(corpus / "notes", tmp_path / "moved"))
    path = tmp_path / "source.sqlite"
    with Library(path) as library:
        import_paths(library, [notes], workers=0)
        key = library.digests.items_for_date("2021-04-25")[0].key
        library.user.set_rating(key, 4)
        library.user.save_note(key, "值得再读\n\n- check the code\n- compare with LPTN")
        library.tags.add("视频", [f"item:{key}"])
        library.tags.add("matting", [f"item:{key}"])
    if request.param == "written again":
        shutil.rmtree(notes)
    return path


def test_the_exported_days_import_again_with_all_their_content(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(source), "export", "--format",
         "markdown", "--output", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    assert len(list(out.rglob("*.md"))) == 69
    again = tmp_path / "again.sqlite"
    with Library(again) as library:
        report = import_paths(library, [out], workers=0)
        assert report.count(Status.IMPORTED) == 69, [o.reason for o in report.outcomes if o.reason]
        reimported = content(library)
        mine = user_entries(library, "2021-04-25")
    with Library(source) as library:
        original = content(library)
    assert reimported == original
    first = next(iter(mine))
    assert mine[first] == [
        f"{RATING_LABEL}: ★★★★☆ (4/5)", f"{NOTE_LABEL}: 值得再读", f"{TAGS_LABEL}: matting, 视频"
    ]  # fmt: skip


def test_one_day_to_stdout_has_the_rating_and_the_note(source: Path) -> None:
    with Library(source) as library:
        (text,) = export_markdown(library, ["2021-04-25"]).values()
    assert "   - My rating: ★★★★☆ (4/5)\n   - My note: 值得再读\n     - check the code\n" in text
    assert "     - compare with LPTN\n   - My tags: matting, 视频\n" in text
    assert text.startswith("# 公众号内容拓展学习笔记（2021.4.25）")
