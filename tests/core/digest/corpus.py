"""The real digests for the parser tests, parsed once each; a clear skip without them."""

from __future__ import annotations

import functools

import pytest

from kbapp.core.digest.files import parse_bytes, read_bytes
from kbapp.core.digest.model import Digest
from tests.conftest import CORPUS


@functools.cache
def _parsed(rel: str) -> Digest:
    path = CORPUS / rel
    return parse_bytes(read_bytes(path), path)


def corpus_digest(rel: str) -> Digest:
    """The parsed corpus file `rel` (e.g. `notes/202104/0425.md`); skip without a corpus."""
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    return _parsed(rel)


def corpus_text(rel: str) -> str:
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    return (CORPUS / rel).read_text(encoding="utf-8")
