"""Explore: every statement and vote that matches a set of filters, as one table, and its CSV.

Full-text search goes through the FTS5 index `statements_fts`. FTS5 has its own query language
(AND, OR, NOT, NEAR, quotes, `*`, `^`, column filters), so raw user text would raise syntax
errors or change meaning: `search_expression` turns it into quoted terms that FTS5 only ever
reads as words. Values are bound parameters; the SQL built here is fixed text and `?` marks.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd
import sqlite_utils

import stance
from stance.model import STANCE_LABELS
from stance.queries import _marks, frame

KINDS = ("both", "statements", "votes")
MAX_ROWS = 5_000
MAX_TERMS = 16
MAX_QUERY_CHARS = 300
KIND_NAMES = {"statement": "Statement", "vote": "UN vote"}

# Display and CSV columns, in order: the table on the page and the download are the same frame.
# What was said comes early: the table is read left to right on a laptop screen.
COLUMNS = ("Date", "Actor", "Stance", "Stance meaning", "Quote or vote", "Speaker", "Notes", "Kind", "Issue",
           "Source title", "Source URL", "Actor code", "Record id")


def search_terms(text: str | None) -> list[tuple[str, bool]]:
    """The words of a search box entry as (term, is_prefix) pairs; junk without letters is dropped.

    Control characters are removed (a NUL ends an FTS5 string early); a trailing `*` asks for a
    prefix match. Terms with no letter or digit would only become empty phrases, so they go.
    """
    if not text:
        return []
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text[:MAX_QUERY_CHARS])
    terms: list[tuple[str, bool]] = []
    for word in cleaned.split():
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if any(ch.isalnum() for ch in word):
            terms.append((word, prefix))
    return terms[:MAX_TERMS]


def search_expression(text: str | None) -> str | None:
    """An FTS5 MATCH expression that finds rows containing every term, or None if there is none.

    Each term is an FTS5 string: wrapped in double quotes with inner quotes doubled, so `AND(`,
    `NEAR/`, `"` or `'; DROP TABLE` are words to look for, never syntax. `sanction*` becomes
    `"sanction"*`, FTS5's prefix form of a quoted string.
    """
    parts = ['"' + term.replace('"', '""') + '"' + ("*" if prefix else "") for term, prefix in search_terms(text)]
    return " ".join(parts) if parts else None


def _where(issue: str | None, actors: Sequence[str], start: str | None, end: str | None, kind: str,
           stances: Sequence[int], q: str | None) -> tuple[str, list[object]]:
    """The WHERE clause shared by the rows and their count, so the two can never disagree."""
    clauses: list[str] = []
    params: list[object] = []
    if issue:
        clauses.append("p.issue = ?")
        params.append(issue)
    if actors:
        clauses.append(f"p.actor IN ({_marks(actors)})")
        params += list(actors)
    if start:
        clauses.append("p.day >= ?")
        params.append(start)
    if end:
        clauses.append("p.day <= ?")
        params.append(end)
    if stances:
        clauses.append(f"p.stance IN ({_marks(stances)})")
        params += [int(s) for s in stances]
    expression = search_expression(q)
    if expression:
        # Search covers what was said; votes have no quote, speaker or notes to search.
        clauses.append("p.kind = 'statement' AND p.ref IN (SELECT s.id FROM statements_fts f "
                       "JOIN statements s ON s.rowid = f.rowid WHERE statements_fts MATCH ?)")
        params.append(expression)
        if kind == "votes":  # votes only, but search finds statements only: nothing can match
            clauses.append("0")
    elif kind == "statements":
        clauses.append("p.kind = 'statement'")
    elif kind == "votes":
        clauses.append("p.kind = 'vote'")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def points(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
           start: str | None = None, end: str | None = None, kind: str = "both",
           stances: Sequence[int] = (), q: str | None = None, limit: int = MAX_ROWS) -> pd.DataFrame:
    """Matching stance points with actor names and issue titles, oldest first, at most `limit`."""
    where, params = _where(issue, actors, start, end, kind, stances, q)
    sql = f"""
        SELECT p.day, p.date, p.issue, i.title AS issue_title, p.actor, a.name AS actor_name, p.kind,
               p.stance, p.speaker, p.text, p.notes, p.source_title, p.source_url, p.ref
        FROM stance_points p JOIN actors a ON a.code = p.actor JOIN issues i ON i.slug = p.issue{where}
        ORDER BY p.day, i.title, a.name, p.kind, p.ref LIMIT ?"""
    return frame(db, sql, params + [int(limit)])


def count(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
          start: str | None = None, end: str | None = None, kind: str = "both",
          stances: Sequence[int] = (), q: str | None = None) -> int:
    """How many points match, however many the table shows."""
    where, params = _where(issue, actors, start, end, kind, stances, q)
    return db.execute(f"SELECT count(*) FROM stance_points p{where}", params).fetchone()[0]


def actors_with_data(db: sqlite_utils.Database, issue: str | None = None) -> pd.DataFrame:
    """Actors with any point (on the issue, if given): the choices of the actor filter, by name."""
    sql = "SELECT DISTINCT p.actor AS code, a.name FROM stance_points p JOIN actors a ON a.code = p.actor"
    params: list[object] = []
    if issue:
        sql += " WHERE p.issue = ?"
        params.append(issue)
    return frame(db, sql + " ORDER BY a.name", params)


def years(db: sqlite_utils.Database) -> tuple[int, int]:
    """First and last year with any evidence (this year if there is none)."""
    row = db.execute("SELECT min(day), max(day) FROM stance_points").fetchone()
    if not row or row[0] is None:
        year = pd.Timestamp.today().year
        return (year, year)
    return (int(row[0][:4]), int(row[1][:4]))


def data_version(db: sqlite_utils.Database) -> str:
    """What a citation needs to pin the data: software version, loads, and dashboard edits."""
    loads, last_load = db.execute("SELECT count(*), max(finished) FROM imports").fetchone()
    edits, last_edit = db.execute("SELECT count(*), max(at) FROM audit").fetchone()
    text = f"stance {stance.__version__}; {loads} import(s), latest {last_load or 'none'}"
    if edits:
        text += f"; {edits} dashboard edit(s), latest {last_edit}"
    return text


def table(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as shown and downloaded: readable names, the stance's meaning, safe links only."""
    links = rows["source_url"].where(
        rows["source_url"].fillna("").str.lower().str.match(r"https?://"), "")
    out = pd.DataFrame({
        "Date": rows["date"], "Issue": rows["issue_title"], "Actor": rows["actor_name"],
        "Actor code": rows["actor"], "Kind": rows["kind"].map(KIND_NAMES),
        "Stance": rows["stance"].astype("Int64"),
        "Stance meaning": rows["stance"].map(lambda v: STANCE_LABELS.get(int(v), "")),
        "Speaker": rows["speaker"], "Quote or vote": rows["text"], "Notes": rows["notes"],
        "Source title": rows["source_title"], "Source URL": links, "Record id": rows["ref"],
    }, columns=list(COLUMNS))
    text_columns = [c for c in COLUMNS if c != "Stance"]
    out[text_columns] = out[text_columns].fillna("")
    return out


def _one_line(value: object) -> str:
    """Filter values go into a comment line: no line breaks may split it."""
    return " ".join(str(value).split())


def citation(version: str, filters: dict[str, object], today: str) -> str:
    """The comment line that opens every CSV: what data, which view, when."""
    shown = ", ".join(f"{key}={_one_line(value) if value not in (None, '', ()) else 'all'}"
                      for key, value in filters.items())
    return f"# Stance data, version {_one_line(version)}, exported {today}, filters: {shown}"


def to_csv(rows: pd.DataFrame, citation_line: str) -> bytes:
    """UTF-8 CSV: the citation comment, then the header and rows exactly as on the page."""
    buffer = io.StringIO()
    buffer.write(citation_line + "\n")
    rows.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def read_csv(data: bytes) -> pd.DataFrame:
    """A downloaded file back as a frame (skipping the citation): for checks and round trips."""
    return pd.read_csv(io.BytesIO(data), comment=None, skiprows=_comment_lines(data),
                       keep_default_na=False, dtype=str)


def _comment_lines(data: bytes) -> int:
    return len(re.match(rb"(?:#[^\n]*\n)*", data).group(0).splitlines())


# --- Picking a statement to edit (the Add statement page) -----------------------------------

def statement_choices(db: sqlite_utils.Database, issue: str | None = None, actor: str | None = None,
                      limit: int = 500) -> pd.DataFrame:
    """Statements to pick from, newest first, with what tells them apart in a list."""
    clauses, params = [], []
    if issue:
        clauses.append("s.issue = ?")
        params.append(issue)
    if actor:
        clauses.append("s.actor = ?")
        params.append(actor)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return frame(db, f"""
        SELECT s.id, s.date, s.issue, a.name AS actor_name, s.stance, s.speaker,
               coalesce(s.quote, s.notes, '') AS text
        FROM statements s JOIN actors a ON a.code = s.actor{where}
        ORDER BY s.day DESC, a.name, s.id LIMIT ?""", params + [int(limit)])


def statement_actors(db: sqlite_utils.Database) -> pd.DataFrame:
    """Actors with at least one statement: the actor filter when picking one to edit."""
    return frame(db, """SELECT DISTINCT s.actor AS code, a.name FROM statements s
                        JOIN actors a ON a.code = s.actor ORDER BY a.name""")
