"""Image and video lines: `<img>`, `<video>` and `![](…)`, read tag by tag (spec §6).

A media line is parsed on its own; the rest of the file is never handed to an HTML
parser, because the digests leave `<div>`s unclosed.
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from kbapp.core.digest.identities import host_of
from kbapp.core.digest.model import Image, Video

# Case-blind only where a letter is: a pattern that is case-blind throughout cannot look
# for its `<` as a plain character first, and tries every position.
_TAG = re.compile(r"<((?i:img|video))(\s[^>]*)>?")
# An attribute follows white space or the quote closing the previous one
# (`controls=""src="…"` occurs in the digests).
_ATTR = re.compile(
    r"(?<=[\s\"'])([a-zA-Z_:][-\w:.]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))"
)
_SRC_ATTR = re.compile(r"(?<=[\s\"'])src\s*=", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
_ZOOM = re.compile(r"zoom\s*:\s*(\d+)\s*%", re.IGNORECASE)
_MMBIZ_SEGMENT = re.compile(r"(?:^|/)(?:sz_)?mmbiz_(png|jpg|jpeg|gif|webp)(?:/|$)")
_EXTENSION = re.compile(r"\.(png|jpe?g|gif|webp|bmp|svg)$", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


_DIV_TAG = re.compile(r"</?(?i:div)\b[^>]*>?")


def _tags(line: str) -> tuple[re.Match[str], ...]:
    """`<img>`/`<video>` tags that name a source; a bare `<img` is just text."""
    if "<" not in line:
        return ()
    return _tags_of(line)


@lru_cache(maxsize=16)
def _tags_of(line: str) -> tuple[re.Match[str], ...]:
    # Cached: a media line is asked three times in a row (is_media_line, parse, strip).
    return tuple(m for m in _TAG.finditer(line) if _SRC_ATTR.search(m.group(2)))


def is_media_line(line: str) -> bool:
    return ("<" in line or "![" in line) and bool(_tags(line) or _MD_IMAGE.search(line))


def strip_media(line: str) -> str:
    """The line without its media tags and `<div>` wrappers: text that must be kept."""
    for match in reversed(_tags(line)):
        line = line[: match.start()] + line[match.end() :]
    return _DIV_TAG.sub("", _MD_IMAGE.sub("", line))


def unescape(text: str) -> str:
    """`html.unescape(text)`, a piece at a time: a character reference starts at an `&`
    and never holds one, so each piece from an `&` to the next unescapes alone; the
    pieces of image addresses (`&tp=webp`, `&wx_lazy=1`) repeat, and are cached."""
    if "&" not in text:
        return text
    head, *pieces = text.split("&")
    return head + "".join(map(_unescape_piece, pieces))


@lru_cache(maxsize=4096)
def _unescape_piece(piece: str) -> str:
    return html.unescape("&" + piece)


def _attributes(tag_body: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(tag_body):
        name, double, single, bare = match.groups()
        value = (
            double
            if double is not None
            else single
            if single is not None
            else bare
            if bare is not None
            else ""
        )
        attrs.setdefault(name.lower(), value)
    return attrs


def _normal_format(value: str) -> str | None:
    value = value.lower()
    if value in ("jpg", "jpeg"):
        return "jpeg"
    return value if value in ("png", "gif", "bmp", "svg") else None


_WX_FMT = re.compile(r"^(?i:https?://mmbiz\.qpic\.cn/)[^?#]*\?(?:[^#]*&)?(?i:wx_fmt=([A-Za-z]+))")


def format_hint(src: str) -> str | None:
    """The image format a URL names (spec §6.1); WebP is only a transport hint."""
    fast = _WX_FMT.match(src)  # nine in ten digest images: skip the URL parsing
    if fast:
        return _normal_format(fast.group(1))
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    if host.endswith("mmbiz.qpic.cn"):
        if query.get("wx_fmt"):
            return _normal_format(query["wx_fmt"][0])
        segment = _MMBIZ_SEGMENT.search(parts.path)
        return _normal_format(segment.group(1)) if segment else None
    if host == "gimg2.baidu.com" or "src=" in parts.path:
        # The proxy's own parameters sit in the path, before the real query.
        inner = parse_qs(parts.path.split("/")[-1])
        fmt = inner.get("fmt", [""])[0]
        if fmt and fmt != "auto":
            return _normal_format(fmt)
        inner_src = inner.get("src", [""])[0]
        ext = _EXTENSION.search(urlsplit(inner_src).path) if inner_src else None
        return _normal_format(ext.group(1)) if ext else None
    ext = _EXTENSION.search(parts.path)
    return _normal_format(ext.group(1)) if ext else None


def _image(src_raw: str, line: int, *, alt: str | None, zoom: int | None, in_div: bool) -> Image:
    src = unescape(src_raw).strip()
    flags = ["truncated_query"] if src_raw.endswith(("&amp", "&")) else []
    if src and not _HAS_SCHEME.match(src):
        local = posixpath.normpath(src.removeprefix("./"))
        hint = format_hint("file:///" + src)
        return Image(src_raw, src, line, True, None, hint, zoom, alt, in_div, local, flags)
    hint = format_hint(src)
    return Image(src_raw, src, line, False, host_of(src), hint, zoom, alt, in_div, None, flags)


def parse_media(
    line: str, number: int, in_div: bool | None = None
) -> tuple[list[Image], list[Video]]:
    """Every image and video on one media line (`in_div`: whether it starts with a
    `<div`, when the caller knows)."""
    if in_div is None:
        in_div = line.lstrip().lower().startswith("<div")
    images: list[Image] = []
    videos: list[Video] = []
    for match in _tags(line):
        attrs = _attributes(match.group(2))
        src_raw = attrs.get("src", "")
        if match.group(1).lower() == "video":
            src = unescape(src_raw).strip()
            videos.append(Video(src_raw, src, number, host=host_of(src), wrapped_in_div=in_div))
            continue
        zoom = _ZOOM.search(attrs.get("style", ""))
        images.append(
            _image(
                src_raw,
                number,
                alt=attrs.get("alt"),
                zoom=int(zoom.group(1)) if zoom else None,
                in_div=in_div,
            )
        )
    for match in _MD_IMAGE.finditer(line):
        images.append(_image(match.group(2), number, alt=match.group(1), zoom=None, in_div=in_div))
    return images, videos
