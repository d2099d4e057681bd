"""`kbapp papers fetch|list|show`: papers' details from arXiv's API, and the papers as
the library knows them.

`fetch` asks arXiv (the query endpoint `$KBAPP_ARXIV_API`, default
https://export.arxiv.org/api/query) for the papers due: never asked, or failed and due
again after their backoff; named IDs are asked whatever their state. What is sent is the
arXiv IDs, nothing else. Requests are 100 IDs each, at least 3 seconds apart, one
connection (arXiv's terms). Progress goes to stderr; exit 1 when any ID failed (its
reason is printed), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from kbapp.cli.shared import EXIT_FAILED, EXIT_OK, Commands, open_library, usage, write_utf8
from kbapp.core.digest.text import visible
from kbapp.core.store.library import Library

_ARXIV = re.compile(r"(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)


def add_papers_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    papers = commands.add_parser(
        "papers", parents=[common], help="papers: details from arXiv, list, show",
        description="The library's papers. `fetch` looks their details up on arXiv "
        "(sends the arXiv IDs, nothing else).",
    )  # fmt: skip
    actions = papers.add_subparsers(title="papers commands", metavar="ACTION", dest="action")
    fetch = actions.add_parser("fetch", parents=[common], help="look papers up on arXiv")
    fetch.add_argument("ids", nargs="*", metavar="ID", help="arXiv IDs (default: those due)")
    fetch.add_argument("--json", action="store_true", help="a JSON summary on stdout")
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
    rows = []
    for paper in library.papers.paper_rows():
        known = meta.get(paper.key)
        record = known.record if known else None
        rows.append({
            "key": paper.key, "title": record.title if record else paper.title,
            "authors": [a.name for a in record.authors] if record else [],
            "year": record.year if record else None,
            "venue": record.journal_ref if record else None,
            "categories": list(record.categories) if record else [],
            "doi": record.doi if record else None,
            "days": [date for date, _key, _title in paper.items], "times": paper.times,
            "mine": paper.mine, "status": known.status if known else None,
            "abstract": record.abstract if record else None,
        })  # fmt: skip
    return rows


def _fetch(library: Library, args: argparse.Namespace) -> int:
    from kbapp.core.metadata.fetch import BatchOutcome, fetch_arxiv

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
        done += len(outcome.asked)
        totals["ok"] += len(outcome.records)
        totals["not_found"] += len(outcome.not_found)
        totals["failed"] += len(outcome.failed)
        failures.update(outcome.failed)
        print(f"kbapp: {done} of {len(ids)} papers asked", file=sys.stderr, flush=True)

    requests = fetch_arxiv(ids, on_batch) if ids else 0
    if not ids:
        print("kbapp: no paper is due to be looked up", file=sys.stderr)
    for arxiv_id, reason in sorted(failures.items()):
        print(f"kbapp: arxiv:{arxiv_id} failed: {reason}", file=sys.stderr)
    summary = {"requests": requests, **totals, "failures": failures}
    if args.json:
        write_utf8(sys.stdout, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        print(f"{requests} requests: {totals['ok']} found, {totals['not_found']} not on "
              f"arXiv, {totals['failed']} failed")  # fmt: skip
    return EXIT_FAILED if failures else EXIT_OK
