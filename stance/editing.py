"""Add, edit and delete single statements from the dashboard, each write with an audit row.

The form goes through the CLI loader's own validation (`stance.ingest.statements.parse_row`),
so a statement typed into the dashboard obeys exactly the rules of one loaded from a CSV.
Every write happens in one transaction together with its audit row: the trail cannot miss a
change, and a failed write leaves neither. The transaction takes the write lock first and then
checks that the statement is (or is not yet) there, so another connection's edit or delete
cannot slip in between the check and the write.

Each public function is two steps: `prepare_*` (validation, read only) and `commit_*` (checks and
write under the lock). They are public so a test can run another connection's write in between.

A statement's id is a hash of what identifies it (actor, issue, date, stance, quote, speaker,
source link). Editing one of those makes a new id: the old row is replaced by the new one in
one transaction, and both ids get an audit row that names the other.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import sqlite_utils

from stance.actors import registry
from stance.db import read_only_mode, write_transaction
from stance.errors import Problem, StanceError, ValidationError
from stance.ingest.reader import Row
from stance.ingest.records import Context
from stance.ingest.statements import COLUMNS, TABLE_COLUMNS, Statement, parse_row

FORM = "form"
T = TypeVar("T")
IDENTITY = ("actor", "issue", "date", "stance", "quote", "speaker", "source_url")


class ReadOnlyError(StanceError):
    "The database is open read-only (STANCE_READ_ONLY=1 or a read-only file): nothing is written."


class AlreadyRecorded(ValidationError):
    "The statement is in the database already: the same content gives the same id."

    def __init__(self, statement_id: str):
        self.statement_id = statement_id
        super().__init__([Problem(FORM, 0, "-", f"this statement is already recorded (id {statement_id}); "
                                                "edit that one instead")])


def _problem(field: str, reason: str) -> ValidationError:
    return ValidationError([Problem(FORM, 0, field, reason)])


def _refuse_read_only(db: sqlite_utils.Database) -> None:
    """Public deployments must never write, whatever calls us."""
    if read_only_mode():
        raise ReadOnlyError("read-only mode (STANCE_READ_ONLY=1): statements cannot be added, edited or deleted")
    if db.execute("PRAGMA query_only").fetchone()[0]:
        raise ReadOnlyError("the database connection is read-only")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def validate(db: sqlite_utils.Database, values: dict[str, Any], who: str | None = None,
             require_who: bool = True) -> Statement:
    """The loader's checks on one form's values; every problem at once, as `field: reason`."""
    row = Row(0, {column: "" if values.get(column) is None else str(values[column]) for column in COLUMNS}, [])
    issues = {r[0] for r in db.execute("SELECT slug FROM issues").fetchall()}
    statement = parse_row(FORM, row, Context(registry(), issues))
    problems = list(row.problems)
    if require_who and not (who or "").strip():
        problems.append(Problem(FORM, 0, "who", "missing (your name, for the audit trail)"))
    if problems or statement is None:
        raise ValidationError(problems)
    return statement


def snapshot(db: sqlite_utils.Database, statement_id: str) -> dict[str, Any] | None:
    """A statement in the loader's columns plus its id: what the audit stores as before/after."""
    row = db.execute("""
        SELECT s.id, s.actor, s.issue, s.date, s.stance, s.quote, s.speaker, src.url AS source_url,
               src.title AS source_title, src.outlet, s.coder, s.confidence, s.notes
        FROM statements s LEFT JOIN sources src ON src.id = s.source_id WHERE s.id = ?""",
                     [statement_id]).fetchone()
    if row is None:
        return None
    return dict(zip(("id",) + COLUMNS, row, strict=True))


def _as_record(statement: Statement) -> dict[str, Any]:
    source = statement.source
    return {"id": statement.id, "actor": statement.actor, "issue": statement.issue, "date": statement.date.text,
            "stance": statement.stance, "quote": statement.quote, "speaker": statement.speaker,
            "source_url": source.url if source else None, "source_title": source.title if source else None,
            "outlet": source.outlet if source else None, "coder": statement.coder,
            "confidence": statement.confidence, "notes": statement.notes}


def _write(db: sqlite_utils.Database, statement: Statement) -> None:
    """Insert the statement and upsert its source; the caller holds the transaction."""
    if statement.source:
        db["sources"].upsert(statement.source.record(), pk="id")
    values = list(statement.row(None))
    values[-1] = None  # `line` points into an imported file; a form has none
    names = ", ".join(f'"{c}"' for c in TABLE_COLUMNS)
    db.execute(f'INSERT INTO statements ({names}) VALUES ({", ".join("?" * len(TABLE_COLUMNS))})', values)


def _audit(db: sqlite_utils.Database, who: str, action: str, statement_id: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, reason: str | None) -> None:
    db.execute("INSERT INTO audit (at, who, action, statement_id, before, after, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
               [_now(), who.strip(), action, statement_id,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False), reason or None])


def _locked(db: sqlite_utils.Database, work: Callable[[], T]) -> T:
    """Run `work` in one transaction that holds the write lock from its start (BEGIN IMMEDIATE), so
    the checks inside `work` still hold when it writes; inside a caller's transaction, a savepoint."""
    with write_transaction(db):
        return work()


def _run(db: sqlite_utils.Database, work: Callable[[], T]) -> T:
    """`_locked`, with sqlite's errors said in the form's terms: a read-only file is a ReadOnlyError,
    a constraint the checks did not foresee (an actor or issue removed meanwhile) a ValidationError."""
    try:
        return _locked(db, work)
    except sqlite3.IntegrityError as exc:
        raise _problem("-", f"the database refused the change ({exc}); reload the page and try again") from None
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise ReadOnlyError(f"the database is read-only ({exc})") from None
        raise


def _gone(statement_id: str) -> StanceError:
    return StanceError(f"statement {statement_id} was changed or deleted by someone else meanwhile; nothing was "
                       "written. Reload it and try again.")


def add_statement(db: sqlite_utils.Database, values: dict[str, Any], who: str) -> str:
    """Validate and write one new statement with its source and an 'add' audit row; returns its id."""
    return commit_add(db, prepare_add(db, values, who), who)


def prepare_add(db: sqlite_utils.Database, values: dict[str, Any], who: str) -> Statement:
    """Step 1 of an add: the loader's checks, nothing written."""
    _refuse_read_only(db)
    return validate(db, values, who)


def commit_add(db: sqlite_utils.Database, statement: Statement, who: str) -> str:
    """Step 2 of an add: refuse a duplicate and write, both under the write lock."""
    _refuse_read_only(db)

    def work() -> None:
        if snapshot(db, statement.id) is not None:
            raise AlreadyRecorded(statement.id)
        _write(db, statement)
        _audit(db, who, "add", statement.id, None, snapshot(db, statement.id), None)

    _run(db, work)
    return statement.id


def _existing(db: sqlite_utils.Database, statement_id: str) -> dict[str, Any]:
    before = snapshot(db, statement_id)
    if before is None:
        raise _problem("statement_id", f"no statement with id {statement_id!r}")
    return before


def edit_statement(db: sqlite_utils.Database, statement_id: str, values: dict[str, Any], who: str,
                   reason: str | None = None) -> str:
    """Change one statement; returns its id, which is new if an identity field changed."""
    return commit_edit(db, statement_id, prepare_edit(db, statement_id, values, who), who, reason)


def _changed(before: dict[str, Any], statement: Statement) -> list[str]:
    after = _as_record(statement)
    changed = [c for c in COLUMNS if _same(before[c]) != _same(after[c])]
    if not changed:
        raise _problem("-", "nothing changed")
    return changed


def prepare_edit(db: sqlite_utils.Database, statement_id: str, values: dict[str, Any], who: str) -> Statement:
    """Step 1 of an edit: the statement exists, the new values pass the loader's checks and differ.
    Nothing is written, and `commit_edit` checks all of it again under the lock."""
    _refuse_read_only(db)
    before = _existing(db, statement_id)
    statement = validate(db, values, who)
    _changed(before, statement)
    return statement


def commit_edit(db: sqlite_utils.Database, statement_id: str, statement: Statement, who: str,
                reason: str | None = None) -> str:
    """Step 2 of an edit: under the write lock, the statement must still be there (else a StanceError
    and no audit row), the change must still be one, and a new id must not be taken."""
    _refuse_read_only(db)

    def work() -> str:
        before = snapshot(db, statement_id)
        if before is None:
            raise _gone(statement_id)
        changed = _changed(before, statement)
        if statement.id == statement_id:
            _update_in_place(db, statement, before, who, reason)
        elif snapshot(db, statement.id) is not None:
            raise _problem("-", f"an identical statement already exists (id {statement.id})")
        else:
            _replace(db, statement, before, who, reason, changed)
        return statement.id

    return _run(db, work)


def _same(value: Any) -> Any:
    """Empty text and NULL are the same for comparison; numbers compare as numbers."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value) if isinstance(value, int | float) else value


def _update_in_place(db: sqlite_utils.Database, statement: Statement, before: dict[str, Any], who: str,
                     reason: str | None) -> None:
    """Only non-identity fields changed (coder, confidence, notes, source title/outlet)."""
    if statement.source:
        db["sources"].upsert(statement.source.record(), pk="id")
    cursor = db.execute("UPDATE statements SET coder = ?, confidence = ?, notes = ? WHERE id = ?",
                        [statement.coder, statement.confidence, statement.notes, statement.id])
    if cursor.rowcount != 1:
        raise _gone(statement.id)
    _audit(db, who, "edit", statement.id, before, snapshot(db, statement.id), reason)


def _replace(db: sqlite_utils.Database, statement: Statement, before: dict[str, Any], who: str,
             reason: str | None, changed: list[str]) -> None:
    """An identity field changed: the old row goes, the new one comes, both ids are audited."""
    old_id = before["id"]
    if db.execute("DELETE FROM statements WHERE id = ?", [old_id]).rowcount != 1:
        raise _gone(old_id)
    _write(db, statement)
    after = snapshot(db, statement.id)
    fields = ", ".join(c for c in changed if c in IDENTITY)
    note = f" ({reason.strip()})" if reason and reason.strip() else ""
    _audit(db, who, "edit", old_id, before, after, f"replaced by {statement.id}: changed {fields}{note}")
    _audit(db, who, "edit", statement.id, before, after, f"replaces {old_id}: changed {fields}{note}")


def delete_statement(db: sqlite_utils.Database, statement_id: str, who: str, reason: str) -> None:
    """Remove one statement; the audit row keeps a full copy of it and the reason."""
    _refuse_read_only(db)
    problems = []
    if not (who or "").strip():
        problems.append(Problem(FORM, 0, "who", "missing (your name, for the audit trail)"))
    if not (reason or "").strip():
        problems.append(Problem(FORM, 0, "reason", "missing (say why the statement is deleted)"))
    if problems:
        raise ValidationError(problems)

    def work() -> None:
        before = _existing(db, statement_id)
        if db.execute("DELETE FROM statements WHERE id = ?", [statement_id]).rowcount != 1:
            raise _gone(statement_id)
        _audit(db, who, "delete", statement_id, before, None, reason.strip())

    _run(db, work)


def history(db: sqlite_utils.Database, statement_id: str) -> pd.DataFrame:
    """The audit trail of a statement, oldest first, following it back through id changes."""
    ids, frontier = [statement_id], [statement_id]
    while frontier and len(ids) < 50:
        marks = ", ".join("?" * len(frontier))
        rows = db.execute(f"SELECT DISTINCT json_extract(before, '$.id') FROM audit WHERE statement_id IN ({marks}) "
                          "AND before IS NOT NULL", frontier).fetchall()
        frontier = [r[0] for r in rows if r[0] and r[0] not in ids]
        ids += frontier
    marks = ", ".join("?" * len(ids))
    df = pd.read_sql_query(f"SELECT id, at, who, action, statement_id, before, after, reason FROM audit "
                           f"WHERE statement_id IN ({marks}) ORDER BY at, id", db.conn, params=ids)
    # A replacement is audited under both ids; the trail shows it once.
    df = df.drop_duplicates(subset=["at", "who", "action", "before", "after"], keep="last")
    df["changes"] = [describe_change(b, a) for b, a in zip(df["before"], df["after"], strict=True)]
    return df.reset_index(drop=True)


def describe_change(before: object, after: object) -> str:
    """'notes: "x" -> "y"; stance: 1 -> 2', from the audit's JSON: what a reviewer wants to see.

    pandas reads a NULL in a text column as NaN, so anything but a string counts as absent."""
    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}
    if not old:
        return "added"
    if not new:
        return "deleted"
    parts = [f"{key}: {_short(old.get(key))} -> {_short(new.get(key))}" for key in ("id",) + COLUMNS
             if _same(old.get(key)) != _same(new.get(key))]
    return "; ".join(parts) or "no change"


def _short(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + '..."'
