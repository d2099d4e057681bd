"""Deep nesting is not a crash: a digest whose bullets nest thousands of levels deep is
parsed, stored as JSON and read back, walked, shown as plain text and rendered, with
every line kept; nothing in kbapp recurses once per level.

Python recurses at most 1,000 frames deep (and its json module once per `[` or `{`),
so a body nested about 500 levels deep used to raise RecursionError. Bullets nested
deeper than `MAX_DEPTH` levels are now kept as written lines (`kind == "verbatim"`,
the line with its indentation and marker) under the last entry that nests, so no tree
or JSON document is deeper than that, and the lines below it still give back the
text exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbapp.core.day import entry_from_dict
from kbapp.core.digest.entries import MAX_DEPTH, VERBATIM, finish_entries, walk_entries
from kbapp.core.digest.model import Diagnostic, Entry, tree_data
from kbapp.core.digest.parser import parse
from kbapp.core.export.library_json import dumps, export_json
from kbapp.core.importer import Status, import_paths
from kbapp.core.store.library import Library
from kbapp.core.store.rows import digest_rows
from tests.core.digest.test_parser_properties import lost_content

PATH = "notes/202104/0425.md"
HEAD = (
    "# 公众号内容拓展学习笔记（2021.4.25）\n\n------\n\n## :paperclip:  今日要点\n\n"
    "1. [深层嵌套](https://mp.weixin.qq.com/s/deep) :star::star:\n"
)
HEAD_LINES = HEAD.count("\n")  # the last line of HEAD is the item head


def indent(depth: int) -> int:
    """Item 1's top level is 3 spaces in; each level nests 2 more."""
    return 3 + 2 * depth


def deep_body(levels: int) -> list[str]:
    """`levels` bullets, each nested one level below the one before, a link on some."""
    lines = []
    for depth in range(levels):
        text = f"point {depth}"
        if depth % 700 == 1:
            text = f"Paper{depth}: [论文 {depth}](https://arxiv.org/abs/2104.{depth:05d})"
        lines.append(" " * indent(depth) + "- " + text)
    return lines


def deep_digest(levels: int, after: tuple[str, ...] = ()) -> str:
    return HEAD + "\n".join(deep_body(levels) + list(after))


def tree(entries: list[Entry]) -> list[tuple[int, Entry]]:
    """(depth, entry) of every entry, in file order (a test's own walk, no recursion)."""
    out: list[tuple[int, Entry]] = []
    stack = [(0, entry) for entry in reversed(entries)]
    while stack:
        depth, entry = stack.pop()
        out.append((depth, entry))
        stack.extend((depth + 1, child) for child in reversed(entry.children))
    return out


def written(depth: int, entry: Entry) -> str:
    """The line an entry was parsed from, in the regular layout of `deep_digest`."""
    if entry.kind == VERBATIM:
        return entry.text  # kept exactly as written
    head = f"{entry.label}: {entry.text}" if entry.label else entry.text
    return " " * indent(depth) + "- " + head


def reassembled(entries: list[Entry]) -> str:
    return "\n".join(written(depth, entry) for depth, entry in tree(entries))


def max_depth(entries: list[Entry]) -> int:
    return max(depth for depth, _ in tree(entries))


def json_depth(value: object) -> int:
    """How deeply `value` nests lists and dicts (iteratively)."""
    deepest, stack = 0, [(1, value)]
    while stack:
        depth, node = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((depth + 1, child) for child in node)
    return deepest


@pytest.mark.parametrize("levels", [500, 2_000])
def test_a_deeply_nested_digest_parses_and_keeps_every_line(levels: int):
    text = deep_digest(levels)
    digest = parse(text, PATH)
    (item,) = digest.items
    assert (item.title, item.stars) == ("深层嵌套", 2)
    assert lost_content(text, digest) == []
    assert reassembled(item.entries) == "\n".join(deep_body(levels))
    assert max_depth(item.entries) <= MAX_DEPTH
    assert len(item.entries) == 1 and len(tree(item.entries)) == levels


def test_bullets_below_the_cap_are_kept_as_written_lines_with_a_diagnostic():
    digest = parse(deep_digest(MAX_DEPTH + 3), PATH)
    (item,) = digest.items
    entries = tree(item.entries)
    assert [e.kind for _, e in entries[:MAX_DEPTH]] == ["bullet"] * MAX_DEPTH
    assert [e.text for _, e in entries[MAX_DEPTH:]] == deep_body(MAX_DEPTH + 3)[MAX_DEPTH:]
    assert {(d, e.kind) for d, e in entries[MAX_DEPTH:]} == {(MAX_DEPTH, VERBATIM)}
    last_nested = entries[MAX_DEPTH - 1][1]
    assert [e.kind for e in last_nested.children] == [VERBATIM] * 3
    deep = [d for d in digest.diagnostics if d.code == "nesting_too_deep"]
    assert [d.line for d in deep] == [HEAD_LINES + MAX_DEPTH + 1]  # once, at the first
    assert str(MAX_DEPTH) in deep[0].detail


def test_a_digest_at_the_cap_is_nested_as_ever():
    digest = parse(deep_digest(MAX_DEPTH), PATH)
    entries = tree(digest.items[0].entries)
    assert [(d, e.kind) for d, e in entries] == [(d, "bullet") for d in range(MAX_DEPTH)]
    assert "nesting_too_deep" not in {d.code for d in digest.diagnostics}


def test_links_of_written_lines_still_count():
    # Level 1401 is far below the cap: a written line, yet its link is the item's.
    digest = parse(deep_digest(2_000), PATH)
    urls = {link.url for link in digest.items[0].links}
    assert {"https://arxiv.org/abs/2104.00001", "https://arxiv.org/abs/2104.01401"} <= urls


def test_nesting_after_a_deep_run_finds_its_parent_again():
    # Back from 300 levels down: a bullet at depth 1 is the root's child, a bullet at
    # the top level is a root, and a child of the second root nests under it.
    after = ("     - back at depth 1", "   - Tips: 顶层", "     - 子要点")
    digest = parse(deep_digest(300, after), PATH)
    roots = digest.items[0].entries
    assert [(e.label, e.text) for e in roots] == [(None, "point 0"), ("Tips", "顶层")]
    assert [e.line for e in roots[0].children] == [HEAD_LINES + 2, HEAD_LINES + 301]
    assert [e.text for e in roots[1].children] == ["子要点"]
    assert reassembled(roots).split("\n")[-3:] == list(after)


def test_deep_nesting_in_a_section_and_in_the_preamble():
    body = "\n".join(line.removeprefix("   ") for line in deep_body(1_500))
    text = HEAD + "   - Tips: t\n\n## Others\n\n" + body
    digest = parse(text, PATH)
    assert lost_content(text, digest) == []
    (others,) = digest.sections
    assert max_depth(others.entries) <= MAX_DEPTH
    assert len(tree(others.entries)) == 1_500
    preamble = parse("- x\n" + body + "\n" + HEAD.split("\n", 1)[1], PATH).preamble
    assert max_depth(preamble) <= MAX_DEPTH


def test_the_deep_item_survives_json_and_comes_back_the_same():
    digest = parse(deep_digest(2_000), PATH)
    item = digest.items[0]
    stored = json.dumps([entry.to_dict() for entry in item.entries])
    data = json.loads(stored)
    assert json_depth(data) <= 2 * MAX_DEPTH + 4
    back = [entry_from_dict(entry) for entry in data]
    assert [entry.to_dict() for entry in back] == data
    assert reassembled(back) == "\n".join(deep_body(2_000))


def test_the_deep_item_walks_and_shows_as_plain_text():
    item = parse(deep_digest(2_000), PATH).items[0]
    (root,) = item.entries
    walked = root.walk()
    assert [e.line for e in walked] == list(range(HEAD_LINES + 1, HEAD_LINES + 2_001))
    assert [(d, e) for d, e in walk_entries(item.entries)] == tree(item.entries)
    plain = root.plain().split("\n")
    assert plain[0] == "point 0" and len(plain) == 2_000
    assert plain[1] == "- Paper1: [论文 1](https://arxiv.org/abs/2104.00001)"
    assert plain[MAX_DEPTH - 1] == "  " * (MAX_DEPTH - 2) + f"- point {MAX_DEPTH - 1}"
    assert plain[-1] == deep_body(2_000)[-1]  # a written line, as written
    assert item.notes == [] and item.abstract is None and item.tips is None


def test_walk_and_plain_keep_their_shape_on_a_small_tree():
    leaf = Entry("c", 3, label="L")
    root = Entry("", 1, children=[Entry("a", 2, children=[leaf]), Entry("b", 4)])
    assert [e.line for e in root.walk()] == [1, 2, 3, 4]
    assert root.plain() == "- a\n  - L: c\n- b"
    assert leaf.plain() == "c"
    assert root.children[0].plain(2) == "  - a\n    - L: c"
    assert list(walk_entries([root, leaf])) == [(0, root), (1, root.children[0]), (2, leaf),
                                                (1, root.children[1]), (0, leaf)]  # fmt: skip


def test_old_stored_bodies_read_back():
    # What the store holds today (nested "children", any key may be missing).
    old = {"kind": "bullet", "line": 9, "label": "Tips", "field": "tips", "group": None,
           "text": "", "children": [{"text": "a", "line": 10, "children": [{"line": 11}]}]}  # fmt: skip
    entry = entry_from_dict(old)
    assert [(e.line, e.text, e.kind) for e in entry.walk()] == [
        (9, "", "bullet"),
        (10, "a", "bullet"),
        (11, "", "bullet"),
    ]
    assert entry.to_dict()["children"][0]["children"][0]["line"] == 11


def test_the_deep_digest_becomes_rows():
    digest = parse(deep_digest(2_000, ("", "## Others", "", *deep_body(2_000))), PATH)
    rows = digest_rows(digest)
    body = json.loads(rows.items[0].values[10])
    assert reassembled([entry_from_dict(entry) for entry in body]).split("\n") == deep_body(2_000)
    sections = json.loads(rows.values[4])
    assert json_depth(sections) <= 2 * MAX_DEPTH + 8


def test_2000_levels_parse_store_and_walk():
    # 2,000 levels are 4 MB of text (the indentation grows with the depth, so a digest
    # nested n levels is n² long: 10,000 levels are 100 MB, too big for the suite). How
    # long it takes is measured by hand, not asserted here: the suite has no timings.
    text = deep_digest(2_000)
    digest = parse(text, PATH)
    item = digest.items[0]
    data = json.loads(json.dumps([entry.to_dict() for entry in item.entries]))
    back = [entry_from_dict(entry) for entry in data]
    plain = back[0].plain()
    walked = back[0].walk()
    links = item.links
    assert len(walked) == 2_000 and plain.count("\n") == 1_999 and links


def test_entry_trees_of_any_depth_need_no_recursion():
    # A tree no parse makes (the parser stops at MAX_DEPTH), built by hand 10,000 deep:
    # every function over entry trees still works (none recurses once per level).
    levels = 10_000
    root = entry = Entry("Tips: 0", 1)
    for depth in range(1, levels):
        child = Entry(f"point {depth}", depth + 1)
        entry.children.append(child)
        entry = child
    diagnostics: list[Diagnostic] = []
    finish_entries([root], diagnostics)
    walked = root.walk()
    assert [e.line for e in walked] == list(range(1, levels + 1))
    assert [d for d, _ in walk_entries([root])] == list(range(levels))
    assert root.plain().split("\n")[-1] == "  " * (levels - 2) + f"- point {levels - 1}"
    data = root.to_dict()
    assert json_depth(data) == 2 * levels  # a dict and a "children" list a level
    back = entry_from_dict(data)
    assert [(e.line, e.text) for e in back.walk()] == [(e.line, e.text) for e in walked]
    assert tree_data(root, lambda e: {"line": e.line})["children"][0]["line"] == 2
    assert (root.field, diagnostics) == ("tips", [])


def test_a_deep_digest_imports_reads_back_renders_and_exports(tmp_path: Path):
    from kbapp.core.render.day import render_day  # here: the parser tests need no renderer

    path = tmp_path / "notes" / "202104" / "0425.md"
    path.parent.mkdir(parents=True)
    path.write_text(deep_digest(2_000), encoding="utf-8")
    with Library(tmp_path / "library.sqlite") as library:
        report = import_paths(library, [path], workers=0)
        assert [o.status for o in report.outcomes] == [Status.IMPORTED], report.outcomes
        day = library.days.day("2021-04-25")
        assert day is not None
        (item,) = day.items
        assert reassembled(item.entries) == "\n".join(deep_body(2_000))
        assert "point 0" in render_day(day)
        exported = json.loads(dumps(export_json(library)))
    (body,) = [item["body"] for digest in exported["digests"] for item in digest["items"]]
    assert reassembled([entry_from_dict(entry) for entry in body]).split("\n") == deep_body(2_000)
