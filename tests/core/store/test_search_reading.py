"""Search with `tag:` and `is:` over the corpus equals a brute-force scan of the user's
read state, queue and tags, alone and with words and the other filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.search.text import QueryError
from kbapp.core.store.library import Library
from tests.core.store.test_search import anywhere, found

Doc = dict[str, object]


@pytest.fixture(scope="module")
def library(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    path = tmp_path_factory.mktemp("search-reading") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        keys = [i.key for d in library.digests.dates() for i in library.digests.items_for_date(d)]
        library.reading.set_read(keys[::3])
        library.reading.enqueue(f"item:{key}" for key in keys[::17])
        library.tags.add("Matting", [f"item:{key}" for key in keys[::5]])
        library.tags.add("video", [f"item:{key}" for key in keys[::7]])
        library.tags.add("deep learning", [f"item:{key}" for key in keys[1::11]])
        library.tags.add("video", ["paper:arxiv:2104.00298"])  # a paper's tag: not an item's
        yield library


@pytest.fixture(scope="module")
def docs(library: Library) -> dict[str, Doc]:
    """Each live item's fields (as `test_search` scans them) and the user's state,
    gathered from the export rows and the user data, not from the search."""
    user = library.transfer.user_data()
    found: dict[str, Doc] = {}
    for digest in library.transfer.export_rows():
        for item in digest["items"]:
            if item["removed"]:
                continue
            mine = user["items"].get(item["key"], {})
            links = item["links"]
            found[item["key"]] = {
                "date": digest["date"], "stars": str(item["author_stars"]),
                "title": item["title"], "abstract": item["abstract"] or "",
                "tips": item["tips"] or "", "note": "", "code": "",
                "links": " ".join(link["text"] for link in links
                                  if link["field"] not in ("paper", "code")),
                "paper": " ".join(link["text"] for link in links if link["field"] == "paper"),
                "read": bool(mine.get("read_at")), "queued": bool(mine.get("queued_at")),
                "tags": {tag.casefold() for tag in mine.get("tags", [])},
            }  # fmt: skip
            found[item["key"]]["code"] = " ".join(
                f"{link['text']} {(link['url'] or '').rsplit('github.com/', 1)[-1]}"
                for link in links
                if link["field"] == "code"
            )
    return found


def brute(docs: dict[str, Doc], test: Callable[[Doc], bool]) -> set[str]:
    return {key for key, doc in docs.items() if test(doc)}


def words(term: str) -> Callable[[Doc], bool]:
    match = anywhere(term)
    return lambda doc: match(doc)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "test"),
    [
        ("tag:matting", lambda d: "matting" in d["tags"]),
        ("tag:MATTING", lambda d: "matting" in d["tags"]),
        ('tag:"deep learning"', lambda d: "deep learning" in d["tags"]),
        ("tag:video tag:matting", lambda d: {"video", "matting"} <= d["tags"]),  # type: ignore[operator]
        ("tag:nothing", lambda d: False),
        ("is:read", lambda d: d["read"]),
        ("is:unread", lambda d: not d["read"]),
        ("is:queued", lambda d: d["queued"]),
        ("is:queued is:unread", lambda d: d["queued"] and not d["read"]),
        ("的 tag:video", lambda d: "video" in d["tags"] and words("的")(d)),
        ("的 is:unread", lambda d: not d["read"] and words("的")(d)),
        ("的 is:read stars>=2", lambda d: d["read"] and int(d["stars"]) >= 2 and words("的")(d)),  # type: ignore[call-overload]
        ("检测 is:queued", lambda d: d["queued"] and words("检测")(d)),
        (
            "tag:matting is:unread date:2021-04",
            lambda d: (
                "matting" in d["tags"]
                and not d["read"]
                and str(d["date"]) < "2021-05"
                and str(d["date"]) >= "2021-04"
            ),
        ),
    ],
)
def test_tag_and_is_filters_match_the_scan(
    library: Library, docs: dict[str, Doc], query: str, test: Callable[[Doc], bool]
) -> None:
    expected = brute(docs, test)
    assert found(library, query) == expected, query
    if query != "tag:nothing":
        assert expected, query  # (each query finds something: the scan is not vacuous)


def test_the_filters_follow_the_users_writes(library: Library, docs: dict[str, Doc]) -> None:
    key = next(k for k, d in docs.items() if not d["read"] and "matting" not in d["tags"])
    assert key not in found(library, "tag:matting is:read")
    library.reading.set_read([key])
    library.tags.add("matting", [f"item:{key}"])
    try:
        assert key in found(library, "tag:matting is:read")
    finally:
        library.reading.set_read([key], False)
        library.tags.remove("matting", [f"item:{key}"])
    assert key not in found(library, "tag:matting is:read")


@pytest.mark.parametrize("query", ["is:done", "is:read is:unread", 'tag:""', "-tag:x 的"])
def test_a_bad_filter_is_a_clear_error(library: Library, query: str) -> None:
    with pytest.raises(QueryError):
        library.search.find(query)
