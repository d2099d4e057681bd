"""The image cache on disk, and the names and records that point into it.

Files are stored by content: `<images_dir>/<first two hex digits>/<sha256>`, without an
extension (the library records the type; Qt reads the format from the bytes). The
same picture used by many days, or fetched from two addresses, is one file. A file is
written to a temporary name in its final folder and renamed over, so a reader (or a
crash) never sees half a picture.

Every image a digest references has a *key*, the name of its record in the library's
`image_cache` table:

- a remote image's key is its address as stored (`images.src`, `https://...`);
- a local image's key is `local:<digest date>/<path relative to the note's folder>`,
  the path normalised as the parser does (`./images/a.png` -> `images/a.png`). The date,
  not the note's path on disk, names it: the notes folder may move, the day does not.

`image_key` makes both; use it everywhere a key is needed.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kbapp.core.images.check import Decoder, check_image

LOCAL_PREFIX = "local:"
MAX_BYTES = 20 * 1024 * 1024  # a remote body or a local file larger than this is refused
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(days=1)
_HASH = re.compile(r"^[0-9a-f]{64}$")
_TEMP_PREFIX = ".tmp-"


def image_key(digest_date: str, src: str, is_local: bool) -> str:
    """The cache key of an image of a day (see the module doc)."""
    if not is_local:
        return src
    return f"{LOCAL_PREFIX}{digest_date}/{posixpath.normpath(src.strip().removeprefix('./'))}"


def split_local_key(key: str) -> tuple[str, str]:
    """(digest date, path relative to the note's folder) of a `local:` key."""
    if not key.startswith(LOCAL_PREFIX):
        raise ValueError(f"not a local image key: {key!r}")
    date, _, path = key.removeprefix(LOCAL_PREFIX).partition("/")
    return date, path


def stamp(moment: datetime) -> str:
    """The library's time format (UTC, seconds): ISO strings that sort as times do."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def retry_delay(failures: int) -> timedelta:
    """Backoff after the n-th failure in a row: 5 min, 10, 20, ... at most a day."""
    doublings = min(max(failures - 1, 0), 16)  # 5 min × 2**9 is already over a day
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


@dataclass(frozen=True, slots=True)
class ImageState:
    """What the library knows of one image key.

    `attempts` counts the tries that led to this status (a failure after a success
    starts again at 1), so the backoff follows failures in a row. A failed image keeps
    the `hash` of its last good copy, if it had one. `fetched_at` is the last try.
    """

    url: str
    status: str  # pending, ok or failed
    hash: str | None = None
    type: str | None = None
    size: int | None = None
    attempts: int = 0
    last_error: str | None = None
    next_try_at: str | None = None
    fetched_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching (or copying) one image, handed to the library's writer.

    `attempted` is False when the cache already held the picture and nothing was asked
    of the network or the disk; `not_modified` when the server answered 304.
    """

    url: str
    status: str  # ok or failed
    hash: str | None = None
    type: str | None = None
    size: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None
    attempted: bool = True
    not_modified: bool = False
    previous: ImageState | None = None

    def state(self, now: datetime | None = None) -> ImageState:
        """The image's state once this result is recorded (the library computes the
        same with the previous state it holds)."""
        return next_state(self.previous, self, now or datetime.now(UTC))


def next_state(previous: ImageState | None, result: FetchResult, now: datetime) -> ImageState:
    """The state after `result`, given the state before it: attempts and backoff."""
    if not result.attempted and previous is not None:
        return previous
    tried = 1 if result.attempted else 0
    earlier = previous.attempts if previous is not None and previous.status != "ok" else 0
    if result.status == "ok":
        return ImageState(result.url, "ok", result.hash, result.type, result.size,
                          earlier + tried, None, None, stamp(now), result.etag,
                          result.last_modified)  # fmt: skip
    attempts = earlier + tried
    kept = previous or ImageState(result.url, "failed")
    return replace(
        kept,
        url=result.url,
        status="failed",
        attempts=attempts,
        last_error=result.error or "unknown error",
        next_try_at=stamp(now + retry_delay(attempts)),
        fetched_at=stamp(now),
    )


@dataclass(frozen=True, slots=True)
class CleanReport:
    files: int
    bytes: int


class ImageFiles:
    """The content-addressed cache folder. Safe to use from several threads: every
    write goes through its own temporary file."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path | None:
        """The cached file with this sha256, or None (also for anything not a hash)."""
        if not _HASH.match(digest):
            return None
        path = self._path(digest)
        return path if path.is_file() else None

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store the bytes (atomically; nothing is written when they are there) and
        return their sha256. OSError (disk full, read-only) is the caller's to report."""
        import hashlib  # here, not at import: OpenSSL's loading costs the window's start

        digest = hashlib.sha256(data).hexdigest()
        target = self._path(digest)
        try:
            if target.stat().st_size == len(data):
                return digest
        except FileNotFoundError:
            pass
        import tempfile  # here: the store imports this module, and the window starts quickly

        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())  # the rename must not outrun the bytes
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return digest

    def total(self) -> CleanReport:
        """How many files the cache holds and their bytes."""
        sizes = [path.stat().st_size for path in self._files() if _HASH.match(path.name)]
        return CleanReport(len(sizes), sum(sizes))

    def clean(self, keep: set[str], *, min_age_s: float = 3600.0) -> CleanReport:
        """Delete cached files whose hash is not in `keep`, and abandoned temporary files.

        Files younger than `min_age_s` stay: a fetch running in another process may
        have written one and not yet recorded it. Files that are not ours stay too.
        """
        removed = size = 0
        limit = time.time() - min_age_s
        for path in self._files():
            ours = _HASH.match(path.name) or path.name.startswith(_TEMP_PREFIX)
            try:
                stat = path.stat()
                if not ours or path.name in keep or stat.st_mtime > limit:
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            size += stat.st_size
        for folder in self.root.glob("??"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return CleanReport(removed, size)

    def _files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return [path for path in self.root.glob("??/*") if path.is_file()]


def copy_local_image(
    key: str, note_dir: Path, files: ImageFiles, decoder: Decoder | None = None
) -> FetchResult:
    """Copy a note's local picture into the cache, so the notes folder may go.

    Only a file inside the note's own folder tree is taken: the path is resolved
    (symbolic links too) and must stay below the folder, so `../../secret.png` or an
    absolute path is refused. A missing file or one that is not an image is a failure
    with its reason, never an exception.
    """
    _, relative = split_local_key(key)
    base = note_dir.resolve()
    target = (base / relative).resolve()
    try:
        target.relative_to(base)
    except ValueError:
        return FetchResult(key, "failed", error="refused: outside the note's folder")
    try:
        if not target.is_file():
            return FetchResult(key, "failed", error="missing file")
        if target.stat().st_size > MAX_BYTES:
            return FetchResult(key, "failed", error=f"larger than {MAX_BYTES // 2**20} MB")
        data = target.read_bytes()
    except OSError as error:
        return FetchResult(key, "failed", error=f"cannot read the file: {error.strerror}")
    kind, problem = check_image(data, decoder)
    if problem is not None:
        return FetchResult(key, "failed", error=problem)
    try:
        digest = files.put(data)
    except OSError as error:
        return FetchResult(key, "failed", error=f"cannot write the image cache: {error.strerror}")
    return FetchResult(key, "ok", digest, kind, len(data))


__all__ = [
    "LOCAL_PREFIX",
    "MAX_BYTES",
    "CleanReport",
    "FetchResult",
    "ImageFiles",
    "ImageState",
    "copy_local_image",
    "image_key",
    "next_state",
    "retry_delay",
    "split_local_key",
    "stamp",
]
