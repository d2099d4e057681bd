"""A real HTTP server on 127.0.0.1 for the image tests: real images and every fault;
and the pictures and digests the tests feed it.

It runs in a daemon thread of the test process (http.server's ThreadingHTTPServer on
port 0), counts the requests per path, remembers each request's headers, and serves
whatever `routes` says at the moment, so a test can break a path and mend it again.
"""

from __future__ import annotations

import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

# The smallest GIF: one pixel, one colour table, one image, the trailer (Qt writes no GIF).
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def encoded(fmt: str, width: int = 48, height: int = 32, colour: int = 0x3366CC) -> bytes:
    """A real picture in `fmt` (PNG, JPEG, WEBP, BMP), drawn and encoded by Qt."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    for x in range(0, width, 3):
        image.setPixelColor(x, x % height, QColor(0xFFFFFF - colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt), fmt  # PySide6 takes a str here, whatever its stubs say
    buffer.close()
    return bytes(data.data())


def png_bomb(side: int = 20000) -> bytes:
    """A 1-bit palette PNG of side × side pixels: ~50 KB that decode to 400 MB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    packer = zlib.compressobj(9)
    row = bytes(1 + (side + 7) // 8)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([1, 3, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"PLTE", bytes(6))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))  # fmt: skip


def digest_text(date: str, srcs: list[str]) -> str:
    """A digest of the real layout with one item per image."""
    year, month, day = date.split("-")
    lines = [f"# 公众号内容拓展学习笔记（{year}.{month}.{day}）", "", "------", "",
             "## :paperclip:  今日要点", ""]  # fmt: skip
    for n, src in enumerate(srcs, 1):
        lines += [
            f"{n}. [图像文章 {n}](https://mp.weixin.qq.com/s/Img{n:03d}{year}{month}{day}Key00)"
            "  :star::star:",
            f"   - Abstract: 第 {n} 篇的摘要",
            "",
            f"<div align=center><img src=\"{src}\" style='zoom:100%'>",
            "</div>",
            "",
        ]
    return "\n".join(lines)


@dataclass
class Route:
    """What a path answers. `kind`: image, status, slow, big, stream, redirect,
    truncated, no_referer."""

    kind: str = "image"
    body: bytes = b""
    content_type: str = "image/png"
    status: int = 200
    delay: float = 0.0
    location: str = ""
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0  # declared (big) or streamed (stream) body size


@dataclass
class ImageServer:
    routes: dict[str, Route] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    headers: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def image(self, path: str, body: bytes, content_type: str = "image/png", **kw: Any) -> str:
        self.routes[path] = Route("image", body, content_type, **kw)
        return self.url(path)

    def route(self, path: str, kind: str, **kw: Any) -> str:
        self.routes[path] = Route(kind, **kw)
        return self.url(path)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()

    def stop(self) -> None:
        self._stop.set()  # ends the slow answers' waits
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _enter(self, path: str, headers: dict[str, str]) -> Route | None:
        with self._lock:
            self.counts[path] += 1
            self.headers.append((path, headers))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            return self.routes.get(path)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


def _handler(owner: ImageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real image hosts do

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            route = owner._enter(self.path, dict(self.headers.items()))
            try:
                self._answer(route)
            finally:
                owner._leave()

        def _answer(self, route: Route | None) -> None:
            if route is None:
                return self._send(404, b"<html>not found</html>", "text/html")
            if route.delay:
                owner._stop.wait(route.delay)
            kind = route.kind
            if kind == "status":
                return self._send(route.status, b"<html>error</html>", "text/html")
            if kind == "redirect":
                return self._send(302, b"", "text/plain", {"Location": route.location})
            if kind == "no_referer" and self.headers.get("Referer") is not None:
                return self._send(403, b"<html>hotlinking refused</html>", "text/html")
            if kind == "big":  # declares more than the cap; sends only its head
                self._head(200, route.content_type, {"Content-Length": str(route.size)})
                self.wfile.write(route.body)
                self.close_connection = True
                return None
            if kind == "stream":  # no length: the body runs until the server stops
                self._head(200, route.content_type, {"Connection": "close"})
                self.close_connection = True
                sent, chunk = 0, route.body + bytes(2**20 - len(route.body))
                while sent < route.size:
                    self.wfile.write(chunk)
                    sent += len(chunk)
                return None
            if kind == "truncated":  # promises the whole body, sends half, hangs up
                self._head(200, route.content_type, {"Content-Length": str(len(route.body))})
                self.wfile.write(route.body[: len(route.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            extra = {}
            if route.etag:
                extra["ETag"] = route.etag
                if self.headers.get("If-None-Match") == route.etag:
                    return self._send(304, b"", route.content_type, extra)
            if route.last_modified:
                extra["Last-Modified"] = route.last_modified
            return self._send(route.status, route.body, route.content_type, extra)

        def _head(self, status: int, content_type: str, extra: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()

        def _send(
            self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            headers = dict(extra or {})
            if status != 304:
                headers["Content-Length"] = str(len(body))
            self._head(status, content_type, headers)
            if body:
                self.wfile.write(body)

    return Handler
