"""The store's papers and cross-links: the evidence `papers` judges, the user's decisions
on candidates. Part of `Library` (mixed in); all its SQL lives here.

Papers and automatic cross-links are derived from the imported links on demand and
cached until the library's data changes (`PRAGMA data_version` for other connections,
the write counter for this one); only the user's decisions are stored.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

from kbapp.core.identities import title_key
from kbapp.core.papers import CrossLink, ItemEvidence, Occurrence, Paper, cross_links, join_papers

_URL_ONLY = ("http://", "https://", "www.")


@dataclass(frozen=True, slots=True)
class PaperGraph:
    items: dict[str, ItemEvidence]
    papers: dict[str, Paper]
    links: dict[str, list[CrossLink]]  # item key → its cross-links, decisions applied


class PaperQueries:
    _conn: sqlite3.Connection
    _graph: tuple[Any, PaperGraph] | None = None

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def item_evidence(self) -> list[ItemEvidence]:
        """What every item still in its file says about its papers and repositories."""
        conn = self._conn
        arxiv: dict[tuple[int, int], str] = {}
        doi: dict[tuple[int, int], str] = {}
        repos: dict[int, set[str]] = defaultdict(set)
        for item_id, ordinal, kind, value in conn.execute(
            "SELECT item_id, link_ordinal, kind, value FROM identities "
            "WHERE kind IN ('arxiv', 'doi', 'github')"
        ):
            if kind == "github":
                repos[item_id].add(value)
            else:
                (arxiv if kind == "arxiv" else doi)[(item_id, ordinal)] = value
        papers: dict[int, list[Occurrence]] = defaultdict(list)
        keys = dict(conn.execute("SELECT id, key FROM items WHERE removed = 0").fetchall())
        for item_id, ordinal, text, url in conn.execute(
            "SELECT item_id, ordinal, text, url FROM links WHERE field = 'paper' "
            "ORDER BY item_id, ordinal"
        ):
            if item_id not in keys:
                continue
            text = (text or "").strip()
            is_title = bool(text) and not text.lower().startswith(_URL_ONLY)
            papers[item_id].append(
                Occurrence(
                    keys[item_id],
                    ordinal,
                    text or (url or ""),
                    url,
                    arxiv.get((item_id, ordinal)),
                    doi.get((item_id, ordinal)),
                    title_key(text) if is_title else "",
                )
            )
        rows = conn.execute(
            "SELECT i.id, i.key, d.date, i.title, COALESCE(i.abstract, ''), "
            "COALESCE(i.tips, '') FROM items i JOIN digests d ON d.id = i.digest_id "
            "WHERE i.removed = 0 ORDER BY d.date, i.ordinal"
        )
        return [
            ItemEvidence(
                key,
                date,
                title,
                f"{title}\n{abstract}\n{tips}",
                tuple(papers.get(item_id, ())),
                frozenset(repos.get(item_id, ())),
            )
            for item_id, key, date, title, abstract, tips in rows
        ]

    def paper_graph(self) -> PaperGraph:
        """Papers and cross-links of the whole library, with the user's decisions on
        candidates applied (confirmed → `confirmed`, dismissed → `dismissed`)."""
        stamp = (
            self._conn.execute("PRAGMA data_version").fetchone()[0],
            self._conn.total_changes,
        )
        if self._graph is not None and self._graph[0] == stamp:
            return self._graph[1]
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
        graph = PaperGraph({item.key: item for item in items}, papers, dict(links))
        self._graph = (stamp, graph)
        return graph

    def papers(self) -> list[Paper]:
        return list(self.paper_graph().papers.values())

    def cross_links_of(self, item_key: str) -> list[CrossLink]:
        return self.paper_graph().links.get(item_key, [])

    # -- the user's decisions on candidates -------------------------------------------------
    def link_decisions(self) -> dict[tuple[str, str], str]:
        rows = self._conn.execute("SELECT a, b, decision FROM link_decisions")
        return {(a, b): decision for a, b, decision in rows}

    def decide_link(self, one: str, two: str, decision: str | None) -> None:
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

    def decision_rows(self) -> Iterator[tuple[str, str, str, str]]:
        yield from self._conn.execute("SELECT a, b, decision, at FROM link_decisions ORDER BY a, b")
