"""The store's reading side for the window: periods and days for the sidebar, a whole
day for the reader. A part of `Library`; all its SQL lives here."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from kbapp.core.day import Day, DayItem, DaySummary, entry_from_dict
from kbapp.core.digest.model import Image, Link, Section, Video
from kbapp.core.store.connection import Part
from kbapp.core.store.packing import unpack_body


@dataclass(frozen=True, slots=True)
class Period:
    """A year (`2021`) or a month (`2021-04`) of the sidebar."""

    key: str
    days: int
    items: int
    best: int
    children: int  # months in a year, days in a month


_MINE = re.compile(r"(?:^|\s)mine\s*(?:>=|:|=|≥)\s*([0-5])(?=\s|$)", re.IGNORECASE)


_UNREAD = re.compile(r"(?:^|\s)is:unread(?=\s|$)", re.IGNORECASE)


def min_rating(text: str) -> tuple[str, int | None]:
    """A day filter without its `mine>=N` (or `mine:N`) part, and N: the days and items
    I rated N stars or more."""
    found = _MINE.search(text)
    if found is None:
        return text.strip(), None
    return (text[: found.start()] + " " + text[found.end() :]).strip(), int(found.group(1))


def _filter_sql(text: str) -> tuple[str, list[Any]]:
    """Days whose date (with or without dashes) or an item title contains `text`, with
    an item I rated N or more for `mine>=N`, with an unread item for `is:unread`."""
    text, mine = min_rating(text)
    unread = _UNREAD.search(text)
    if unread is not None:
        text = (text[: unread.start()] + " " + text[unread.end() :]).strip()
    sql, params = "", []
    if unread is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM items u WHERE u.digest_id = d.id AND u.removed = 0"
            " AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.item_key = u.key))"
        )
    if mine is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM items m JOIN ratings r ON r.item_key = m.key"
            " WHERE m.digest_id = d.id AND m.removed = 0 AND r.stars >= ?)"
        )
        params.append(mine)
    if not text:
        return sql, params
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    sql += (
        " AND (d.date LIKE ? ESCAPE '\\' OR replace(d.date, '-', '') LIKE ? ESCAPE '\\'"
        " OR EXISTS (SELECT 1 FROM items j WHERE j.digest_id = d.id AND j.removed = 0"
        " AND j.title LIKE ? ESCAPE '\\'))"
    )
    return sql, [*params, pattern, pattern, pattern]


def _prefix_range(prefix: str) -> list[str]:
    """Bounds of the dates that start with `prefix` (ASCII dates: every one of them sorts
    below the prefix and U+10FFFF), so that SQLite seeks the date index instead of
    testing each date with LIKE (which a ten-year library pays 3,650 times a month)."""
    return [prefix, prefix + "\U0010ffff"]


def all_dates(conn: sqlite3.Connection) -> list[str]:
    """Every digest's date, oldest first (`Days.dates`, `Digests.dates`)."""
    return [row[0] for row in conn.execute("SELECT date FROM digests ORDER BY date")]


class Days(Part):
    # -- which days there are (the window's; `digests` is not made for them) ------------
    def dates(self) -> list[str]:
        """Every digest's date, oldest first."""
        return all_dates(self._conn)

    def is_empty(self) -> bool:
        """Whether no digest is imported (`not dates()`, without reading every date)."""
        return self._conn.execute("SELECT 1 FROM digests LIMIT 1").fetchone() is None

    def has_date(self, date: str) -> bool:
        """Whether a digest of `date` is imported (`date in dates()`, by the index)."""
        return (
            self._conn.execute("SELECT 1 FROM digests WHERE date = ?", (date,)).fetchone()
            is not None
        )

    def newest_date(self) -> str | None:
        """The newest digest's date (`dates()[-1]`), None when there is none."""
        row = self._conn.execute("SELECT MAX(date) FROM digests").fetchone()
        return str(row[0]) if row[0] is not None else None

    # -- the sidebar's periods and days ---------------------------------------------------
    def period_counts(self, length: int, prefix: str = "", text: str = "") -> list[Period]:
        """Years (length 4) or months (length 7) under `prefix`, newest first."""
        child = 7 if length == 4 else 10
        where, params = _filter_sql(text)
        rows = self._conn.execute(
            "SELECT substr(d.date, 1, ?) AS period, COUNT(*), SUM(d.item_count),"
            " MAX(d.best_stars), COUNT(DISTINCT substr(d.date, 1, ?)) FROM digests d"
            " WHERE d.date >= ? AND d.date < ? AND d.date LIKE ?"
            f" {where} GROUP BY period ORDER BY period DESC",
            [length, child, *_prefix_range(prefix), f"{prefix}%", *params],
        )
        return [Period(*row) for row in rows]

    def day_summaries(self, prefix: str = "", text: str = "") -> list[DaySummary]:
        """The days under `prefix` (`2021-04`), newest first, with counts for the sidebar."""
        where, params = _filter_sql(text)
        rows = self._conn.execute(
            "SELECT d.date, d.item_count, d.best_stars,"
            " (SELECT MAX(r.stars) FROM items i JOIN ratings r ON r.item_key = i.key"
            "  WHERE i.digest_id = d.id),"
            " EXISTS (SELECT 1 FROM items i JOIN notes n ON n.item_key = i.key"
            "  WHERE i.digest_id = d.id)"
            " FROM digests d"
            f" WHERE d.date >= ? AND d.date < ? AND d.date LIKE ? {where} ORDER BY d.date DESC",
            [*_prefix_range(prefix), f"{prefix}%", *params],
        )
        return [DaySummary(d, n, best, mine, bool(notes)) for d, n, best, mine, notes in rows]

    def weight(self, date: str) -> tuple[int, int, int]:
        """What reading the day costs, cheaply, before reading it: its items, their
        links and the bytes of their bodies (0, 0, 0: no such day)."""
        row = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(i.body)), 0),"
            " (SELECT COUNT(*) FROM links l JOIN items j ON j.id = l.item_id"
            "  WHERE j.digest_id = d.id)"
            " FROM digests d LEFT JOIN items i ON i.digest_id = d.id WHERE d.date = ?",
            (date,),
        ).fetchone()  # an aggregate: one row, zeros for no such day
        return int(row[0]), int(row[2]), int(row[1])

    def day(self, date: str) -> Day | None:
        """Everything the reader shows of one day, read from the library."""
        row = self._conn.execute(
            "SELECT id, date, title, source_path, sections, near_duplicate_of FROM digests"
            " WHERE date = ?",
            (date,),
        ).fetchone()
        if row is None:
            return None
        digest_id, date, title, source_path, sections, near_duplicate_of = row
        day = Day(date, title, source_path, sections=_sections(unpack_body(sections)))
        day.near_duplicate_of = near_duplicate_of
        by_id: dict[int, DayItem] = {}
        for (
            item_id,
            key,
            ordinal,
            idx,
            item_title,
            url,
            stars,
            body,
            removed,
            mine,
            note,
        ) in self._conn.execute(
            "SELECT i.id, i.key, i.ordinal, i.idx, i.title, i.article_url, i.author_stars,"
            " i.body, i.removed, r.stars, n.text FROM items i"
            " LEFT JOIN ratings r ON r.item_key = i.key"
            " LEFT JOIN notes n ON n.item_key = i.key"
            " WHERE i.digest_id = ? ORDER BY i.removed, i.ordinal",
            (digest_id,),
        ):
            entries = [entry_from_dict(entry) for entry in json.loads(unpack_body(body))]
            item = DayItem(
                key, ordinal, idx, item_title, url, stars, entries, removed=bool(removed)
            )
            item.my_rating, item.note = mine, note
            by_id[item_id] = item
            day.items.append(item)
        for item_id, *link in self._conn.execute(
            "SELECT l.item_id, l.field, l.text, l.url_raw, l.url, l.url_kind, l.line, l.label,"
            " l.name, l.grp, l.note, l.context FROM links l JOIN items i ON i.id = l.item_id"
            " WHERE i.digest_id = ? ORDER BY l.item_id, l.ordinal",
            (digest_id,),
        ):
            by_id[item_id].links.append(Link(*link))
        for item_id, *image in self._conn.execute(
            "SELECT item_id, src_raw, src, line, is_local, host, format_hint, zoom, alt,"
            " wrapped_in_div, resolved_path FROM images"
            " WHERE digest_id = ? AND item_id IS NOT NULL ORDER BY item_id, line, id",
            (digest_id,),
        ):
            src_raw, src, line, is_local, host, hint, zoom, alt, in_div, resolved = image
            by_id[item_id].images.append(
                Image(
                    src_raw,
                    src,
                    line,
                    bool(is_local),
                    host,
                    hint,
                    zoom,
                    alt,
                    bool(in_div),
                    resolved,
                )  # fmt: skip
            )
        for item_id, src_raw, src, line, host, in_div in self._conn.execute(
            "SELECT item_id, src_raw, src, line, host, wrapped_in_div FROM videos"
            " WHERE digest_id = ? AND item_id IS NOT NULL ORDER BY item_id, line, id",
            (digest_id,),
        ):
            by_id[item_id].videos.append(Video(src_raw, src, line, host, bool(in_div)))
        return day


def _sections(data: str) -> list[Section]:
    sections = []
    for raw in json.loads(data or "[]"):
        section = Section(raw.get("name", ""), raw.get("line", 0))
        section.entries = [entry_from_dict(entry) for entry in raw.get("entries", [])]
        section.images = [
            Image(**{k: v for k, v in image.items() if k != "flags"}, flags=image.get("flags", []))
            for image in raw.get("images", [])
        ]
        section.videos = [Video(**video) for video in raw.get("videos", [])]
        sections.append(section)
    return sections
