"""Where a digest's date comes from: its heading, its path, or an index's 今日 line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from kbapp.core.digest.model import Entry

_HEADING = re.compile(
    r"^(.*?)\s*[（(]\s*(\d{4})\s*[.．/-]\s*(\d{1,2})\s*[.．/-]\s*(\d{1,2})\s*[）)]\s*$"
)
_LOOSE_DATE = re.compile(r"(\d{4})\s*[.．/-]\s*(\d{1,2})\s*[.．/-]\s*(\d{1,2})")
_PATH_FORMS = (
    re.compile(r"(?:^|/)(\d{4})(\d{2})/(\d{2})(\d{2})\.md$", re.IGNORECASE),  # notes/YYYYMM/MMDD.md
    re.compile(r"(?:^|/)(\d{4})-(\d{2})/(\d{2})-(\d{2})\.md$", re.IGNORECASE),
    re.compile(r"(?:^|/)(\d{4})-(\d{2})-(\d{2})()\.md$", re.IGNORECASE),  # 2021-04-25.md
    re.compile(r"(?:^|/)(\d{4})(\d{2})(\d{2})()\.md$", re.IGNORECASE),  # 20210425.md
)


def iso(year: str | int, month: str | int, day: str | int) -> str | None:
    """`YYYY-MM-DD`, or None when the numbers are no calendar date."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def from_heading(text: str) -> tuple[str, str | None]:
    """The title text and date of a `# 标题（2021.4.25）` heading."""
    match = _HEADING.match(text.strip())
    date = iso(match.group(2), match.group(3), match.group(4)) if match else None
    if match is None or date is None:
        return text.strip(), None  # no calendar date: the whole heading stays the title
    return match.group(1).strip(), date


def mentions_date(text: str) -> bool:
    """True when the text holds something shaped like a Y.M.D date."""
    return bool(_LOOSE_DATE.search(text))


def from_path(path: str | None) -> str | None:
    """The date a path names: `notes/YYYYMM/MMDD.md` (the month folder must agree)."""
    if not path:
        return None
    posix = path.replace("\\", "/")
    for number, form in enumerate(_PATH_FORMS):
        match = form.search(posix)
        if not match:
            continue
        if number < 2:
            year, month, month_again, day = match.groups()
            if month != month_again:
                return None
        else:
            year, month, day, _ = match.groups()
        return iso(year, month, day)
    return None


def from_index(preamble: Iterable[Entry]) -> str | None:
    """The day an index (the series' README) copies: its `更新今日时间：Y.M.D` line."""
    for entry in preamble:
        if entry.label and "今日" in entry.label or "今日" in entry.text:
            match = _LOOSE_DATE.search(entry.text)
            if match:
                return iso(*match.groups())
    return None
