"""Search over the corpus, compared with a brute-force scan of the same fields that this
test computes itself: for every query class, the same set of items."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbapp.core.importer import import_paths
from kbapp.core.search.text import QueryError
from kbapp.core.store.library import Library
from tests.search_index_state import index_state

Doc = dict[str, str]


@pytest.fixture(scope="module")
def library(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    path = tmp_path_factory.mktemp("search") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        first = library.digests.items_for_date("2021-04-25")[0].key
        library.user.set_note(first, "复现笔记：半监督 segmentation 要点")
        library.user.set_rating(first, 5)
        yield library


@pytest.fixture(scope="module")
def docs(library: Library) -> dict[str, Doc]:
    """Each live item's searchable fields, gathered here from the export rows."""
    found: dict[str, Doc] = {}
    for digest in library.transfer.export_rows():
        for item in digest["items"]:
            if item["removed"]:
                continue
            links = item["links"]
            found[item["key"]] = {
                "date": digest["date"],
                "stars": str(item["author_stars"]),
                "mine": str(item["my_rating"] or 0),
                "title": item["title"],
                "abstract": item["abstract"] or "",
                "tips": item["tips"] or "",
                "links": " ".join(
                    link["text"] for link in links if link["field"] not in ("paper", "code")
                ),
                "paper": " ".join(link["text"] for link in links if link["field"] == "paper"),
                "code": " ".join(
                    f"{link['text']} {(link['url'] or '').rsplit('github.com/', 1)[-1]}"
                    for link in links
                    if link["field"] == "code"
                ),
                "note": item["note"] or "",
                "has_code": str(any(link["field"] == "code" for link in links)),
                "has_paper": str(any(link["field"] == "paper" for link in links)),
                "has_image": str(bool(item["images"])),
            }
    return found


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+|_")  # \w runs, as a tokenizer splits them (letters, digits)
FIELDS = ("title", "abstract", "tips", "links", "paper", "note", "code")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def pieces(text: str) -> list[str]:
    """Runs of CJK characters and Latin words (letters and digits), as a reader splits
    them: punctuation and spaces separate pieces."""
    folded = fold(text)
    return re.findall(f"{_CJK.pattern}+|[^\\W_\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+", folded)


def has(text: str, term: str) -> bool:
    """A CJK string anywhere in a run; a Latin word at the start of a word; several
    pieces as consecutive pieces of the text, where a CJK run may go on before the first
    piece and after the last one."""
    wanted = pieces(term)
    found = pieces(text)
    if len(wanted) == 1:
        if _CJK.match(wanted[0]):
            return any(wanted[0] in piece for piece in found)
        return any(piece.startswith(wanted[0]) for piece in found)
    n = len(wanted)
    for i in range(len(found) - n + 1):
        run = found[i : i + n]
        first, last = wanted[0], wanted[-1]
        if not (run[0] == first or (_CJK.match(first) and run[0].endswith(first))):
            continue
        if not (run[-1] == last or (_CJK.match(last) and run[-1].startswith(last))):
            continue
        if run[1:-1] == wanted[1:-1]:
            return True
    return False


def brute(docs: dict[str, Doc], test: Callable[[Doc], bool]) -> set[str]:
    return {key for key, doc in docs.items() if test(doc)}


def anywhere(term: str) -> Callable[[Doc], bool]:
    return lambda doc: any(has(doc[f], term) for f in FIELDS)


def found(library: Library, query: str) -> set[str]:
    return {hit.key for hit in library.search.find(query, limit=100_000)}


def corpus_terms(docs: dict[str, Doc]) -> dict[str, list[str]]:
    """Queries taken from the corpus itself: 1, 2 and 4 CJK characters, English words."""
    text = " ".join(doc["title"] + doc["abstract"] for doc in docs.values())
    han = [m.group(0) for m in re.finditer(r"[\u4e00-\u9fff]{4}", text)]
    counted: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z]{4,}", text):
        counted[word.lower()] = counted.get(word.lower(), 0) + 1
    english = sorted(counted, key=lambda w: (-counted[w], w))
    return {
        "one": sorted({h[0] for h in han})[::40][:25],
        "two": sorted({h[:2] for h in han})[::40][:25],
        "longer": sorted(set(han))[::80][:20],
        "english": english[:10] + english[200:210],
    }


@pytest.mark.parametrize("kind", ["one", "two", "longer", "english"])
def test_single_terms_match_the_brute_force_scan(library: Library, docs: dict, kind: str) -> None:
    terms = corpus_terms(docs)[kind]
    assert len(terms) >= 10
    for term in terms:
        assert found(library, term) == brute(docs, anywhere(term)), term


def test_one_and_two_chinese_characters_find_every_item_and_nothing_else(
    library: Library, docs: dict
) -> None:
    for term in ("检", "测", "检测", "分割", "图", "人脸"):
        expected = {k for k, d in docs.items() if any(fold(term) in fold(d[f]) for f in FIELDS)}
        assert found(library, term) == expected, term
        assert expected, term


@pytest.mark.parametrize(
    ("query", "test"),
    [
        ('"object detection"', anywhere("object detection")),
        ("YOLO 检测", lambda d: anywhere("yolo")(d) and anywhere("检测")(d)),
        ("transformer 分割", lambda d: anywhere("transformer")(d) and anywhere("分割")(d)),
        ("YOLO OR 跟踪", lambda d: anywhere("yolo")(d) or anywhere("跟踪")(d)),
        ("检测 -YOLO", lambda d: anywhere("检测")(d) and not anywhere("yolo")(d)),
        ("title:检测", lambda d: has(d["title"], "检测")),
        ("paper:transformer", lambda d: has(d["paper"], "transformer")),
        ("code:github", lambda d: has(d["code"], "github")),
        ("note:复现", lambda d: has(d["note"], "复现")),
        ("检测 stars>=3", lambda d: anywhere("检测")(d) and int(d["stars"]) >= 3),
        # stars>=2 keeps most items: asked as NOT "fewer than 2" (see facet_sides)
        ("的 stars>=2", lambda d: anywhere("的")(d) and int(d["stars"]) >= 2),
        ("分割 mine>=5", lambda d: anywhere("分割")(d) and int(d["mine"]) >= 5),
        ("检测 date:2021-04", lambda d: anywhere("检测")(d) and d["date"].startswith("2021-04")),
        (
            "date:2021-04-01..2021-04-15",
            lambda d: "2021-04-01" <= d["date"] <= "2021-04-15",
        ),
        ("has:code 检测", lambda d: d["has_code"] == "True" and anywhere("检测")(d)),
        ("has:image 的", lambda d: d["has_image"] == "True" and anywhere("的")(d)),
        (
            "的 has:paper stars>=4",
            lambda d: d["has_paper"] == "True" and int(d["stars"]) >= 4 and anywhere("的")(d),
        ),
        (
            "的 date:2021-03-28..2021-05-02",  # days, a whole month, days
            lambda d: "2021-03-28" <= d["date"] <= "2021-05-02" and anywhere("的")(d),
        ),
        ("的 date:2020-12..2021", lambda d: d["date"] >= "2020-12" and anywhere("的")(d)),
        ("的 date:2021-05-09", lambda d: d["date"] == "2021-05-09" and anywhere("的")(d)),
    ],
)
def test_phrases_mixed_and_filtered_queries_match_the_scan(
    library: Library, docs: dict, query: str, test: Callable[[Doc], bool]
) -> None:
    expected = brute(docs, test)
    assert expected
    assert found(library, query) == expected


def test_arxiv_and_ranking_and_snippets(library: Library) -> None:
    hits = library.search.find("arxiv:2104.00298")
    assert sorted(hit.date for hit in hits) == ["2021-04-03", "2021-10-03"]
    hits = library.search.find("分割")
    assert hits[0].score >= hits[-1].score
    top = library.search.find("segmentation 半监督")
    assert top[0].key == library.digests.items_for_date("2021-04-25")[0].key  # rated 5, noted
    assert "\x02" in top[0].snippet and "\x03" in top[0].snippet


def test_the_index_follows_notes_and_reimports(library: Library, tmp_path: Path) -> None:
    key = library.digests.items_for_date("2021-05-08")[0].key
    assert key not in found(library, "笔记本独有词")
    library.user.set_note(key, "笔记本独有词")
    assert found(library, "笔记本独有词") == {key}
    library.user.set_note(key, "")
    assert found(library, "笔记本独有词") == set()
    assert library.search.rebuild() == len(found(library, "date:2021"))


def test_a_malformed_query_is_a_clear_error_not_a_crash(library: Library) -> None:
    for query in ('"open', "stars>=x", "-only"):
        with pytest.raises(QueryError):
            library.search.find(query)


def test_the_search_command_prints_json_and_refuses_a_bad_query(library: Library) -> None:
    import json
    import subprocess
    import sys

    command = [sys.executable, "-m", "kbapp", "--library", str(library.path), "search"]
    result = subprocess.run(
        [*command, "检测", "stars>=2", "--limit", "5", "--json"],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    hits = json.loads(result.stdout)
    assert len(hits) == 5
    assert set(hits[0]) == {"key", "date", "title", "score", "snippet"}
    assert "[检测]" in "".join(hit["snippet"] for hit in hits)
    bad = subprocess.run([*command, '"unclosed'], capture_output=True, text=True)
    assert bad.returncode == 1 and "closing quote" in bad.stderr


def test_what_an_import_indexes_is_what_a_rebuild_makes(tmp_path: Path, corpus: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202104"], workers=0)
        library.user.set_note(library.digests.items_for_date("2021-04-25")[0].key, "一条笔记 note")
        imported = index_state(library.db.conn)
        assert imported[0] and imported[1]  # the tokens, and the note as indexed
        library.search.rebuild()
        assert index_state(library.db.conn) == imported
        rows = library.db.conn.execute("SELECT COUNT(*) FROM search").fetchone()[0]
        assert rows == len(library.search.find("date:2021-04", limit=10_000))


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, list[str]]]:
    """A library of the built-in samples, whose first items take the notes a test writes."""
    from kbapp.paths import samples_dir

    path = tmp_path_factory.mktemp("noted") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [samples_dir()], workers=0)
        keys = [item.key for item in library.digests.items_for_date(library.digests.dates()[-1])][
            :3
        ]
        yield library, keys


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    texts=st.lists(st.text(alphabet="检测算法目标，。 v5ab-", max_size=14), min_size=3, max_size=3),
    term=st.text(alphabet="检测算法 v5a", min_size=1, max_size=6).filter(lambda t: pieces(t)),
)
def test_cjk_latin_and_punctuation_mixes_match_the_scan(
    noted: tuple[Library, list[str]], texts: list[str], term: str
) -> None:
    """Edge cases the corpus may lack: punctuation inside a CJK run ("检，测" does not hold
    "检测"), CJK joined to Latin words, a CJK run that goes on past the query."""
    library, keys = noted
    for key, text in zip(keys, texts, strict=True):
        library.user.set_note(key, text)
    expected = {key for key, text in zip(keys, texts, strict=True) if has(text, term)}
    assert found(library, f'note:"{term}"') == expected


def test_a_note_on_a_paper_finds_the_items_that_link_it(tmp_path: Path, corpus: Path) -> None:
    """Notes on papers are the user's notes too: the items linking the paper find them,
    after the note is saved, after a re-import and in a rebuild alike."""
    with Library(tmp_path / "l.sqlite") as library:
        import_paths(library, [corpus / "notes"], workers=0)
        featuring = {hit.key for hit in library.search.find("arxiv:2104.00298")}
        assert len(featuring) == 2  # 2021-04-03 and 2021-10-03
        library.user.save_note("paper:arxiv:2104.00298", "论文笔记独有词 zyxwvu")
        assert found(library, "论文笔记独有词") == featuring
        assert found(library, "note:zyxwvu") == featuring
        hit = library.search.find("独有词")[0]
        assert "\x02独有词\x03" in hit.snippet
        first = sorted(featuring)[0]
        library.user.set_note(first, "条目笔记")  # the item's own note keeps the paper's
        assert found(library, "条目笔记 独有词") == {first}
        imported = index_state(library.db.conn)
        library.search.rebuild()
        assert index_state(library.db.conn) == imported
        changed = tmp_path / "notes" / "202104" / "0403.md"  # the same day, edited: rewritten
        changed.parent.mkdir(parents=True)
        changed.write_bytes((corpus / "notes" / "202104" / "0403.md").read_bytes() + b"\n")
        report = import_paths(library, [changed], workers=0)
        assert [outcome.status for outcome in report.outcomes] == ["updated"]
        assert found(library, "独有词") == featuring
        library.user.save_note("paper:arxiv:2104.00298", "")
        assert found(library, "独有词") == set()
        assert found(library, "条目笔记") == {first}


def test_paper_notes_reach_the_items_the_papers_view_lists(
    library: Library, tmp_path: Path
) -> None:
    """Every paper of the corpus gets a note: each item's indexed notes are those of the
    papers `join_papers` says it links (by ID, title or URL), no more, no fewer."""
    from kbapp.core.store.search_index import paper_notes_of

    papers = library.papers.all()
    linked: dict[str, set[str]] = {}
    for paper in papers:
        for occurrence in paper.occurrences:
            linked.setdefault(occurrence.item_key, set()).add(f"note of {paper.key}")
    assert any(paper.key.startswith("title:") for paper in papers)
    conn = library.db.conn
    try:
        conn.execute("SAVEPOINT all_papers")
        conn.executemany(
            "INSERT INTO paper_notes (paper_key, text, updated_at) VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
            [(paper.key, f"note of {paper.key}") for paper in papers],
        )
        ids = dict(conn.execute("SELECT key, id FROM items WHERE removed = 0").fetchall())
        found = paper_notes_of(conn, list(ids.values()))
        by_key = {key: set(found.get(item_id, [])) for key, item_id in ids.items()}
        assert by_key == {key: linked.get(key, set()) for key in ids}
    finally:
        conn.execute("ROLLBACK TO all_papers")
        conn.execute("RELEASE all_papers")


def test_edge_dates_and_zero_filters_match_the_scan(library: Library, docs: dict) -> None:
    """Years up to 9999 (the facet path clamps them to the library's days: no overflow,
    no OR of thousands of tokens), and >=0 filters that keep every item."""
    for query, test in [
        ("的 date:2021..9999", lambda d: d["date"] >= "2021" and anywhere("的")(d)),
        ("的 date:9999", lambda d: False),
        ("的 date:9999-12", lambda d: False),
        ("的 date:0001..2021-04-30", lambda d: d["date"] <= "2021-04-30" and anywhere("的")(d)),
        ("的 mine>=0 stars>=0", anywhere("的")),
    ]:
        assert found(library, query) == brute(docs, test), query
    assert len(found(library, "mine>=0")) == len(docs)


def test_case_folds_as_the_index_does_and_kana_punctuation_is_no_word(
    noted: tuple[Library, list[str]],
) -> None:
    library, keys = noted
    library.user.set_note(keys[0], "Straße nach İstanbul, ΣΟΦΙΑ; カタ・カナ")
    for query in ("straße", "STRASSE", "İstanbul", "istanbul", "σοφια", "カタ", "カナ"):
        if query == "STRASSE":  # "ß" is not "ss" to the index, nor to the query
            assert found(library, f"note:{query}") == set(), query
        else:
            assert found(library, f"note:{query}") == {keys[0]}, query
    with pytest.raises(QueryError, match="nothing to search for"):
        library.search.find("YOLO ・")
