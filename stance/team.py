"""Coding as a team: coders, a drawn sample for blind second coding, adjudication, the codebook.

Every write here takes the write lock (stance.db.write_transaction), refuses read-only mode, and
adds rows rather than changing them: a second coding, once made, is final (a trigger refuses a
change), an adjudication is a new row that says who decided what and why, and a changed definition
is a new codebook version. A statement that takes an adjudicated value is edited through
stance.editing, so the audit trail holds the change like any other edit.

The first coding of a unit is copied into `codings` when the unit is drawn: the statement's stance
will change if an adjudication says so, and reliability must be measured on what the first coder
said, not on the settled value.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlite_utils

from stance import editing
from stance.db import read_only_mode, write_transaction
from stance.editing import ReadOnlyError
from stance.errors import Problem, StanceError, ValidationError

T = TypeVar("T")
KINDS = ("statement", "proposal")
DEFINITION_FIELDS = ("title", "description", "plus_2", "minus_2", "rules", "examples")
SHORT_ID = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
MACHINE = "extractor"  # the first "coder" of a proposal: the extraction assistant's rules


class TeamError(StanceError):
    "A team-coding action that cannot be done as asked (an unknown coder, a unit already coded)."


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _refuse_read_only(db: sqlite_utils.Database) -> None:
    if read_only_mode():
        raise ReadOnlyError("read-only mode (STANCE_READ_ONLY=1): team coding writes nothing")
    if db.execute("PRAGMA query_only").fetchone()[0]:
        raise ReadOnlyError("the database connection is read-only")


def _problem(field: str, reason: str) -> ValidationError:
    return ValidationError([Problem("team", 0, field, reason)])


def _locked(db: sqlite_utils.Database, work: Callable[[], T]) -> T:
    """One transaction holding the write lock; a refused constraint becomes a plain message."""
    _refuse_read_only(db)
    try:
        with write_transaction(db):
            return work()
    except sqlite3.IntegrityError as exc:
        raise TeamError(f"the database refused the change ({exc}); nothing was written") from None
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            raise ReadOnlyError(f"the database is read-only ({exc})") from None
        raise


# --- Coders ---------------------------------------------------------------------------------------

def add_coder(db: sqlite_utils.Database, name: str, short_id: str) -> str:
    """Register a person who codes; returns the short id every coding of theirs carries."""
    name, short_id = (name or "").strip(), (short_id or "").strip()
    problems = []
    if not name:
        problems.append(Problem("team", 0, "name", "missing"))
    if not SHORT_ID.match(short_id):
        problems.append(Problem("team", 0, "short id", "1-12 letters, digits, - or _ (e.g. 'AB')"))
    if problems:
        raise ValidationError(problems)

    def work() -> str:
        clash = db.execute("SELECT id, name FROM coders WHERE id = ? OR name = ?", [short_id, name]).fetchone()
        if clash:
            raise TeamError(f"a coder is already registered as {clash[0]} ({clash[1]})")
        db.execute("INSERT INTO coders (id, name, since) VALUES (?, ?, ?)", [short_id, name, _now()])
        return short_id

    return _locked(db, work)


def coder_id(db: sqlite_utils.Database, text: str) -> str:
    """A registered coder's short id from their id or name (case-insensitive), else a TeamError."""
    row = db.execute("SELECT id FROM coders WHERE lower(id) = lower(?) OR lower(name) = lower(?)",
                     [text.strip(), text.strip()]).fetchone()
    if row is None:
        raise TeamError(f"no coder {text!r}; register them first (python -m stance reliability coder NAME ID)")
    return row[0]


# --- Drawing a sample -----------------------------------------------------------------------------

@dataclass
class Drawn:
    """What a draw assigned: the units and how many there were to draw from."""
    units: list[str]
    candidates: int
    sample: str


def _candidates(db: sqlite_utils.Database, kind: str, issues: Sequence[str], second: str) -> list[tuple]:
    """(unit id, issue, first coder, first stance) not yet assigned to this coder, in id order
    (a stable order is what makes a seeded draw reproducible)."""
    marks = ", ".join("?" * len(issues))
    where = f"AND issue IN ({marks})" if issues else ""
    if kind == "statement":
        sql = (f"SELECT id, issue, COALESCE(NULLIF(trim(coder), ''), 'unknown'), stance FROM statements "
               f"WHERE 1 {where}")
    else:
        sql = f"SELECT id, issue, '{MACHINE}', stance FROM proposals WHERE status = 'pending' {where}"
    taken = {r[0] for r in db.execute("SELECT unit_id FROM codings WHERE unit_kind = ? AND role = 'second' "
                                      "AND coder = ?", [kind, second]).fetchall()}
    rows = db.execute(sql + " ORDER BY id", list(issues)).fetchall()
    return [r for r in rows if r[0] not in taken and r[2] != second]


def draw(db: sqlite_utils.Database, share: float, second: str, seed: int, drawn_by: str,
         issues: Sequence[str] = (), kind: str = "statement") -> Drawn:
    """Assign a seeded random share of the units (statements, or pending proposals) to a second coder.

    The same database, share, issues, coder and seed draw the same units. Units the coder coded
    first, or already has, are left out. Each drawn unit gets the first coding (copied now) and an
    empty second coding that the Double-code page fills in."""
    if kind not in KINDS:
        raise _problem("kind", f"one of {', '.join(KINDS)}")
    if not 0 < share <= 1:
        raise _problem("share", "a fraction above 0 and at most 1 (0.2 for a fifth)")
    second = coder_id(db, second)
    known = {r[0] for r in db.execute("SELECT slug FROM issues").fetchall()}
    unknown = [i for i in issues if i not in known]
    if unknown:
        raise _problem("issue", f"no such issue: {', '.join(unknown)}")
    label = f"{kind}s share={share:g} seed={seed} coder={second}" + (f" issues={','.join(issues)}" if issues else "")

    def work() -> Drawn:
        pool = _candidates(db, kind, issues, second)
        n = min(len(pool), max(1, round(share * len(pool)))) if pool else 0
        chosen = sorted(random.Random(seed).sample(pool, n))
        now = _now()
        version = _current_versions(db)
        for unit, issue, first, stance in chosen:
            db.execute("INSERT OR IGNORE INTO codings (unit_kind, unit_id, issue, role, coder, stance, "
                       "codebook_version, sample, drawn_at, drawn_by, coded_at) "
                       "VALUES (?, ?, ?, 'first', ?, ?, ?, ?, ?, ?, ?)",
                       [kind, unit, issue, first, stance, _coded_under(db, kind, unit, version.get(issue)),
                        label, now, drawn_by, now])
            db.execute("INSERT INTO codings (unit_kind, unit_id, issue, role, coder, sample, drawn_at, drawn_by) "
                       "VALUES (?, ?, ?, 'second', ?, ?, ?, ?)", [kind, unit, issue, second, label, now, drawn_by])
        return Drawn([c[0] for c in chosen], len(pool), label)

    return _locked(db, work)


def _current_versions(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(db.execute("SELECT issue, max(version) FROM codebook GROUP BY issue").fetchall())


def _coded_under(db: sqlite_utils.Database, kind: str, unit: str, current: int | None) -> int | None:
    if kind == "statement":
        row = db.execute("SELECT version FROM statement_codebook WHERE statement_id = ?", [unit]).fetchone()
        if row:
            return row[0]
    return current


# --- Second coding --------------------------------------------------------------------------------

def code(db: sqlite_utils.Database, coding_id: int, stance: int, coder: str, note: str | None = None) -> None:
    """The second coder's value for one assigned unit, under the issue's current codebook version."""
    if stance not in (-2, -1, 0, 1, 2):
        raise _problem("stance", "one of -2, -1, 0, +1, +2")

    def work() -> None:
        row = db.execute("SELECT coder, stance, issue FROM codings WHERE id = ? AND role = 'second'",
                         [coding_id]).fetchone()
        if row is None:
            raise TeamError(f"no second coding {coding_id}")
        if row[0] != coder:
            raise TeamError(f"unit {coding_id} is assigned to {row[0]}, not {coder}")
        if row[1] is not None:
            raise TeamError(f"unit {coding_id} was already coded ({row[1]:+d}); a coding is final")
        db.execute("UPDATE codings SET stance = ?, coded_at = ?, note = ?, codebook_version = ? WHERE id = ?",
                   [stance, _now(), (note or "").strip() or None, _current_versions(db).get(row[2]), coding_id])

    _locked(db, work)


# --- Adjudication ---------------------------------------------------------------------------------

def adjudicate(db: sqlite_utils.Database, kind: str, unit: str, decided: int, who: str, why: str) -> str:
    """Settle a disagreement: record the decision, who and why; the unit takes the decided value.

    A statement is edited through stance.editing (an audit row; a changed stance is a new id, which
    its codings follow); a pending proposal's stance is changed and marked edited. Returns the
    unit's id after the decision."""
    problems = []
    if decided not in (-2, -1, 0, 1, 2):
        problems.append(Problem("team", 0, "decided", "one of -2, -1, 0, +1, +2"))
    if not (who or "").strip():
        problems.append(Problem("team", 0, "who", "missing (who decided)"))
    if not (why or "").strip():
        problems.append(Problem("team", 0, "why", "missing (say why, for the record)"))
    if problems:
        raise ValidationError(problems)

    def work() -> str:
        codings = dict(db.execute("SELECT role, stance FROM codings WHERE unit_kind = ? AND unit_id = ? "
                                  "AND stance IS NOT NULL ORDER BY id", [kind, unit]).fetchall())
        if "second" not in codings:
            raise TeamError(f"{kind} {unit} has no second coding to adjudicate")
        issue = db.execute("SELECT issue FROM codings WHERE unit_kind = ? AND unit_id = ?", [kind, unit]).fetchone()[0]
        after = _apply(db, kind, unit, decided, who, why)
        db.execute("INSERT INTO adjudications (unit_kind, unit_id, issue, first_stance, second_stance, decided, "
                   "who, why, at, before_id, after_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [kind, after, issue, codings.get("first"), codings["second"], decided, who.strip(), why.strip(),
                    _now(), unit, after])
        return after

    return _locked(db, work)


def _apply(db: sqlite_utils.Database, kind: str, unit: str, decided: int, who: str, why: str) -> str:
    """Give the unit the decided value through its own write path; returns its id afterwards."""
    if kind == "proposal":
        row = db.execute("SELECT stance, status FROM proposals WHERE id = ?", [unit]).fetchone()
        if row is None:
            raise TeamError(f"proposal {unit} is gone")
        if row[1] != "pending":
            raise TeamError(f"proposal {unit} was already {row[1]}: adjudicate the statement it became")
        if row[0] != decided:
            db.execute("UPDATE proposals SET stance = ?, edited = 1 WHERE id = ?", [decided, unit])
        return unit
    before = editing.snapshot(db, unit)
    if before is None:
        raise TeamError(f"statement {unit} is gone (deleted or changed meanwhile); reload and try again")
    if before["stance"] == decided:
        return unit
    values = {k: v for k, v in before.items() if k != "id"}
    values["stance"] = decided
    return editing.edit_statement(db, unit, values, who, reason=f"adjudicated: {why.strip()}")


# --- The codebook ---------------------------------------------------------------------------------

def change_definition(db: sqlite_utils.Database, issue: str, fields: dict[str, str | None], who: str,
                      note: str | None = None) -> int:
    """Add a codebook version for an issue; returns how many statements it flags for review
    (those coded under an older version and not reviewed since)."""
    if not (who or "").strip():
        raise _problem("who", "missing (who changed the definition)")

    def work() -> int:
        cursor = db.execute("SELECT * FROM codebook WHERE issue = ? ORDER BY version DESC LIMIT 1", [issue])
        row = cursor.fetchone()
        if row is None:
            raise TeamError(f"no issue {issue!r}")
        current = dict(zip([d[0] for d in cursor.description], row, strict=True))
        new = {f: _clean(fields.get(f, current[f])) for f in DEFINITION_FIELDS}
        if not new["title"]:
            raise _problem("title", "missing")
        if all(new[f] == _clean(current[f]) for f in DEFINITION_FIELDS):
            raise _problem("-", "nothing changed")
        version = current["version"] + 1
        db.execute("INSERT INTO codebook (issue, version, title, description, plus_2, minus_2, rules, examples, "
                   "changed_at, changed_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [issue, version, *(new[f] for f in DEFINITION_FIELDS), _now(), who.strip(),
                    (note or "").strip() or None])
        db.execute("UPDATE issues SET title = ?, description = ?, plus_2 = ?, minus_2 = ? WHERE slug = ?",
                   [new["title"], new["description"], new["plus_2"], new["minus_2"], issue])
        return db.execute("SELECT count(*) FROM statement_codebook sc JOIN statements s ON s.id = sc.statement_id "
                          "WHERE sc.issue = ? AND sc.version < ?", [issue, version]).fetchone()[0]

    return _locked(db, work)


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def confirm(db: sqlite_utils.Database, statement_id: str, who: str) -> None:
    """A reviewer checked a flagged statement against the current definition: it now counts as coded
    under that version (who and when are kept on the record)."""
    if not (who or "").strip():
        raise _problem("who", "missing (who reviewed it)")

    def work() -> None:
        cursor = db.execute(
            "UPDATE statement_codebook SET version = (SELECT max(version) FROM codebook c "
            "WHERE c.issue = statement_codebook.issue), reviewed_by = ?, reviewed_at = ? WHERE statement_id = ?",
            [who.strip(), _now(), statement_id])
        if cursor.rowcount != 1:
            raise TeamError(f"no statement {statement_id!r}")

    _locked(db, work)
