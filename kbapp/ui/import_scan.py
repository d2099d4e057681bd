"""PySide's check of every module imported after it, made cheap.

Once PySide6 is loaded, its import hook asks of each newly imported module whether it
uses PySide, for its `from __feature__ import ...` switches (PYSIDE-2029), by searching
the module's source for "PySide6". It reads that source with `inspect.getsource`, which
goes through the line cache and the tokenizer's encoding detection: measured at 15-25 ms
for the ~130 modules kbapp imports between the first Qt import and the window's first
paint, against ~110 ms for a whole bare Qt window.

`speed_up` swaps that check for one that answers the same question by reading the
module's file as bytes (the ASCII "PySide6" reads the same in any ASCII-compatible
encoding, which Python source is), falling back to PySide's own for anything else (a
module without a `.py` file). Where PySide's internals differ (another version), it does
nothing and the start is merely slower.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_kbapp_fast"


def speed_up() -> bool:
    """Install the cheaper check (once); False where PySide has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, _MARK, False):
        feature._mod_uses_pyside = uses_pyside_check(original)  # type: ignore[attr-defined]
    return True


def uses_pyside_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """PySide's question (does this module's source name PySide6?) asked of the file."""

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not (isinstance(path, str) and path.endswith(".py")):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:  # as PySide's own: a module without its source does not use it
            return False

    setattr(uses_pyside, _MARK, True)
    return uses_pyside
