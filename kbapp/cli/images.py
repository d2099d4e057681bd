"""`kbapp images fetch|status|clean`: the image cache from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, TextIO

from kbapp.cli.shared import (
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    decoder,
    open_library,
    usage,
)

if TYPE_CHECKING:
    from kbapp.core.images.cache import FetchResult


def add_image_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "images",
        parents=[common],
        help="download, count and clean the image cache",
        description="The pictures of the digests, kept in a folder beside the library.",
    )
    group.set_defaults(run=lambda _args: usage(group))
    images = group.add_subparsers(title="image commands", metavar="COMMAND")
    cmd = images.add_parser(
        "fetch",
        parents=[common],
        help="download the images not cached yet",
        description="Download every image that is pending or due for a retry (six at a "
        "time, a progress bar on stderr) and copy local ones missing from the cache. "
        "Cached images cost no request.",
    )
    cmd.add_argument("--date", metavar="YYYY-MM-DD", help="only this day's images")
    cmd.set_defaults(run=images_fetch)
    cmd = images.add_parser(
        "status",
        parents=[common],
        help="count cached, pending and failed images",
        description="Count the images the digests reference: ok (cached), pending, failed, "
        "and the bytes cached.",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(run=images_status)
    cmd = images.add_parser(
        "clean",
        parents=[common],
        help="delete cached files no digest references",
        description="Delete the cached image files (older than an hour) that no digest "
        "references any more, and their records.",
    )
    cmd.set_defaults(run=images_clean)


def images_fetch(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from kbapp.core.digest.text import visible
    from kbapp.core.images.cache import LOCAL_PREFIX, ImageFiles
    from kbapp.core.images.fetch import Fetcher, fetch_many, make_client
    from kbapp.core.importer import cache_local_images

    with open_library(args) as library:
        if args.date is not None and library.digests.digest(args.date) is None:
            print(f"kbapp: no digest on {args.date}", file=sys.stderr)
            return EXIT_ENVIRONMENT
        files = ImageFiles(library.images.folder)
        states = library.images.states(library.images.referenced(args.date))
        due = library.images.due(args.date, datetime.now(UTC))
        lost = [  # recorded as cached, but the file is gone (a folder deleted by hand)
            key
            for key, state in states.items()
            if state.status == "ok" and (state.hash is None or files.path(state.hash) is None)
        ]
        todo = list(dict.fromkeys(due + lost))
        local = [key for key in todo if key.startswith(LOCAL_PREFIX)]
        remote = [key for key in todo if not key.startswith(LOCAL_PREFIX)]
        bar = ProgressBar(len(todo), sys.stderr)
        failures: list[FetchResult] = []

        def done(result: FetchResult, record: bool = True) -> None:
            if record:
                library.images.record(result)
            if result.status != "ok":
                failures.append(result)
            bar.step(result.status == "ok", result.size or 0)

        image_decoder = decoder() if todo else None
        for result in cache_local_images(library, local, image_decoder):
            done(result, record=False)  # recorded by cache_local_images
        if remote:
            fetcher = Fetcher(make_client(), files, image_decoder)
            try:
                fetch_many(fetcher, [(key, states.get(key)) for key in remote], done)
            finally:
                fetcher.close()
        bar.finish()
    for result in failures:  # a digest's address may hold escapes meant for the terminal
        print(f"failed: {visible(result.error or 'unknown error')}  {visible(result.url)}")
    print(f"{len(todo) - len(failures)} fetched, {len(failures)} failed, "
          f"{len(states) - len(todo)} already cached or waiting to retry")  # fmt: skip
    return EXIT_FAILED if failures else EXIT_OK


class ProgressBar:
    """`[#####.....]  120/600  3 failed  12.4 MB` on stderr: redrawn in place on a
    terminal (at most ten times a second), a line per tenth of the work otherwise."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.done = self.failed = self.bytes = 0
        self.tty = stream.isatty()
        self._drawn = 0.0
        self._tenth = 0

    def step(self, ok: bool, size: int) -> None:
        self.done += 1
        self.failed += not ok
        self.bytes += size
        if self.tty:
            if time.monotonic() - self._drawn >= 0.1 or self.done == self.total:
                self._drawn = time.monotonic()
                self.stream.write("\r" + self.line())
                self.stream.flush()
        elif self.done * 10 // max(self.total, 1) > self._tenth or self.done == self.total:
            self._tenth = self.done * 10 // max(self.total, 1)
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        return f"[{bar}]  {self.done}/{self.total}  {self.failed} failed  {self.bytes / 1e6:.1f} MB"

    def finish(self) -> None:
        if self.tty and self.total:
            self.stream.write("\n")
            self.stream.flush()


def images_status(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        counts = library.images.status_counts()
        folder = library.images.folder
    if args.json:
        print(json.dumps(counts))
        return EXIT_OK
    for name, value in counts.items():
        print(f"{name:<10}{value}")
    print(f"{'folder':<10}{folder}")
    return EXIT_OK


def images_clean(args: argparse.Namespace) -> int:
    from kbapp.core.images.cache import ImageFiles

    with open_library(args) as library:
        forgotten = library.images.forget_unreferenced()
        report = ImageFiles(library.images.folder).clean(library.images.referenced_hashes())
    print(
        f"removed {report.files} unreferenced files ({report.bytes / 1e6:.1f} MB) and "
        f"{forgotten} records"
    )
    return EXIT_OK
