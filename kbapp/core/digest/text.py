"""Character-level clean-up shared by the parser and the identity keys (spec §1), and
text made safe to print."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible characters removed everywhere before matching (spec §1).
INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060"
_INVISIBLE_TABLE = {ord(c): None for c in INVISIBLE}
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def strip_invisible(line: str) -> str:
    return line.translate(_INVISIBLE_TABLE)


def visible(text: str) -> str:
    """`text` with each character a terminal would not print as itself escaped
    (`\\x1b`, `\\u202e`), so that hostile text cannot rewrite the screen."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def terminal_text(text: str) -> str:
    """`text` for a terminal: lines and tabs kept, every other character a terminal
    would not print as itself escaped as `visible` does."""
    return "\n".join("\t".join(map(visible, line.split("\t"))) for line in text.split("\n"))


def has_invisible(line: str) -> bool:
    return not line.isascii() and _INVISIBLE_RE.search(line) is not None


def clean_line(line: str) -> str:
    """A raw line as the parser classifies it: no CR, tabs as 4 spaces, right-trimmed."""
    return line.rstrip("\r").replace("\t", "    ").rstrip()


# Compatibility characters that are not ordinary CJK typography: Kangxi and CJK
# radicals, compatibility ideographs, Latin ligatures and full-width letters and digits.
# (Full-width punctuation such as ：（）！ is normal Chinese text and is not reported.)
_ODD_COMPAT = re.compile(
    "[\u2e80-\u2fdf\uf900-\ufaff\ufb00-\ufb4f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
)


def is_compat(text: str) -> bool:
    """True when the text holds compatibility characters that NFKC folds (spec §1)."""
    return bool(_ODD_COMPAT.search(text))


# Text made only of characters that NFKC keeps, or maps to ASCII, and that never combine
# with a neighbour: ASCII, CJK ideographs, the common CJK punctuation, and the full-width
# forms of ASCII (`，：（）` fold into `,:()`). Such text is the digests' usual Chinese.
_NFKC_PLAIN = re.compile(
    "[^\x00-\x7f\u3001\u3002\u3008-\u3011\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]"
)
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`; for the usual text, its full-width forms
    replaced (each is one ASCII character under NFKC, and all these characters are
    starters that compose with nothing, so NFKC works on them one by one)."""
    if _NFKC_PLAIN.search(text) is None:
        for char in set(_FULL_WIDTH.findall(text)):
            text = text.replace(char, chr(ord(char) - 0xFEE0))
        return text
    return unicodedata.normalize("NFKC", text)


def key(text: str) -> str:
    """A comparison key: NFKC, case-folded, runs of non-alphanumerics as one space."""
    folded = nfkc(text).casefold()
    return _NON_ALNUM.sub(" ", folded).strip()


@lru_cache(maxsize=4096)
def label_key(label: str) -> str:
    """The lookup form of a label: NFKC, trimmed, without `*`, case-folded (spec §4.2)."""
    return unicodedata.normalize("NFKC", label).strip().strip("*").strip().casefold()
