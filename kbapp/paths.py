"""Where kbapp keeps its files, resolved in one place so tests and users can redirect it.

The library is one SQLite file. Its path comes from, in order: the `--library PATH`
option of any command, the `KBAPP_LIBRARY` environment variable, and the platform's
user data folder (`~/.local/share/kbapp/library.sqlite` on Linux). Nothing is read or
created at import time: callers ask when they need a path.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "kbapp"
LIBRARY_ENV = "KBAPP_LIBRARY"
CONFIG_ENV = "KBAPP_CONFIG_DIR"
CACHE_ENV = "KBAPP_CACHE_DIR"
LIBRARY_FILE = "library.sqlite"
log = logging.getLogger(__name__)


def default_library_path() -> Path:
    """The library in the platform's per-user data folder (not created here)."""
    import platformdirs  # only when no path was given: it costs the start ~6 ms

    return platformdirs.user_data_path(APP_NAME) / LIBRARY_FILE


def config_dir() -> Path:
    """kbapp's settings folder: `KBAPP_CONFIG_DIR`, else the platform's user config
    folder (`~/.config/kbapp` on Linux); not created here."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def cache_dir() -> Path:
    """kbapp's cache folder, for what can be made again (the window's icons):
    `KBAPP_CACHE_DIR`, else the platform's user cache folder (`~/.cache/kbapp` on
    Linux); not created here."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)


def samples_dir() -> Path:
    """The built-in sample digests shipped in the package (`resources/samples`)."""
    from importlib import resources

    return Path(str(resources.files("kbapp.resources") / "samples"))


def library_path(
    option: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The library file to open: the command-line option, else the environment, else
    the default. `environ` defaults to `os.environ`, read at call time."""
    if option is not None and str(option) != "":
        log.debug("library from the option: %s", option)
        return Path(option).expanduser()
    env = os.environ if environ is None else environ
    from_env = env.get(LIBRARY_ENV, "")
    if from_env:
        log.debug("library from $%s: %s", LIBRARY_ENV, from_env)
        return Path(from_env).expanduser()
    log.debug("library: the default")
    return default_library_path()


__all__ = [
    "APP_NAME",
    "CACHE_ENV",
    "CONFIG_ENV",
    "LIBRARY_ENV",
    "LIBRARY_FILE",
    "cache_dir",
    "config_dir",
    "default_library_path",
    "library_path",
    "samples_dir",
]
