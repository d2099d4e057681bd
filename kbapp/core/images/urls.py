"""Is this an address kbapp may fetch a picture from? Asked of every image address
before its request and of every redirect's target before it is followed, so that a
digest or a server cannot make the download of one picture fail in a way that stops the
others or send kbapp to another kind of address (file:, ftp:, javascript:).

httpx leaves several bad addresses to fail outside its `HTTPError`: `InvalidURL` for a
`Location` it cannot parse (`http://127.0.0.1:8000abc.png`, `javascript:alert(1)`),
`idna.IDNAError` when a host's `xn--` label is no punycode, `UnicodeError` from the
resolver for a host label over 63 characters. Each is named here instead, in words that
read both alone ("an address without a host: ...") and after "redirected to ".

httpx (~70 ms, a few MB) is imported by the checks that parse an address, not by this
module: `shown` (the window quotes a refused link with it) needs none of it.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from kbapp.core.digest.text import visible

if TYPE_CHECKING:
    import httpx

SCHEMES = ("http", "https")
SHOWN = 120  # characters of a bad address quoted in its reason
MAX_HOST = 253  # a DNS name's length, and a label's (RFC 1035): the resolver refuses more
MAX_LABEL = 63
HIDDEN = "an address with a space or control character"


def url_problem(url: str) -> str | None:
    """None when `url` is a parseable http(s) address with a usable host, else why not
    (the reason quotes the address)."""
    problem = _problem(url)
    return None if problem is None else f"{problem}: {shown(url)}"


def redirect_target(response: httpx.Response) -> tuple[str | None, str | None]:
    """Where a redirect points (absolute), or why it cannot be followed (the reason
    quotes the `Location` as sent, relative or not)."""
    import httpx

    location = response.headers.get("Location", "")
    if not location:
        return None, f"HTTP {response.status_code} redirect without a Location"
    target: str | None = None
    problem = HIDDEN if has_hidden_char(location) else None  # httpx would encode a space
    if problem is None:
        try:
            target = str(response.url.join(location))
        except (httpx.InvalidURL, ValueError) as error:
            problem = f"an address that does not parse ({error})"
        else:
            problem = _problem(target)
    if problem is not None:
        return None, f"redirected to {problem}: {shown(location)}"
    return target, None


def _problem(url: str) -> str | None:
    if has_hidden_char(url):
        return HIDDEN
    import httpx

    try:
        parsed = httpx.URL(url)
        host = parsed.host  # decodes the IDNA labels, which raises for a bad `xn--` one
    except (httpx.InvalidURL, ValueError) as error:  # idna.IDNAError is a ValueError
        return f"an address that does not parse ({error})"
    if parsed.scheme not in SCHEMES:
        kind = f"{parsed.scheme}:" if parsed.scheme else "no scheme"
        return f"not a web address ({kind})"
    if not host:
        return "an address without a host"
    if not _resolvable(parsed.raw_host.decode("ascii")):
        return "an address whose host name is too long or has an empty part"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return "an address with a port out of range"
    return None


class BadRedirect(Exception):
    """A redirect kbapp will not follow; its words are the reason the picture failed."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def check_redirect(response: httpx.Response) -> None:
    """The client's response hook: a redirect's target checked before it is followed.

    httpx calls response hooks before it reads a redirect's `Location`, for every hop;
    the exception leaves `Client.stream` with the response closed."""
    if response.has_redirect_location:
        _target, problem = redirect_target(response)
        if problem is not None:
            raise BadRedirect(problem, response.status_code)


def has_hidden_char(text: str) -> bool:
    """Whether `text` holds whitespace (any, `\\u3000` included) or a control character."""
    return any(char.isspace() or unicodedata.category(char) == "Cc" for char in text)


def shown(url: str) -> str:
    """The address as quoted in a reason: visible, and not too long."""
    text = visible(url)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _resolvable(host: str) -> bool:
    """Whether a resolver accepts the name (an IPv6 literal always: httpx checked it)."""
    if ":" in host:
        return True
    labels = host.removesuffix(".").split(".")
    return len(host) <= MAX_HOST and all(0 < len(label) <= MAX_LABEL for label in labels)


__all__ = ["BadRedirect", "check_redirect", "has_hidden_char", "redirect_target", "shown",
           "url_problem", "visible"]  # fmt: skip
