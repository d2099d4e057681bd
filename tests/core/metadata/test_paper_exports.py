"""Paper exports with arXiv's details: `kbapp export --format bibtex --where "mine>=4"`
gives exactly the papers I rated so, each with authors and year, every field read back
by bibtexparser as written; RIS has one record per paper; CSL JSON validates against the CSL-JSON schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from kbapp.cli import main
from kbapp.core.importer import import_paths
from kbapp.core.metadata.arxiv import API_ENV
from kbapp.core.store.library import Library
from tests.core.export.test_bibtex import parse
from tests.core.metadata.arxiv_server import ArxivServer
from tests.core.metadata.csl_schema import SCHEMA

RATED = {"arxiv:2104.00298": 4, "arxiv:2104.00681": 5, "arxiv:2104.10419": 4}


@pytest.fixture
def fetched(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    server = ArxivServer()
    server.start()
    monkeypatch.setenv(API_ENV, server.url)
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        ids = [key[6:] for key in RATED] + ["2103.00112"]
        assert all(library.search.find(f"arxiv:{i}") for i in ids), "the corpus has them"
    assert main(["--library", str(path), "papers", "fetch", "--only", "arxiv", *ids]) == 0
    with Library(path) as library:
        for key, stars in RATED.items():
            library.user.set_paper_rating(key, stars)
        library.user.set_paper_rating("arxiv:2103.00112", 3)  # under the bar
        library.tags.add("survey", ["paper:arxiv:2104.00298"])
    yield path
    server.stop()


def written_fields(text: str) -> dict[str, dict[str, str]]:
    """Each entry's fields exactly as written: `  name = {value},` lines by entry key."""
    found: dict[str, dict[str, str]] = {}
    for block in text.split("\n@"):
        key = block.split("{", 1)[1].split(",", 1)[0]
        found[key] = {name.lower(): value
                      for name, value in re.findall(r"^  (\w+) = \{(.*)\},$", block, re.M)}  # fmt: skip
    return found


def test_bibtex_where_mine_gives_the_three_rated_papers(
    fetched: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--library", str(fetched), "export", "--format", "bibtex",
                 "--where", "mine>=4"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    entries = parse(text)
    assert sorted(e["eprint"] for e in entries) == sorted(k[6:] for k in RATED)
    written = written_fields(text)
    for entry in entries:
        assert entry["author"] == "Lovelace0, Ada and Babbage, Charles" or entry["author"].endswith(
            "and Babbage, Charles"
        )
        assert entry["year"] == "2021" and entry["ENTRYTYPE"] == "inproceedings"
        assert entry["booktitle"] == "CVPR 2021" and entry["primaryclass"] == "cs.CV"
        assert entry["doi"] == f"10.1000/test.{entry['eprint']}"
        assert re.fullmatch(r"lovelace\d?2021paper[b-z]?", entry["ID"])
        fields = {k: v for k, v in entry.items() if k not in ("ENTRYTYPE", "ID")}
        assert fields == written[entry["ID"]]  # every field read back as written
    assert len({e["ID"] for e in entries}) == 3
    by_id = {e["eprint"]: e for e in entries}
    assert by_id["2104.00298"]["keywords"] == "survey"


def test_where_with_words_and_ris(fetched: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--library", str(fetched), "export", "--format", "ris"]) == 0
    ris = capsys.readouterr().out
    with Library(fetched) as library:
        arxiv_papers = sum(1 for p in library.papers.all() if p.arxiv)
    assert ris.count("\nER  - ") + ris.startswith("ER  - ") == arxiv_papers == 177
    record = next(r for r in ris.split("\n\n") if "arXiv:2104.00298" in r)
    assert "TY  - CPAPER" in record and "AU  - Babbage, Charles" in record
    assert "PY  - 2021" in record and "KW  - survey" in record
    assert main(["--library", str(fetched), "export", "--format", "bibtex",
                 "--where", "tag:survey"]) == 0  # fmt: skip
    assert [e["eprint"] for e in parse(capsys.readouterr().out)] == ["2104.00298"]
    assert main(["--library", str(fetched), "export", "--format", "bibtex",
                 "--where", "is:done"]) == 1  # fmt: skip
    assert "--where" in capsys.readouterr().err


def test_csl_json_validates_and_carries_the_details(
    fetched: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--library", str(fetched), "export", "--format", "csl-json"]) == 0
    items = json.loads(capsys.readouterr().out)
    jsonschema.validate(items, SCHEMA)  # raises, naming the field, if one is not CSL's
    with Library(fetched) as library:
        assert len(items) == sum(1 for p in library.papers.all() if p.arxiv) == 177
    assert len({item["id"] for item in items}) == 177  # unique, as the BibTeX keys
    by_number = {item["number"]: item for item in items}
    paper = by_number["arXiv:2104.00298"]
    assert paper["type"] == "paper-conference" and paper["container-title"] == "CVPR 2021"
    assert paper["author"][1] == {"family": "Babbage", "given": "Charles"}
    assert paper["issued"] == {"date-parts": [[2021, 4, 1]]}
    assert paper["DOI"] == "10.1000/test.2104.00298" and paper["keyword"] == "survey"
    assert paper["URL"] == "https://arxiv.org/abs/2104.00298"
    assert paper["categories"] == ["cs.CV", "cs.LG"]
    preprints = [i for i in items if i["type"] == "article"]  # not fetched, or no venue
    assert preprints and all(i["publisher"] == "arXiv" for i in preprints)
    assert main(["--library", str(fetched), "export", "--format", "csl-json",
                 "--where", "mine>=4"]) == 0  # fmt: skip
    chosen = json.loads(capsys.readouterr().out)
    assert sorted(i["number"] for i in chosen) == sorted(f"arXiv:{k[6:]}" for k in RATED)
    bad = [{**paper, "arxiv": "2104.00298"}]  # the schema does catch a field of our own
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
    assert main(["--library", str(fetched), "export", "--format", "json",
                 "--where", "mine>=4"]) == 1  # fmt: skip
    assert "--where chooses papers" in capsys.readouterr().err
