"""Identities derived from URLs and titles, for joining papers across days (spec §7).

Everything here is a pure function of a string: URL normalisation, the kind of a URL,
arXiv IDs, GitHub repositories, DOIs, WeChat article keys and title keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from kbapp.core.digest.text import key

_SCHEME_SPACE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):\s+//")
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_EMAIL = re.compile(r"^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$")

_HOST_KINDS: tuple[tuple[str, str], ...] = (
    ("arxiv.org", "arxiv"),
    ("arxiv-download.xixiaoyao.cn", "arxiv"),
    ("github.io", "github_pages"),
    ("mp.weixin.qq.com", "wechat"),
    ("openaccess.thecvf.com", "cvf"),
    ("ieeexplore.ieee.org", "ieee"),
    ("openreview.net", "openreview"),
    ("doi.org", "doi"),
    ("bilibili.com", "bilibili"),
    ("b23.tv", "bilibili"),
    ("colab.research.google.com", "colab"),
    ("huggingface.co", "huggingface"),
    ("pan.baidu.com", "baidu_pan"),
)

_ARXIV_PATH = re.compile(
    r"/(?:abs|pdf|ftp/arxiv/papers/\d{4})/(\d{4})\.(\d+)(v\d+)?(?:\.pdf)?/?$", re.IGNORECASE
)
_GITHUB_SUBPATHS = {
    "tree", "blob", "issues", "pulls", "pull", "releases", "wiki", "raw", "commit",
    "commits", "actions", "discussions", "projects", "archive", "tags",
    "graphs", "network", "stargazers", "security", "pulse", "settings", "compare",
}  # fmt: skip
_GITHUB_NOT_OWNERS = {"orgs", "topics", "features", "about", "marketplace", "explore", "sponsors"}
_DOI = re.compile(r"(10\.\d{4,9}/\S+)")


def normalise_url(raw: str) -> str | None:
    """The usable form of a URL as written (spec §4.5); None when there is none."""
    url = raw.strip().strip("*").strip()
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url  # the usual case: none of the rules below changes such a URL
    url = _SCHEME_SPACE.sub(r"\1://", url)
    if _EMAIL.match(url):
        return "mailto:" + url
    if not _HAS_SCHEME.match(url) and "." in url and "@" not in url:
        return "https://" + url.lstrip("/")
    return url


_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#\s]*)")


def host_of(url: str | None) -> str | None:
    """The lower-case host of an absolute URL (a regex: urlsplit is the parser's hot spot)."""
    if not url:
        return None
    match = _HOST.match(url)
    return match.group(1).lower() or None if match else None


@lru_cache(maxsize=8192)
def url_kind(url: str | None) -> str:
    """The kind of site a URL points at (spec §7); cached, as links repeat across days."""
    if not url:
        return "other"
    if url.lower().startswith("mailto:"):
        return "email"
    host = host_of(url)
    if not host:
        return "other"
    return _host_kind(host)


@lru_cache(maxsize=4096)
def _host_kind(host: str) -> str:
    """`url_kind` of a URL on `host` (not empty); cached: far fewer hosts than URLs."""
    if host in ("github.com", "www.github.com"):
        return "github"  # not gist.github.com or other subdomains (spec §7)
    for suffix, kind in _HOST_KINDS:
        if host == suffix or host.endswith("." + suffix):
            return kind
    return "other"


@dataclass(frozen=True, slots=True)
class ArxivRef:
    id: str  # YYMM.NNNNN, no version
    version: str | None  # "v2"
    valid: bool  # False for a malformed sequence number (spec §7: 2206.0467)


@lru_cache(maxsize=8192)
def arxiv_ref(url: str | None) -> ArxivRef | None:
    """The arXiv paper a URL points at, from every path form in spec §7."""
    if url_kind(url) != "arxiv":
        return None
    assert url is not None
    path = url.split("#", 1)[0].split("?", 1)[0]
    match = _ARXIV_PATH.search(path)
    if not match:
        return None
    yymm, seq, version = match.group(1), match.group(2), match.group(3)
    expected = 5 if int(yymm) >= 1501 else 4
    month = int(yymm[2:])
    valid = len(seq) == expected and 1 <= month <= 12
    return ArxivRef(f"{yymm}.{seq}", version.lower() if version else None, valid)


def arxiv_id(url: str | None) -> str | None:
    """The canonical arXiv ID of a URL, or None (also for a malformed one)."""
    ref = arxiv_ref(url)
    return ref.id if ref and ref.valid else None


@dataclass(frozen=True, slots=True)
class GithubRef:
    owner: str
    repo: str | None  # None for an owner-only URL (an organisation or user)
    malformed: bool = False

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.repo}" if self.repo else self.owner


@lru_cache(maxsize=8192)
def github_ref(url: str | None) -> GithubRef | None:
    if url_kind(url) != "github":
        return None
    assert url is not None
    parts = [unquote(p) for p in _github_path(url).split("/") if p]
    if not parts or parts[0].lower() in _GITHUB_NOT_OWNERS:
        return None
    owner = parts[0].lower()
    if len(parts) == 1:
        return GithubRef(owner, None)
    repo = parts[1].lower().removesuffix(".git")
    malformed = len(parts) > 2 and parts[2].lower() not in _GITHUB_SUBPATHS
    return GithubRef(owner, repo, malformed)


# The usual GitHub address: scheme, host and a path of printable ASCII (no port, user,
# or characters `urlsplit` would remove); its path is what follows the host, up to `?`/`#`.
_GITHUB_PATH = re.compile(
    r"(?i:https?)://(?i:(?:www\.)?github\.com)(/[!-\"$->@-~]*)?(?:[?#][!-~]*)?"
)


def _github_path(url: str) -> str:
    """`urlsplit(url).path`, read by a regular expression for the usual addresses."""
    usual = _GITHUB_PATH.fullmatch(url)
    if usual is not None:
        return usual.group(1) or ""
    return urlsplit(url).path


def github_repo(url: str | None) -> str | None:
    """Lower-case `owner/repo` of a GitHub URL; None for owner-only or non-GitHub URLs."""
    ref = github_ref(url)
    return ref.key if ref and ref.repo else None


def doi(url: str | None) -> str | None:
    if not url:
        return None
    if url_kind(url) == "doi" or url.lower().startswith("doi:"):
        match = _DOI.search(unquote(url))
        if match:
            return match.group(1).rstrip("/.").lower()
    return None


_WECHAT_S = re.compile(r"^https?://mp\.weixin\.qq\.com/s/([^/?#\s]+)/?(?:[?#]|$)", re.I)


def article_key(url: str | None) -> str | None:
    """The identity of a WeChat article: `s:<id>` or `biz:<__biz>:<mid>:<idx>`."""
    if url_kind(url) != "wechat":
        return None
    assert url is not None
    fast = _WECHAT_S.match(url)
    if fast:
        return "s:" + fast.group(1)
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.startswith("/s/") and len(path) > 3:
        return "s:" + path[3:]
    query = parse_qs(parts.query)
    biz, mid, idx = (query.get(name, [""])[0] for name in ("__biz", "mid", "idx"))
    if biz and mid:
        return f"biz:{biz}:{mid}:{idx or '1'}"
    return None


def title_key(title: str) -> str:
    """The key that identifies a paper by its title alone (spec §7)."""
    return key(title)


def paper_title_key(text: str) -> str | None:
    """The title key of a paper link's text; None when the text is only a URL."""
    text = text.strip()
    if not text or text.lower().startswith(("http://", "https://", "www.")):
        return None
    return key(text) or None
