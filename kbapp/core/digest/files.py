"""Reading digest files from disk: size and encoding checks, then parsing.

Every refusal is a `DigestError` whose message names the reason in words a user can act
on; the importer adds the file name.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from kbapp.core.digest.model import Diagnostic, Digest, DigestError
from kbapp.core.digest.parser import parse

MAX_BYTES = 10 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls other than \t\n\v\f\r
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])  # the same, as bytes


def read_bytes(path: Path) -> bytes:
    """The file's bytes; DigestError when unreadable, empty or over MAX_BYTES."""
    try:
        with open(path, "rb") as handle:  # one open, its size from the open file
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise DigestError(f"too large: {size / 1024 / 1024:.1f} MB, the limit is 10 MB")
            data = handle.read()
    except FileNotFoundError:
        raise DigestError("no such file") from None
    except IsADirectoryError:
        raise DigestError("is a folder, not a file") from None
    except OSError as error:
        raise DigestError(f"cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:  # grew after the stat
        raise DigestError("too large: over the 10 MB limit")
    if not data.strip():
        raise DigestError("empty file")
    return data


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM or GB18030 text; DigestError otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[3:], "utf-8", "UTF-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", "UTF-16")
    elif b"\x00" in data:
        raise DigestError("binary content: the file holds NUL bytes, it is not text")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            text = _not_utf8(data, error)
        else:
            # In UTF-8 a control character is its own byte, and no other character's
            # bytes are controls: with none in the bytes, none is in the text.
            if len(data.translate(None, _CONTROL_BYTES)) == len(data):
                if not text.strip():
                    raise DigestError("empty file")
                return text
    _refuse_binary(text)
    if not text.strip():
        raise DigestError("empty file")
    return text


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise DigestError(f"invalid {name} at byte {error.start}") from None


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    """GB18030 for a file that really is GB18030; a refusal for damaged UTF-8.

    A UTF-8 file with a few bad bytes also decodes as GB18030, into nonsense; so a file
    whose non-ASCII text is mostly valid UTF-8 is refused instead of misread.
    """
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for char in lenient if ord(char) > 0x7F and char != "\ufffd")
    if good > bad:
        raise DigestError(f"invalid UTF-8 at byte {error.start} (the file is damaged)")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DigestError(
            f"not text in UTF-8, UTF-16 or GB18030 (invalid byte at {error.start})"
        ) from None


def _refuse_binary(text: str) -> None:
    sample = text[:65536]
    if _CONTROL.search(sample) is None:
        return  # the usual case: no list of matches to build
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise DigestError("binary content: the file holds control characters, it is not text")


def parse_bytes(data: bytes, path: Path | None = None) -> Digest:
    """decode + parse + local-image existence; DigestError when it is not a digest."""
    digest = parse(decode(data), path.as_posix() if path is not None else None)
    if path is not None:
        folder = path.parent
        for image in digest.images:
            local = image.resolved_path if image.is_local else None
            if local and not (folder / local).is_file():
                digest.diagnostics.append(Diagnostic("local_image_missing", image.line, local))
    return digest


__all__ = ["MAX_BYTES", "DigestError", "decode", "parse_bytes", "read_bytes"]
