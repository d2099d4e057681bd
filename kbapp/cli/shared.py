"""What the `kbapp` commands share: exit codes, opening the library, Qt's image decoder
when it can load, UTF-8 output."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO, TypeAlias

from kbapp.core.store.library import Library
from kbapp.paths import library_path

if TYPE_CHECKING:
    from kbapp.core.images.check import Decoder

EXIT_OK, EXIT_FAILED, EXIT_ENVIRONMENT = 0, 1, 2

# What `add_*_command(commands, common)` adds its parser to.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# How long a command's write waits for another process writing to the library (another
# `kbapp import`, the window) before it gives up, saying the library is locked.
WAIT_FOR_WRITERS_S = 600.0


def open_library(args: argparse.Namespace) -> Library:
    """The library the command names. A write waits its turn when another process is
    writing (two imports at once both finish), and says so on stderr."""
    library = Library(library_path(args.library))

    def waiting() -> None:
        print(
            f"kbapp: another program is writing to the library {library.path}; "
            "waiting for it to finish",
            file=sys.stderr,
            flush=True,
        )

    library.db.wait_for_writers(waiting, WAIT_FOR_WRITERS_S)
    return library


def usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: choose a command (--help lists them)", file=sys.stderr)
    return EXIT_ENVIRONMENT


def decoder(*, lazy: bool = False) -> Decoder | None:
    """Qt's image decoder (`kbapp.qt_image`), or None when Qt cannot load: then images
    are checked by their headers only. `lazy` loads Qt on the first picture to check, so
    an import of digests without local pictures never pays for it."""
    if lazy:
        loaded: list[Decoder | None] = []

        def decode(data: bytes) -> str | None:
            if not loaded:
                loaded.append(decoder())
            return loaded[0](data) if loaded[0] is not None else None

        return decode
    try:
        from kbapp.qt_image import qt_decoder
    except ImportError:
        return None
    return qt_decoder


def write_output(stream: TextIO, text: str) -> None:
    """An export's text: exact into a pipe or a file, and shown, not obeyed, on a
    terminal (a title's escape codes would retitle or recolour it: `terminal_text`)."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        from kbapp.core.digest.text import terminal_text

        text = terminal_text(text)
    write_utf8(stream, text)


def write_utf8(stream: TextIO, text: str) -> None:
    """UTF-8 whatever the console's encoding (a Windows console may be cp1252)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
