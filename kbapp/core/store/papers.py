"""The store's papers and cross-links: the evidence `papers` judges, the user's decisions
on candidates. A part of `Library`; all its SQL lives here.

Nothing here is stored but the user's decisions: papers and cross-links are worked out
from the imported links when asked. A day's cross-links (`cross_refs_for`) read only
its items and the items that share an ID, a repository, a paper URL or a paper title
with them (indexed, migration 0006), so they cost a few milliseconds at any library
size; the papers list and exports join the whole library's papers (`paper_rows`,
`papers`), and `paper_graph` gives every cross-link at once (what the per-day answer
is held to).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from kbapp.core.day import CrossRef
from kbapp.core.papers import CrossLink, ItemEvidence, Occurrence, Paper, cross_links, join_papers
from kbapp.core.store.connection import Connection, Part
from kbapp.core.store.results import Changes

_CHUNK = 500  # values per `IN (...)`


def _chunks(values: Sequence[object]) -> Iterator[Sequence[object]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def evidence(conn: sqlite3.Connection, item_ids: Iterable[int] | None = None) -> list[ItemEvidence]:
    """What the items (all live ones when None) say about papers and repositories."""
    rows: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    identities: list[tuple[object, ...]] = []
    item_sql = (
        "SELECT i.id, i.key, d.date, i.title, COALESCE(i.abstract, ''), "
        "COALESCE(i.tips, '') FROM items i JOIN digests d ON d.id = i.digest_id "
        "WHERE i.removed = 0"
    )
    link_sql = "SELECT item_id, ordinal, text, url, title_key FROM links WHERE field = 'paper'"
    ident_sql = (  # `+kind`: by the item's index, not by kind across the library
        "SELECT item_id, link_ordinal, kind, value FROM identities "
        "WHERE +kind IN ('arxiv', 'doi', 'github')"
    )
    if item_ids is None:
        rows = conn.execute(item_sql).fetchall()
        links = conn.execute(link_sql).fetchall()
        identities = conn.execute(ident_sql).fetchall()
    else:
        for chunk in _chunks(sorted(set(item_ids))):
            marks = _marks(chunk)
            rows += conn.execute(f"{item_sql} AND i.id IN ({marks})", chunk).fetchall()
            links += conn.execute(f"{link_sql} AND item_id IN ({marks})", chunk).fetchall()
            identities += conn.execute(f"{ident_sql} AND item_id IN ({marks})", chunk).fetchall()
    ids: dict[tuple[object, object], tuple[str, str]] = {}
    repos: dict[object, set[str]] = defaultdict(set)
    for item_id, ordinal, kind, value in identities:
        if kind == "github":
            repos[item_id].add(str(value))
        else:
            ids[(item_id, ordinal)] = (str(kind), str(value))
    keys = {row[0]: str(row[1]) for row in rows}
    papers: dict[object, list[Occurrence]] = defaultdict(list)
    for item_id, ordinal, text, url, title_key in sorted(links, key=lambda r: (r[0], r[1])):
        if item_id not in keys:
            continue
        kind, value = ids.get((item_id, ordinal), ("", ""))
        papers[item_id].append(
            Occurrence(
                keys[item_id],
                int(str(ordinal)),
                str(text).strip() or str(url or ""),
                str(url) if url else None,
                value if kind == "arxiv" else None,
                value if kind == "doi" else None,
                str(title_key or ""),
            )
        )
    return [
        ItemEvidence(
            str(key),
            str(date),
            str(title),
            f"{title}\n{abstract}\n{tips}",
            tuple(papers.get(item_id, ())),
            frozenset(repos.get(item_id, ())),
        )
        for item_id, key, date, title, abstract, tips in sorted(rows, key=lambda r: str(r[2]))
    ]


def papers_by_title(conn: sqlite3.Connection, titles: set[str]) -> dict[str, set[str]]:
    """Title key → keys of the papers with an ID (live links) that carry it."""
    found: dict[str, set[str]] = defaultdict(set)
    # `+x.kind`: from the titles' links, never from every arXiv and DOI identity of the
    # library (with two or three titles SQLite chose that, ~85 ms a day switch).
    for chunk in _chunks(sorted(titles)):
        for title, kind, value in conn.execute(
            "SELECT l.title_key, x.kind, x.value FROM links l "
            "JOIN identities x ON x.item_id = l.item_id AND x.link_ordinal = l.ordinal "
            "JOIN items i ON i.id = l.item_id AND i.removed = 0 "
            f"WHERE l.title_key IN ({_marks(chunk)}) AND +x.kind IN ('arxiv', 'doi')",
            chunk,
        ):
            found[title].add(f"{kind}:{value}")
    return found


def join_among_library(conn: sqlite3.Connection, items: list[ItemEvidence]) -> dict[str, Paper]:
    """`join_papers` over some of the library's items: a link naming its paper by title
    alone joins the paper with an ID that shows that title anywhere in the library."""
    idless = {o.title_key for i in items for o in i.papers
              if o.title_key and not (o.arxiv or o.doi)}  # fmt: skip
    return join_papers(items, papers_by_title(conn, idless))


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One paper as the papers list shows it."""

    key: str
    title: str
    first: str  # the first and last day it was featured
    last: str
    times: int  # items that featured it
    mine: int | None  # my rating of the paper, else my best rating of those items
    has_note: bool  # a note on the paper or on one of its items
    has_code: bool
    items: tuple[tuple[str, str, str], ...]  # (date, item key, item title), oldest first
    repos: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PaperGraph:
    items: dict[str, ItemEvidence]
    papers: dict[str, Paper]
    links: dict[str, list[CrossLink]]  # item key → its cross-links, decisions applied


_KEPT_DAYS = 64  # days whose cross-links are kept while the library is unchanged


class Papers(Part):
    def __init__(self, db: Connection) -> None:
        super().__init__(db)
        # Item keys → their cross-links, while the library is as it was when they were
        # worked out (`_version`): a day shown again costs three counters, not ~12 queries.
        self._cross_kept: dict[tuple[str, ...], dict[str, list[CrossRef]]] = {}
        self._cross_version: tuple[int, int, int] | None = None

    def _version(self) -> tuple[int, int, int]:
        """Moves with every write: this connection's commits and rows changed, and
        SQLite's data_version (which moves when another connection, another thread's or
        process's, commits)."""
        return (self._db.commits, self._conn.total_changes, self._db.data_version())

    # -- evidence ---------------------------------------------------------------------------
    def item_evidence(self) -> list[ItemEvidence]:
        """What every item still in its file says about its papers and repositories."""
        return evidence(self._conn)

    def _neighbours(self, seeds: list[ItemEvidence]) -> set[int]:
        """Items sharing an ID, a repository, or a paper URL or title with the seeds."""
        values = {(kind, v) for s in seeds for o in s.papers
                  for kind, v in (("arxiv", o.arxiv), ("doi", o.doi)) if v}  # fmt: skip
        values |= {("github", repo) for s in seeds for repo in s.repos}
        urls = sorted({o.url for s in seeds for o in s.papers if o.url})
        titles = sorted({o.title_key for s in seeds for o in s.papers if o.title_key})
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, value in sorted(values):
            by_kind[kind].append(value)
        queries: list[tuple[str, Sequence[object]]] = [
            (f"SELECT item_id FROM identities WHERE kind = ? AND value IN ({_marks(c)})",
             [kind, *c])
            for kind, found in by_kind.items()
            for c in _chunks(found)
        ]  # fmt: skip
        queries += [
            (f"SELECT item_id FROM links WHERE field = 'paper' AND url IN ({_marks(c)})", c)
            for c in _chunks(urls)
        ]
        queries += [
            (f"SELECT item_id FROM links WHERE title_key IN ({_marks(c)})", c)
            for c in _chunks(titles)
        ]
        return {row[0] for sql, params in queries for row in self._conn.execute(sql, params)}

    # -- one day's cross-links ------------------------------------------------------------------
    def cross_refs_for(self, item_keys: Iterable[str]) -> dict[str, list[CrossRef]]:
        """Item key → the other items it is cross-linked with, the user's decisions applied
        (dismissed ones included: the card leaves them out, undo needs them). Kept for
        the last days asked while nothing is committed (each answer a fresh copy)."""
        keys = tuple(item_keys)
        if self._conn.in_transaction:  # what it reads may yet be rolled back
            return self._cross_refs(list(keys))
        version = self._version()
        if version != self._cross_version:
            self._cross_kept.clear()
            self._cross_version = version
        refs = self._cross_kept.pop(keys, None)
        if refs is None:
            refs = self._cross_refs(list(keys))
        self._cross_kept[keys] = refs  # the newest last
        while len(self._cross_kept) > _KEPT_DAYS:
            del self._cross_kept[next(iter(self._cross_kept))]
        return {key: list(found) for key, found in refs.items()}

    def _cross_refs(self, keys: list[str]) -> dict[str, list[CrossRef]]:
        """`cross_refs_for` worked out from the library."""
        seed_ids = [
            row[0]
            for chunk in _chunks(keys)
            for row in self._conn.execute(
                f"SELECT id FROM items WHERE key IN ({_marks(chunk)}) AND removed = 0", chunk
            )
        ]
        seeds = evidence(self._conn, seed_ids)
        if not any(seed.papers or seed.repos for seed in seeds):
            return {}
        items = evidence(self._conn, set(seed_ids) | self._neighbours(seeds))
        papers = join_among_library(self._conn, items)
        by_key = {item.key: item for item in items}
        decisions = self.link_decisions()
        refs: dict[str, list[CrossRef]] = defaultdict(list)
        wanted = set(keys)
        for link in cross_links(items, papers, among=wanted):
            kind = (
                decisions.get((link.a, link.b), link.kind)
                if link.kind == "candidate"
                else link.kind
            )
            for key in (link.a, link.b):
                if key in wanted:
                    other = by_key[link.other(key)]
                    refs[key].append(
                        CrossRef(kind, other.key, other.date, other.title, link.reasons)
                    )
        return {key: sorted(found, key=lambda r: (r.kind == "candidate", r.date))
                for key, found in refs.items()}  # fmt: skip

    # -- the whole library ------------------------------------------------------------------
    def paper_graph(self) -> PaperGraph:
        """Papers and cross-links of the whole library, with the user's decisions on
        candidates applied (a confirmed one is `confirmed`, a dismissed one `dismissed`)."""
        items = self.item_evidence()
        papers = join_papers(items)
        decisions = self.link_decisions()
        links: dict[str, list[CrossLink]] = defaultdict(list)
        for link in cross_links(items, papers):
            decided = decisions.get((link.a, link.b))
            if decided is not None and link.kind == "candidate":
                link = replace(link, kind=decided)
            links[link.a].append(link)
            links[link.b].append(link)
        return PaperGraph({item.key: item for item in items}, papers, dict(links))

    def all(self) -> list[Paper]:
        return list(join_papers(self.item_evidence()).values())

    def paper_rows(self) -> list[PaperRow]:
        """Every paper with what the papers list and a paper's page show, most featured
        first. Reads the whole library: run it off the UI thread on a big one."""
        items = self.item_evidence()
        by_key = {item.key: item for item in items}
        ratings = dict(self._conn.execute("SELECT item_key, stars FROM ratings").fetchall())
        noted = {row[0] for row in self._conn.execute("SELECT item_key FROM notes")}
        paper_notes = {row[0] for row in self._conn.execute("SELECT paper_key FROM paper_notes")}
        rated = dict(self._conn.execute("SELECT paper_key, stars FROM paper_ratings").fetchall())
        rows = []
        for paper in join_papers(items).values():
            keys = paper.item_keys
            featured = sorted((by_key[k].date, k, by_key[k].title) for k in keys)
            stars = [ratings[k] for k in keys if ratings.get(k) is not None]
            rows.append(
                PaperRow(
                    paper.key,
                    paper.title,
                    featured[0][0],
                    featured[-1][0],
                    len(keys),
                    rated.get(paper.key, max(stars) if stars else None),
                    paper.key in paper_notes or any(k in noted for k in keys),
                    bool(paper.repos),
                    tuple(featured),
                    tuple(sorted(paper.repos)),
                )
            )
        rows.sort(key=lambda row: (-row.times, row.last), reverse=False)
        return rows

    # -- the user's decisions on candidates -------------------------------------------------
    def link_decisions(self) -> dict[tuple[str, str], str]:
        rows = self._conn.execute("SELECT a, b, decision FROM link_decisions")
        return {(a, b): decision for a, b, decision in rows}

    def link_decision(self, one: str, two: str) -> str | None:
        a, b = sorted((one, two))
        row = self._conn.execute(
            "SELECT decision FROM link_decisions WHERE a = ? AND b = ?", (a, b)
        ).fetchone()
        return str(row[0]) if row else None

    def decide_link(self, one: str, two: str, decision: str | None) -> Changes:
        """Confirm or dismiss the candidate cross-link of two items (None: undecided)."""
        if decision not in ("confirmed", "dismissed", None):
            raise ValueError(f"a decision is confirmed or dismissed, not {decision!r}")
        a, b = sorted((one, two))
        with self._transaction() as conn:
            if decision is None:
                conn.execute("DELETE FROM link_decisions WHERE a = ? AND b = ?", (a, b))
            else:
                conn.execute(
                    "INSERT INTO link_decisions (a, b, decision, at) VALUES (?, ?, ?, "
                    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) ON CONFLICT (a, b) DO UPDATE "
                    "SET decision = excluded.decision, at = excluded.at",
                    (a, b, decision),
                )
            dates = frozenset(row[0] for row in conn.execute(
                "SELECT d.date FROM items i JOIN digests d ON d.id = i.digest_id "
                "WHERE i.key IN (?, ?)", (a, b)))  # fmt: skip
            return self._db.record(Changes(dates=dates))
