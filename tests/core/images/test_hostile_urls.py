"""Hostile image addresses and redirects: each bad one fails its picture with a reason,
and every other picture of the run is still fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.images.cache import ImageFiles
from kbapp.core.images.fetch import Fetcher, make_client
from kbapp.core.images.urls import url_problem
from kbapp.core.store.library import Library
from kbapp.qt_image import qt_decoder
from tests.core.images.image_server import ImageServer, encoded
from tests.core.images.test_images import import_day


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000abc.png", "does not parse"),
        ("http://127.0.0.1:99999/a.png", "a port out of range"),
        ("http://exa mple.com/a.png", "a space or control character"),
        ("http://example.com/a\x00.png", "a space or control character"),
        ("ftp://example.com/a.png", "not a web address (ftp:)"),
        ("file:///etc/passwd", "not a web address (file:)"),
        ("javascript:alert(1)", "not a web address (javascript:)"),
        ("//example.com/a.png", "not a web address (no scheme)"),
        ("http:///a.png", "no host"),
    ],
)
def test_bad_addresses_are_named_with_their_reason(url: str, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/a.png", "https://mmbiz.qpic.cn/x/640?wx_fmt=png", "HTTPS://Ex.com/"],
)
def test_good_addresses_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.fixture
def fetcher(library: Library) -> Iterator[Fetcher]:
    made = Fetcher(make_client(timeout=2), ImageFiles(library.images.folder), decoder=qt_decoder)
    yield made
    made.close()


BAD_REDIRECTS = {
    # httpx raised InvalidURL (no HTTPError) for this one, which ended the whole run
    "/unparsable": ("{base}abc.png", "redirected to an address that does not parse"),
    "/to-file": ("file:///etc/passwd", "redirected to not a web address (file:)"),
    "/to-ftp": ("ftp://127.0.0.1/a.png", "redirected to not a web address (ftp:)"),
    "/to-script": ("javascript:alert(1)", "redirected to not a web address (javascript:)"),
    "/nowhere": ("", "redirect without a Location"),
}


def serve_bad_redirects(server: ImageServer) -> dict[str, str]:
    base = server.url("")
    return {
        server.route(path, "redirect", location=location.format(base=base)): reason
        for path, (location, reason) in BAD_REDIRECTS.items()
    }


def test_each_bad_redirect_fails_its_image_with_a_reason(
    fetcher: Fetcher, server: ImageServer
) -> None:
    for url, reason in serve_bad_redirects(server).items():
        result = fetcher.fetch(url)
        assert result.status == "failed" and reason in (result.error or ""), (url, result)
    ftp = fetcher.fetch("ftp://127.0.0.1/a.png")  # no request at all
    assert ftp.status == "failed"
    assert "not a web address (ftp:)" in (ftp.error or "")
    good = server.image("/good.png", encoded("PNG"))
    hop = server.route("/hop", "redirect", location="/good.png")  # relative: joined
    assert fetcher.fetch(hop).status == "ok" and fetcher.fetch(good).status == "ok"


def test_images_fetch_goes_on_past_bad_redirects_and_says_some_failed(
    library: Library, server: ImageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [server.image(f"/good{n}.png", encoded("PNG", colour=n)) for n in range(4)]
    bad = serve_bad_redirects(server)
    ftp = "ftp://127.0.0.1/in-the-digest.png"
    srcs = [good[0], *list(bad)[:3], good[1], ftp, good[2], *list(bad)[3:], good[3]]
    import_day(library, tmp_path / "notes", "2026-11-20", srcs)

    status = main(["--library", str(library.path), "images", "fetch"])

    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in out + err
    assert out.splitlines()[-1].startswith("4 fetched, 5 failed")
    assert ftp not in library.images.referenced(None)  # not a picture kbapp would fetch
    states = library.images.states(srcs)
    assert [states[url].status for url in good] == ["ok"] * 4
    files = ImageFiles(library.images.folder)
    assert all(files.path(states[url].hash or "") is not None for url in good)
    for url, reason in bad.items():
        assert states[url].status == "failed" and reason in (states[url].last_error or "")
        assert any(line.startswith("failed: ") and url in line for line in out.splitlines())
