"""Reading digest files from disk: size and encoding checks, then parsing.

(Stub while the parser is being written: the signatures below are final.)
"""

from __future__ import annotations

from pathlib import Path

from kbapp.core.model import Digest, DigestError

MAX_BYTES = 10 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes; DigestError when unreadable, empty or over MAX_BYTES."""
    raise NotImplementedError


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM or GB18030 text; DigestError otherwise."""
    raise NotImplementedError


def parse_bytes(data: bytes, path: Path | None = None) -> Digest:
    """decode + parse + local-image existence; DigestError when it is not a digest."""
    raise NotImplementedError


__all__ = ["MAX_BYTES", "DigestError", "decode", "parse_bytes", "read_bytes"]
