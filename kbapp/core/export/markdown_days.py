"""`kbapp export --format markdown`: each day as a digest file again, with my ratings and
notes merged in as bullets of their items (`- My rating: ★★★★☆ (4/5)`, `- My note: …`,
`- My tags: matting, video`).

When the day's file is still where it was imported from, unchanged (its sha256 is the
recorded one), its own text is the base and nothing of it changes: the user's bullets
are added after each item's last bullet. Otherwise the digest is written again from the
library (heading, items with their bullets, pictures, the other sections) in the
series' own format. Either way, importing the output gives the same items again, each
with the user's bullets as two more entries.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from kbapp.core.digest.files import DigestError, decode
from kbapp.core.store.library import Library

RATING_LABEL = "My rating"
NOTE_LABEL = "My note"
TAGS_LABEL = "My tags"
_NOT_A_BULLET = ("<img", "<video", "<div", "</div")
_LIST_MARK = re.compile(r"^[-*+]\s+")  # a note's own list points become sub-bullets


def file_name(date: str) -> Path:
    """Where a day goes under the output folder: `YYYYMM/MMDD.md`, as in the series."""
    return Path(date[:4] + date[5:7]) / f"{date[5:7]}{date[8:10]}.md"


def user_lines(item: dict[str, Any], indent: str = "   ") -> list[str]:
    lines = []
    if item.get("my_rating") is not None:
        stars = item["my_rating"]
        lines.append(f"{indent}- {RATING_LABEL}: {'★' * stars}{'☆' * (5 - stars)} ({stars}/5)")
    note = (item.get("note") or "").strip()
    if note:
        first, *rest = [line.rstrip() for line in note.splitlines()]
        lines.append(f"{indent}- {NOTE_LABEL}: {first}")
        lines += [
            f"{indent}  - {_LIST_MARK.sub('', line.strip())}" for line in rest if line.strip()
        ]
    if item.get("tags"):
        lines.append(f"{indent}- {TAGS_LABEL}: {', '.join(item['tags'])}")
    return lines


def digest_markdown(digest: dict[str, Any]) -> str:
    """One day (a digest as `Library.export_rows` gives it, with the user's fields) as
    markdown: its file's own text when unchanged, else written again."""
    original = _original_text(digest)
    if original is not None:
        return _merge_into(original, digest)
    return _rewrite(digest)


def export_markdown(library: Library, dates: list[str] | None = None) -> dict[str, str]:
    """Date → markdown, for the given days (all when None), oldest first."""
    wanted = set(dates) if dates is not None else None
    tags = library.tags.every_target()
    days = {}
    for digest in library.transfer.export_rows():
        if wanted is None or digest["date"] in wanted:
            for item in digest["items"]:
                item["tags"] = tags.get(f"item:{item['key']}", [])
            days[digest["date"]] = digest_markdown(digest)
    return days


def write_days(days: dict[str, str], folder: Path) -> None:
    """Each day's markdown into `folder/YYYYMM/MMDD.md` (OSError is the caller's)."""
    for date, text in days.items():
        target = folder / file_name(date)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# -- the file's own text, with the user's bullets -------------------------------------------


def _original_text(digest: dict[str, Any]) -> str | None:
    source = digest.get("source_path")
    if not source:
        return None
    try:
        data = Path(source).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != digest["content_hash"]:
        return None
    try:
        return decode(data)
    except DigestError:
        return None


def _merge_into(text: str, digest: dict[str, Any]) -> str:
    lines = text.splitlines()
    inserts: dict[int, list[str]] = {}  # after this 1-based line: these lines
    for item in digest["items"]:
        added = user_lines(item)
        if not added or item.get("removed"):
            continue
        after = item["line_start"]
        for number in range(item["line_end"], item["line_start"], -1):
            line = lines[number - 1].strip() if number <= len(lines) else ""
            if line and not line.lower().startswith(_NOT_A_BULLET):
                after = number
                break
        inserts.setdefault(after, []).extend(added)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        out.extend(inserts.get(number, []))
    return "\n".join(out) + "\n"


# -- written again from the library ---------------------------------------------------------


def _rewrite(digest: dict[str, Any]) -> str:
    year, month, day = (int(part) for part in digest["date"].split("-"))
    title = digest.get("title") or "公众号内容拓展学习笔记"
    out = [f"# {title}（{year}.{month}.{day}）", "", "------", "", "## :paperclip:  今日要点", ""]
    number = 0
    for item in digest["items"]:
        if item.get("removed"):
            continue
        number += 1
        index = item["index"] if item["index"] is not None else number
        stars = ":star:" * int(item["author_stars"])
        out.append(f"{index}. [{item['title']}]({item['url_raw']})       {stars}".rstrip())
        out += _entries(item["body"], "   ")
        out += user_lines(item)
        for image in item.get("images") or []:
            out += ["", f'<div align=center><img src="{image["src_raw"]}"></div>']
        out.append("")
    for section in digest.get("sections") or []:
        out += ["", f"## :paperclip:  {section.get('name', '')}", ""]
        out += _entries(section.get("entries") or [], "")
        out += [f'<img src="{image["src_raw"]}">' for image in section.get("images") or []]
    return "\n".join(out).rstrip() + "\n"


def _entries(entries: list[dict[str, Any]], indent: str) -> list[str]:
    """Entries as markdown lines, each level two spaces in; a verbatim line (nested
    deeper than the parser keeps as a tree) as it was written. Iterative: no depth of
    nesting can overflow it."""
    lines = []
    stack = [(indent, entry) for entry in reversed(entries)]
    while stack:
        at, entry = stack.pop()
        text = entry.get("text") or ""
        head = f"{entry['label']}: {text}" if entry.get("label") else text
        if entry.get("kind") == "verbatim":  # its indentation and marker are its own
            lines.append(text.rstrip())
        elif entry.get("kind") == "paragraph":  # a line of text, not a point: as it was
            lines.append(f"{at}{head}".rstrip())
        else:
            lines.append(f"{at}- {head}".rstrip())
        below = at + "  " if at else "  "
        stack.extend((below, child) for child in reversed(entry.get("children") or []))
    return lines
