"""A published work as its DOI's registration agency describes it in CSL JSON (what
DOI content negotiation answers; `metadata.doi` asks), and that answer read. Apart from
the fetch so that the store and the exports need no HTTP client."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


class CslError(ValueError):
    """The answer is not CSL JSON describing one work."""


@dataclass(frozen=True, slots=True)
class DoiRecord:
    """A published work as its registration agency describes it."""

    doi: str
    type: str | None = None  # CSL's: paper-conference, article-journal, ...
    title: str | None = None
    container_title: str | None = None  # the journal or the proceedings
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DoiRecord:
        year = data.get("year")
        return cls(
            doi=str(data["doi"]), type=data.get("type"), title=data.get("title"),
            container_title=data.get("container_title"),
            year=int(year) if isinstance(year, int) else None, volume=data.get("volume"),
            issue=data.get("issue"), page=data.get("page"), publisher=data.get("publisher"),
        )  # fmt: skip


def _text(value: object) -> str | None:
    if isinstance(value, list):  # Crossref gives some titles as lists
        value = value[0] if value else None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _year(data: dict[str, Any]) -> int | None:
    for name in ("issued", "published-print", "published-online", "published"):
        parts = (
            (data.get(name) or {}).get("date-parts") if isinstance(data.get(name), dict) else None
        )
        if parts and isinstance(parts[0], list) and parts[0]:
            first = str(parts[0][0])
            if first.isdigit():
                return int(first)
    return None


def parse_csl(body: bytes, doi: str) -> DoiRecord:
    """The work of a CSL JSON answer (an object, or a list of one)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CslError(f"the answer is not JSON ({error.__class__.__name__})") from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise CslError("the answer is not CSL JSON describing one work")
    return DoiRecord(
        doi=doi,
        type=_text(data.get("type")),
        title=_text(data.get("title")),
        container_title=_text(data.get("container-title")),
        year=_year(data),
        volume=_text(data.get("volume")),
        issue=_text(data.get("issue")),
        page=_text(data.get("page")),
        publisher=_text(data.get("publisher")),
    )


__all__ = ["CslError", "DoiRecord", "parse_csl"]
