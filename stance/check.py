"""`stance check`: is this database sound? Pure functions over an open connection, no writes.

Each check returns findings: a kind, a severity (an error makes the database unsound; a
warning is worth knowing but harms no figure), how many rows, and up to five examples. The
database is meant to be opened read-only (`open_db(path, read_only=True)`), so checking never
upgrades or repairs anything.

What is checked:
- integrity: SQLite's own `PRAGMA integrity_check` (pages, indexes, constraints);
- foreign keys: `PRAGMA foreign_key_check`, with the common cases named on their own: votes
  whose resolution is missing, votes, statements and relations whose actor is unknown,
  statements and resolutions whose issue is unknown;
- issues without a description or the meaning of +2 and -2 (a warning: stances on them read
  as numbers without a scale);
- imports still marked 'loading': a load writes everything in one transaction and marks its
  import finished before COMMIT, so such a row means a load was interrupted in a way SQLite's
  journal did not undo;
- the schema: migrations this version of Stance knows but the file lacks (a warning: any write
  command upgrades it), or ones it does not know (made by a newer version).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from stance.db import MIGRATIONS
from stance.errors import StanceError

ERROR, WARNING = "error", "warning"
MAX_EXAMPLES = 5


class Unreadable(StanceError):
    "The file cannot be read as SQLite at all: not a database, or not openable here."


@dataclass(frozen=True)
class Finding:
    """One kind of trouble: `count` rows (or problems) described by `what`, a few `examples`."""

    kind: str
    severity: str
    count: int
    what: str
    examples: tuple[str, ...] = ()
    more: bool = False  # examples left out

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        line = f"{self.severity.upper()} {self.kind}: {self.count} {self.what}"
        if self.examples:
            line += f" (e.g. {'; '.join(self.examples)}{', ...' if self.more else ''})"
        return line


# -- helpers -----------------------------------------------------------------------------------


def quoted(name: str) -> str:
    """An SQL identifier as a quoted name: table and column names come from the database itself,
    and a hand-made table called we"ird must not break (or change) the statement."""
    return '"' + name.replace('"', '""') + '"'

def _tables(db: sqlite_utils.Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}


def _grouped(db: sqlite_utils.Database, kind: str, severity: str, what: str, sql: str,
             label: Callable[[tuple], str] = lambda row: f"{row[0]} ({row[1]} rows)") -> list[Finding]:
    """`sql` selects (value, rows) groups, largest first: the count is the sum of rows, the
    examples the first groups."""
    groups = db.execute(sql).fetchall()
    if not groups:
        return []
    total = sum(row[1] for row in groups)
    return [Finding(kind, severity, total, what, tuple(label(row) for row in groups[:MAX_EXAMPLES]),
                    len(groups) > MAX_EXAMPLES)]


# -- the checks --------------------------------------------------------------------------------

def integrity(db: sqlite_utils.Database) -> list[Finding]:
    rows = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    if rows == ["ok"]:
        return []
    capped = " (it stops at 100)" if len(rows) >= 100 else ""
    return [Finding("integrity", ERROR, len(rows), f"problem(s) found by PRAGMA integrity_check{capped}: "
                    "restore a backup, or rebuild with .recover in the sqlite3 shell",
                    tuple(rows[:MAX_EXAMPLES]), len(rows) > MAX_EXAMPLES)]


# (table, parent) pairs the named checks below report in words; foreign_keys() reports the rest.
NAMED_KEYS = {("votes", "resolutions"), ("votes", "actors"), ("statements", "actors"), ("relations", "actors"),
              ("statements", "issues"), ("resolutions", "issues")}


def foreign_keys(db: sqlite_utils.Database) -> list[Finding]:
    """Every broken reference the named checks do not cover (aliases, groups, sources, imports,
    issue parents), grouped by table and referenced table."""
    groups: dict[tuple[str, str, int], list[int]] = {}
    for table, rowid, parent, fkid in db.execute("PRAGMA foreign_key_check").fetchall():
        if (table, parent) not in NAMED_KEYS:
            groups.setdefault((table, parent, fkid), []).append(rowid)
    findings = []
    for (table, parent, fkid), rowids in sorted(groups.items()):
        keys = {row[0]: row for row in db.execute(f"PRAGMA foreign_key_list({quoted(table)})").fetchall()}
        column = keys[fkid][3] if fkid in keys else None
        examples = []
        for rowid in rowids[:MAX_EXAMPLES]:
            value = None
            if column is not None and rowid is not None:
                found = db.execute(f"SELECT {quoted(column)} FROM {quoted(table)} WHERE rowid = ?", [rowid]).fetchone()
                value = found[0] if found else None
            where = f"rowid {rowid}" if rowid is not None else "a row"  # WITHOUT ROWID tables (votes) have none
            examples.append(f"{where}: {column} = {value!r}" if column and rowid is not None else where)
        findings.append(Finding("foreign-key", ERROR, len(rowids),
                                f"{table} row(s) referring to a missing {parent} row"
                                + (f" ({column})" if column else ""), tuple(examples),
                                len(rowids) > MAX_EXAMPLES))
    return findings


def orphan_votes(db: sqlite_utils.Database) -> list[Finding]:
    return _grouped(db, "orphan-vote", ERROR, "vote(s) whose resolution is not in resolutions", """
        SELECT v.resolution, count(*) FROM votes v
        WHERE NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.id = v.resolution)
        GROUP BY v.resolution ORDER BY count(*) DESC, v.resolution""",
                    lambda row: f"{row[0]} ({row[1]} votes)")


def unknown_actors(db: sqlite_utils.Database) -> list[Finding]:
    tables = _tables(db)
    findings = []
    for table, columns in (("votes", ("actor",)), ("statements", ("actor",)),
                           ("relations", ("source_actor", "target_actor"))):
        if table not in tables:
            continue
        union = " UNION ALL ".join(f"SELECT {c} AS code FROM {table}" for c in columns)
        findings += _grouped(db, "unknown-actor", ERROR, f"{table} row(s) whose actor is not in actors"
                             + (" (source or target counted apart)" if len(columns) > 1 else ""), f"""
            SELECT code, count(*) FROM ({union}) t
            WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.code = t.code)
            GROUP BY code ORDER BY count(*) DESC, code""")
    return findings


def unknown_issues(db: sqlite_utils.Database) -> list[Finding]:
    findings = []
    for table in ("statements", "resolutions"):
        findings += _grouped(db, "unknown-issue", ERROR, f"{table} row(s) whose issue is not in issues", f"""
            SELECT t.issue, count(*) FROM {table} t
            WHERE t.issue IS NOT NULL AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.slug = t.issue)
            GROUP BY t.issue ORDER BY count(*) DESC, t.issue""")
    return findings


def undefined_issues(db: sqlite_utils.Database) -> list[Finding]:
    rows = db.execute("""
        SELECT slug, trim(coalesce(description, '')) = '', trim(coalesce(plus_2, '')) = '',
               trim(coalesce(minus_2, '')) = ''
        FROM issues
        WHERE trim(coalesce(description, '')) = '' OR trim(coalesce(plus_2, '')) = ''
           OR trim(coalesce(minus_2, '')) = ''
        ORDER BY slug""").fetchall()
    if not rows:
        return []
    labels = ("description", "+2 meaning", "-2 meaning")
    examples = tuple(f"{slug}: no {', '.join(label for label, gone in zip(labels, flags, strict=True) if gone)}"
                     for slug, *flags in rows[:MAX_EXAMPLES])
    return [Finding("issue-undefined", WARNING, len(rows),
                    "issue(s) without a description or the meaning of +2 and -2", examples,
                    len(rows) > MAX_EXAMPLES)]


def interrupted_imports(db: sqlite_utils.Database) -> list[Finding]:
    rows = db.execute("SELECT id, file, started FROM imports WHERE status = 'loading' ORDER BY id").fetchall()
    if not rows:
        return []
    return [Finding("interrupted-import", ERROR, len(rows),
                    "import(s) still marked 'loading': a load was cut off after writing some rows "
                    "(see their import_id in votes and relations)",
                    tuple(f"import {i}: {file} started {started}" for i, file, started in rows[:MAX_EXAMPLES]),
                    len(rows) > MAX_EXAMPLES)]


def partial_imports(db: sqlite_utils.Database) -> list[Finding]:
    """Files whose load left rows out (--skip-invalid): the database is sound but not the whole file,
    so a figure computed from it (who votes most like whom) may miss a country."""
    rows = db.execute("""
        SELECT file, rows_rejected, rows_read, finished FROM imports
        WHERE rows_rejected > 0 AND status = 'partial'
          AND id = (SELECT max(id) FROM imports AS later WHERE later.file = imports.file)
        ORDER BY id""").fetchall()
    if not rows:
        return []
    return [Finding("partial-import", WARNING, len(rows),
                    "file(s) loaded in part: their latest load rejected rows (see the rejects file, or the Data page)",
                    tuple(f"{file}: {rejected:,} of {read:,} rows rejected ({finished})"
                          for file, rejected, read, finished in rows[:MAX_EXAMPLES]),
                    len(rows) > MAX_EXAMPLES)]


def unlinked_proposals(db: sqlite_utils.Database) -> list[Finding]:
    """Accepted proposals whose statement is gone: deleted or edited into a new id in the
    dashboard (the audit table says which), or by a hand edit of the file. A warning, since the
    decision itself is still recorded."""
    return _grouped(db, "proposal-link", WARNING, "accepted proposal(s) no longer linked to a statement "
                    "(deleted or edited since, see the audit table; or changed outside Stance)", """
        SELECT p.id, 1, p.actor || ' ' || p.issue FROM proposals p
        WHERE p.status = 'accepted'
          AND (p.statement_id IS NULL OR NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = p.statement_id))
        ORDER BY p.decided_at, p.id""", lambda row: f"{row[0]} ({row[2]})")


def schema(db: sqlite_utils.Database) -> list[Finding]:
    pending = [m.name for m in MIGRATIONS.pending(db)]
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    findings = []
    if pending:
        findings.append(Finding("schema", WARNING, len(pending),
                                "schema migration(s) pending: any write command upgrades the file "
                                "(python -m stance init --db FILE)", tuple(pending[:MAX_EXAMPLES]),
                                len(pending) > MAX_EXAMPLES))
    if unknown:
        findings.append(Finding("schema", ERROR, len(unknown),
                                "schema migration(s) this version of Stance does not know: the file was made "
                                "by a newer version, and this one will not write to it (upgrade Stance)",
                                tuple(unknown[:MAX_EXAMPLES]),
                                len(unknown) > MAX_EXAMPLES))
    return findings


# Each check with the tables (and columns) it reads: a check whose tables are missing is
# skipped, since a file that old reports its pending migrations instead.
CHECKS: tuple[tuple[Callable[[sqlite_utils.Database], list[Finding]], tuple[str, ...]], ...] = (
    (integrity, ()),
    (foreign_keys, ()),
    (orphan_votes, ("votes", "resolutions")),
    (unknown_actors, ("actors",)),
    (unknown_issues, ("issues", "statements", "resolutions")),
    (undefined_issues, ("issues",)),
    (interrupted_imports, ("imports",)),
    (partial_imports, ("imports",)),
    (unlinked_proposals, ("proposals", "statements")),
    (schema, ()),
)


def check_database(db: sqlite_utils.Database) -> list[Finding]:
    """Every finding about the database, errors first. Raises Unreadable when the file is
    not SQLite at all (or is encrypted); a damaged SQLite file is an 'integrity' finding."""
    try:
        tables = _tables(db)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise Unreadable("this file is not a SQLite database") from None
        if "unable to open" in str(exc):  # a WAL database needs its -shm file, even to be read
            raise Unreadable("cannot open the database file: if its folder is read-only, SQLite cannot create "
                             "the -wal and -shm files it needs beside it") from None
        return [Finding("integrity", ERROR, 1, f"the file is damaged and cannot be read ({exc})")]
    if "actors" not in tables and "_sqlite_migrations" not in tables:
        return [Finding("schema", ERROR, 1, "this SQLite file is not a Stance database (no actors table)",
                        tuple(sorted(tables)[:MAX_EXAMPLES]), len(tables) > MAX_EXAMPLES)]
    findings: list[Finding] = []
    for check, needs in CHECKS:
        if not set(needs) <= tables:
            continue
        try:
            findings += check(db)
        except sqlite3.DatabaseError as exc:
            if check is integrity:
                findings.append(Finding("integrity", ERROR, 1, f"damaged file: PRAGMA integrity_check stopped with "
                                        f"'{exc}' (restore a backup, or try .recover in the sqlite3 shell)"))
                break  # nothing else can be trusted to read
            findings.append(Finding(check.__name__.replace("_", "-"), ERROR, 1,
                                    f"check could not run: the file is damaged ({exc})"))
    return sorted(findings, key=lambda f: not f.is_error)


def is_clean(findings: list[Finding]) -> bool:
    """No errors (warnings allowed)."""
    return not any(f.is_error for f in findings)
