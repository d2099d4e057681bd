"""A minimal animated-GIF writer (GIF89a, LZW), because Qt reads GIF but cannot write it.

Used once by `make_sample_images.py` for the sample digests' one animated picture.
Frames are lists of palette indices; the palette holds at most 256 RGB colours.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

RGB = tuple[int, int, int]
MAX_CODES = 4096


class _BitWriter:
    def __init__(self) -> None:
        self.data = bytearray()
        self._acc = 0
        self._bits = 0

    def put(self, code: int, size: int) -> None:
        self._acc |= code << self._bits
        self._bits += size
        while self._bits >= 8:
            self.data.append(self._acc & 0xFF)
            self._acc >>= 8
            self._bits -= 8

    def flush(self) -> bytes:
        if self._bits:
            self.data.append(self._acc & 0xFF)
        return bytes(self.data)


def lzw_encode(indices: Sequence[int], min_size: int) -> bytes:
    """GIF-flavoured variable-width LZW of `indices` (each < 2**min_size)."""
    clear, eoi = 1 << min_size, (1 << min_size) + 1
    out = _BitWriter()
    size, next_code = min_size + 1, eoi + 1
    table: dict[tuple[int, int], int] = {}
    out.put(clear, size)
    prefix = indices[0]
    for symbol in indices[1:]:
        code = table.get((prefix, symbol))
        if code is not None:
            prefix = code
            continue
        out.put(prefix, size)
        if next_code < MAX_CODES:
            table[(prefix, symbol)] = next_code
            next_code += 1
            if next_code > (1 << size) and size < 12:
                size += 1
        else:
            out.put(clear, size)
            table.clear()
            size, next_code = min_size + 1, eoi + 1
        prefix = symbol
    out.put(prefix, size)
    out.put(eoi, size)
    return out.flush()


def _sub_blocks(data: bytes) -> bytes:
    chunks = [bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)]
    return b"".join(chunks) + b"\x00"


def _palette_bits(palette: Sequence[RGB]) -> int:
    bits = 2
    while (1 << bits) < len(palette):
        bits += 1
    return bits


def encode_gif(
    width: int, height: int, palette: Sequence[RGB], frames: Sequence[Sequence[int]], delay_cs: int
) -> bytes:
    """An endlessly looping GIF; `delay_cs` is the per-frame delay in 1/100 s."""
    bits = _palette_bits(palette)
    table = b"".join(bytes(c) for c in palette) + b"\x00\x00\x00" * ((1 << bits) - len(palette))
    parts = [
        b"GIF89a",
        struct.pack("<HHBBB", width, height, 0xF0 | (bits - 1), 0, 0),
        table,
        b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00",
    ]
    for frame in frames:
        parts.append(struct.pack("<BBBBHBB", 0x21, 0xF9, 4, 0x04, delay_cs, 0, 0))
        parts.append(struct.pack("<BHHHHB", 0x2C, 0, 0, width, height, 0))
        parts.append(bytes([bits]) + _sub_blocks(lzw_encode(frame, bits)))
    parts.append(b"\x3b")
    return b"".join(parts)
