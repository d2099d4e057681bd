"""How an item's body (`items.body`, the JSON of its entries) is stored: packed; and a
digest's other sections and diagnostics (`digests.sections`, `digests.diagnostics`), the
same way.

A body's JSON repeats the same keys and labels in every entry
(`{"kind":"bullet","line":..,"label":..,"field":..,"group":null,"text":..,"children":[]}`),
and its Chinese text is three bytes a character; compressed alone with zlib it only
halves. `pack_body` deflates it against a preset dictionary (`_DICTIONARY_1`: the keys,
the fields and labels of the digest format, common address prefixes), which takes an
ordinary body to about a third of its size, and stores the bytes as a BLOB behind a
format byte (`1`). `unpack_body` gives back the very JSON text that was packed, byte for
byte; a TEXT value (a library written before migration 0014, or a body kept as text) is
that JSON already.

A body over `PACK_MAX` bytes stays text: `Days.weight` sums `LENGTH(body)` to tell a long
day (read on a worker) from a short one, and a huge hostile body (100,000 stars, a 5 MB
line) would pack to a few KB and look short. Below that size, a packed body is at least
about a fifth of its text, so a day of ordinary items still looks its size within that.

The dictionary is part of the file format: never change `_DICTIONARY_1`; a new one gets
a new format byte, and `unpack_body` keeps reading every format it ever wrote.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite-utils: imported by whoever migrates
    from sqlite_utils import Database

PACK_MAX = 16_384  # bytes of JSON; longer bodies stay text (see the module doc)
_FORMAT_1 = 1
_LEVEL = 6
_WBITS = -15  # raw deflate: the format byte says what it is, no zlib header or checksum
# Packing uses an 8 KB window and a smaller hash (memory level 8): making a compressor
# for the full 32 KB costs most of its time (79 against 29 µs a body, measured) for the
# same size; what it writes reads back with the 32 KB window `unpack_body` uses.
_PACK_WBITS = -13
_PACK_MEMORY = 8

_ENTRY = '{"kind":"bullet","line":%d,"label":%s,"field":%s,"group":null,"text":"%s","children":[]}'
_FIELDS = (
    ("Abstract", "abstract"), ("主要内容", "abstract"), ("Paper", "paper"), ("论文", "paper"),
    ("论文地址", "paper"), ("Code", "code"), ("GitHub", "code"), ("Github", "code"),
    ("代码地址", "code"), ("源码", "code"), ("项目地址", "code"), ("Demo", "demo"),
    ("Video", "video"), ("视频地址", "video"), ("Dataset", "dataset"), ("Website", "website"),
    ("Competition", "competition"), ("Contact", "contact"), ("参考阅读", "reading"),
    ("相关阅读", "reading"), ("链接", "link"), ("提取码", "download"),
    ("Tips", "tips"), ("核心要点", "tips"), ("核心点", "tips"),
)  # fmt: skip
_TEXTS = (
    "[https://github.com/](https://github.com/)",
    "[](https://arxiv.org/abs/)",
    "[](http://arxiv.org/abs/)",
    "[](https://arxiv.org/pdf/.pdf)",
    "[](https://mp.weixin.qq.com/s?__biz=)",
    "https://www.bilibili.com/video/",
    "https://www.youtube.com/watch?v=",
    "https://pan.baidu.com/s/",
    "https://huggingface.co/",
    "https://paperswithcode.com/",
    "https://openreview.net/forum?id=",
    "https://zhuanlan.zhihu.com/p/",
    "https://colab.research.google.com/",
    "https://",
    "http://",
)
# Deflate looks back into the dictionary as into text already seen: the likeliest
# strings go last (nearest). Built once from these constants; fixed for format 1.
_DICTIONARY_1 = (
    "".join(_ENTRY % (n, "null", "null", "") for n in (1, 2))
    + '"kind":"paragraph","kind":"verbatim","group":1,"group":2,'
    + "".join(_ENTRY % (10 + n, "null", "null", text) for n, text in enumerate(_TEXTS))
    + "".join(
        _ENTRY % (30 + n, f'"{label}"', f'"{field}"', "")
        for n, (label, field) in enumerate(_FIELDS)
    )
    + '{"kind":"bullet","line":40,"label":"Tips","field":"tips","group":null,"text":"",'
    '"children":[{"kind":"bullet","line":41,"label":null,"field":null,"group":null,"text":"'
    + '","children":[]},{"kind":"bullet","line":42,"label":null,"field":null,"group":null,'
    '"text":"","children":[]}]}]'
).encode()


def pack_body(body: str) -> str | bytes:
    """The stored form of a body's JSON text: packed (bytes), or the text itself when it
    is longer than `PACK_MAX` bytes or is the empty list."""
    data = body.encode()
    if len(data) > PACK_MAX or body == "[]":
        return body
    # A new compressor each time: a copy of one primed with the dictionary gives the same
    # bytes, but copies its whole state (160 KB), which measured 4% slower in an import.
    packer = zlib.compressobj(
        _LEVEL, zlib.DEFLATED, _PACK_WBITS, _PACK_MEMORY, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_1
    )
    return _HEADER_1 + packer.compress(data) + packer.flush()


_HEADER_1 = bytes((_FORMAT_1,))


def unpack_body(stored: str | bytes) -> str:
    """The body's JSON text, exactly as `pack_body` was given it."""
    if isinstance(stored, str):
        return stored
    if not stored or stored[0] != _FORMAT_1:
        raise ValueError(f"unknown body format {stored[:1]!r}")
    unpacker = zlib.decompressobj(_WBITS, zdict=_DICTIONARY_1)
    data = unpacker.decompress(memoryview(stored)[1:]) + unpacker.flush()
    if not unpacker.eof:
        raise ValueError("body cut short")
    return data.decode()


def packed_bodies(db: Database) -> None:
    """Migration 0014: the items' bodies packed (`store.packing`: a third of their JSON
    text), each converted in place; `unpack_body` gives back the exact text, so what the
    library reads and exports is unchanged. In steps of ids, not all bodies at once."""
    last = 0
    while True:
        rows = db.conn.execute(
            "SELECT id, body FROM items WHERE id > ? AND typeof(body) = 'text' "
            "ORDER BY id LIMIT 2000",
            (last,),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        db.conn.executemany(
            "UPDATE items SET body = ? WHERE id = ?",
            [(packed, item_id) for item_id, body in rows
             if (packed := pack_body(body)) is not body],
        )  # fmt: skip


def packed_digests(db: Database) -> None:
    """Migration 0017: each digest's `sections` and `diagnostics` JSON packed as the
    bodies are (the entries of a day's other sections have a body's shape); readers
    unpack them with `unpack_body`, which reads text as it is. In steps of ids."""
    last = 0
    while rows := db.conn.execute(
        "SELECT id, sections, diagnostics FROM digests WHERE id > ? ORDER BY id LIMIT 1000",
        (last,),
    ).fetchall():
        last = rows[-1][0]
        db.conn.executemany(
            "UPDATE digests SET sections = ?, diagnostics = ? WHERE id = ?",
            [(_packed(sections), _packed(diagnostics), digest_id)
             for digest_id, sections, diagnostics in rows],
        )  # fmt: skip


def _packed(stored: str | bytes) -> str | bytes:
    return pack_body(stored) if isinstance(stored, str) else stored
