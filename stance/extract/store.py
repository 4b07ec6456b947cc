"""The review queue in the database: articles read, proposals made, and the coder's decisions.

Accepting a proposal writes a statement through stance.editing, so it passes exactly the loader's
validation and gets an 'add' audit row in the coder's name; the proposal is marked accepted in the
same transaction, with the statement's id. The statement's notes carry the provenance ("proposed by
stance extract from <article>, rule <r>, cues <c>; accepted by <coder>"); its quote is the quoted
words only when the cue stood inside a direct quotation, otherwise the notes give the article's
sentence as a paraphrase. Rejecting keeps the proposal (and the reason) so it is never proposed again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
import sqlite_utils

from stance import editing
from stance.db import read_only_mode, write_transaction
from stance.errors import Problem, StanceError, ValidationError
from stance.extract.propose import Extraction, Proposal
from stance.model import stance_text

T = TypeVar("T")
EDITABLE = ("actor", "issue", "stance", "date")
STATUSES = ("pending", "accepted", "rejected")
PROPOSAL_COLUMNS = ("id", "article", "actor", "issue", "stance", "date", "date_precision", "sentence",
                    "sentence_index", "speaker", "quote", "cues", "cue_spans", "rule", "confidence", "notes",
                    "proposed_at")


class QueueError(StanceError):
    "A proposal id that is unknown or ambiguous, or a proposal already decided."


@dataclass
class Saved:
    article_id: str
    new: list[Proposal] = field(default_factory=list)
    known: list[Proposal] = field(default_factory=list)


def _refuse_read_only(db: sqlite_utils.Database) -> None:
    """The same refusal as stance.editing's: public deployments never write."""
    if read_only_mode():
        raise editing.ReadOnlyError("read-only mode (STANCE_READ_ONLY=1): the review queue cannot be changed")
    if db.execute("PRAGMA query_only").fetchone()[0]:
        raise editing.ReadOnlyError("the database connection is read-only")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _locked(db: sqlite_utils.Database, work: Callable[[], T]) -> T:
    """One transaction that holds the write lock from its start, so a check still holds at the write."""
    with write_transaction(db):
        return work()


def save(db: sqlite_utils.Database, extraction: Extraction, path: str | None = None) -> Saved:
    """Record the article and its proposals; proposals already in the queue (same id) are left as they are."""
    _refuse_read_only(db)
    ex = extraction
    saved = Saved(ex.article_id)

    def work() -> None:
        existing = db.execute("SELECT id, path, url, outlet FROM articles WHERE id = ?", [ex.article_id]).fetchone()
        row = {"id": ex.article_id, "path": path or ex.article.path, "url": ex.options.url,
               "outlet": ex.options.outlet, "title": ex.article.title, "date": ex.date.date if ex.date else None,
               "date_precision": ex.date.precision if ex.date else None, "sha256": ex.article.sha256,
               "extracted_at": _now()}
        if existing is None:
            db["articles"].insert(row)
        else:  # a later read may know the link or outlet an earlier one did not
            db.execute("UPDATE articles SET path = ?, url = coalesce(?, url), outlet = coalesce(?, outlet) "
                       "WHERE id = ?", [row["path"], row["url"], row["outlet"], ex.article_id])
        now = _now()
        for p in ex.proposals:
            values = [p.id, p.article, p.actor, p.issue, p.stance, p.date, p.date_precision, p.sentence,
                      p.sentence_index, p.speaker, p.quote, p.cues, json.dumps(p.cue_spans), p.rule,
                      p.confidence, p.notes, now]
            names = ", ".join(PROPOSAL_COLUMNS)
            cursor = db.execute(f"INSERT OR IGNORE INTO proposals ({names}) "
                                f"VALUES ({', '.join('?' * len(PROPOSAL_COLUMNS))})", values)
            (saved.new if cursor.rowcount == 1 else saved.known).append(p)

    _locked(db, work)
    return saved


def resolve_id(db: sqlite_utils.Database, text: str) -> str:
    """A full proposal id, or a unique prefix of at least six characters."""
    text = (text or "").strip().lower()
    if len(text) < 6:
        raise QueueError(f"proposal id {text!r}: give at least six characters")
    rows = db.execute("SELECT id FROM proposals WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                      [text, text + "\uffff"]).fetchall()
    if not rows:
        raise QueueError(f"no proposal with id {text!r} (see: python -m stance review --list)")
    if len(rows) > 1:
        raise QueueError(f"proposal id {text!r} is ambiguous: give more characters")
    return rows[0][0]


def get(db: sqlite_utils.Database, proposal_id: str) -> dict[str, Any]:
    """One proposal with its article's title, link, outlet and path."""
    cursor = db.execute("""
        SELECT p.*, a.title AS article_title, a.url AS article_url, a.outlet AS article_outlet,
               a.path AS article_path
        FROM proposals p JOIN articles a ON a.id = p.article WHERE p.id = ?""", [proposal_id])
    row = cursor.fetchone()
    if row is None:
        raise QueueError(f"no proposal with id {proposal_id!r}")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def statement_values(p: dict[str, Any], coder: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The statement a proposal becomes, in the loader's columns (changes: the coder's edits)."""
    changes = {k: v for k, v in (changes or {}).items() if k in EDITABLE}
    edits = {k: v for k, v in changes.items() if str(v if v is not None else "") != str(p[k] if p[k] is not None
                                                                                            else "")}
    source = p["article_title"] or p["article_path"] or p["article"]
    notes = (f"Proposed by stance extract from “{source}” (article {p['article']}), rule {p['rule']}, "
             f"cues “{p['cues']}”, confidence {p['confidence']:.2f}; accepted by {coder.strip()}")
    if edits:
        notes += "; edited before acceptance: " + ", ".join(
            f"{k} {_shown(k, p[k])} -> {_shown(k, v)}" for k, v in edits.items())
    if not p["quote"]:
        notes += f". Paraphrase from the article: “{p['sentence']}”"
    values = {"actor": p["actor"], "issue": p["issue"], "date": p["date"] or "", "stance": p["stance"],
              "quote": p["quote"] or "", "speaker": p["speaker"] or "", "source_url": p["article_url"] or "",
              "source_title": p["article_title"] or "", "outlet": p["article_outlet"] or "", "coder": coder,
              "confidence": "", "notes": notes}
    values.update(changes)
    return values


def _shown(key: str, value: Any) -> str:
    if key == "stance" and value not in (None, ""):
        return stance_text(int(value))
    return str(value) if value not in (None, "") else "(none)"


def accept(db: sqlite_utils.Database, proposal_id: str, coder: str,
           changes: dict[str, Any] | None = None) -> str:
    """Turn a pending proposal into a statement (edited first if `changes` differ); returns its id.

    If the identical statement is already recorded (say, the same paraphrased stance twice in one
    article), the proposal is linked to it instead of failing."""
    if not (coder or "").strip():
        raise ValidationError([Problem("review", 0, "coder", "missing (your name, for the audit trail)")])
    proposal = get(db, proposal_id)
    values = statement_values(proposal, coder, changes)
    statement = editing.prepare_add(db, values, coder)
    edited = any(str(values[k]) != str(proposal[k] if proposal[k] is not None else "") for k in EDITABLE)

    def work() -> str:
        status = db.execute("SELECT status, decided_by, decided_at FROM proposals WHERE id = ?",
                            [proposal_id]).fetchone()
        if status is None or status[0] != "pending":
            raise QueueError(f"proposal {proposal_id} was already {status[0]} by {status[1]} at {status[2]}"
                             if status else f"proposal {proposal_id} is gone")
        reason = None
        if editing.snapshot(db, statement.id) is None:
            editing.commit_add(db, statement, coder)
        else:
            reason = f"the same statement was already recorded (id {statement.id})"
        db.execute("UPDATE proposals SET status = 'accepted', edited = ?, decided_by = ?, decided_at = ?, "
                   "reason = ?, statement_id = ? WHERE id = ?",
                   [int(edited), coder.strip(), _now(), reason, statement.id, proposal_id])
        return statement.id

    return _locked(db, work)


def reject(db: sqlite_utils.Database, proposal_id: str, coder: str, reason: str) -> None:
    """Keep the proposal out of the statements, with who rejected it and why."""
    _refuse_read_only(db)
    problems = []
    if not (coder or "").strip():
        problems.append(Problem("review", 0, "coder", "missing (your name, for the audit trail)"))
    if not (reason or "").strip():
        problems.append(Problem("review", 0, "reason", "missing (say why, e.g. 'wrong actor: the object')"))
    if problems:
        raise ValidationError(problems)

    def work() -> None:
        cursor = db.execute("UPDATE proposals SET status = 'rejected', decided_by = ?, decided_at = ?, reason = ? "
                            "WHERE id = ? AND status = 'pending'", [coder.strip(), _now(), reason.strip(),
                                                                    proposal_id])
        if cursor.rowcount != 1:
            row = db.execute("SELECT status, decided_by FROM proposals WHERE id = ?", [proposal_id]).fetchone()
            raise QueueError(f"proposal {proposal_id} was already {row[0]} by {row[1]}" if row
                             else f"no proposal with id {proposal_id!r}")

    _locked(db, work)


# --- Reading the queue ---------------------------------------------------------------------------

def _where(status: str | None, issue: str | None, actor: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in (("p.status", status), ("p.issue", issue), ("p.actor", actor)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def listing(db: sqlite_utils.Database, status: str | None = "pending", issue: str | None = None,
            actor: str | None = None, limit: int = 20, offset: int = 0) -> pd.DataFrame:
    """A page of proposals, most confident first (decided ones: latest decision first)."""
    where, params = _where(status, issue, actor)
    order = "p.confidence DESC, p.article, p.sentence_index, p.id" if status == "pending" \
        else "coalesce(p.decided_at, '') DESC, p.id"
    return pd.read_sql_query(f"""
        SELECT p.id, p.actor, coalesce(ac.name, p.actor) AS actor_name, p.issue, p.stance, p.date,
               p.date_precision, p.sentence, p.speaker, p.quote, p.cues, p.cue_spans, p.rule, p.confidence,
               p.notes, p.status, p.edited, p.decided_by, p.decided_at, p.reason, p.statement_id,
               a.title AS article_title, a.url AS article_url, a.outlet AS article_outlet, a.path AS article_path
        FROM proposals p JOIN articles a ON a.id = p.article LEFT JOIN actors ac ON ac.code = p.actor
        {where} ORDER BY {order} LIMIT ? OFFSET ?""", db.conn, params=params + [limit, offset])


def count(db: sqlite_utils.Database, status: str | None = "pending", issue: str | None = None,
          actor: str | None = None) -> int:
    where, params = _where(status, issue, actor)
    return db.execute(f"SELECT count(*) FROM proposals p{where}", params).fetchone()[0]


def tally(db: sqlite_utils.Database) -> dict[str, int]:
    """Proposals by status, and how many were accepted only after an edit."""
    out = dict.fromkeys(STATUSES, 0)
    out.update({s: n for s, n in db.execute("SELECT status, count(*) FROM proposals GROUP BY status")})
    out["edited"] = db.execute("SELECT count(*) FROM proposals WHERE status = 'accepted' AND edited = 1"
                               ).fetchone()[0]
    return out


def precision_so_far(counts: dict[str, int]) -> float | None:
    """Accepted / decided: the share of the coder's decisions that kept the proposal."""
    decided = counts["accepted"] + counts["rejected"]
    return counts["accepted"] / decided if decided else None


def by_rule(db: sqlite_utils.Database) -> pd.DataFrame:
    """How each rule fares: proposals per rule and status (which rules a coder can trust)."""
    return pd.read_sql_query("SELECT rule, status, count(*) AS n FROM proposals GROUP BY rule, status "
                             "ORDER BY rule, status", db.conn)


def filter_options(db: sqlite_utils.Database, status: str | None = "pending") -> tuple[list[str], list[str]]:
    """Issues and actors that have proposals (of a status), for the filters."""
    where, params = _where(status, None, None)
    issues = [r[0] for r in db.execute(f"SELECT DISTINCT issue FROM proposals p{where} ORDER BY 1", params)]
    actors = [r[0] for r in db.execute(f"SELECT DISTINCT actor FROM proposals p{where} ORDER BY 1", params)]
    return issues, actors
