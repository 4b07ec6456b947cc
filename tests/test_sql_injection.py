"""SQL stays parameterised: injection strings through every filter, and a check of the SQL text.

Two tests, two angles:

1. At run time. Every read function of stance.queries (and the read side of stance.editing) is
   called on a writable sample database with injection strings in each of its text and list
   filters. Every statement SQLite runs is traced. A marker word rides inside each injection
   string; with bound values it only ever appears inside a string literal of the traced SQL
   (SQLite's trace shows bound values as quoted literals), so the test strips the literals and
   fails if the marker is left, i.e. if a value became SQL text. No call may raise (except
   the deliberate ValueError of an enumerated argument such as body or period), an exact-match
   filter given junk must match nothing, and no table may change.

2. In the source. Building SQL in Python is fine for fixed text; the risk is a value reaching it.
   Chosen rule (documented here because a full data-flow check would be fragile): every `{...}` in
   an f-string that looks like SQL, anywhere in stance/, must be
     - a module-level constant (a name like COUNTED_VOTES whose value is a str, int or tuple of str),
       or a join of one;
     - a run of `?` marks (`_marks(...)`, `", ".join("?" * n)`); or
     - a name in REVIEWED for that file: local SQL fragments built from the above, whose
       construction was read and found to use only constants, schema names and marks.
   A new interpolation fails the test until someone binds the value instead, or reviews it and
   adds it to REVIEWED with the file.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import pkgutil
import re
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import stance.queries
from stance import editing
from stance.db import PROJECT_DIR, open_db
from stance.errors import StanceError
from stance.queries import alignment

RAW = Path(__file__).parent / "fixtures" / "raw"
MARKER = "ZQXMARKER"
INJECTIONS = (
    f"{MARKER}' OR 1=1 --",
    f"x' {MARKER} '",  # breaks out of a '{value}' and leaves the marker outside any literal
    f'"; DROP TABLE votes; -- {MARKER}',
    f"{MARKER}') UNION SELECT sql, sql, sql FROM sqlite_master --",
    f"1; ATTACH DATABASE 'pwn.db' AS pwn; -- {MARKER}",
    f'{MARKER} NEAR( "unclosed AND OR NOT * ^ col:x',  # FTS5 syntax
    f"{MARKER}%_\\*",
    f"{MARKER}\x00after-nul",
    MARKER,
)
# a ValueError naming the allowed values is the right answer
ENUMERATED = {"body", "period", "kinds", "measure", "which", "by"}
WRITERS = {"idealpoints.load_published"}  # reads a file and writes: tested with the loaders, not here
EXACT = {"issue", "issues", "actor", "actors", "a", "b", "code", "codes", "statement_id", "resolution"}
LITERAL = re.compile(r"'(?:[^']|'')*'")


def leaks(sql: str) -> bool:
    """True if an injection string reached this traced SQL as text, not as a bound value.

    SQLite's trace shows a bound text value as a literal with its quotes doubled. So a value
    holding a quote that appears verbatim was pasted in; and the marker outside every literal
    was pasted in as SQL (an identifier, a keyword) whatever the quotes."""
    return MARKER in LITERAL.sub("''", sql) or any("'" in v and v in sql for v in INJECTIONS)


@pytest.fixture(scope="module")
def db_path(sample_gdelt_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("injection") / "stance.db"
    shutil.copy(sample_gdelt_template, path)
    return path


def table_hashes(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {n: hashlib.sha256(repr(sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"')))).encode()).hexdigest()
           for n in names}
    conn.close()
    return out


def read_functions() -> list[tuple[str, object]]:
    """Every public function of stance.queries that takes the database or a VoteMatrix, plus the
    read side of stance.editing."""
    modules = [stance.queries] + [importlib.import_module(f"stance.queries.{m.name}")
                                  for m in pkgutil.iter_modules(stance.queries.__path__)]
    found = []
    for module in modules:
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_") or name == "frame":
                continue  # frame() is the SQL runner itself: its callers are what is tested
            first = next(iter(inspect.signature(func).parameters), "")
            if first in ("db", "vm") and f"{module.__name__.removeprefix('stance.queries.')}.{name}" not in WRITERS:
                found.append((f"{module.__name__.removeprefix('stance.')}.{name}", func))
    found += [("editing.snapshot", editing.snapshot), ("editing.history", editing.history)]
    return found


def arguments(func, value: str, db, vm) -> tuple[dict[str, object], list[str]]:  # noqa: ANN001
    """Keyword arguments with `value` in every text filter and (value,) in every list filter;
    the names of the parameters that got it."""
    kwargs: dict[str, object] = {}
    filled = []
    for p in inspect.signature(func).parameters.values():
        hint = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", str(p.annotation))
        if p.name == "db":
            kwargs[p.name] = db
        elif p.name == "vm":
            kwargs[p.name] = vm
        elif "Sequence[str]" in hint or "tuple[str" in hint:
            kwargs[p.name] = (value,)
            filled.append(p.name)
        elif hint in ("str", "str | None"):
            kwargs[p.name] = value
            filled.append(p.name)
        elif hint == "Selection":
            from stance.queries.measures import Selection

            kwargs[p.name] = Selection(body="both", issue=value)
            filled.append(p.name)
        elif hint == "int":
            kwargs[p.name] = 2017
        elif hint == "tuple[int, int]":
            kwargs[p.name] = (2006, 2017)
        elif p.default is inspect.Parameter.empty:
            raise AssertionError(f"{func.__name__}: no test value for {p.name}: {hint}; teach arguments() one")
    return kwargs, filled


@pytest.mark.parametrize("name, func", read_functions(), ids=[n for n, _ in read_functions()])
def test_injection_strings_through_every_filter(db_path: Path, name: str, func) -> None:  # noqa: ANN001
    before = table_hashes(db_path)
    db = open_db(db_path)  # writable on purpose: an injection that got through could do damage
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    vm = alignment.vote_matrix(db)
    try:
        for value in INJECTIONS:
            kwargs, filled = arguments(func, value, db, vm)
            for enum in ENUMERATED & set(filled):  # first the junk, then a valid value to reach the rest
                with pytest.raises(ValueError, match="must be one of"):
                    func(**kwargs)
                kwargs[enum] = {"body": "both", "period": "year", "kinds": "both", "measure": "agreement",
                                "which": ("agreement",), "by": "year"}[enum]
                filled.remove(enum)
            try:
                result = func(**kwargs)
            except StanceError:  # a plain refusal (no General Assembly votes to fit): nothing ran as SQL text
                continue
            if isinstance(result, pd.DataFrame) and EXACT & set(filled) and len(result):
                pytest.fail(f"{name}({', '.join(filled)}={value!r}) matched {len(result)} row(s)")
    finally:
        db.conn.set_trace_callback(None)
        db.close()
    leaked = [sql for sql in statements if leaks(sql)]
    assert not leaked, f"a value became SQL text in {name}:\n{leaked[0][:1000]}"
    assert table_hashes(db_path) == before


def test_the_trace_would_see_an_unbound_value(db_path: Path) -> None:
    """The check above can fail: the same trace flags a value pasted into the SQL text."""
    db = open_db(db_path, read_only=True)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    value = INJECTIONS[0]
    db.execute(f"SELECT count(*) FROM issues WHERE slug = '{value}'").fetchone()  # the bug, on purpose
    db.execute("SELECT count(*) FROM issues WHERE slug = ?", [value]).fetchone()  # the right way
    db.execute(f"SELECT count(*) AS {MARKER} FROM issues").fetchone()  # a value as an identifier
    db.execute("SELECT count(*) AS n FROM issues WHERE slug = ?", [MARKER]).fetchone()
    db.close()
    assert [leaks(sql) for sql in statements] == [True, False, True, False]


# --- The source ---------------------------------------------------------------------------------

SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|FROM|WHERE|JOIN|PRAGMA|ALTER|VALUES)\b")
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
JOINED_CONSTANT = re.compile(r"^', '\.join\((_?[A-Z][A-Z0-9_]*)\)$")
# file -> interpolated names read and found to hold only fixed SQL: constants, schema names, ? marks.
REVIEWED = {
    "stance/check.py": {"c", "table", "column", "union", "capped", "exc",  # schema names; message text
                        "quoted(table)", "quoted(column)"},
    "stance/editing.py": {"names", "marks"},
    "stance/extract/store.py": {"names", "where", "order"},
    "stance/ingest/bulk.py": {"self.name", "self.table", "cols", "key", "names", "updates", "differs", "join", "found",
                              "match", "marks", "', '.join(self.key)"},  # Stage's fixed table and column tuples
    "stance/ingest/load.py": {"table", "names", "marks", "', '.join(key)", "updates"},  # a format's TABLE,
    # TABLE_COLUMNS and primary key (_PRIMARY_KEYS), all fixed in code
    "stance/queries/idealpoints.py": {"table", "', '.join(cols)"},  # _insert: ideal-point tables and columns
    "stance/queries/team.py": {"done", "where"},  # fixed "AND ... = ?" fragments chosen by a flag
    "stance/team.py": {"where"},  # "AND issue IN (?, ?, ...)"
    "stance/queries/__init__.py": {"where", "name"},
    "stance/queries/compare.py": {"points", "where", "select", "table", "issue_col", "day_col", "op"},
    "stance/queries/explore.py": {"where", "source", "branch.where('r.date >= ?', 'r.date <= ?')"},
    "stance/queries/quality.py": {"name"},
    "stance/queries/relations.py": {"columns", "day", "rows"},
    "stance/package.py": {"table", "_order(db, table)"},  # DIGEST_TABLES names; their key columns, quoted
}


def sql_interpolations() -> list[tuple[str, int, str]]:
    """(file, line, expression) of every {...} in an f-string whose text looks like SQL."""
    found = []
    for path in sorted((PROJECT_DIR / "stance").rglob("*.py")):
        rel = path.relative_to(PROJECT_DIR).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_WORDS.search(text):
                found += [(rel, v.lineno, ast.unparse(v.value)) for v in node.values
                          if isinstance(v, ast.FormattedValue)]
    return found


def module_constant(rel: str, name: str) -> object:
    module = importlib.import_module(rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__"))
    return getattr(module, name, None)


def test_sql_fstrings_interpolate_only_constants_marks_and_reviewed_fragments() -> None:
    found = sql_interpolations()
    assert len(found) > 50, "the scan finds the SQL f-strings"
    bad = []
    for rel, line, expr in found:
        constant = CONSTANT.match(expr) or JOINED_CONSTANT.match(expr)
        if constant:
            value = module_constant(rel, constant.group(1) if constant.groups() else expr)
            if isinstance(value, (str, int)) or (isinstance(value, tuple) and all(isinstance(v, str) for v in value)):
                continue
        if "_marks(" in expr or "'?' *" in expr:
            continue
        if expr in REVIEWED.get(rel, set()):
            continue
        bad.append(f"{rel}:{line}: {{{expr}}}")
    assert not bad, ("SQL built with values that are not fixed: bind them as ? parameters, or review the "
                     "fragment and add it to REVIEWED:\n" + "\n".join(bad))
