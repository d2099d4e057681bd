"""SQL lives in `kbapp/core/store/`: nowhere else in kbapp may a string hold an SQL
statement or a call run one (`.execute(`, `.executemany(`, `.executescript(` on anything).

The scan reads each module's syntax tree, not its text: docstrings and comments may talk
about SQL, code may not hold it. An f-string is read with `{}` for its fields, so that
`f"SELECT {columns} FROM items"` is still one statement.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

KBAPP = Path(__file__).resolve().parents[1] / "kbapp"
STORE = KBAPP / "core" / "store"

# Upper-case keywords (as SQL is written here) in the shape of a statement: prose such
# as "Select a day" or "update the sidebar" is not SQL.
SQL = re.compile(
    r"""
      \bSELECT\b [\s\S]*? \bFROM\b
    | \bSELECT \s+ (?: \d | COUNT | EXISTS | DISTINCT | \* | \w+ \s* \( )
    | \bINSERT \s+ (?: OR \s+ [A-Z]+ \s+ )? INTO \b
    | \bREPLACE \s+ INTO \b
    | \bUPDATE \s+ [\w."]+ \s+ SET \b
    | \bDELETE \s+ FROM \b
    | \bCREATE \s+ (?: (?: TEMP | TEMPORARY | UNIQUE | VIRTUAL ) \s+ )?
          (?: TABLE | INDEX | VIEW | TRIGGER ) \b
    | \bDROP \s+ (?: TABLE | INDEX | VIEW | TRIGGER ) \b
    | \bALTER \s+ TABLE \b
    | \bPRAGMA \s+ \w+
    | ^ \s* BEGIN (?: \s+ (?: DEFERRED | IMMEDIATE | EXCLUSIVE | TRANSACTION ) )* \s* ;? \s* $
    | ^ \s* (?: COMMIT | ROLLBACK ) (?: \s+ TRANSACTION | \s+ TO \s+ \w+ )? \s* ;? \s* $
    | \bSAVEPOINT \s+ \w+
    | ^ \s* RELEASE \s+ (?: SAVEPOINT \s+ )? \w+ \s* ;? \s* $
    """,
    re.VERBOSE,
)
EXECUTE = frozenset({"execute", "executemany", "executescript"})


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (prose, never run)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                ids.add(id(body[0].value))
    return ids


def _fstring_text(node: ast.JoinedStr) -> str:
    return "".join(
        part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "{}"
        for part in node.values
    )


def find_sql(source: str, path: str = "<sample>") -> list[Offence]:
    """Every SQL string and execute-call in `source`, in line order."""
    tree = ast.parse(source, filename=path)
    skip = _docstrings(tree)
    found: list[Offence] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)  # read whole, below
            text = _fstring_text(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in skip:
                continue
            text = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in EXECUTE
        ):
            found.append(Offence(path, node.lineno, f"call of .{node.func.attr}("))
            continue
        else:
            continue
        if SQL.search(text):
            found.append(Offence(path, node.lineno, repr(" ".join(text.split()))))
    return sorted(found, key=lambda offence: (offence.line, offence.what))


def modules_outside_the_store() -> list[Path]:
    return sorted(path for path in KBAPP.rglob("*.py") if STORE not in path.parents)


def test_no_sql_outside_the_store() -> None:
    offences = [
        offence
        for path in modules_outside_the_store()
        for offence in find_sql(
            path.read_text(encoding="utf-8"), path.relative_to(KBAPP.parent).as_posix()
        )
    ]
    assert not offences, "SQL outside kbapp/core/store/ (move it into the store):\n" + "\n".join(
        map(str, offences)
    )


def test_the_scan_sees_the_modules() -> None:
    modules = {path.relative_to(KBAPP).as_posix() for path in modules_outside_the_store()}
    assert {"cli/__init__.py", "ui/main_window.py", "core/importer.py"} <= modules
    assert not any(name.startswith("core/store/") for name in modules)


SAMPLE = '''
"""A module that talks about SELECT x FROM y and PRAGMA user_version: prose."""

QUERY = "SELECT key, title FROM items WHERE date = ?"
COUNT = "SELECT COUNT(*) FROM items"
TABLE = f"CREATE TABLE IF NOT EXISTS {name} (a, b)"
COLUMNS = f"SELECT {columns} FROM papers"
BUMP = "UPDATE ratings SET stars = ? WHERE key = ?"
GONE = "DELETE FROM notes"
ADD = "INSERT OR IGNORE INTO links VALUES (?, ?)"
VERSION = "PRAGMA data_version"
START = "BEGIN IMMEDIATE"
DONE = "COMMIT"


def run(db):
    """Runs SELECT 1 (a docstring: not caught)."""
    db.execute(QUERY)
    connection.cursor().executemany(ADD, [])
    db.conn.executescript(TABLE)


LABELS = ["Select a day", "Update the sidebar", "Delete from the list", "Begin", "commit"]
HELP = "Press Enter to open; SELECT is a key word in SQL"
'''


def test_the_detector_catches_sql_and_leaves_prose_alone() -> None:
    offences = find_sql(SAMPLE)
    lines = {offence.line for offence in offences}
    assert lines == {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 18, 19, 20}, "\n".join(map(str, offences))
    calls = [offence.what for offence in offences if offence.what.startswith("call")]
    assert calls == ["call of .execute(", "call of .executemany(", "call of .executescript("]
    assert find_sql('"""PRAGMA user_version"""\nx = "SELECT a day"\n') == []
