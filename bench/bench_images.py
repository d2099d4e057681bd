"""Image fetch benchmark: kbapp's fetcher beside a plain sequential httpx loop, and a
cached day opened again.

    python bench/bench_images.py [--images 600] [--latency-ms 30] [--per-day 12] [--runs 5]

In one run:

1. draws `--images` distinct corpus-like pictures (PNG and JPEG of 50-500 KB, two PNG for
   each JPEG as in the real digests' `wx_fmt`), and starts a loopback HTTP server in a
   child process (its own interpreter, so it takes no CPU time from the client's
   threads) that answers each address after `--latency-ms`, a stand-in for the network
   round trip and the image host's time to first byte;
2. **sequential**: one `httpx.Client`, GET each address in turn, write each body to a
   folder under its sha256 (no checks);
3. **kbapp**: what `kbapp images fetch` does, on a library whose digests reference the
   addresses (`--per-day` a day): `images_due`, then `fetch_many` over a `Fetcher` (six
   threads, `make_client()`, Qt decoder), `record_image` for each result on the calling
   thread;
4. **cached day**: opens the last day again `--runs` times as the window does (read the
   day, its image keys and states, `images_due`, `fetch_many` over its states, render
   the HTML, decode each cached picture with QImage) and counts the server's requests.

Prints the table and the targets with PASS/FAIL (kbapp at least 4x the sequential loop's
images per second; a cached day makes no request); the exit status is 1 when one fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 4.0
SIZES_KB = range(50, 501, 50)  # one JPEG and two PNG pictures of each size


# -- pictures --------------------------------------------------------------------------------
def draw(fmt: str, height: int, seed: int) -> bytes:
    """A 1080-px-wide picture: soft colour fields with fine grain (a photo or a figure)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter

    rnd = random.Random(seed)
    width = 1080
    sw, sh = max(2, width // 24), max(2, height // 24)
    cells = bytes(rnd.getrandbits(8) for _ in range(sw * sh * 3))
    small = QImage(cells, sw, sh, sw * 3, QImage.Format.Format_RGB888).copy()
    smooth = Qt.TransformationMode.SmoothTransformation
    image = small.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio, smooth)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    noise = rnd.randbytes(width * height)
    grain = QImage(noise, width, height, width, QImage.Format.Format_Grayscale8)
    painter = QPainter(image)
    painter.setOpacity(0.12 if fmt == "JPEG" else 0.03)
    painter.drawImage(0, 0, grain)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, fmt, 85 if fmt == "JPEG" else -1)
    return bytes(data.data())


def picture(fmt: str, target: int, seed: int) -> bytes:
    """A picture of about `target` bytes: drawn once, then redrawn at the height that
    its bytes per row say."""
    trial = draw(fmt, 400, seed)
    height = max(60, min(6000, round(400 * target / len(trial))))
    return draw(fmt, height, seed)


def bases(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, kb in enumerate(SIZES_KB):
        for fmt, copy in (("PNG", 0), ("JPEG", 0), ("PNG", 1)):
            path = folder / f"{kb:03d}-{fmt.lower()}-{copy}"
            path.write_bytes(picture(fmt, kb * 1000, n * 10 + copy + len(fmt)))
            paths.append(path)
    return paths


def stamped(base: bytes, n: int) -> bytes:
    """`base` made unique (content addresses must differ) by a comment the decoders skip:
    a JPEG COM segment after SOI, a PNG tEXt chunk before IEND."""
    note = f"kbapp bench picture {n}".encode()
    if base.startswith(b"\xff\xd8"):
        return base[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + base[2:]
    import zlib

    body = b"tEXt" + b"Comment\x00" + note
    chunk = (len(body) - 4).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return base[:-12] + chunk + base[-12:]


# -- the server (child process) ----------------------------------------------------------------
def serve(folder: Path, latency: float) -> None:
    pictures = [path.read_bytes() for path in sorted(folder.iterdir())]
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/__count":
                return self._send(json.dumps({"requests": count[0]}).encode(), "application/json")
            count[0] += 1
            n = int(self.path.rsplit("/", 1)[-1])
            body = stamped(pictures[n % len(pictures)], n)
            time.sleep(latency)
            kind = "image/jpeg" if body.startswith(b"\xff\xd8") else "image/png"
            return self._send(body, kind)

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


class Server:
    def __init__(self, folder: Path, latency_ms: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(folder), "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"

    def requests(self) -> int:
        import httpx

        return int(httpx.get(f"{self.base}/__count").json()["requests"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# -- the measurements ---------------------------------------------------------------------------
def digest_text(date: str, urls: Sequence[str]) -> str:
    year, month, day = date.split("-")
    lines = [
        f"# 公众号内容拓展学习笔记（{year}.{month}.{day}）",
        "",
        "------",
        "",
        "## :paperclip:  今日要点",
        "",
    ]
    for n, url in enumerate(urls, 1):
        lines += [
            f"{n}. [图像文章 {n}](https://mp.weixin.qq.com/s/Bench{n:03d}{year}{month}{day}Key)"
            "  :star::star:",
            f"   - Abstract: 第 {n} 篇的摘要",
            "",
            f"<div align=center><img src=\"{url}\" style='zoom:100%'>",
            "</div>",
            "",
        ]
    return "\n".join(lines)


def write_notes(folder: Path, urls: Sequence[str], per_day: int) -> list[str]:
    from datetime import date, timedelta

    dates = []
    for start in range(0, len(urls), per_day):
        day = (date(2026, 1, 1) + timedelta(days=start // per_day)).isoformat()
        note = folder / f"{day[:4]}{day[5:7]}"
        note.mkdir(parents=True, exist_ok=True)
        (note / f"{day[5:7]}{day[8:]}.md").write_text(
            digest_text(day, urls[start : start + per_day]), encoding="utf-8"
        )
        dates.append(day)
    return dates


def sequential(urls: Sequence[str], out: Path) -> tuple[float, int, int]:
    """(seconds, images, bytes) for the plain loop."""
    import httpx

    out.mkdir()
    total = 0
    started = time.perf_counter()
    with httpx.Client(timeout=15.0) as client:
        for url in urls:
            response = client.get(url)
            response.raise_for_status()
            data = response.content
            (out / hashlib.sha256(data).hexdigest()).write_bytes(data)
            total += len(data)
    return time.perf_counter() - started, len(urls), total


def kbapp_fetch(library: Any, fetcher: Any) -> tuple[float, int, int]:
    """(seconds, images ok, bytes) for what `kbapp images fetch` does."""
    from kbapp.core.images.fetch import fetch_many

    ok = total = 0

    def record(result: Any) -> None:
        nonlocal ok, total
        library.images.record(result)
        if result.status == "ok":
            ok += 1
            total += result.size or 0
        else:
            print(f"  failed: {result.error}  {result.url}")

    started = time.perf_counter()
    due = library.images.due(None, datetime.now(UTC))
    states = library.images.states(due)
    fetch_many(fetcher, [(key, states[key]) for key in due], record)
    return time.perf_counter() - started, ok, total


def open_in_window(library_path: Path, dates: list[str], runs: int, tmp: Path) -> list[float]:
    """The real reader: ms for `show_date` of the newest (cached) day, its layout and one
    paint, coming from the day before each time (the first run decodes, later ones reuse)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = MainWindow(
        Library(library_path), QSettings(str(tmp / "bench.ini"), QSettings.Format.IniFormat)
    )
    window.remember_state = False
    window.resize(1280, 900)
    window.show()
    app.processEvents()
    times = []
    for _ in range(runs):
        window.show_date(dates[-2])
        app.processEvents()
        started = time.perf_counter()
        window.show_date(dates[-1])
        window.reader.document().size()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    window.close()
    return times


def open_day(library: Any, fetcher: Any, date: str) -> dict[str, float]:
    """One cached day opened as the window does; milliseconds per step."""
    from PySide6.QtGui import QImage

    from kbapp.core.images.cache import image_key
    from kbapp.core.images.fetch import fetch_many
    from kbapp.core.render.day import render_day

    times: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        times[name] = (now - mark) * 1000
        mark = now

    day = library.days.day(date)
    states = library.images.states(library.images.referenced(date))
    assert library.images.due(date, datetime.now(UTC)) == [], "a cached day has work due"
    lap("library")
    results: list[Any] = []
    fetch_many(fetcher, list(states.items()), results.append)
    assert all(not r.attempted for r in results)
    lap("fetch_many")

    def image_html(image: Any) -> str:
        state = states[image_key(date, image.src, image.is_local)]
        return f'<img src="{fetcher.files.path(state.hash)}">'

    render_day(day, image_html=image_html)
    lap("render")
    pictures = [QImage(str(fetcher.files.path(state.hash))) for state in states.values()]
    assert not any(picture.isNull() for picture in pictures)
    lap("decode")
    times["total"] = sum(times.values())
    times["images"] = len(states)
    return times


# -- the report ---------------------------------------------------------------------------------
def print_table(rows: Sequence[tuple[str, float, int, int]], base_rate: float) -> None:
    header = ("method", "images", "MB", "wall s", "images/s", "vs sequential")
    lines = [header]
    for name, seconds, images, size in rows:
        rate = images / seconds
        lines.append(
            (
                name,
                f"{images}",
                f"{size / 1e6:.1f}",
                f"{seconds:.2f}",
                f"{rate:.1f}",
                f"{rate / base_rate:.1f}x",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--latency-ms", type=float, default=30.0, help="server delay per answer")
    parser.add_argument("--per-day", type=int, default=12, help="images per digest")
    parser.add_argument("--runs", type=int, default=5, help="cached-day openings (median)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.latency_ms / 1000)
        return 0
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from kbapp.core.images.cache import ImageFiles
    from kbapp.core.images.check import dimensions, sniff
    from kbapp.core.images.fetch import Fetcher, make_client
    from kbapp.core.importer import import_paths
    from kbapp.core.store.library import Library
    from kbapp.qt_image import qt_decoder

    with tempfile.TemporaryDirectory(prefix="kbapp-bench-images-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        made = bases(tmp / "pictures")
        sizes = [len(stamped(made[n % len(made)].read_bytes(), n)) for n in range(args.images)]
        heights = [(dimensions(sniff(d) or "", d) or (0, 0))[1] for d in map(Path.read_bytes, made)]
        print(
            f"drew {len(made)} pictures (1080 x {min(heights)}-{max(heights)} px) in "
            f"{time.perf_counter() - started:.1f} s; serving {args.images} distinct ones of "
            f"{min(sizes) // 1000}-{max(sizes) // 1000} KB "
            f"(mean {statistics.mean(sizes) / 1000:.0f} KB) after {args.latency_ms:g} ms"
        )
        server = Server(tmp / "pictures", args.latency_ms)
        try:
            urls = [f"{server.base}/img/{n}" for n in range(args.images)]
            dates = write_notes(tmp / "notes", urls, args.per_day)
            sequential(urls[:5], tmp / "warm")  # the server's first answers, untimed
            asked = server.requests()
            plain = sequential(urls, tmp / "sequential")
            assert server.requests() - asked == args.images
            with Library(tmp / "library.sqlite") as library:
                import_paths(library, [tmp / "notes"], workers=0)
                files = ImageFiles(library.images.folder)
                fetcher = Fetcher(make_client(), files, decoder=qt_decoder)
                try:
                    ours = kbapp_fetch(library, fetcher)
                    before = server.requests()
                    opened = [open_day(library, fetcher, dates[-1]) for _ in range(args.runs)]
                    extra = server.requests() - before
                finally:
                    fetcher.close()
            before = server.requests()
            in_window = open_in_window(tmp / "library.sqlite", dates, args.runs, tmp)
            extra += server.requests() - before
        finally:
            server.stop()

    base_rate = plain[1] / plain[0]
    print_table(
        [("sequential httpx loop", *plain), ("kbapp fetch_many (6 at a time)", *ours)], base_rate
    )
    median = {key: statistics.median(one[key] for one in opened) for key in opened[0]}
    steps = ", ".join(
        f"{key} {median[key]:.1f}" for key in ("library", "fetch_many", "render", "decode")
    )
    print(
        f"\ncached day {dates[-1]} ({median['images']:.0f} images) opened {args.runs} times: "
        f"{extra} requests, {median['total']:.1f} ms median ({steps} ms)"
    )
    print(
        f"the same day in the real window (show_date + layout + paint): first "
        f"{in_window[0]:.1f} ms, then median {statistics.median(in_window[1:] or in_window):.1f} ms"
    )
    speedup = (ours[1] / ours[0]) / base_rate
    fast = speedup >= TARGET_SPEEDUP and ours[1] == args.images
    results = [
        (
            f"kbapp >= {TARGET_SPEEDUP:g}x the sequential loop",
            fast,
            f"{speedup:.1f}x, {ours[1]}/{args.images} ok",
        ),
        ("a cached day makes no request", extra == 0, f"{extra} requests"),
    ]
    print()
    for target, passed, detail in results:
        print(f"{'PASS' if passed else 'FAIL'}  {target}: {detail}")
    return 0 if all(passed for _, passed, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
