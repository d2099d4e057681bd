"""arXiv's API: the query endpoint's `id_list` requests and its Atom answers.

A request asks for up to `BATCH` IDs (`?id_list=2104.00298,2104.04329&max_results=2`).
The answer is an Atom feed with one `<entry>` per paper found; an ID the API cannot read
comes back as an entry titled "Error" whose `<id>` is under `arxiv.org/api/errors` and
whose `<summary>` says why; an ID it has never had is simply absent. Titles and
abstracts arrive wrapped mid-sentence: their runs of white space become one space.
(Described in arXiv's API User's Manual, sections 3.3 and 3.4.)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

API_ENV = "KBAPP_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org/api/query"
BATCH = 100  # IDs a request, at most (arXiv asks for no more than that in one id_list)
_NS = {"a": "http://www.w3.org/2005/Atom", "x": "http://arxiv.org/schemas/atom"}
_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")


class FeedError(ValueError):
    """The answer is not an Atom feed kbapp can read (the message says how, briefly)."""


def family_name(name: str) -> str:
    """The last word of a name as arXiv writes it ("Kaiming He": He)."""
    parts = name.split()
    return parts[-1] if parts else ""


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """One paper as arXiv's API describes it."""

    arxiv_id: str  # without its version
    version: int | None
    title: str
    authors: tuple[Author, ...]
    abstract: str
    primary_category: str | None
    categories: tuple[str, ...]
    published: str | None  # ISO 8601, as arXiv gives it
    updated: str | None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    links: dict[str, str] = field(default_factory=dict)  # "abs", "pdf"

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published and self.published[:4].isdigit() else None

    @property
    def byline(self) -> str:
        """The first author's family name, "et al." for more: "Lovelace et al."."""
        if not self.authors:
            return ""
        first = family_name(self.authors[0].name)
        if len(self.authors) == 1:
            return first
        if len(self.authors) == 2:
            return f"{first} and {family_name(self.authors[1].name)}"
        return f"{first} et al."

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = [{"name": a.name, "affiliations": list(a.affiliations)}
                           for a in self.authors]  # fmt: skip
        data["categories"] = list(self.categories)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArxivRecord:
        authors = tuple(Author(str(a["name"]), tuple(a.get("affiliations") or ()))
                        for a in data.get("authors") or [])  # fmt: skip
        return cls(
            arxiv_id=str(data["arxiv_id"]), version=data.get("version"),
            title=str(data.get("title") or ""), authors=authors,
            abstract=str(data.get("abstract") or ""),
            primary_category=data.get("primary_category"),
            categories=tuple(data.get("categories") or ()), published=data.get("published"),
            updated=data.get("updated"), doi=data.get("doi"),
            journal_ref=data.get("journal_ref"), comment=data.get("comment"),
            links=dict(data.get("links") or {}),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Answer:
    """What one request said: records by ID, and the IDs it refused with its reason."""

    records: dict[str, ArxivRecord]
    errors: dict[str, str]  # ID -> the API's reason (an "Error" entry)


def query_url(api: str, ids: list[str]) -> str:
    """The request for these IDs (at most `BATCH`)."""
    if not 0 < len(ids) <= BATCH:
        raise ValueError(f"a request asks for 1 to {BATCH} IDs, not {len(ids)}")
    query = urlencode({"id_list": ",".join(ids), "max_results": len(ids)})
    return f"{api}{'&' if '?' in api else '?'}{query}"


def batches(ids: list[str], size: int = BATCH) -> list[list[str]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def parse_feed(body: bytes, asked: list[str]) -> Answer:
    """The answer to a request for `asked`; FeedError when it is no Atom feed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise FeedError(f"the answer is not readable XML ({error})") from None
    if root.tag != f"{{{_NS['a']}}}feed":
        raise FeedError("the answer is XML but not an Atom feed")
    records: dict[str, ArxivRecord] = {}
    errors: dict[str, str] = {}
    for entry in root.findall("a:entry", _NS):
        entry_id = _text(entry.find("a:id", _NS)) or ""
        if "/api/errors" in entry_id:
            reason = _text(entry.find("a:summary", _NS)) or "arXiv refused the request"
            named = [i for i in asked if i in reason] or asked  # it names the bad ID
            for arxiv_id in named:
                errors[arxiv_id] = reason
            continue
        record = _record(entry, entry_id)
        if record is not None:
            records[record.arxiv_id] = record
    return Answer(records, errors)


def _record(entry: ET.Element, entry_id: str) -> ArxivRecord | None:
    found = _ID.search(entry_id.rsplit("/abs/", 1)[-1])
    if found is None:
        return None
    links = {}
    for link in entry.findall("a:link", _NS):
        href = link.get("href") or ""
        if link.get("title") == "pdf":
            links["pdf"] = href
        elif link.get("rel") == "alternate":
            links["abs"] = href
    authors = tuple(
        Author(_text(a.find("a:name", _NS)) or "",
               tuple(t for t in (_text(x) for x in a.findall("x:affiliation", _NS)) if t))
        for a in entry.findall("a:author", _NS)
    )  # fmt: skip
    primary = entry.find("x:primary_category", _NS)
    categories = tuple(c.get("term") or "" for c in entry.findall("a:category", _NS))
    return ArxivRecord(
        arxiv_id=found.group(1),
        version=int(found.group(2)) if found.group(2) else None,
        title=_text(entry.find("a:title", _NS)) or "",
        authors=tuple(a for a in authors if a.name),
        abstract=_text(entry.find("a:summary", _NS)) or "",
        primary_category=primary.get("term") if primary is not None else None,
        categories=tuple(c for c in categories if c),
        published=_text(entry.find("a:published", _NS)),
        updated=_text(entry.find("a:updated", _NS)),
        doi=_text(entry.find("x:doi", _NS)),
        journal_ref=_text(entry.find("x:journal_ref", _NS)),
        comment=_text(entry.find("x:comment", _NS)),
        links=links,
    )


__all__ = ["API_ENV", "BATCH", "DEFAULT_API", "Answer", "ArxivRecord", "Author", "FeedError",
           "batches", "parse_feed", "query_url"]  # fmt: skip
