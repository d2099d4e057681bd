"""Asking arXiv politely: one connection, at most one request every `INTERVAL_S` seconds
(arXiv's terms of use for its API), a User-Agent that says who asks and where to reach
kbapp, and an HTTP 503 or 429 answered by waiting what its Retry-After says before
trying that request again (a few times at most).

No SQL here: `fetch_arxiv` hands each request's outcome to the caller's `on_batch`, on
the caller's thread, and the caller writes it to its library. An answer that is not a
readable feed, a refused connection or a timeout fails that request's IDs with the
reason; the other requests still go.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from kbapp import __version__
from kbapp.core.metadata.arxiv import (
    API_ENV,
    DEFAULT_API,
    ArxivRecord,
    FeedError,
    batches,
    parse_feed,
    query_url,
)

INTERVAL_S = 3.0  # between the starts of two requests to arXiv
RETRIES = 3  # tries of one request that arXiv answered 503 or 429
MAX_WAIT_S = 120.0  # the longest Retry-After honoured; longer fails the request
MAX_BYTES = 20 * 1024 * 1024  # a feed of 100 papers is ~300 KB
CONTACT = "https://github.com/kbapp/kbapp"
USER_AGENT = f"kbapp/{__version__} (paper details for a reading library; {CONTACT})"


def arxiv_api() -> str:
    """The query endpoint: `KBAPP_ARXIV_API` when set (tests point it at 127.0.0.1)."""
    return os.environ.get(API_ENV) or DEFAULT_API


@dataclass(slots=True)
class BatchOutcome:
    """What one request settled: records found, IDs not found, IDs failed with why."""

    asked: list[str]
    records: dict[str, ArxivRecord] = field(default_factory=dict)
    not_found: dict[str, str] = field(default_factory=dict)  # ID -> reason
    failed: dict[str, str] = field(default_factory=dict)  # ID -> reason (to try again)


@dataclass
class Polite:
    """The pacing of requests: `wait_turn` sleeps until `interval_s` after the last one
    started, or after its answer came when the caller says so (`answered`: the server
    then sees them at least that far apart, whatever the network's delays). `sleep` and
    `clock` are the real ones unless a caller gives others."""

    interval_s: float = INTERVAL_S
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = None
    started: list[float] = field(default_factory=list)  # when each request started

    def wait_turn(self) -> None:
        if self._last is not None:
            left = self._last + self.interval_s - self.clock()
            if left > 0:
                self.sleep(left)
        self._last = self.clock()
        self.started.append(self._last)

    def answered(self) -> None:
        """The last request's answer arrived (or it failed): the next waits from now."""
        self._last = self.clock()


def make_client(
    timeout: float = 30.0, accept: str = "application/atom+xml", agent: str = USER_AGENT
) -> httpx.Client:
    """One connection at a time, explicit timeouts, redirects followed (arXiv's, and
    doi.org's to the registration agency)."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": agent, "Accept": accept},
    )


def fetch_arxiv(
    ids: list[str],
    on_batch: Callable[[BatchOutcome], None],
    *,
    client: httpx.Client | None = None,
    polite: Polite | None = None,
    api: str | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Ask arXiv for these IDs, `BATCH` a request, calling `on_batch` after each; the
    number of requests made. Stops between requests when `cancel()` says so."""
    own = client is None
    http = client or make_client()
    pace = polite or Polite()
    endpoint = api or arxiv_api()
    requests = 0
    try:
        for batch in batches(list(dict.fromkeys(ids))):
            if cancel is not None and cancel():
                break
            outcome, made = _ask(http, pace, endpoint, batch)
            requests += made
            on_batch(outcome)
    finally:
        if own:
            http.close()
    return requests


def _ask(http: httpx.Client, pace: Polite, api: str, batch: list[str]) -> tuple[BatchOutcome, int]:
    outcome = BatchOutcome(batch)
    made = 0
    for _attempt in range(RETRIES):
        pace.wait_turn()
        made += 1
        try:
            body, status, retry_after = get(http, query_url(api, batch))
        except httpx.HTTPError as error:
            return _failed(outcome, f"arXiv could not be reached ({why(error)})"), made
        finally:
            pace.answered()  # arXiv's three seconds count from its answer
        if status in (429, 503):
            if retry_after is None or retry_after > MAX_WAIT_S:
                return _failed(outcome, f"arXiv is busy (HTTP {status}); try again later"), made
            pace.sleep(retry_after)
            continue
        if status != 200:
            return _failed(outcome, f"arXiv answered HTTP {status}"), made
        try:
            answer = parse_feed(body, batch)
        except FeedError as error:
            return _failed(outcome, str(error)), made
        outcome.records = {i: answer.records[i] for i in batch if i in answer.records}
        outcome.not_found = {i: answer.errors[i] for i in batch if i in answer.errors}
        for arxiv_id in batch:
            if arxiv_id not in outcome.records and arxiv_id not in outcome.not_found:
                outcome.not_found[arxiv_id] = "arXiv has no paper with this ID"
        return outcome, made
    return _failed(outcome, f"arXiv stayed busy after {RETRIES} tries"), made


def get(http: httpx.Client, url: str) -> tuple[bytes, int, float | None]:
    with http.stream("GET", url) as response:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BYTES:
                raise httpx.DecodingError(f"the answer is over {MAX_BYTES // 2**20} MB")
            chunks.append(chunk)
        return b"".join(chunks), response.status_code, _retry_after(response)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())
    return None


def _failed(outcome: BatchOutcome, reason: str) -> BatchOutcome:
    outcome.failed = dict.fromkeys(outcome.asked, reason)
    return outcome


def why(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.ConnectError):
        return "connection refused or no network"
    return str(error) or type(error).__name__


__all__ = ["INTERVAL_S", "USER_AGENT", "BatchOutcome", "Polite", "arxiv_api", "fetch_arxiv",
           "get", "make_client", "why"]  # fmt: skip
