"""PySide's per-import check (does this module use PySide?), answered from the file:
the same answers as PySide's own, for modules imported after the swap."""

from __future__ import annotations

import sys
from pathlib import Path

import PySide6.QtCore  # noqa: F401  (PySide's import hook)
import pytest

from kbapp.ui import import_scan


def feature_module():  # type: ignore[no-untyped-def]
    module = sys.modules.get("shibokensupport.feature")
    if module is None or not hasattr(module, "pyside_feature_dict"):
        pytest.skip("this PySide has no per-import feature check")
    return module


def test_modules_imported_after_the_swap_are_told_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature = feature_module()
    assert import_scan.speed_up()
    assert import_scan.speed_up()  # a second call keeps the one check
    assert getattr(feature._mod_uses_pyside, "_kbapp_fast", False)
    (tmp_path / "scan_uses_qt.py").write_text(
        "# 中文 comment\nfrom PySide6.QtCore import QObject\n", encoding="utf-8"
    )
    (tmp_path / "scan_plain.py").write_text("import json\nNAME = 'PySide'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    exec("import scan_uses_qt, scan_plain")  # an import statement: PySide's hook sees it
    assert feature.pyside_feature_dict["scan_uses_qt"] == 0  # takes part in switching
    assert feature.pyside_feature_dict["scan_plain"] == -1  # ignored


def test_the_answers_are_pysides_own() -> None:
    feature = feature_module()
    fast = feature._mod_uses_pyside
    original = fast if not getattr(fast, "_kbapp_fast", False) else None
    check = import_scan.uses_pyside_check(lambda module: False)
    import json

    import kbapp.core.day
    import kbapp.ui.sidebar

    assert check(kbapp.ui.sidebar) and not check(kbapp.core.day) and not check(json)
    assert check(sys) is False  # a built-in module: the fallback's answer
    if original is not None:
        for module in (kbapp.ui.sidebar, kbapp.core.day, json):
            assert check(module) == original(module)
