"""Hostile image addresses and redirects: each bad one fails its picture with a reason
that names it, no request goes where it should not, and the other pictures are fetched."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kbapp.core.digest.text import visible
from kbapp.core.images.cache import FetchResult, ImageFiles
from kbapp.core.images.fetch import MAX_REDIRECTS, Fetcher, fetch_many, make_client
from kbapp.core.images.urls import redirect_target, shown, url_problem
from kbapp.core.store.library import Library
from kbapp.qt_image import qt_decoder
from tests.core.images.image_server import ImageServer, encoded

LONG_LABEL = "a" * 64  # one label over DNS's 63: Python's resolver raised UnicodeError


# -- the check itself -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000abc.png", "an address that does not parse (Invalid port"),
        ("http://[::1/a.png", "an address that does not parse"),
        ("http://xn--zz.com/a.png", "an address that does not parse (Invalid A-label)"),
        ("http://127.0.0.1:99999/a.png", "an address with a port out of range"),
        ("http://exa mple.com/a.png", "an address with a space or control character"),
        ("http://example.com/a b.png", "an address with a space or control character"),
        ("http://example.com/a\u3000b.png", "an address with a space or control character"),
        ("http://example.com/a\x00.png", "an address with a space or control character"),
        ("http://example.com/a\x1b[2J.png", "an address with a space or control character"),
        (" http://example.com/a.png", "an address with a space or control character"),
        ("ftp://example.com/a.png", "not a web address (ftp:): ftp://example.com/a.png"),
        ("file:///etc/passwd", "not a web address (file:): file:///etc/passwd"),
        ("javascript:alert(1)", "not a web address (javascript:)"),
        ("data:image/png;base64,iVBORw0KGgo=", "not a web address (data:)"),
        ("//example.com/a.png", "not a web address (no scheme)"),
        ("images/a.png", "not a web address (no scheme)"),
        ("", "not a web address (no scheme)"),
        ("http:///a.png", "an address without a host"),
        (f"http://{LONG_LABEL}.example.com/a.png", "host name is too long or has an empty part"),
        (f"http://{'abc.' * 64}com/a.png", "host name is too long"),
        ("http://a..b/a.png", "has an empty part"),
    ],
)
def test_bad_addresses_are_named_with_their_reason(url: str, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a.png",
        "https://mmbiz.qpic.cn/mmbiz_png/AbC/640?wx_fmt=png&from=appmsg",
        "HTTPS://Ex.com/",
        "http://[::1]:8000/a.png",
        "https://例子.测试/图.png",  # a Unicode host and path: httpx encodes both
        "http://example.com./a.png",  # the root's dot
    ],
)
def test_good_addresses_pass(url: str) -> None:
    assert url_problem(url) is None


def redirect(location: str, status: int = 302) -> httpx.Response:
    """A redirect as the fetcher's hook sees it (httpx's own objects, no network)."""
    request = httpx.Request("GET", "http://127.0.0.1:8000/img/start.png")
    return httpx.Response(status, headers={"Location": location}, request=request)


def test_a_redirect_target_is_resolved_then_checked_and_quoted_as_sent() -> None:
    assert redirect_target(redirect("next.png")) == ("http://127.0.0.1:8000/img/next.png", None)
    assert redirect_target(redirect("https://cdn.example/a.png", 301)) == (
        "https://cdn.example/a.png",
        None,
    )
    for location, reason in [
        ("http://127.0.0.1:8000abc.png", "redirected to an address that does not parse"),
        ("/a b.png", "redirected to an address with a space or control character: /a b.png"),
        ("/a\x01b.png", "redirected to an address with a space or control character: /a\\x01b"),
        ("file:///etc/passwd", "redirected to not a web address (file:): file:///etc/passwd"),
        ("javascript:alert(1)", "redirected to not a web address (javascript:)"),
        ("//:80/x.png", "redirected to an address without a host: //:80/x.png"),
        ("", "HTTP 302 redirect without a Location"),
    ]:
        target, problem = redirect_target(redirect(location))
        assert target is None and problem is not None and reason in problem, (location, problem)


def test_a_quoted_address_cannot_rewrite_the_terminal() -> None:
    assert visible("http://x/\x1b[2J\u202e.png") == "http://x/\\x1b[2J\\u202e.png"
    assert visible("https://例子.测试/图.png") == "https://例子.测试/图.png"  # readable as is
    long = "http://example.com/" + "a" * 300
    assert len(shown(long)) == 120 and shown(long).endswith("…")


# -- the fetcher against a real server ----------------------------------------------------------
@pytest.fixture
def fetcher(library: Library) -> Iterator[Fetcher]:
    made = Fetcher(make_client(timeout=2), ImageFiles(library.images.folder), decoder=qt_decoder)
    yield made
    made.close()


# path: (the Location it answers, what the picture's failure must say). Each target that
# is a real path of the server serves a good image there, so a check that let it through
# would make the picture "ok" and the test fail.
BAD_REDIRECTS = {
    # httpx raised InvalidURL (no HTTPError) for these two, which ended the whole run
    "/unparsable": ("{base}abc.png", "redirected to an address that does not parse"),
    "/to-script": ("javascript:alert(1)", "redirected to not a web address (javascript:)"),
    "/spaced": ("{base}/a b.png", "redirected to an address with a space or control character"),
    "/control": ("/a\x01b.png", "redirected to an address with a space or control character"),
    "/to-file": ("file:///etc/passwd", "redirected to not a web address (file:)"),
    "/to-ftp": ("ftp://127.0.0.1/a.png", "redirected to not a web address (ftp:)"),
    "/long-host": (f"http://{LONG_LABEL}.test/a.png", "host name is too long"),
    "/nowhere": ("", "redirect without a Location"),
    "/loop": ("/loop", f"too many redirects (more than {MAX_REDIRECTS})"),
}


def serve_bad_redirects(server: ImageServer) -> dict[str, str]:
    """The bad redirects on `server`: {image address: the reason it must fail with}."""
    base = server.url("")
    for decoy in ("/a%20b.png", "/a%01b.png"):  # where httpx would have gone
        server.image(decoy, encoded("PNG", colour=0x990000))
    return {
        server.route(path, "redirect", location=location.format(base=base)): reason
        for path, (location, reason) in BAD_REDIRECTS.items()
    }


def test_each_bad_redirect_fails_its_image_with_its_reason(
    fetcher: Fetcher, server: ImageServer
) -> None:
    for url, reason in serve_bad_redirects(server).items():
        result = fetcher.fetch(url)
        assert result.status == "failed" and reason in (result.error or ""), (url, result)
        assert result.hash is None
    assert server.counts["/a%20b.png"] == server.counts["/a%01b.png"] == 0
    assert server.counts["/loop"] == MAX_REDIRECTS + 1
    good = server.image("/good.png", encoded("PNG"))
    hop = server.route("/hop", "redirect", location="good.png")  # relative: joined
    assert fetcher.fetch(hop).status == "ok" and fetcher.fetch(good).status == "ok"


def test_bad_addresses_fail_without_a_request_and_the_batch_goes_on(
    fetcher: Fetcher, server: ImageServer
) -> None:
    port = server.url("").rsplit(":", 1)[1]
    good = [server.image(f"/good{n}.png", encoded("PNG", colour=n)) for n in range(3)]
    bad = {
        f"http://127.0.0.1:{port}abc.png": "an address that does not parse",
        server.url("/a b.png"): "an address with a space or control character",
        server.url("/a\x1bb.png"): "an address with a space or control character",
        f"http://{LONG_LABEL}.test/a.png": "host name is too long",
        "ftp://127.0.0.1/a.png": "not a web address (ftp:)",
    }
    results: dict[str, FetchResult] = {}
    urls = [good[0], *bad, *good[1:]]
    assert fetch_many(fetcher, [(u, None) for u in urls], lambda r: results.update({r.url: r})) == 8
    assert [results[url].status for url in good] == ["ok"] * 3
    for url, reason in bad.items():
        assert results[url].status == "failed" and reason in (results[url].error or "")
    assert server.total == 3  # only the good ones were asked for


def test_a_fetcher_checks_redirects_whoever_made_its_client(
    library: Library, server: ImageServer
) -> None:
    server.image("/a%20b.png", encoded("PNG"))
    spaced = server.route("/spaced", "redirect", location="/a b.png")
    script = server.route("/to-script", "redirect", location="javascript:alert(1)")
    fetcher = Fetcher(httpx.Client(follow_redirects=True), ImageFiles(library.images.folder))
    try:
        assert fetcher.fetch(spaced).status == "failed"
        assert "not a web address (javascript:)" in (fetcher.fetch(script).error or "")
    finally:
        fetcher.close()
    assert server.counts["/a%20b.png"] == 0
