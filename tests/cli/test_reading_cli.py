"""`kbapp mark`, `tag`, `queue`, `list` and the read state in `search`, `stats`, the JSON
export and `restore-json`, on the corpus, through `main([...])` as a script would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kbapp.cli import main
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library

DAY = "2021-04-25"


def run(capsys: pytest.CaptureFixture[str], library: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], library: Path, *argv: str) -> Any:
    code, out, _ = run(capsys, library, *argv, "--json")
    assert code == 0
    return json.loads(out)


def reading_state(export: Path) -> dict[str, Any]:
    data = json.loads(export.read_text(encoding="utf-8"))
    items = {i["key"]: (i["read_at"], i["queued_at"], i["tags"])
             for d in data["digests"] for i in d["items"]}  # fmt: skip
    papers = {p["key"]: (p["queued_at"], p["tags"]) for p in data["papers"]}
    return {"items": items, "papers": papers, "queue": data["queue"]}


@pytest.fixture
def corpus_library(corpus: Path, tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
    return path


def test_the_issue_walkthrough(
    corpus: Path, corpus_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = corpus_library
    assert run(capsys, lib, "mark", "read", "--date", DAY)[0] == 0
    other = [row["key"] for row in as_json(capsys, lib, "list", "--date", "2021-04-27")]
    key1, key2, key3 = other[:3]
    code, _, err = run(capsys, lib, "tag", "add", "matting", key1, key2)
    assert code == 0 and "2 changed" in err
    assert run(capsys, lib, "queue", "add", key3)[0] == 0
    assert run(capsys, lib, "queue", "add", "arxiv:2104.00298")[0] == 0  # a paper too
    assert run(capsys, lib, "tag", "add", "survey", "arxiv:2104.00298", key1)[0] == 0

    unread = as_json(capsys, lib, "list", "--unread")
    assert len(unread) == 449 - 8 and all(row["date"] != DAY for row in unread)
    assert [row["date"] for row in unread] == sorted(row["date"] for row in unread)
    first = next(row for row in as_json(capsys, lib, "list") if row["key"] == key1)
    assert first == {"key": key1, "date": "2021-04-27", "title": first["title"],
                     "read": False, "queued": False, "tags": ["matting", "survey"]}  # fmt: skip
    assert {h["key"] for h in as_json(capsys, lib, "search", "tag:matting")} == {key1, key2}
    assert [h["key"] for h in as_json(capsys, lib, "search", "is:queued")] == [key3]
    assert [r["key"] for r in as_json(capsys, lib, "list", "--queued")] == [key3]
    assert {r["key"] for r in as_json(capsys, lib, "list", "--tag", "MATTING")} == {key1, key2}
    assert as_json(capsys, lib, "tag", "list") == [
        {"name": "matting", "count": 2}, {"name": "survey", "count": 2}]  # fmt: skip
    stats = as_json(capsys, lib, "stats")
    assert (stats["read"], stats["unread"], stats["queued"], stats["tags"]) == (8, 441, 2, 2)
    queue = as_json(capsys, lib, "queue", "list")
    assert [e["target"] for e in queue] == [f"item:{key3}", "paper:arxiv:2104.00298"]

    exported = tmp_path / "export.json"
    assert run(capsys, lib, "export", "--output", str(exported))[0] == 0
    fresh = tmp_path / "fresh.sqlite"
    assert run(capsys, fresh, "import", str(corpus / "notes"))[0] == 0
    code, out, _ = run(capsys, fresh, "restore-json", str(exported))
    assert code == 0 and "reads 8, queued 2, tags 4" in out
    again = tmp_path / "again.json"
    assert run(capsys, fresh, "export", "--output", str(again))[0] == 0
    assert reading_state(again) == reading_state(exported)

    # a re-import of the whole corpus, unchanged and then forced, changes none of it
    assert run(capsys, fresh, "import", str(corpus / "notes"))[0] == 0
    with Library(fresh) as library:
        library.db.conn.execute("UPDATE digests SET content_hash = 'stale'")
    code, out, err = run(capsys, fresh, "import", str(corpus / "notes"))
    assert code == 0 and "69 updated" in out + err
    assert run(capsys, fresh, "export", "--output", str(again))[0] == 0
    assert reading_state(again) == reading_state(exported)


def test_unread_done_remove_and_rename(corpus_library: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    lib = corpus_library
    keys = [row["key"] for row in as_json(capsys, lib, "list", "--date", DAY)]
    run(capsys, lib, "queue", "add", *keys[:2])
    assert run(capsys, lib, "queue", "done", keys[0])[0] == 0
    rows = {r["key"]: r for r in as_json(capsys, lib, "list", "--date", DAY)}
    assert rows[keys[0]]["read"] and not rows[keys[0]]["queued"] and rows[keys[1]]["queued"]
    run(capsys, lib, "mark", "unread", keys[0])
    assert not as_json(capsys, lib, "list", "--read")
    run(capsys, lib, "tag", "add", "a", *keys[:3])
    run(capsys, lib, "tag", "add", "b", keys[3])
    assert run(capsys, lib, "tag", "rename", "a", "b")[0] == 0  # merged
    assert as_json(capsys, lib, "tag", "list") == [{"name": "b", "count": 4}]
    run(capsys, lib, "tag", "remove", "b", *keys[:4])
    assert as_json(capsys, lib, "tag", "list") == []


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["mark", "read", "2021-04-25/s:nope"], "no item 2021-04-25/s:nope"),
        (["mark", "read", "--date", "1999-01-01"], "no day 1999-01-01"),
        (["mark", "read"], "name the items"),
        (["mark", "read", "arxiv:2104.00298"], "only items"),
        (["tag", "add", "t", "nothing"], "no item or paper nothing"),
        (["tag", "add", " ", "arxiv:2104.00298"], "needs a name"),
        (["queue", "add", "arxiv:0000.00000"], "no paper arxiv:0000.00000"),
        (["list", "--date", "April"], "date:April"),
    ],
)
def test_a_bad_key_or_value_says_so_and_changes_nothing(
    corpus_library: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    with Library(corpus_library) as library:
        before = library.transfer.user_data()
    code, _, err = run(capsys, corpus_library, *argv)
    assert code == 1 and says in err and "Traceback" not in err
    with Library(corpus_library) as library:
        assert library.transfer.user_data() == before
