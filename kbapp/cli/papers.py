"""`kbapp papers fetch|list|show`: papers' details from arXiv's API, and the papers as
the library knows them.

`fetch` asks arXiv (the query endpoint `$KBAPP_ARXIV_API`, default
https://export.arxiv.org/api/query) for the papers due: never asked, or failed and due
again after their backoff; named IDs are asked whatever their state. What is sent is the
arXiv IDs, nothing else. Requests are 100 IDs each, at least 3 seconds apart, one
connection (arXiv's terms). Then the publisher DOIs due (arXiv's for the papers, and
those the digests link) are resolved by DOI content negotiation (`$KBAPP_DOI_RESOLVER`,
default https://doi.org/): the DOI is sent, nothing else. `--only arxiv|doi` does one
of the two. Progress goes to stderr; exit 1 when any ID or DOI failed (its reason is
printed), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, usage, write_utf8
from kbapp.core.digest.text import visible
from kbapp.core.store.library import Library

if TYPE_CHECKING:
    from kbapp.core.metadata.doi import DoiOutcome
    from kbapp.core.metadata.fetch import BatchOutcome

_ARXIV = re.compile(r"(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)


def add_papers_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    papers = commands.add_parser(
        "papers", parents=[common], help="papers: details from arXiv, list, show",
        description="The library's papers. `fetch` looks their details up on arXiv "
        "and their publisher DOIs on doi.org (sends the arXiv IDs and DOIs, nothing else).",
    )  # fmt: skip
    actions = papers.add_subparsers(title="papers commands", metavar="ACTION", dest="action")
    fetch = actions.add_parser("fetch", parents=[common], help="look papers up on arXiv")
    fetch.add_argument("ids", nargs="*", metavar="ID", help="arXiv IDs (default: those due)")
    fetch.add_argument("--json", action="store_true", help="a JSON summary on stdout")
    fetch.add_argument("--only", choices=["arxiv", "doi"],
                       help="only arXiv's details, or only the publisher DOIs")  # fmt: skip
    listing = actions.add_parser("list", parents=[common], help="every paper, a line each")
    listing.add_argument("--json", action="store_true", help="a JSON list")
    show = actions.add_parser("show", parents=[common], help="one paper, whole")
    show.add_argument("id", metavar="ID", help="arxiv:2104.00298 or 2104.00298")
    show.add_argument("--json", action="store_true", help="JSON")
    papers.set_defaults(run=run_papers, parser=papers)


def run_papers(args: argparse.Namespace) -> int:
    if args.action is None:
        return usage(args.parser)
    with open_library(args) as library:
        if args.action == "fetch":
            return _fetch(library, args)
        rows = paper_rows(library)
    if args.action == "list":
        if args.json:
            write_utf8(sys.stdout, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        for row in [] if args.json else rows:
            first = row["authors"][0] if row["authors"] else ""
            who = f"{first} et al." if len(row["authors"]) > 1 else first
            line = f"{row['key']}  {row['year'] or '    '}  {who}  {row['title']}"
            write_utf8(sys.stdout, visible(line) + "\n")
        return EXIT_OK
    found = _ARXIV.match(args.id.strip())
    key = f"arxiv:{found.group(1)}" if found else args.id.strip()
    chosen = [r for r in rows if r["key"] == key]
    if not chosen:
        print(f"kbapp: no paper {args.id} in the library", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        write_utf8(sys.stdout, json.dumps(chosen[0], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for name, value in chosen[0].items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        write_utf8(sys.stdout, visible(f"{name:<12}{'' if shown is None else shown}") + "\n")
    return EXIT_OK


def paper_rows(library: Library) -> list[dict[str, Any]]:
    """Every paper with what arXiv said of it (when asked): the list's and show's rows."""
    meta = library.metadata.of()
    works = library.dois.of()
    rows = []
    for paper in library.papers.paper_rows():
        known = meta.get(paper.key)
        record = known.record if known else None
        doi = record.doi if record else paper.key[4:] if paper.key.startswith("doi:") else None
        work = works.get(doi.lower()) if doi else None
        rows.append({
            "key": paper.key, "title": record.title if record else paper.title,
            "authors": [a.name for a in record.authors] if record else [],
            "year": record.year if record else None,
            "venue": (work.container_title if work else None)
                     or (record.journal_ref if record else None),
            "volume": work.volume if work else None, "pages": work.page if work else None,
            "publisher": work.publisher if work else None,
            "categories": list(record.categories) if record else [],
            "doi": doi,
            "days": [date for date, _key, _title in paper.items], "times": paper.times,
            "mine": paper.mine, "status": known.status if known else None,
            "abstract": record.abstract if record else None,
        })  # fmt: skip
    return rows


def _fetch(library: Library, args: argparse.Namespace) -> int:
    from kbapp.core.metadata.fetch import fetch_arxiv

    named = []
    for text in args.ids:
        found = _ARXIV.match(text.strip())
        if found is None:
            print(f"kbapp: {text} is not an arXiv ID (like 2104.00298)", file=sys.stderr)
            return EXIT_FAILED
        named.append(found.group(1))
    ids = named or library.metadata.due()
    totals = {"ok": 0, "not_found": 0, "failed": 0}
    failures: dict[str, str] = {}
    done = 0

    def on_batch(outcome: BatchOutcome) -> None:
        nonlocal done
        library.metadata.record(outcome.records, outcome.not_found, outcome.failed)
        done += _count(outcome, "arxiv", totals, failures)
        print(f"kbapp: {done} of {len(ids)} papers asked", file=sys.stderr, flush=True)

    requests = 0
    if args.only != "doi":
        requests = fetch_arxiv(ids, on_batch) if ids else 0
        if not ids:
            print("kbapp: no paper is due to be looked up", file=sys.stderr)
    dois = {"ok": 0, "not_found": 0, "failed": 0}
    doi_requests = 0
    if args.only != "arxiv":
        doi_requests = _fetch_dois(library, named, dois, failures)
    for what, reason in sorted(failures.items()):
        print(f"kbapp: {what} failed: {reason}", file=sys.stderr)
    summary = {"requests": requests, **totals, "doi_requests": doi_requests, "dois": dois,
               "failures": failures}  # fmt: skip
    if args.json:
        write_utf8(sys.stdout, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        if args.only != "doi":
            print(f"{requests} requests: {totals['ok']} found, {totals['not_found']} not on "
                  f"arXiv, {totals['failed']} failed")  # fmt: skip
        if args.only != "arxiv":
            print(f"{doi_requests} DOI requests: {dois['ok']} resolved, {dois['not_found']} "
                  f"unknown, {dois['failed']} failed")  # fmt: skip
    return EXIT_FAILED if failures else EXIT_OK


def _count(
    outcome: BatchOutcome | DoiOutcome, kind: str, totals: dict[str, int],
    failures: dict[str, str],
) -> int:  # fmt: skip
    """An outcome added to the totals and its failures (as `kind:ID`); how many it asked."""
    totals["ok"] += len(outcome.records)
    totals["not_found"] += len(outcome.not_found)
    totals["failed"] += len(outcome.failed)
    failures.update({f"{kind}:{what}": why for what, why in outcome.failed.items()})
    return len(outcome.asked)


def _fetch_dois(
    library: Library, named: list[str], totals: dict[str, int], failures: dict[str, str]
) -> int:
    """The DOIs due (of the named papers, when named) resolved; the requests made."""
    from kbapp.core.metadata.doi import fetch_dois

    if named:
        found = library.metadata.of(f"arxiv:{i}" for i in named).values()
        dois = library.dois.due(m.record.doi for m in found if m.record and m.record.doi)
    else:
        dois = library.dois.due()
    done = 0

    def on_outcome(outcome: DoiOutcome) -> None:
        nonlocal done
        library.dois.record(outcome.records, outcome.not_found, outcome.failed)
        done += _count(outcome, "doi", totals, failures)
        if done % 20 == 0 or done == len(dois):
            print(f"kbapp: {done} of {len(dois)} DOIs resolved", file=sys.stderr, flush=True)

    return fetch_dois(dois, on_outcome) if dois else 0
