"""Is this an address kbapp may fetch a picture from? Asked of every image address
before its request and of every redirect's target before it is followed, so that a
digest or a server cannot make the download of one picture fail in a way that stops the
others (httpx raises `InvalidURL`, outside its `HTTPError`, for an address it cannot
parse) or send kbapp to another kind of address (file:, ftp:, javascript:)."""

from __future__ import annotations

import httpx

SCHEMES = ("http", "https")
SHOWN = 120  # characters of a bad address quoted in its reason


def url_problem(url: str) -> str | None:
    """None when `url` is a parseable http(s) address with a host, else why not."""
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        return f"a space or control character in the address {shown(url)}"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        return f"an address that does not parse ({error}): {shown(url)}"
    if parsed.scheme not in SCHEMES:
        kind = f"{parsed.scheme}:" if parsed.scheme else "no scheme"
        return f"not a web address ({kind}): {shown(url)}"
    if not parsed.host:
        return f"no host in the address {shown(url)}"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return f"a port out of range in the address {shown(url)}"
    return None


def redirect_target(response: httpx.Response) -> tuple[str | None, str | None]:
    """Where a redirect points (absolute), or why it cannot be followed."""
    location = response.headers.get("Location", "")
    if not location:
        return None, f"HTTP {response.status_code} redirect without a Location"
    try:
        target = str(response.url.join(location))
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        return None, f"redirected to an address that does not parse ({error}): {shown(location)}"
    problem = url_problem(target)
    if problem is not None:
        return None, f"redirected to {problem}"
    return target, None


class BadRedirect(Exception):
    """A redirect kbapp will not follow; its words are the reason the picture failed."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def check_redirect(response: httpx.Response) -> None:
    """The client's response hook: a redirect's target checked before it is followed."""
    if response.has_redirect_location:
        _target, problem = redirect_target(response)
        if problem is not None:
            raise BadRedirect(problem, response.status_code)


def shown(url: str) -> str:
    """The address as quoted in a reason: visible, and not too long."""
    text = url.encode("unicode_escape").decode("ascii")
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


__all__ = ["BadRedirect", "check_redirect", "redirect_target", "shown", "url_problem"]
