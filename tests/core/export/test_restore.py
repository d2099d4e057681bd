"""The user's data survives: a re-import of the whole corpus changes none of it, and a
JSON export restored into a fresh library gives the same user data back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kbapp.core.export.library_json import dumps, export_json, user_part
from kbapp.core.export.restore import RestoreError, restore_json
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library


def annotate(library: Library) -> None:
    """20 ratings (some changed), 10 notes (with revisions, one on a paper), 10 links,
    decisions on two candidate cross-links, 30 items read, a queue of three (a paper
    among them) in an order of the user's, two tags and a saved search."""
    keys = [
        item.key
        for date in library.digests.dates()
        for item in library.digests.items_for_date(date)
    ]
    picked = keys[::20][:20]
    assert len(picked) == 20
    for n, key in enumerate(picked):
        library.user.set_rating(key, n % 6)
        if n % 4 == 0:
            library.user.set_rating(key, 5)
    for n, key in enumerate(picked[:10]):
        library.user.save_note(key, f"第一稿 {n}", at=f"2026-11-25T08:{n:02d}:00+00:00")
        library.user.save_note(key, f"第一稿 {n}\n\n- **more** [[2021-04-03]]", kind="save")
    library.user.save_note("paper:arxiv:2104.00298", "EfficientNetV2: read section 3")
    for n in range(9):
        library.user.add_link(picked[n], picked[n + 10], ("builds on", None, "mine")[n % 3])
    library.user.add_link(picked[19], "paper:arxiv:2104.00298", "same task")
    decide_two_candidates(library, keys)
    library.reading.set_read(f"item:{key}" for key in keys[:30])
    library.reading.enqueue([f"item:{keys[40]}", "paper:arxiv:2104.00298", f"item:{keys[5]}"])
    library.reading.move(f"item:{keys[5]}", 0)  # the user's order, not the order added
    library.tags.add("matting", [f"item:{key}" for key in keys[50:53]])
    library.tags.add("抠图 研究", [f"item:{keys[50]}", "paper:arxiv:2104.00298"])
    library.tags.save_search("to read", "is:unread tag:matting")


def decide_two_candidates(library: Library, keys: list[str]) -> None:
    """One candidate cross-link of `keys` confirmed, another dismissed."""
    candidates = [
        (key, ref.key)
        for key, refs in library.papers.cross_refs_for(keys).items()
        for ref in refs
        if ref.kind == "candidate" and key < ref.key
    ]
    library.papers.decide_link(*candidates[0], "confirmed")
    library.papers.decide_link(*candidates[1], "dismissed")


@pytest.fixture(scope="module")
def annotated(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("restore") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        annotate(library)
    return path


def users(path: Path) -> dict[str, object]:
    with Library(path) as library:
        return user_part(json.loads(dumps(export_json(library))))


def test_the_annotations_are_all_there(annotated: Path) -> None:
    user = users(annotated)
    items = user["items"]
    assert isinstance(items, dict)
    assert sum(1 for item in items.values() if item["my_rating"] is not None) >= 16  # 0 clears
    assert sum(1 for item in items.values() if item["note"]) == 10
    assert sum(len(item["links_to"]) for item in items.values()) == 10
    assert user["papers"] and len(user["link_decisions"]) == 2  # type: ignore[arg-type]
    assert sum(1 for item in items.values() if item["read_at"]) == 30
    assert sum(len(item["tags"]) for item in items.values()) == 4
    queue = user["queue"]
    assert isinstance(queue, list) and len(queue) == 3 and queue[1] != "paper:arxiv:2104.00298"
    assert user["papers"]["arxiv:2104.00298"]["tags"] == ["抠图 研究"]  # type: ignore[index]
    assert user["saved_searches"] == [{"name": "to read", "query": "is:unread tag:matting"}]


def test_reimporting_the_corpus_changes_none_of_the_users_data(
    annotated: Path, corpus: Path, tmp_path: Path
) -> None:
    before = users(annotated)
    copy = tmp_path / "library.sqlite"
    copy.write_bytes(annotated.read_bytes())
    with Library(copy) as library:
        report = import_paths(library, [corpus / "notes"], workers=0)
        assert {o.status.value for o in report.outcomes if o.path.suffix == ".md"} >= {"unchanged"}
        # and forced: every file written again, as when the files were edited
        library.db.conn.execute("UPDATE digests SET content_hash = 'stale'")
        report = import_paths(library, [corpus / "notes"], workers=0)
        assert sum(o.status.value == "updated" for o in report.outcomes) == 69
    assert users(copy) == before


def test_export_fresh_library_restore_export_gives_the_same_user_data(
    annotated: Path, corpus: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "export.json"
    with Library(annotated) as library:
        exported.write_text(dumps(export_json(library)), encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    with Library(fresh) as library:
        import_paths(library, [corpus / "notes"], workers=0)
    result = subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(fresh), "restore-json", str(exported)],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    assert "restored from" in result.stdout
    assert users(fresh) == users(annotated)
    with Library(fresh) as library:  # again: nothing is duplicated
        counts = restore_json(library, exported)
    assert set(counts.values()) == {0}
    assert users(fresh) == users(annotated)


def test_a_file_that_is_not_an_export_is_refused_and_nothing_is_written(
    annotated: Path, tmp_path: Path
) -> None:
    before = users(annotated)
    for name, text in (
        ("a.json", "[1, 2]"),
        ("b.json", "{not json"),
        ("c.json", '{"format": "kbapp", "version": 99}'),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with Library(annotated) as library, pytest.raises(RestoreError):
            restore_json(library, path)
    assert users(annotated) == before
