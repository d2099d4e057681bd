"""Publisher DOIs resolved by content negotiation, against a loopback resolver (a 303 to
its agency's CSL JSON, as doi.org does): venue, year, volume, pages and publisher stored
per DOI; the Accept header and a User-Agent with a contact; 503 with Retry-After
honoured; a malformed answer failing only its DOI; an unknown DOI not found; no
resolver failing the rest unasked; nothing asked again when nothing is due; the user's
data untouched; the exports carry what was found."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.importer import import_paths
from kbapp.core.metadata.doi import CONTACT_ENV, DoiOutcome, fetch_dois
from kbapp.core.metadata.fetch import Polite
from kbapp.core.store.library import Library
from tests.core.export.test_bibtex import parse
from tests.core.metadata.arxiv_server import ArxivServer, Fault
from tests.core.metadata.doi_server import DoiServer
from tests.core.metadata.test_arxiv_fetch import user_data

IDS = ["2104.00298", "2104.00681", "2104.10419", "2103.00112", "2104.04329"]


@pytest.fixture
def resolver(doi_resolver: DoiServer) -> DoiServer:
    return doi_resolver


@pytest.fixture
def library(corpus: Path, tmp_path: Path, arxiv: ArxivServer) -> Iterator[Library]:
    """The corpus with five papers' arXiv details (each with its publisher DOI) and some
    of the user's data."""
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        library.user.set_paper_rating("arxiv:2104.00298", 5)
        library.user.save_note("paper:arxiv:2104.00298", "read section 3")
    assert main(["--library", str(path), "papers", "fetch", "--only", "arxiv", *IDS]) == 0
    with Library(path) as library:
        yield library


def dois_of(ids: list[str]) -> list[str]:
    return [f"10.1000/test.{i}" for i in ids]


def resolve(library: Library, dois: list[str], base: str) -> list[DoiOutcome]:
    seen: list[DoiOutcome] = []

    def on_outcome(outcome: DoiOutcome) -> None:
        seen.append(outcome)
        library.dois.record(outcome.records, outcome.not_found, outcome.failed)

    fetch_dois(dois, on_outcome, polite=Polite(0.0), base=base)
    return seen


def test_papers_fetch_resolves_the_dois_arxiv_gave(
    library: Library,
    resolver: DoiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(CONTACT_ENV, "reader@example.org")
    before = user_data(library)
    due = library.dois.due()  # arXiv's five, and the two the digests link to themselves
    digests = [doi for doi in due if not doi.startswith("10.1000/")]
    assert len(digests) == 2 and sorted(due) == sorted(dois_of(IDS) + digests)
    capsys.readouterr()
    code = main(["--library", str(library.path), "papers", "fetch", "--only", "doi", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["doi_requests"] == 7 and summary["dois"]["ok"] == 7
    assert sorted(resolver.asked()) == sorted(due)
    starts = [when for when, _doi, _headers in resolver.requests]
    assert all(b - a >= 0.19 for a, b in zip(starts, starts[1:], strict=False))  # 5 a second
    headers = resolver.requests[0][2]
    assert headers["Accept"] == "application/vnd.citationstyles.csl+json"
    assert "kbapp" in headers["User-Agent"] and "mailto:reader@example.org" in headers["User-Agent"]
    work = library.dois.of(["10.1000/test.2104.00298"])["10.1000/test.2104.00298"]
    assert work.container_title is not None and "(CVPR)" in work.container_title
    assert work.year == 2021 and work.volume == "1" and work.publisher == "IEEE"
    assert work.page is not None and "-" in work.page and work.type == "paper-conference"
    assert library.dois.due() == []
    assert main(["--library", str(library.path), "papers", "fetch", "--only", "doi"]) == 0
    assert len(resolver.requests) == 7  # nothing due: nothing asked
    assert user_data(library) == before

    capsys.readouterr()
    assert main(["--library", str(library.path), "papers", "list", "--json"]) == 0
    row = {r["key"]: r for r in json.loads(capsys.readouterr().out)}["arxiv:2104.00298"]
    assert row["venue"] == work.container_title and row["pages"] == work.page
    assert main(["--library", str(library.path), "export", "--format", "bibtex",
                 "--where", "mine>=5"]) == 0  # fmt: skip
    (entry,) = parse(capsys.readouterr().out)
    assert entry["booktitle"] == work.container_title and entry["pages"] == work.page.replace(
        "-", "--"
    )
    assert entry["volume"] == "1" and entry["publisher"] == "IEEE"
    assert main(["--library", str(library.path), "export", "--format", "csl-json",
                 "--where", "mine>=5"]) == 0  # fmt: skip
    (item,) = json.loads(capsys.readouterr().out)
    assert item["container-title"] == work.container_title and item["page"] == work.page
    assert item["volume"] == "1" and item["publisher"] == "IEEE"


def test_retry_after_a_malformed_answer_and_an_unknown_doi(
    library: Library, resolver: DoiServer
) -> None:
    dois = dois_of(IDS[:4])
    resolver.unknown = {dois[3]}
    resolver.faults = [
        Fault(status=503, headers={"Retry-After": "1"}),  # the first DOI: wait, then again
        Fault(),
        Fault(body=b"{not json"),  # the second DOI
    ]
    outcomes = resolve(library, dois, resolver.url)
    assert resolver.asked() == [dois[0], dois[0], dois[1], dois[2], dois[3]]
    retried = [when for when, doi, _h in resolver.requests if doi == dois[0]]
    assert retried[1] - retried[0] >= 1.0  # Retry-After honoured
    assert list(outcomes[0].records) == [dois[0]]
    assert outcomes[1].failed == {dois[1]: "the answer is not JSON (JSONDecodeError)"}
    assert list(outcomes[2].records) == [dois[2]]  # the rest go on
    assert outcomes[3].not_found == {dois[3]: "no work is registered with this DOI"}
    assert library.dois.counts() == {"ok": 2, "not_found": 1, "failed": 1}
    assert not set(dois) & set(library.dois.due())  # the failed one waits for its backoff


def test_no_resolver_fails_the_rest_unasked(library: Library, resolver: DoiServer) -> None:
    base = resolver.url
    resolver.stop()  # nothing listens there now
    dois = dois_of(IDS)
    outcomes = resolve(library, dois, base)
    failed = {doi: why for outcome in outcomes for doi, why in outcome.failed.items()}
    assert sorted(failed) == sorted(dois) and len(outcomes) == 2  # one asked, four not
    assert all(why.startswith("the DOI resolver could not be reached") for why in failed.values())
    assert library.dois.counts()["failed"] == 5 and not set(dois) & set(library.dois.due())
