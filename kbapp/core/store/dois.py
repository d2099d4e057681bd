"""Publisher DOIs resolved to their works (`Library.dois`), on the imported side of the
library beside arXiv's details (`store.metadata`): the DOIs arXiv gave for the papers
and those the digests link to, what their registration agency said (venue, year,
volume, pages, publisher), when, and the state of asking. Nothing the user wrote is
touched. States and backoff are `store.metadata`'s. All its SQL lives here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from kbapp.core.metadata.work import DoiRecord
from kbapp.core.store.connection import Part, now
from kbapp.core.store.metadata import retry_at
from kbapp.core.store.results import Changes

# Every DOI the library knows: arXiv's for its papers, and the digests' own links.
_KNOWN = (
    "SELECT lower(json_extract(data, '$.doi')) FROM paper_meta "
    "WHERE status = 'ok' AND json_extract(data, '$.doi') IS NOT NULL "
    "UNION SELECT lower(x.value) FROM identities x JOIN items i ON i.id = x.item_id "
    "WHERE x.kind = 'doi' AND i.removed = 0"
)


class Dois(Part):
    """What the DOI resolver said about the library's DOIs, and which are due."""

    def known(self) -> list[str]:
        """Every DOI of the library's papers (lower case), sorted."""
        return sorted(row[0] for row in self._conn.execute(_KNOWN) if row[0])

    def due(self, dois: Iterable[str] | None = None, at: str | None = None) -> list[str]:
        """The DOIs (all the library's when None) never asked, or failed and due again."""
        wanted = self.known() if dois is None else list(dict.fromkeys(d.lower() for d in dois))
        when = at or now()
        settled = dict(
            (doi, (status, next_try))
            for doi, status, next_try in self._conn.execute(
                "SELECT doi, status, next_try_at FROM doi_meta"
            )
        )
        due = []
        for doi in wanted:
            state = settled.get(doi)
            if state is None or (state[0] == "failed" and (state[1] or "") <= when):
                due.append(doi)
        return due

    def record(
        self, records: Mapping[str, DoiRecord], not_found: Mapping[str, str],
        failed: Mapping[str, str], at: str | None = None,
    ) -> Changes:  # fmt: skip
        """One request's outcome, in one transaction; a failure keeps earlier details.
        The change names the papers that have these DOIs."""
        when = at or now()
        with self._transaction() as conn:
            for doi, record in records.items():
                conn.execute(
                    "INSERT OR REPLACE INTO doi_meta (doi, status, reason, attempts, "
                    "fetched_at, next_try_at, data) VALUES (?, 'ok', NULL, 0, ?, NULL, ?)",
                    (doi.lower(), when, json.dumps(record.to_json(), ensure_ascii=False)),
                )
            for doi, reason in not_found.items():
                conn.execute(
                    "INSERT OR REPLACE INTO doi_meta (doi, status, reason, attempts, "
                    "fetched_at) VALUES (?, 'not_found', ?, 0, ?)",
                    (doi.lower(), reason, when),
                )
            for doi, reason in failed.items():
                row = conn.execute(
                    "SELECT attempts FROM doi_meta WHERE doi = ?", (doi.lower(),)
                ).fetchone()
                tries = (int(row[0]) if row else 0) + 1
                conn.execute(
                    "INSERT INTO doi_meta (doi, status, reason, attempts, fetched_at, "
                    "next_try_at) VALUES (?, 'failed', ?, ?, ?, ?) "
                    "ON CONFLICT (doi) DO UPDATE SET reason = excluded.reason, "
                    "attempts = excluded.attempts, next_try_at = excluded.next_try_at, "
                    "status = CASE WHEN doi_meta.status = 'ok' THEN 'ok' ELSE 'failed' END",
                    (doi.lower(), reason, tries, when, retry_at(when, tries)),
                )
            keys = self._papers_of({d.lower() for d in (*records, *not_found, *failed)})
            return self._db.record(Changes(papers=frozenset(keys))) if keys else Changes()

    def _papers_of(self, dois: set[str]) -> set[str]:
        if not dois:
            return set()
        keys = {f"doi:{doi}" for doi in dois}
        for key, doi in self._conn.execute(
            "SELECT paper_key, lower(json_extract(data, '$.doi')) FROM paper_meta "
            "WHERE json_extract(data, '$.doi') IS NOT NULL"
        ):
            if doi in dois:
                keys.add(key)
        return keys

    def of(self, dois: Iterable[str] | None = None) -> dict[str, DoiRecord]:
        """The works of these DOIs (all resolved when None), by lower-case DOI."""
        wanted = None if dois is None else {d.lower() for d in dois}
        found = {}
        for doi, data in self._conn.execute(
            "SELECT doi, data FROM doi_meta WHERE status = 'ok' AND data IS NOT NULL"
        ):
            if wanted is None or doi in wanted:
                found[doi] = DoiRecord.from_json(json.loads(data))
        return found

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("ok", "not_found", "failed"), 0)
        counts.update(self._conn.execute(
            "SELECT status, COUNT(*) FROM doi_meta GROUP BY status").fetchall())  # fmt: skip
        return counts


__all__ = ["Dois"]
