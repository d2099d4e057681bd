"""Downloading digest images with httpx: one long-lived client, checks on every body,
a small pool of threads, results handed back to the caller.

No SQL here: a sqlite3 connection belongs to its thread, so `fetch_many` calls the
caller's `on_result` on the caller's own thread and the caller writes to its library.
The threads are plain ones with a synchronous `httpx.Client` (QtAsyncio cannot drive
`httpx.AsyncClient`), so the same code serves the window, the CLI and the tests.

Every address is checked before its request and every redirect target before httpx
follows it (`images.urls`, from a response hook: httpx would raise on a target it cannot
parse before returning the response), so that a bad one fails its picture with a reason
and the other downloads go on. Redirect loops end at the client's `max_redirects`.

What the client sends matters: WeChat's image host refuses a request that carries a
foreign `Referer`, so none is ever sent (httpx adds none, redirects included), and some
hosts answer a bare client differently from a browser, hence the browser-like `Accept`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import httpx

from kbapp import __version__
from kbapp.core.images.cache import MAX_BYTES, FetchResult, ImageFiles, ImageState
from kbapp.core.images.check import Decoder, check_image
from kbapp.core.images.urls import BadRedirect, check_redirect, url_problem

WORKERS = 6  # requests in flight at most, per Fetcher
THREADS = WORKERS + 2  # six downloading while two check bodies (Qt decodes without the GIL)
MAX_REDIRECTS = 5
DEADLINE_S = 120.0  # a whole body, however slowly it trickles
ACCEPT = "image/avif,image/webp,image/apng,image/png,image/jpeg,image/gif,image/*;q=0.8,*/*;q=0.5"
USER_AGENT = f"Mozilla/5.0 (compatible; kbapp/{__version__})"


def make_client(timeout: float = 15.0) -> httpx.Client:
    """The one client a Fetcher keeps for its life: pooled keep-alive connections,
    explicit timeouts (connect, each read, each write, waiting for a connection),
    redirects followed up to five (each target checked first: `Fetcher` adds the hook),
    and no Referer ever."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=timeout, read=timeout, write=timeout),
        limits=httpx.Limits(
            max_connections=WORKERS * 2, max_keepalive_connections=WORKERS, keepalive_expiry=30
        ),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"Accept": ACCEPT, "User-Agent": USER_AGENT},
    )


@dataclass(frozen=True, slots=True)
class _Body:
    """A whole 200 response, not yet checked."""

    data: bytes
    code: int
    etag: str | None
    last_modified: str | None
    content_type: str


class Fetcher:
    """Fetches images into the cache; one per client, shared by any number of threads.

    Whatever the number of threads (the window may run two `fetch_many` at once), at
    most `WORKERS` requests are in flight: a semaphore, rather than the client's
    connection limit, which would turn a wait into a pool timeout. The Fetcher owns its
    client (it closes it) and adds the redirect check to its hooks if it lacks it.
    """

    def __init__(
        self,
        client: httpx.Client,
        files: ImageFiles,
        decoder: Decoder | None = None,
        *,
        max_bytes: int = MAX_BYTES,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        self.client = client
        self.files = files
        self.decoder = decoder
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s
        self._slots = threading.BoundedSemaphore(WORKERS)
        hooks = client.event_hooks  # the redirect check, whoever made the client
        if check_redirect not in hooks["response"]:
            client.event_hooks = {**hooks, "response": [*hooks["response"], check_redirect]}

    def close(self) -> None:
        self.client.close()

    def fetch(
        self, url: str, state: ImageState | None = None, *, revalidate: bool = False
    ) -> FetchResult:
        """Fetch `url` into the cache, unless `state` says the cache has it already.

        A picture recorded `ok` whose file is in the cache costs nothing: no request.
        With `revalidate`, or when an earlier copy is on disk but the state is not `ok`,
        the request is conditional (ETag, Last-Modified) and a 304 keeps that copy. The
        body must be an image (see `images.check`) and at most `max_bytes`; only then is
        it written, atomically. Network and disk problems become a failed result.
        """
        held = self.files.path(state.hash) if state is not None and state.hash else None
        if held is not None and state is not None and state.status == "ok" and not revalidate:
            return FetchResult(url, "ok", state.hash, state.type, state.size,
                               etag=state.etag, last_modified=state.last_modified,
                               attempted=False, previous=state)  # fmt: skip
        problem = url_problem(url)
        if problem is not None:
            return FetchResult(url, "failed", error=problem, previous=state)
        headers = {}
        if held is not None and state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        with self._slots:  # only the download: checking the body frees the slot
            got = self._download(url, headers, state if held is not None else None, state)
        return got if isinstance(got, FetchResult) else self._keep(url, got, state)

    def _download(
        self,
        url: str,
        headers: dict[str, str],
        held: ImageState | None,
        previous: ImageState | None,
    ) -> FetchResult | _Body:
        def failed(error: str, status: int | None = None) -> FetchResult:
            return FetchResult(url, "failed", error=error, http_status=status, previous=previous)

        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return self._read(response, url, held, previous, failed)
        except BadRedirect as error:
            return failed(str(error), error.status)
        except httpx.TooManyRedirects:  # a loop too
            return failed(f"too many redirects (more than {self.client.max_redirects})")
        except httpx.TimeoutException as error:
            return failed(f"timed out ({_timeout_phase(error)})")
        except httpx.RemoteProtocolError as error:
            return failed(f"connection broken: {error}")
        except httpx.HTTPError as error:  # connect errors, bad addresses, TLS, ...
            return failed(f"{type(error).__name__}: {error}")
        except (httpx.InvalidURL, UnicodeError) as error:  # no HTTPError; `urls` checked
            return failed(f"an address httpx cannot use: {error}")  # first: a last guard

    def _read(
        self,
        response: httpx.Response,
        url: str,
        held: ImageState | None,
        previous: ImageState | None,
        failed: Callable[[str, int | None], FetchResult],
    ) -> FetchResult | _Body:
        """The answer that is not a redirect: a 304 for the copy held, or a body."""
        code = response.status_code
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if code == 304 and held is not None:
            return FetchResult(url, "ok", held.hash, held.type, held.size,
                               etag=etag or held.etag,
                               last_modified=modified or held.last_modified,
                               http_status=code, not_modified=True,
                               previous=previous)  # fmt: skip
        if code != 200:
            return failed(f"HTTP {code} {response.reason_phrase}".strip(), code)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return failed(f"larger than {self._cap()} ({int(declared):,} bytes)", code)
        body = bytearray()
        started = time.monotonic()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                return failed(f"larger than {self._cap()}", code)
            if time.monotonic() - started > self.deadline_s:
                return failed(f"too slow (over {self.deadline_s:g} s)", code)
        content_type = response.headers.get("Content-Type", "no type")
        return _Body(bytes(body), code, etag, modified, content_type)

    def _keep(self, url: str, body: _Body, previous: ImageState | None) -> FetchResult:
        """Check the body and write it to the cache (outside the request slots)."""
        kind, problem = check_image(body.data, self.decoder)
        if problem is None:
            try:
                digest = self.files.put(body.data)
            except OSError as error:
                problem = f"cannot write the image cache: {error.strerror}"
            else:
                return FetchResult(url, "ok", digest, kind, len(body.data), etag=body.etag,
                                   last_modified=body.last_modified, http_status=body.code,
                                   previous=previous)  # fmt: skip
        else:
            problem = f"{problem}; served as {body.content_type}"
        return FetchResult(url, "failed", error=problem, http_status=body.code, previous=previous)

    def _cap(self) -> str:
        mb = self.max_bytes / 2**20
        return f"{mb:g} MB" if mb >= 1 else f"{self.max_bytes:,} bytes"


def _timeout_phase(error: httpx.TimeoutException) -> str:
    return {
        httpx.ConnectTimeout: "connecting",
        httpx.ReadTimeout: "no answer",
        httpx.WriteTimeout: "sending",
        httpx.PoolTimeout: "waiting for a connection",
    }.get(type(error), "timeout")


def fetch_many(
    fetcher: Fetcher,
    urls_with_states: Iterable[tuple[str, ImageState | None]],
    on_result: Callable[[FetchResult], None],
    cancel: Callable[[], bool] | None = None,
    workers: int = THREADS,
) -> int:
    """Fetch many images on `workers` threads; call `on_result` on THIS thread as each
    one completes (so it may write to this thread's library). Returns how many were done.

    The Fetcher lets at most six requests out at once; the two threads beyond six check
    and store bodies meanwhile, so decoding never holds a download back. At most
    `workers` fetches are submitted at a time (a bounded `as_completed`), so `cancel`,
    asked before each new one, stops the batch within one round.
    A duplicate address is fetched once. An exception from a fetch is a bug: it stops
    the batch and is raised here.
    """
    unique: dict[str, ImageState | None] = {}
    for url, state in urls_with_states:
        unique.setdefault(url, state)
    todo = iter(unique.items())
    done = 0
    running: set[Future[FetchResult]] = set()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kbapp-fetch") as pool:
        try:
            while True:
                while len(running) < workers and not (cancel is not None and cancel()):
                    step = next(todo, None)
                    if step is None:
                        break
                    running.add(pool.submit(fetcher.fetch, *step))
                if not running:
                    break
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done += 1
                    on_result(future.result())
        finally:
            for future in running:
                future.cancel()
    return done


__all__ = ["ACCEPT", "MAX_REDIRECTS", "THREADS", "WORKERS", "FetchResult", "Fetcher", "fetch_many",
           "make_client"]  # fmt: skip
