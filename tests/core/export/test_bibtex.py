"""`kbapp export --format bibtex`: one entry per arXiv paper, read back by a BibTeX parser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from kbapp.core.export.bibtex import export_bibtex, tex
from kbapp.core.importer import import_paths
from kbapp.core.papers import Occurrence, Paper
from kbapp.core.store.library import Library


def parse(text: str) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    database = bibtexparser.loads(text, parser=parser)
    assert not database.comments, database.comments  # nothing it could not read as an entry
    return database.entries


def test_the_corpus_gives_177_entries_that_a_bibtex_parser_reads(
    corpus: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    with Library(library) as lib:
        import_paths(lib, [corpus / "notes"], workers=0)
    result = subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(library), "export", "--format", "bibtex"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    entries = parse(result.stdout)
    assert len(entries) == 177 == len({entry["ID"] for entry in entries})
    for entry in entries:
        assert entry["ENTRYTYPE"] == "misc"
        assert entry["archiveprefix"] == "arXiv"
        assert entry["url"] == f"https://arxiv.org/abs/{entry['eprint']}"
        assert entry["year"] == "20" + entry["eprint"][:2]
        assert entry["title"].strip()
    by_id = {entry["eprint"]: entry for entry in entries}
    assert by_id["2104.00298"]["title"] == "{EfficientNetV2}: Smaller Models and Faster Training"


@pytest.mark.parametrize(
    "title",
    [
        "A {braced} 100% $cheap_trick & #1 ~ ^ \\ method",
        "中文标题：检测",
        "}{ unbalanced {",
    ],
)
def test_titles_with_tex_specials_stay_readable(title: str) -> None:
    paper = Paper("arxiv:2101.00001", [Occurrence("d/k", 0, title, None, "2101.00001", None, "t")])
    (entry,) = parse(export_bibtex([paper]))
    assert entry["eprint"] == "2101.00001"
    assert entry["title"] == tex(title)
    depth = 0
    for char in entry["title"]:  # balanced, as BibTeX counts (escaped braces too)
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


def test_my_tags_on_a_paper_and_its_items_are_its_keywords(corpus: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes"], workers=0)
        items = [h.key for h in library.search.find("arxiv:2104.00298")]
        library.tags.add("efficient nets", ["paper:arxiv:2104.00298"])
        library.tags.add("A&B_1", [f"item:{items[0]}"])
        library.tags.add("Efficient Nets", [f"item:{items[-1]}"])  # the same tag
        text = export_bibtex(library.papers.all(), library.tags.every_target())
    by_id = {entry["eprint"]: entry for entry in parse(text)}
    assert by_id["2104.00298"]["keywords"] == "A\\&B\\_1, efficient nets"  # escaped
    others = [e["keywords"] for key, e in by_id.items() if "keywords" in e and key != "2104.00298"]
    assert set(others) <= {"A\\&B\\_1", "Efficient Nets"}  # papers of the two tagged items
    assert len(others) < 5
