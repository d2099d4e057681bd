"""Shared fixtures: the real corpus, a fresh library in tmp_path.

Qt must be told to draw offscreen before it loads, so that is set at import time here,
the first file pytest reads.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test asks the real arXiv: one that wants answers starts its own loopback server;
# any other lookup meets a closed port on 127.0.0.1 (refused at once, a failure).
os.environ.setdefault("KBAPP_ARXIV_API", "http://127.0.0.1:9/api/query")
os.environ.setdefault("KBAPP_DOI_RESOLVER", "http://127.0.0.1:9/")  # nor doi.org

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kbapp.core.store.library import Library
from kbapp.paths import CACHE_ENV, CONFIG_ENV, LIBRARY_ENV

if TYPE_CHECKING:
    from tests.core.images.image_server import ImageServer
    from tests.core.metadata.arxiv_server import ArxivServer
    from tests.core.metadata.doi_server import DoiServer

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The 69 real digests of 2021 (plus README.md and SOURCE.md), read-only."""
    if not (CORPUS / "notes").is_dir():
        pytest.skip(f"the real digest corpus is absent (expected at {CORPUS})")
    return CORPUS


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A fresh library file with every migration applied."""
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


@pytest.fixture(autouse=True)
def _no_user_library(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may open the user's real library, read their settings (the backup
    policy) or write their cache (the icons): the defaults point into tmp, the cache
    one folder for the whole run (a test of the cache itself sets its own)."""
    default = tmp_path_factory.mktemp("default-library") / "library.sqlite"
    monkeypatch.setenv(LIBRARY_ENV, str(default))
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def server() -> Iterator[ImageServer]:
    """A real HTTP server on 127.0.0.1 serving pictures and faults (tests/core/image_server.py)."""
    from tests.core.images.image_server import ImageServer

    running = ImageServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def arxiv(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivServer]:
    """A loopback arXiv API (tests/core/metadata/arxiv_server.py), KBAPP_ARXIV_API on it."""
    from kbapp.core.metadata.arxiv import API_ENV
    from tests.core.metadata.arxiv_server import ArxivServer

    running = ArxivServer()
    running.start()
    monkeypatch.setenv(API_ENV, running.url)
    yield running
    running.stop()


@pytest.fixture
def doi_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[DoiServer]:
    """A loopback DOI resolver (tests/core/metadata/doi_server.py), KBAPP_DOI_RESOLVER on it."""
    from kbapp.core.metadata.doi import RESOLVER_ENV
    from tests.core.metadata.doi_server import DoiServer

    running = DoiServer()
    running.start()
    monkeypatch.setenv(RESOLVER_ENV, running.url)
    yield running
    running.stop()
