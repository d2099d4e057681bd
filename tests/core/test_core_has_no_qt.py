"""The core knows no screen: no module under kbapp/core imports Qt (style.md).

This keeps parsing, the library and identities usable and testable without a
QApplication, and lets them run in a worker or a command-line tool.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kbapp.core

CORE = Path(kbapp.core.__file__).resolve().parent
FORBIDDEN = ("PySide6", "shiboken6", "qtawesome")


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def _is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


CORE_FILES = sorted(CORE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE_MODULES = [_module_name(path) for path in CORE_FILES]
# The command line's paths that never open the window: each command's module.
CLI_MODULES = sorted(_module_name(path) for path in (CORE.parent / "cli").glob("*.py"))


def test_core_has_modules_to_check():
    names = {path.relative_to(CORE).as_posix() for path in CORE_FILES}
    assert {"digest/parser.py", "digest/files.py", "store/library.py", "importer.py"} <= names
    assert "kbapp.cli.images" in CLI_MODULES


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(CORE).as_posix())
def test_core_module_does_not_import_qt(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offenders = [(line, name) for line, name in _imports(tree) if _is_forbidden(name)]
    assert offenders == [], f"{path.name} imports Qt: {offenders}"


def test_the_import_check_sees_qt_imports():
    tree = ast.parse(
        "import PySide6.QtCore\n"
        "from shiboken6 import isValid\n"
        "import qtawesome as qta\n"
        "importlib.import_module('PySide6.QtGui')\n"
        "__import__('qtawesome')\n"
        "import PySide6x\n"
    )
    assert [name for _, name in _imports(tree) if _is_forbidden(name)] == [
        "PySide6.QtCore",
        "shiboken6",
        "qtawesome",
        "PySide6.QtGui",
        "qtawesome",
    ]


def test_importing_the_core_and_the_commands_loads_no_qt():
    """Every module of the core, and every command's module, imported in one process."""
    modules = CORE_MODULES + CLI_MODULES
    code = (
        f"import sys, {', '.join(modules)}\n"
        f"loaded = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
