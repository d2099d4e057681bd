"""The worker processes that parse an import's files while its one thread writes: when
they may start, how many, and at what priority."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def yield_to_the_writer() -> None:
    """Workers run at a lower priority: the one writing thread is the pipeline's narrow
    end, and on two cores it would otherwise wait for CPU while parsed files pile up."""
    if hasattr(os, "nice"):
        os.nice(5)


def spawn_is_safe() -> bool:
    """Whether worker processes may start without surprises.

    A spawned worker first re-runs the program's main script (not a `-m package`'s
    `__main__`, not a frozen app). A script without an `if __name__ == "__main__":`
    guard would then run again in every worker: it gets no workers by default.
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if main is None or getattr(sys, "frozen", False):
        return True
    if spec is not None and spec.name.endswith("__main__"):
        return True
    path = getattr(spec, "origin", None) or getattr(main, "__file__", None)
    if path is None:  # an interactive session: nothing to re-run
        return True
    try:
        source = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "__name__" in source and "__main__" in source


def cpu_count() -> int:
    """CPUs this process may use (a container may allow fewer than the machine has)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        count = os.cpu_count() or 1
    return count if count > 1 else 0


__all__ = ["cpu_count", "spawn_is_safe", "yield_to_the_writer"]
