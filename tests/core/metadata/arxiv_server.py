"""A stand-in for arXiv's API query endpoint on 127.0.0.1, answering as its User's
Manual describes (sections 3.2-3.4): an Atom feed with one entry per known ID, an
"Error" entry for an ID it cannot read, nothing for an ID it never had. A test may
queue faults for the next requests: HTTP 503 with Retry-After, a body that is not XML,
an answer that comes too late. Every request is recorded with its time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from tests.core.metadata.loopback import Loopback

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?id_list={ids}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list={ids}</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2026-12-05T00:00:00-05:00</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{total}</opensearch:itemsPerPage>
{entries}
</feed>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v{version}</id>
    <updated>20{yy}-{mm}-20T10:00:00Z</updated>
    <published>20{yy}-{mm}-01T17:59:59Z</published>
    <title>{title}</title>
    <summary>  The abstract of {id}, wrapped
  mid-sentence as arXiv does.
</summary>
    <author><name>{first}</name><arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom">Analytical Engines Ltd</arxiv:affiliation></author>
    <author><name>Charles Babbage</name></author>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.1000/test.{id}</arxiv:doi>
    <link title="doi" href="http://dx.doi.org/10.1000/test.{id}" rel="related"/>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">10 pages</arxiv:comment>
{journal}
    <link href="http://arxiv.org/abs/{id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{id}v{version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{primary}" scheme="http://arxiv.org/schemas/atom"/>
{categories}
  </entry>"""

ERROR = """  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{id}</id>
    <title>Error</title>
    <summary>incorrect id format for {id}</summary>
    <updated>2026-12-05T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_{id}" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>"""


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # instead of the feed
    delay_s: float = 0.0


@dataclass
class ArxivServer:
    unknown: set[str] = field(default_factory=set)  # IDs arXiv never had: absent
    refused: set[str] = field(default_factory=set)  # IDs answered with an Error entry
    faults: list[Fault] = field(default_factory=list)  # for the next requests, in turn
    requests: list[tuple[float, list[str], dict[str, str]]] = field(default_factory=list)
    _http: Loopback = field(default_factory=Loopback)

    @property
    def url(self) -> str:
        return f"{self._http.base}/api/query"

    def start(self) -> None:
        self._http.start(_handler(self))

    def stop(self) -> None:
        self._http.stop()

    def feed(self, ids: list[str]) -> bytes:
        entries = []
        for n, arxiv_id in enumerate(ids):
            if arxiv_id in self.refused:
                entries.append(ERROR.format(id=escape(arxiv_id)))
            elif arxiv_id not in self.unknown:
                entries.append(ENTRY.format(
                    id=arxiv_id, version=1 + n % 3, yy=arxiv_id[:2], mm=arxiv_id[2:4],
                    title=escape(f"Paper {arxiv_id}:\n  a title wrapped & escaped"),
                    **variety(arxiv_id, n)))  # fmt: skip
        return FEED.format(ids=",".join(ids), total=len(entries),
                           entries="\n".join(entries)).encode()  # fmt: skip


def variety(arxiv_id: str, n: int) -> dict[str, str]:
    """Authors, categories and venue by the ID's last digit, so that searches have
    something to tell apart: 0 and 5 are Grace Hopper's NLP preprints, 7 is at ICCV,
    the others Ada Lovelace's (numbered) at CVPR; Charles Babbage is second on all."""
    digit = arxiv_id[-1]
    journal = (
        '    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">{}</arxiv:journal_ref>'
    )
    category = '    <category term="{}" scheme="http://arxiv.org/schemas/atom"/>'
    if digit in "05":
        return {"first": "Grace Hopper", "journal": "", "primary": "cs.CL",
                "categories": category.format("cs.CL")}  # fmt: skip
    venue = "ICCV 2021" if digit == "7" else "CVPR 2021"
    return {"first": f"Ada Lovelace{n}", "journal": journal.format(venue), "primary": "cs.CV",
            "categories": category.format("cs.CV") + "\n" + category.format("cs.LG")}  # fmt: skip


def _handler(owner: ArxivServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
            owner.requests.append((time.monotonic(), ids, dict(self.headers.items())))
            fault = owner.faults.pop(0) if owner.faults else Fault()
            if fault.delay_s:
                time.sleep(fault.delay_s)
            body = fault.body if fault.body is not None else owner.feed(ids)
            try:
                self.send_response(fault.status)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in fault.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up
                pass

    return Handler
