"""Is this really an image? Magic numbers, headers and an optional decoder decide.

A server's Content-Type and a file's extension are claims, not facts: WeChat answers
`image/png` for JPEG bytes, and a broken proxy answers `image/png` with an HTML error
page. So the bytes themselves decide, in three steps of growing cost:

1. the magic number names the format (PNG, JPEG, GIF, WebP, BMP) or refuses the bytes;
2. the header gives the picture's size, and a picture too large to decode safely (a
   decompression bomb: a few KB that expand to gigabytes of pixels) is refused here,
   before any decoder allocates memory for it; the format's end marker (or its declared
   length) must be there, which refuses a body cut short without decoding it;
3. an optional `decoder` (the Qt one in `kbapp.qt_image`; the core stays Qt-free) must
   decode the bytes: the only real proof, and the reason it is worth its milliseconds.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

# Takes the bytes, returns None when they decode, else why not (for a person).
Decoder = Callable[[bytes], str | None]

# Qt's default image allocation limit is 256 MB; at 4 bytes a pixel that is 64 Mpx
# (8,192 × 8,192), far above the largest digest picture (1,080 × 20,000 long images).
ALLOCATION_LIMIT_MB = 256
MAX_PIXELS = ALLOCATION_LIMIT_MB * 1024 * 1024 // 4
TYPES = ("png", "jpeg", "gif", "webp", "bmp")
_TAIL = 4096  # where a format's end marker must be (trailing padding is tolerated)


def sniff(data: bytes) -> str | None:
    """The image format the first bytes name, or None when they name none we show."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"BM") and len(data) >= 26:
        return "bmp"
    return None


def dimensions(kind: str, data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header, or None when the header does not say."""
    try:
        if kind == "webp":
            return _webp_dimensions(data)
        if kind == "jpeg":
            return _jpeg_dimensions(data)
        if kind == "png" and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
        elif kind == "gif":
            width, height = struct.unpack("<HH", data[6:10])
        elif kind == "bmp" and struct.unpack("<I", data[14:18])[0] == 12:  # OS/2 header
            width, height = struct.unpack("<HH", data[18:22])
        elif kind == "bmp":
            width, height = struct.unpack("<ii", data[18:26])
        else:
            return None
    except struct.error:  # shorter than its own header
        return None
    return abs(width), abs(height)  # a BMP's negative height means top-down rows


def _webp_dimensions(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":  # extended: 24-bit canvas size minus one
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and data[20:21] == b"\x2f":  # lossless: 14-bit sizes minus one
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":  # lossy key frame
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    """Walk the markers to the first start-of-frame, which holds the size."""
    at, end = 2, len(data)
    while at + 4 <= end:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header: malformed
            return None
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return None


def is_complete(kind: str, data: bytes) -> bool:
    """Whether the bytes reach the format's end: a body cut short fails here."""
    tail = data[-_TAIL:]
    if kind == "png":
        return b"IEND" in tail
    if kind == "jpeg":
        # In JPEG's coded data 0xFF is always stuffed (FF 00) or a restart marker, so
        # FF D9 is the end-of-image marker itself.
        return b"\xff\xd9" in tail
    if kind == "gif":
        return data.rstrip(b"\x00").endswith(b";")  # the trailer byte, 0x3B
    if kind == "webp":
        return int.from_bytes(data[4:8], "little") + 8 <= len(data)  # the RIFF length
    if kind == "bmp":
        declared = int.from_bytes(data[2:6], "little")
        offset = int.from_bytes(data[10:14], "little")  # where the pixels start
        return declared <= len(data) and offset < len(data)
    return False


def check_image(data: bytes, decoder: Decoder | None = None) -> tuple[str | None, str | None]:
    """(type, None) for bytes that are an image we can show, else (type or None, why not).

    The reason is one short phrase for a person (it ends up in `kbapp images status`
    and in the reader's placeholder).
    """
    if not data:
        return None, "empty"
    kind = sniff(data)
    if kind is None:
        return None, f"not an image ({_describe(data)})"
    size = dimensions(kind, data)
    if size is None:
        return kind, f"not a readable {kind.upper()} header"
    width, height = size
    if width == 0 or height == 0:
        return kind, f"{kind.upper()} of {width}×{height} pixels"
    if width * height > MAX_PIXELS:
        return kind, f"too large to decode safely ({width}×{height} pixels)"
    if not is_complete(kind, data):
        return kind, f"incomplete {kind.upper()} (cut short)"
    if decoder is not None:
        error = decoder(data)
        if error is not None:
            return kind, f"{kind.upper()} does not decode ({error})"
    return kind, None


def _describe(data: bytes) -> str:
    """What non-image bytes look like, so the reason helps ('HTML', not 'bad magic')."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<head" in head or b"<body" in head:
        return "HTML"
    if head.startswith((b"<?xml", b"<svg")):
        return "XML or SVG"
    if head.startswith((b"{", b"[")):
        return "JSON"
    return f"unknown bytes {data[:4].hex(' ')}"


__all__ = [
    "ALLOCATION_LIMIT_MB",
    "MAX_PIXELS",
    "TYPES",
    "Decoder",
    "check_image",
    "dimensions",
    "is_complete",
    "sniff",
]
