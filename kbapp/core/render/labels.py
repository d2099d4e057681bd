"""Where a markdown link's label ends, found in time linear in the text.

Each of markdown's link processors (`[a](b)`, `[a][b]`, `[a]`, their pictures) asks
`getText(data, index)` for the label that starts at `index`, just after a `[`: the text
up to the matching `]`, where the scan went on to, and whether it closed. Markdown 3.11.4
answers from a table of every bracket of `data`, made again whenever `data` changes, and
it changes after every link made: 20,000 links in one abstract took minutes (2,000: 15 s),
where 3.11.3 took 0.1 s. Before 3.11.4 it scanned forward from each `[`, which costs a
label's length when the bracket closes and the rest of the text when it does not (70,000
unclosed `[`: minutes).

`Labels` does both: it scans forward, and when a bracket does not close it makes the table
once for that text, which answers every later `[` of it. Its answers are markdown's own
(`tests/core/render/test_labels.py` holds them equal on texts of every bracket shape).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown import Markdown

_BRACKET = re.compile(r"[\[\]]")


class Labels:
    """`getText` for the link processors of one Markdown instance."""

    def __init__(self) -> None:
        self._data: str | None = None  # the text the table is for
        self._ends: dict[int, int | None] = {}  # after a `[`: after its `]`, or None

    def text(self, data: str, index: int) -> tuple[str, int, bool]:
        if data is not self._data or index not in self._ends:
            depth = 1
            for found in _BRACKET.finditer(data, index):
                depth += 1 if found.group() == "[" else -1
                if depth == 0:
                    return data[index : found.start()], found.end(), True
            self._data, self._ends = data, _closing(data)
        end = self._ends.get(index)
        if end is None:
            return data[index:], len(data), False
        return data[index : end - 1], end, True


def _closing(data: str) -> dict[int, int | None]:
    """For the index after each `[` of `data`, the index after the `]` that closes it."""
    ends: dict[int, int | None] = {}
    opened: list[int] = []
    for found in _BRACKET.finditer(data):
        if found.group() == "[":
            opened.append(found.end())
            ends[found.end()] = None
        elif opened:
            ends[opened.pop()] = found.end()
    return ends


def linear_labels(md: Markdown) -> None:
    """Give every link processor of `md` one `Labels`."""
    from markdown.inlinepatterns import LinkInlineProcessor

    labels = Labels()
    for processor in md.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor):
            # The instance's own attribute, over the class's method: these processors
            # are made for `md` alone (`kbapp.core.render.markup`).
            setattr(processor, "getText", labels.text)  # noqa: B010


__all__ = ["Labels", "linear_labels"]
