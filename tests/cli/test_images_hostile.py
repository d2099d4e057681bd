"""`kbapp images fetch` over days whose pictures include hostile addresses and redirects:
the good pictures are fetched, each bad one fails with its reason, the run goes on to
the end and its exit status says some failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.images.cache import ImageFiles
from kbapp.core.store.library import Library
from tests.core.images.image_server import ImageServer, encoded
from tests.core.images.test_images import import_day


def test_images_fetch_goes_on_past_bad_addresses_and_says_some_failed(
    library: Library, server: ImageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = server.url("").rsplit(":", 1)[1]
    server.image("/moved.png", encoded("PNG", colour=0x445566))
    good = [server.image(f"/good{n}.png", encoded("PNG", colour=0x101010 * n)) for n in range(3)]
    good.append(server.route("/hop", "redirect", location="moved.png"))  # relative: fine
    server.image("/decoy%20.png", encoded("PNG", colour=0xABCDEF))  # where httpx would go
    bad = {  # image address: what its failure must say
        server.route("/unparsable", "redirect", location=f"{server.url('')}abc.png"): (
            "redirected to an address that does not parse (Invalid port: '"
        ),
        server.route("/to-file", "redirect", location="file:///etc/passwd"): (
            "redirected to not a web address (file:): file:///etc/passwd"
        ),
        server.route("/to-script", "redirect", location="javascript:alert(1)"): (
            "redirected to not a web address (javascript:)"
        ),
        server.route("/spaced", "redirect", location=server.url("/decoy .png")): (
            "redirected to an address with a space or control character"
        ),
        f"http://127.0.0.1:{port}abc.png": "an address that does not parse",  # in the digest
        server.url("/\x1b[2Jwiped.png"): "an address with a space or control character",
    }
    ftp = "ftp://127.0.0.1/in-the-digest.png"
    first_day = [good[0], *list(bad)[:3], good[1], ftp]
    second_day = [good[2], *list(bad)[3:], good[3], good[0]]  # good[0] on both days
    import_day(library, tmp_path / "notes", "2026-11-19", first_day)
    import_day(library, tmp_path / "notes", "2026-11-20", second_day)
    args = ["--library", str(library.path), "images", "fetch"]

    status = main(args)  # an exception here (httpx.InvalidURL) was the bug

    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in out + err
    assert out.splitlines()[-1] == "4 fetched, 6 failed, 0 already cached or waiting to retry"
    assert err.splitlines()[-1].startswith("[" + "#" * 30 + "]  10/10  6 failed")
    states = library.images.states([*good, *bad])
    files = ImageFiles(library.images.folder)
    for url in good:
        assert states[url].status == "ok", (url, states[url])
        assert files.path(states[url].hash or "") is not None
    failed_lines = [line for line in out.splitlines() if line.startswith("failed: ")]
    assert len(failed_lines) == len(bad)
    for url, reason in bad.items():
        state = states[url]
        assert (state.status, state.attempts, state.hash) == ("failed", 1, None)
        assert state.last_error is not None and reason in state.last_error, state.last_error
        assert state.next_try_at is not None  # backs off like any other failure
        assert sum(reason in line for line in failed_lines) >= 1
    assert "\x1b" not in out and "/\\x1b[2Jwiped.png" in out  # shown, not obeyed
    # Nothing was asked of a bad address, nor of where a bad redirect pointed.
    assert server.counts["/decoy%20.png"] == 0
    assert not any("wiped" in path for path in server.counts)
    # The ftp: picture of the digest is no image kbapp fetches: no record, no request.
    assert ftp not in library.images.referenced(None)

    assert main(args) == 0  # the failed ones wait for their retry: nothing is due
    assert capsys.readouterr().out.startswith("0 fetched, 0 failed, 10 already cached")
    assert main(["--library", str(library.path), "images", "status", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert (counts["ok"], counts["pending"], counts["failed"]) == (4, 0, 6)
