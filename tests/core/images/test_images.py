"""Images: fetched from a real HTTP server on 127.0.0.1, checked, cached by content,
recorded in the library, retried after failures; local pictures copied at import."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader

from kbapp.cli import main
from kbapp.core.images.cache import ImageFiles, image_key, retry_delay
from kbapp.core.images.check import check_image
from kbapp.core.images.fetch import (
    ACCEPT,
    THREADS,
    Fetcher,
    FetchResult,
    fetch_many,
    make_client,
)
from kbapp.core.importer import FileOutcome, Status, import_file
from kbapp.core.store.library import Library
from kbapp.qt_image import qt_decoder
from tests.core.images.image_server import GIF, ImageServer, digest_text, encoded, png_bomb

PNG = encoded("PNG")
IMAGES = {
    "png": (PNG, "image/png"),
    "jpeg": (encoded("JPEG"), "image/jpeg"),
    "gif": (GIF, "image/gif"),
    "webp": (encoded("WEBP"), "image/webp"),
}
CAP = 20 * 1024 * 1024


# -- fixtures and helpers ----------------------------------------------------------------
@pytest.fixture
def fetcher(library: Library) -> Iterator[Fetcher]:
    """The fetcher the window uses, with a short timeout so the slow case stays quick."""
    made = Fetcher(make_client(timeout=0.5), ImageFiles(library.images.folder), decoder=qt_decoder)
    yield made
    made.close()


def import_day(library: Library, notes: Path, date: str, srcs: list[str]) -> FileOutcome:
    year, month, day = date.split("-")
    note = notes / f"{year}{month}" / f"{month}{day}.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(digest_text(date, srcs), encoding="utf-8")
    outcome = import_file(library, note, image_decoder=qt_decoder)
    assert outcome.status in (Status.IMPORTED, Status.UPDATED), outcome
    return outcome


def fetch_due(library: Library, fetcher: Fetcher, now: datetime | None = None) -> list[FetchResult]:
    """What the window does when a day is shown: fetch what is due, record each result
    on this thread."""
    now = now or datetime.now(UTC)
    due = library.images.due(None, now)
    states = library.images.states(due)
    results: list[FetchResult] = []

    def record(result: FetchResult) -> None:
        library.images.record(result, now)
        results.append(result)

    fetch_many(fetcher, [(key, states[key]) for key in due], record)
    return results


def cache_files(library: Library) -> dict[str, bytes]:
    """Every file in the cache folder, by name; each must be a sound content address."""
    found = {p.name: p.read_bytes() for p in library.images.folder.rglob("*") if p.is_file()}
    for name, data in found.items():
        assert name == hashlib.sha256(data).hexdigest(), f"corrupt or temporary file {name}"
    return found


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- fetching real images ------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(IMAGES))
def test_each_format_is_fetched_checked_and_cached_by_content(
    kind: str, library: Library, fetcher: Fetcher, server: ImageServer, tmp_path: Path
) -> None:
    data, content_type = IMAGES[kind]
    honest = server.image(f"/{kind}", data, content_type)
    mislabelled = server.image(
        f"/{kind}-as-jpeg", data, "image/jpeg" if kind == "png" else "image/png"
    )
    import_day(library, tmp_path / "notes", "2026-11-18", [honest, mislabelled])

    results = fetch_due(library, fetcher)

    assert {(r.status, r.type, r.hash) for r in results} == {("ok", kind, sha(data))}
    states = library.images.states([honest, mislabelled])
    assert [s.status for s in states.values()] == ["ok", "ok"]
    assert states[honest].size == len(data) and states[honest].attempts == 1
    assert states[honest].fetched_at is not None and states[honest].last_error is None
    assert cache_files(library) == {sha(data): data}  # one file for the two addresses
    assert ImageFiles(library.images.folder).path(sha(data)) is not None


FAULTS = {
    # id: (how the path is broken, what the recorded error must say)
    "404": (lambda s, p: None, "HTTP 404"),
    "500": (lambda s, p: s.route(p, "status", status=500), "HTTP 500"),
    "slower than the timeout": (lambda s, p: s.image(p, PNG, delay=1.5), "timed out"),
    "declared over 20 MB": (lambda s, p: s.route(p, "big", body=PNG[:64], size=CAP + 1), "20 MB"),
    "streamed past 20 MB": (
        lambda s, p: s.route(p, "stream", body=PNG[:64], size=CAP + 2**21),
        "20 MB",
    ),
    "HTML sent as image/png": (
        lambda s, p: s.image(p, b"<!DOCTYPE html><html><body>login</body></html>"),
        "not an image (HTML); served as image/png",
    ),
    "redirect loop": (lambda s, p: s.route(p, "redirect", location=s.url(p)), "too many redirects"),
    "truncated body": (lambda s, p: s.route(p, "truncated", body=PNG), "connection broken"),
    "image cut short": (lambda s, p: s.image(p, PNG[: len(PNG) - 20]), "incomplete PNG"),
    "decompression bomb": (lambda s, p: s.image(p, png_bomb()), "too large to decode safely"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_is_recorded_as_failed_leaves_nothing_and_a_retry_succeeds(
    fault: str, library: Library, fetcher: Fetcher, server: ImageServer, tmp_path: Path
) -> None:
    good = server.image("/good.png", encoded("PNG", colour=0x22AA44))
    breaks, says = FAULTS[fault]
    url = server.url("/broken")
    breaks(server, "/broken")
    import_day(library, tmp_path / "notes", "2026-11-18", [good, url])
    started = datetime.now(UTC)

    fetch_due(library, fetcher, started)

    state = library.images.states([url])[url]
    assert (state.status, state.attempts, state.hash) == ("failed", 1, None)
    assert state.last_error is not None and says in state.last_error
    assert state.next_try_at is not None
    wait = datetime.fromisoformat(state.next_try_at) - started
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5, seconds=2)
    assert set(cache_files(library)) == {library.images.states([good])[good].hash}

    server.image("/broken", PNG)  # the server behaves again
    assert library.images.due(None, datetime.now(UTC)) == []  # backing off
    assert library.images.retry([url]) == 1  # a person asks
    assert library.images.due("2026-11-18", datetime.now(UTC)) == [url]
    (result,) = fetch_due(library, fetcher)
    assert (result.url, result.status) == (url, "ok")
    state = library.images.states([url])[url]
    assert (state.status, state.attempts, state.last_error, state.hash) == ("ok", 2, None, sha(PNG))
    assert sha(PNG) in cache_files(library)


def test_a_failed_image_comes_due_again_after_a_growing_backoff(
    library: Library, fetcher: Fetcher, server: ImageServer, tmp_path: Path
) -> None:
    url = server.route("/down", "status", status=503)
    import_day(library, tmp_path / "notes", "2026-11-18", [url])
    t0 = datetime.now(UTC).replace(microsecond=0)
    fetch_due(library, fetcher, t0)
    assert library.images.due("2026-11-18", t0 + timedelta(minutes=4)) == []
    t1 = t0 + timedelta(minutes=5)
    assert library.images.due("2026-11-18", t1) == [url]  # the day is viewed again
    library.images.record(fetcher.fetch(url, library.images.states([url])[url]), now=t1)
    state = library.images.states([url])[url]
    assert state.attempts == 2 and state.next_try_at == (t1 + timedelta(minutes=10)).isoformat()
    assert [retry_delay(n) for n in (1, 2, 3, 9, 50)] == [
        timedelta(minutes=m) for m in (5, 10, 20, 1280, 1440)
    ]


def test_no_referer_is_sent_and_redirects_stop_after_five(
    library: Library, fetcher: Fetcher, server: ImageServer
) -> None:
    guarded = server.route("/mmbiz/guarded", "no_referer", body=PNG)
    server.route("/hop0", "redirect", location=guarded)
    for n in range(1, 7):
        server.route(f"/hop{n}", "redirect", location=server.url(f"/hop{n - 1}"))

    assert fetcher.fetch(guarded).status == "ok"
    assert fetcher.fetch(server.url("/hop4")).status == "ok"  # five redirects
    too_far = fetcher.fetch(server.url("/hop5"))  # six
    assert too_far.status == "failed" and "too many redirects" in (too_far.error or "")

    assert server.counts["/mmbiz/guarded"] == 2
    for _path, headers in server.headers:
        assert "referer" not in {name.lower() for name in headers}
        assert headers["Accept"] == ACCEPT and "image/webp" in headers["Accept"]


def test_cached_images_cost_no_request(
    library: Library, server: ImageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [server.image(f"/{kind}", data, ctype) for kind, (data, ctype) in IMAGES.items()]
    import_day(library, tmp_path / "notes", "2026-11-18", urls)
    args = ["--library", str(library.path), "images", "fetch"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("4 fetched, 0 failed")
    assert err.splitlines()[-1].startswith("[" + "#" * 30 + "]  4/4  0 failed")
    asked = server.total
    assert asked == 4

    assert main(args) == 0  # nothing due: no request
    assert capsys.readouterr().out.startswith("0 fetched, 0 failed, 4 already cached")
    states = library.images.states(library.images.referenced("2026-11-18"))
    fetcher = Fetcher(make_client(0.5), ImageFiles(library.images.folder), decoder=qt_decoder)
    try:  # the window's path too: a day opened with its pictures cached asks nothing
        results: list[FetchResult] = []
        fetch_many(fetcher, list(states.items()), results.append)
    finally:
        fetcher.close()
    assert [(r.status, r.attempted) for r in results] == [("ok", False)] * 4
    assert server.total == asked

    shutil.rmtree(library.images.folder)  # the cache deleted by hand: fetch fills it again
    assert main(args) == 0
    assert server.total == asked + 4 and len(cache_files(library)) == 4


def test_a_conditional_request_keeps_the_cached_copy_on_304(
    library: Library, fetcher: Fetcher, server: ImageServer, tmp_path: Path
) -> None:
    stamp = "Wed, 18 Nov 2026 08:00:00 GMT"
    url = server.image("/tagged.png", PNG, etag='"v1"', last_modified=stamp)
    import_day(library, tmp_path / "notes", "2026-11-18", [url])
    fetch_due(library, fetcher)
    state = library.images.states([url])[url]
    assert (state.etag, state.last_modified) == ('"v1"', stamp)

    result = fetcher.fetch(url, state, revalidate=True)

    assert (result.status, result.not_modified, result.hash) == ("ok", True, sha(PNG))
    assert server.headers[-1][1]["If-None-Match"] == '"v1"'
    assert server.headers[-1][1]["If-Modified-Since"] == stamp
    assert library.images.record(result).status == "ok"
    assert cache_files(library) == {sha(PNG): PNG}


def test_fetch_many_runs_six_at_a_time_and_answers_on_the_calling_thread(
    library: Library, fetcher: Fetcher, server: ImageServer
) -> None:
    urls = [server.image(f"/slow{n}.png", encoded("PNG", colour=n), delay=0.2) for n in range(13)]
    threads: set[int] = set()
    results: list[FetchResult] = []

    def record(result: FetchResult) -> None:
        threads.add(threading.get_ident())
        library.images.record(result)  # a sqlite3 connection works only on its own thread
        results.append(result)

    assert fetch_many(fetcher, [(url, None) for url in urls + urls[:2]], record) == 13
    assert threads == {threading.get_ident()}
    assert server.most_in_flight == 6
    assert sorted(r.url for r in results) == sorted(urls)
    assert library.images.status_counts()["ok"] == 0  # recorded, but no digest refers to them

    stopped: list[FetchResult] = []
    server.counts.clear()
    others = [server.image(f"/other{n}.png", PNG, delay=0.1) for n in range(13)]
    fetch_many(fetcher, [(u, None) for u in others], stopped.append, cancel=lambda: bool(stopped))
    assert len(stopped) == server.total == THREADS  # the first round ends; nothing new starts


# -- the checks -------------------------------------------------------------------------------
def test_the_bytes_decide_not_the_name_or_the_content_type() -> None:
    for kind, (data, _) in IMAGES.items():
        assert check_image(data, qt_decoder) == (kind, None)
    assert check_image(encoded("BMP"), qt_decoder) == ("bmp", None)
    assert check_image(b"") == (None, "empty")
    assert check_image(b'{"error": 403}') == (None, "not an image (JSON)")
    jpeg = IMAGES["jpeg"][0]
    assert check_image(jpeg[:-40]) == ("jpeg", "incomplete JPEG (cut short)")  # no decoder needed
    idat = PNG.index(b"IDAT") + 8
    scrambled = PNG[:idat] + bytes(b ^ 0x5A for b in PNG[idat : idat + 30]) + PNG[idat + 30 :]
    found, error = check_image(scrambled, qt_decoder)  # sound header and end: only Qt knows
    assert found == "png" and error is not None and error.startswith("PNG does not decode")


def test_a_decompression_bomb_is_refused_before_any_pixel_is_allocated() -> None:
    bomb = png_bomb()
    assert len(bomb) < 100_000
    assert check_image(bomb) == ("png", "too large to decode safely (20000×20000 pixels)")
    assert qt_decoder(bomb) == "over the 256 MB image limit"
    assert QImageReader.allocationLimit() == 256  # Qt's own limit backs the check up


# -- local pictures ------------------------------------------------------------------------------
def test_local_pictures_are_copied_at_import_and_outlive_the_notes_folder(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    pictures = notes / "202611" / "images"
    pictures.mkdir(parents=True)
    (pictures / "a.png").write_bytes(PNG)
    (pictures / "b.gif").write_bytes(GIF)
    (pictures / "fake.png").write_bytes(b"<html><body>not a picture</body></html>")
    secret = tmp_path / "secret.png"
    secret.write_bytes(encoded("PNG", colour=0x123456))
    (pictures / "link.png").symlink_to(secret)
    srcs = ["images/a.png", "./images/b.gif", "images/missing.png", "../../secret.png",
            "images/fake.png", "images/link.png", str(secret)]  # fmt: skip

    outcome = import_day(library, notes, "2026-11-18", srcs)

    assert outcome.image_problems == (
        "images/missing.png: missing file",
        "../../secret.png: refused: outside the note's folder",
        "images/fake.png: not an image (HTML)",
        "images/link.png: refused: outside the note's folder",
        f"{secret}: refused: outside the note's folder",
    )
    keys = library.images.referenced("2026-11-18")
    assert keys[:2] == ["local:2026-11-18/images/a.png", "local:2026-11-18/images/b.gif"]
    states = library.images.states(keys)
    assert [s.status for s in states.values()] == ["ok", "ok"] + ["failed"] * 5
    assert cache_files(library) == {sha(PNG): PNG, sha(GIF): GIF}  # nothing from outside

    shutil.rmtree(notes)  # the notes folder goes; the pictures stay readable
    files = ImageFiles(library.images.folder)
    for key in keys[:2]:
        path = files.path(states[key].hash or "")
        assert path is not None and check_image(path.read_bytes(), qt_decoder)[1] is None

    assert main(["--library", str(library.path), "images", "status", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts == {"ok": 2, "pending": 0, "failed": 5, "bytes": len(PNG) + len(GIF)}


def test_a_missing_local_picture_is_copied_once_it_appears(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    import_day(library, notes, "2026-11-18", ["images/late.png"])
    key = "local:2026-11-18/images/late.png"
    assert library.images.states([key])[key].status == "failed"
    (notes / "202611" / "images").mkdir()
    (notes / "202611" / "images" / "late.png").write_bytes(PNG)
    library.images.retry([key])

    assert main(["--library", str(library.path), "images", "fetch"]) == 0

    assert library.images.states([key])[key].hash == sha(PNG)
    assert capsys.readouterr().out.startswith("1 fetched, 0 failed")


def test_the_key_of_a_local_picture_is_the_parsers_resolved_path(
    library: Library, tmp_path: Path
) -> None:
    samples = Path(__file__).resolve().parents[3] / "resources" / "samples" / "notes"
    shutil.copytree(samples, tmp_path / "notes")
    import_file(library, tmp_path / "notes" / "202611" / "1118.md")
    day = library.days.day("2026-11-18")
    assert day is not None
    images = [image for item in day.items for image in item.images]
    images += [image for section in day.sections for image in section.images]
    keys = [image_key(day.date, image.src, image.is_local) for image in images]
    assert keys == [f"local:2026-11-18/{image.resolved_path}" for image in images]
    assert library.images.referenced("2026-11-18") == list(dict.fromkeys(keys))
    assert library.images.status_counts()["ok"] == len(set(keys))


# -- housekeeping --------------------------------------------------------------------------------
def test_clean_removes_the_files_and_records_no_digest_references(
    library: Library, fetcher: Fetcher, server: ImageServer, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    kept, dropped = encoded("PNG", colour=0x111111), encoded("PNG", colour=0x222222)
    urls = [server.image("/kept.png", kept), server.image("/dropped.png", dropped)]
    import_day(library, tmp_path / "notes", "2026-11-18", urls)
    fetch_due(library, fetcher)
    import_day(library, tmp_path / "notes", "2026-11-18", urls[:1])  # the digest changed
    files = ImageFiles(library.images.folder)
    stray = files.put(b"GIF89a stray bytes")
    temp = library.images.folder / stray[:2] / ".tmp-abandoned"
    temp.write_bytes(b"half")
    fresh = files.put(encoded("PNG", colour=0x333333))  # a fetch elsewhere just wrote it
    hour_ago = time.time() - 3700
    for path in library.images.folder.rglob("*"):
        if path.is_file() and path.name != fresh:
            os.utime(path, (hour_ago, hour_ago))

    assert main(["--library", str(library.path), "images", "clean"]) == 0

    assert capsys.readouterr().out.startswith("removed 3 unreferenced files")
    assert set(cache_files(library)) == {sha(kept), fresh}
    assert library.images.states(urls)[urls[1]].status == "pending"  # its record went
    assert library.images.status_counts() == {
        "ok": 1,
        "pending": 0,
        "failed": 0,
        "bytes": len(kept),
    }
    assert library.images.referenced_hashes() == {sha(kept)}


def test_the_image_table_refuses_an_unknown_status(library: Library) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        library.db.conn.execute("INSERT INTO image_cache (url, status) VALUES ('x', 'lost')")


@pytest.mark.parametrize(
    "command", [["images"], ["images", "fetch"], ["images", "status"], ["images", "clean"]]
)
def test_image_commands_have_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: kbapp images")


def test_fetch_for_a_day_fetches_only_that_day(
    library: Library, server: ImageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = server.image("/1.png", PNG), server.image("/2.gif", GIF, "image/gif")
    import_day(library, tmp_path / "notes", "2026-11-18", [first])
    import_day(library, tmp_path / "notes", "2026-11-19", [second])
    lib = ["--library", str(library.path)]
    assert main([*lib, "images", "fetch", "--date", "2026-11-19"]) == 0
    assert dict(server.counts) == {"/2.gif": 1}
    assert main([*lib, "images", "fetch", "--date", "2026-12-01"]) == 2
    assert "no digest on 2026-12-01" in capsys.readouterr().err
