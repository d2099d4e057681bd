"""Papers' details from arXiv, against a loopback stand-in of its API: the corpus's 177
IDs in two requests at least 3 s apart, every paper's details stored, Retry-After
honoured, a malformed answer failing only its IDs, nothing asked when nothing is due,
the user's data untouched."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.export.library_json import dumps, export_json, user_part
from kbapp.core.importer import import_paths
from kbapp.core.metadata.arxiv import FeedError, parse_feed
from kbapp.core.metadata.fetch import USER_AGENT, BatchOutcome, Polite, fetch_arxiv, make_client
from kbapp.core.store.library import Library
from tests.core.metadata.arxiv_server import ArxivServer, Fault


@pytest.fixture
def library(corpus: Path, tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes"], workers=0)
        key = library.digests.items_for_date("2021-04-25")[0].key
        library.user.set_rating(key, 4)
        library.user.save_note("paper:arxiv:2104.00298", "read section 3")
        library.tags.add("nets", ["paper:arxiv:2104.00298"])
        yield library


def user_data(library: Library) -> dict[str, object]:
    return user_part(json.loads(dumps(export_json(library))))


def record_into(library: Library) -> tuple[list[BatchOutcome], Callable[[BatchOutcome], None]]:
    """What the CLI does with each request's outcome: written to the library, kept."""
    seen: list[BatchOutcome] = []

    def on_batch(outcome: BatchOutcome) -> None:
        seen.append(outcome)
        library.metadata.record(outcome.records, outcome.not_found, outcome.failed)

    return seen, on_batch


def test_the_corpus_in_two_polite_requests(
    arxiv: ArxivServer, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    before = user_data(library)
    ids = library.metadata.due()
    assert len(ids) == 177
    code = main(["--library", str(library.path), "papers", "fetch", "--only", "arxiv", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["requests"] == 2 and summary["ok"] == 177
    (first, asked1, headers), (second, asked2, _) = arxiv.requests
    assert len(asked1) == 100 and len(asked2) == 77 and sorted(asked1 + asked2) == ids
    assert second - first >= 3.0  # arXiv's terms: one request every 3 seconds
    assert headers["User-Agent"] == USER_AGENT and "kbapp" in USER_AGENT
    meta = library.metadata.get("2104.00298")
    assert meta is not None and meta.status == "ok" and meta.record is not None
    record = meta.record
    assert [a.name for a in record.authors][1] == "Charles Babbage"
    assert record.authors[0].affiliations == ("Analytical Engines Ltd",)
    assert record.title == "Paper 2104.00298: a title wrapped & escaped"
    assert record.abstract == "The abstract of 2104.00298, wrapped mid-sentence as arXiv does."
    assert record.published == "2021-04-01T17:59:59Z" and record.year == 2021
    assert record.categories == ("cs.CV", "cs.LG") and record.primary_category == "cs.CV"
    assert record.doi == "10.1000/test.2104.00298" and record.journal_ref == "CVPR 2021"
    assert record.links["pdf"].startswith("http://arxiv.org/pdf/2104.00298v")
    assert all(m.status == "ok" and m.record for m in library.metadata.of().values())
    assert library.metadata.due() == []
    assert main(["--library", str(library.path), "papers", "fetch", "--only", "arxiv"]) == 0
    assert len(arxiv.requests) == 2 and "no paper is due" in capsys.readouterr().err
    assert user_data(library) == before  # the user's ratings, notes and tags unchanged


def test_busy_malformed_refused_and_missing_answers(arxiv: ArxivServer, library: Library) -> None:
    ids = library.metadata.due()[:150]
    arxiv.faults = [Fault(503, {"Retry-After": "1"}), Fault(body=b"<feed><entry>")]
    arxiv.refused, arxiv.unknown = {ids[120]}, {ids[121]}
    seen, on_batch = record_into(library)
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the real sleep, each one noted
        slept.append(seconds)
        time.sleep(seconds)

    polite = Polite(interval_s=0.2, sleep=sleep)
    requests = fetch_arxiv(ids, on_batch, polite=polite, api=arxiv.url)
    assert requests == 3  # the 503, its retry (which came back malformed), the second batch
    assert 1.0 in slept and arxiv.requests[1][0] - arxiv.requests[0][0] >= 1.0
    first, second = seen
    assert set(first.failed) == set(ids[:100]) and not first.records
    assert "not readable XML" in first.failed[ids[0]]
    assert len(second.records) == 48
    assert second.not_found == {ids[120]: f"incorrect id format for {ids[120]}",
                                ids[121]: "arXiv has no paper with this ID"}  # fmt: skip
    states = library.metadata.of()
    assert states[f"arxiv:{ids[0]}"].status == "failed"
    assert states[f"arxiv:{ids[0]}"].next_try_at is not None
    assert states[f"arxiv:{ids[121]}"].status == "not_found"
    due = library.metadata.due(ids)
    assert ids[0] not in due  # failed: not again before its backoff
    assert set(library.metadata.due(ids, at="2999-01-01T00:00:00+00:00")) == set(ids[:100])


def test_a_slow_answer_or_no_server_fails_with_a_reason(arxiv: ArxivServer) -> None:
    arxiv.faults = [Fault(delay_s=2.0)]
    outcomes: list[BatchOutcome] = []
    with make_client(timeout=0.5) as client:
        fetch_arxiv(["2104.00298"], outcomes.append, client=client, api=arxiv.url)
    assert outcomes[0].failed == {"2104.00298": "arXiv could not be reached (no answer in time)"}
    arxiv.stop()
    outcomes.clear()
    fetch_arxiv(["2104.00298"], outcomes.append, api=arxiv.url)
    assert "connection refused" in outcomes[0].failed["2104.00298"]


def test_a_failed_fetch_keeps_the_details_it_had(arxiv: ArxivServer, library: Library) -> None:
    seen, on_batch = record_into(library)
    fetch_arxiv(["2104.00298"], on_batch, api=arxiv.url)
    arxiv.faults = [Fault(500)]
    fetch_arxiv(["2104.00298"], on_batch, api=arxiv.url)
    meta = library.metadata.get("arxiv:2104.00298")
    assert meta is not None and meta.status == "ok" and meta.record is not None
    assert meta.reason == "arXiv answered HTTP 500"


@pytest.mark.parametrize("body", [b"", b"not xml", b"<html/>", b"<?xml version='1.0'?><x>"])
def test_what_is_no_feed_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, ["2104.00298"])


def test_papers_list_and_show(
    arxiv: ArxivServer, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--library", str(library.path), "papers", "fetch", "--only", "arxiv", "2104.00298"])
        == 0
    )
    capsys.readouterr()
    assert main(["--library", str(library.path), "papers", "list", "--json"]) == 0
    rows = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    row = rows["arxiv:2104.00298"]
    assert row["authors"] == ["Ada Lovelace0", "Charles Babbage"] and row["year"] == 2021
    assert row["venue"] == "CVPR 2021" and row["days"] == ["2021-04-03", "2021-10-03"]
    assert main(["--library", str(library.path), "papers", "show", "arxiv:2104.00298"]) == 0
    shown = capsys.readouterr().out
    assert "Charles Babbage" in shown and "CVPR 2021" in shown
    assert main(["--library", str(library.path), "papers", "show", "9999.99999"]) == 1
    assert main(["--library", str(library.path), "papers", "fetch", "banana"]) == 1
