"""What one item may put on screen, so that any day renders in bounded time.

A digest can hold anything: a 5 MB line, 100,000 stars, 70,000 nested brackets, 20,000
links in one item. The library keeps all of it (the parser is lossless, the exports
carry it); the reader shows at most `Caps` of it per card and says what it left out,
with a "Show all" that renders the card with the larger `FULL` caps. Bracket nesting
deeper than `depth` is shown as plain text: the markdown package takes time quadratic in
it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Caps:
    text: int = 4_000  # characters of one field (an abstract, a tip, a point)
    links: int = 40  # link chips
    images: int = 12  # pictures and videos
    points: int = 60  # nested points under one entry, all levels together
    depth: int = 8  # levels of nested points
    brackets: int = 16  # bracket nesting handed to markdown (deeper: plain text)
    stars: int = 10  # the author's stars drawn (the count is written after)


VIEW = Caps()
FULL = Caps(text=200_000, links=2_000, images=200, points=5_000, depth=32)


@dataclass
class Budget:
    """The caps of one card and what they cut, said at the card's end."""

    caps: Caps = VIEW
    cut: list[str] = field(default_factory=list)
    points: int = 0  # nested points shown so far

    def text(self, text: str) -> str:
        if len(text) <= self.caps.text:
            return text
        self.cut.append(f"{len(text) - self.caps.text:,} more characters of a text")
        return text[: self.caps.text] + "…"

    def many(self, kind: str, count: int, limit: int) -> int:
        """How many of `count` things to show; notes the rest."""
        if count <= limit:
            return count
        self.cut.append(f"{count - limit:,} more {kind}")
        return limit


def too_nested(text: str, limit: int) -> bool:
    """Whether brackets or parentheses nest deeper than `limit` anywhere in `text`."""
    if text.count("[") + text.count("(") <= limit:  # (most texts: no loop in Python)
        return False
    depth = 0
    for char in text:
        if char in "[(":
            depth += 1
            if depth > limit:
                return True
        elif char in "])" and depth:
            depth -= 1
    return False


__all__ = ["FULL", "VIEW", "Budget", "Caps", "too_nested"]
