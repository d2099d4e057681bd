"""A loopback DOI resolver written from the DOI content negotiation documentation
(citation.crosscite.org/docs.html) and Crossref's REST API: `GET /<DOI>` with
`Accept: application/vnd.citationstyles.csl+json` is redirected (303, as doi.org does)
to `/api/works/<DOI>/transform`, which answers the work as CSL JSON; an unknown DOI is
404; a fault can be queued for the next requests (503 with Retry-After, a malformed
body, a slow answer)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import quote, unquote, urlparse

from tests.core.metadata.arxiv_server import Fault
from tests.core.metadata.loopback import Loopback

TRANSFORM = "/api/works/"


def work(doi: str) -> dict[str, Any]:
    """The CSL JSON Crossref gives for a proceedings paper (its fields, its shapes:
    container-title a string, issued as date-parts, page a range)."""
    n = sum(map(ord, doi)) % 90
    return {
        "type": "paper-conference",
        "id": f"https://doi.org/{doi}",
        "DOI": doi.upper(),
        "URL": f"https://doi.org/{doi}",
        "title": f"The published version of {doi}",
        "author": [{"family": "Lovelace", "given": "Ada", "sequence": "first"}],
        "container-title": "2021 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
        "publisher": "IEEE",
        "volume": "1",
        "page": f"{100 + n}-{110 + n}",
        "issued": {"date-parts": [[2021, 6]]},
        "published-print": {"date-parts": [[2021, 6, 19]]},
        "source": "Crossref",
    }


@dataclass
class DoiServer:
    unknown: set[str] = field(default_factory=set)  # DOIs no agency registered: 404
    faults: list[Fault] = field(default_factory=list)  # for the next works, in turn
    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    _http: Loopback = field(default_factory=Loopback)

    @property
    def url(self) -> str:
        return f"{self._http.base}/"

    def start(self) -> None:
        self._http.start(_handler(self))

    def stop(self) -> None:
        self._http.stop()

    def asked(self) -> list[str]:
        """The DOIs asked of the resolver (not the redirected requests)."""
        return [doi for _when, doi, _headers in self.requests]


def _handler(owner: DoiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self) -> None:
            path = unquote(urlparse(self.path).path)
            if not path.startswith(TRANSFORM):  # the resolver: off to the agency
                doi = path.lstrip("/")
                owner.requests.append((time.monotonic(), doi, dict(self.headers.items())))
                if doi.lower() in owner.unknown:
                    self._send(404, b"DOI Not Found", {"Content-Type": "text/plain"})
                    return
                target = f"{TRANSFORM}{quote(doi, safe='/')}/transform"
                self._send(303, b"", {"Location": target})
                return
            doi = path[len(TRANSFORM) :].removesuffix("/transform")
            fault = owner.faults.pop(0) if owner.faults else Fault()
            if fault.delay_s:
                time.sleep(fault.delay_s)
            if "citationstyles.csl+json" not in self.headers.get("Accept", ""):
                self._send(406, b"", {})
                return
            body = fault.body if fault.body is not None else json.dumps(work(doi)).encode()
            kind = "application/vnd.citationstyles.csl+json"
            self._send(fault.status, body, {"Content-Type": kind, **fault.headers})

    return Handler
