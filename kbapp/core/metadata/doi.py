"""A publisher's DOI resolved by DOI content negotiation: `GET https://doi.org/<DOI>`
with `Accept: application/vnd.citationstyles.csl+json` is answered (through a redirect
to Crossref's or DataCite's API) with the work as CSL JSON, from which kbapp keeps the
venue, year, volume, issue, pages, publisher and type. One request a DOI, at most five
a second (Crossref's public rate), one connection, a User-Agent with a contact
(Crossref's etiquette; set `KBAPP_CONTACT` to an e-mail address to add `mailto:`, as
Crossref asks). When the resolver cannot be reached, the DOIs after the first are not
asked (they fail with the same reason, to be asked again after the backoff).

No SQL here: `fetch_dois` hands each DOI's outcome to the caller, on its thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from kbapp.core.metadata.fetch import Polite, get, make_client, why
from kbapp.core.metadata.work import CslError, DoiRecord, parse_csl

RESOLVER_ENV = "KBAPP_DOI_RESOLVER"
DEFAULT_RESOLVER = "https://doi.org/"
CONTACT_ENV = "KBAPP_CONTACT"
ACCEPT = "application/vnd.citationstyles.csl+json"
INTERVAL_S = 0.2  # between two requests: Crossref's public pool allows 5 a second
RETRIES = 3
MAX_WAIT_S = 120.0
_UNREACHABLE = "the DOI resolver could not be reached"


@dataclass(slots=True)
class DoiOutcome:
    """What one DOI's request settled (as `fetch.BatchOutcome` for arXiv)."""

    asked: list[str]
    records: dict[str, DoiRecord] = field(default_factory=dict)
    not_found: dict[str, str] = field(default_factory=dict)  # DOI -> reason
    failed: dict[str, str] = field(default_factory=dict)  # DOI -> reason (to try again)


def resolver() -> str:
    """The resolver: `KBAPP_DOI_RESOLVER` when set (tests point it at 127.0.0.1)."""
    return os.environ.get(RESOLVER_ENV) or DEFAULT_RESOLVER


def doi_url(base: str, doi: str) -> str:
    return base.rstrip("/") + "/" + quote(doi, safe="/:;()._-")


def user_agent() -> str:
    from kbapp.core.metadata.fetch import USER_AGENT

    contact = os.environ.get(CONTACT_ENV, "").strip()
    return USER_AGENT[:-1] + f"; mailto:{contact})" if "@" in contact else USER_AGENT


def fetch_dois(
    dois: list[str],
    on_outcome: Callable[[DoiOutcome], None],
    *,
    client: httpx.Client | None = None,
    polite: Polite | None = None,
    base: str | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Resolve these DOIs, one request each, calling `on_outcome` after each (`records`
    of DoiRecord by DOI); the number of requests made."""
    own = client is None
    http = client or make_client(accept=ACCEPT, agent=user_agent())
    pace = polite or Polite(INTERVAL_S)
    endpoint = base or resolver()
    made = 0
    try:
        wanted = list(dict.fromkeys(dois))
        for n, doi in enumerate(wanted):
            if cancel is not None and cancel():
                break
            outcome, requests = _resolve(http, pace, endpoint, doi)
            made += requests
            on_outcome(outcome)
            unreachable = outcome.failed.get(doi, "")
            if unreachable.startswith(_UNREACHABLE) and n + 1 < len(wanted):
                # No network, or no resolver there: the others would fail alike, each
                # after its wait; they are failed with the same reason, unasked.
                rest = wanted[n + 1 :]
                on_outcome(DoiOutcome(rest, failed=dict.fromkeys(rest, unreachable)))
                break
    finally:
        if own:
            http.close()
    return made


def _resolve(http: httpx.Client, pace: Polite, base: str, doi: str) -> tuple[DoiOutcome, int]:
    outcome = DoiOutcome([doi])
    for attempt in range(1, RETRIES + 1):
        pace.wait_turn()
        try:
            body, status, retry_after = get(http, doi_url(base, doi))
        except httpx.HTTPError as error:
            outcome.failed[doi] = f"{_UNREACHABLE} ({why(error)})"
            return outcome, attempt
        if status in (429, 503):
            if retry_after is None or retry_after > MAX_WAIT_S:
                outcome.failed[doi] = f"the DOI resolver is busy (HTTP {status}); try again later"
                return outcome, attempt
            pace.sleep(retry_after)
            continue
        if status in (404, 410):
            outcome.not_found[doi] = "no work is registered with this DOI"
        elif status == 406:
            outcome.not_found[doi] = "its registration agency gives no citation data"
        elif status != 200:
            outcome.failed[doi] = f"the DOI resolver answered HTTP {status}"
        else:
            try:
                outcome.records[doi] = parse_csl(body, doi)
            except CslError as error:
                outcome.failed[doi] = str(error)
        return outcome, attempt
    outcome.failed[doi] = f"the DOI resolver stayed busy after {RETRIES} tries"
    return outcome, RETRIES


__all__ = ["DoiOutcome", "DoiRecord", "doi_url", "fetch_dois", "resolver"]
