"""Explore: every statement and vote that matches a set of filters, as one table, and its CSV.

Full-text search goes through the FTS5 index `statements_fts`. FTS5 has its own query language
(AND, OR, NOT, NEAR, quotes, `*`, `^`, column filters), so raw user text would raise syntax
errors or change meaning: `search_expression` turns it into quoted terms that FTS5 only ever
reads as words. Values are bound parameters; the SQL built here is fixed text and `?` marks.
"""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple

import pandas as pd
import sqlite_utils

import stance
from stance.db import VOTE_LABEL_SQL, VOTE_SOURCE_TITLE_SQL, VOTE_URL_SQL
from stance.model import STANCE_LABELS
from stance.queries import _marks, frame

KINDS = ("both", "statements", "votes")
MAX_ROWS = 5_000  # the default `limit` of points(); the page shows PAGE_ROWS at a time
PAGE_ROWS = 500
BATCH_ROWS = 20_000  # rows read from SQLite at a time when writing a download
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


COUNTED_VOTES = "v.vote IN ('yes', 'no', 'abstain')"  # as in the stance_points view
VOTE_STANCE = "CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END"
VOTE_STANCES = frozenset((-1, 0, 1))  # a vote means support, opposition or neither, never +-2
ORDER = "day, issue_title, actor_name, kind, ref"

# The two halves of the stance_points view, asked of the base tables. The view builds a text for
# every one of a million votes before it can filter, count or sort; here filters, counts and the
# choice of the rows shown touch only indexed columns, and texts are built for the rows shown.
STATEMENT_ROWS = """
    SELECT s.day, s.date, s.issue, i.title AS issue_title, s.actor, a.name AS actor_name, 'statement' AS kind,
           s.stance, s.speaker, s.quote AS text, s.notes, src.title AS source_title, src.url AS source_url,
           s.id AS ref
    FROM statements s JOIN actors a ON a.code = s.actor JOIN issues i ON i.slug = s.issue
    LEFT JOIN sources src ON src.id = s.source_id"""
VOTE_ROWS = f"""
    SELECT r.date AS day, r.date, r.issue, i.title AS issue_title, v.actor, a.name AS actor_name, 'vote' AS kind,
           {VOTE_STANCE} AS stance, NULL AS speaker,
           {VOTE_LABEL_SQL} || ': voted ' || v.vote
               || CASE r.adopted WHEN 1 THEN ' (adopted)' WHEN 0 THEN ' (not adopted)' ELSE '' END
               || COALESCE(' - ' || r.title, '') AS text,
           NULL AS notes, {VOTE_SOURCE_TITLE_SQL} AS source_title, {VOTE_URL_SQL} AS source_url,
           v.resolution AS ref
    FROM resolutions r CROSS JOIN votes v ON v.resolution = r.id JOIN actors a ON a.code = v.actor
    JOIN issues i ON i.slug = r.issue LEFT JOIN sources src ON src.id = r.source_id"""


class Branch(NamedTuple):
    """One half of the view under the filters: WHERE clauses on its base tables and their values."""

    clauses: list[str]
    params: list[object]
    day: str  # the column holding the point's first day

    def where(self, *extra: str) -> str:
        return " WHERE " + " AND ".join(self.clauses + list(extra))


def _branches(issue: str | None, actors: Sequence[str], start: str | None, end: str | None, kind: str,
              stances: Sequence[int], q: str | None) -> tuple[Branch | None, Branch | None]:
    """(statements, votes) under the filters; None for a half that cannot match.

    A search finds statements by what was said (quote, speaker, notes: the FTS index) and votes
    by their resolution (symbol, title, description: every word must appear in one of them).
    Votes only carry stances -1, 0 and +1.
    """
    expression = search_expression(q)
    statements = votes = None
    if kind != "votes":
        statements = Branch(*_filters("s.issue", "s.actor", "s.day", "s.stance", issue, actors, start, end, stances),
                            "s.day")
        if expression:
            statements.clauses.append("s.rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)")
            statements.params.append(expression)
    if kind != "statements" and (not stances or VOTE_STANCES & set(stances)):
        clauses, params = _filters("r.issue", "v.actor", "r.date", VOTE_STANCE, issue, actors, start, end, stances)
        # a roll call no rule gave an issue has no stance: the view leaves its votes out, so must the count
        votes = Branch([COUNTED_VOTES, "r.issue IS NOT NULL"] + clauses, params, "r.date")
        if expression:
            for term, _prefix in search_terms(q):
                votes.clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in RESOLUTION_TEXT) + ")")
                votes.params.extend([_like(term)] * len(RESOLUTION_TEXT))
    return statements, votes


RESOLUTION_TEXT = ("r.symbol", "r.title", "r.description", "r.id")  # what a search reads of a vote


def _like(term: str) -> str:
    """A LIKE pattern that finds `term` anywhere, its own % and _ taken literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(issue_col: str, actor_col: str, day_col: str, stance_col: str, issue: str | None,
             actors: Sequence[str], start: str | None, end: str | None,
             stances: Sequence[int]) -> tuple[list[str], list[object]]:
    """The same filters for either half; column names come from the fixed texts above."""
    clauses: list[str] = []
    params: list[object] = []
    if issue:
        clauses.append(f"{issue_col} = ?")
        params.append(issue)
    if actors:
        clauses.append(f"{actor_col} IN ({_marks(actors)})")
        params += list(actors)
    if start:
        clauses.append(f"{day_col} >= ?")
        params.append(start)
    if end:
        clauses.append(f"{day_col} <= ?")
        params.append(end)
    if stances:
        clauses.append(f"{stance_col} IN ({_marks(stances)})")
        params += [int(s) for s in stances]
    return clauses, params


STATEMENTS_FROM = " FROM statements s"
# CROSS JOIN keeps resolutions the outer loop: SQLite otherwise prefers to scan all the votes
# (for `v.vote IN (...)`) and look up each one's resolution, 0.36 s for a month of them.
VOTES_FROM = " FROM resolutions r CROSS JOIN votes v ON v.resolution = r.id"


def points(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
           start: str | None = None, end: str | None = None, kind: str = "both",
           stances: Sequence[int] = (), q: str | None = None, limit: int = MAX_ROWS,
           offset: int = 0) -> pd.DataFrame:
    """Matching stance points with actor names and issue titles, oldest first: `limit` rows from
    row `offset` on (a page of the table).

    The same rows, in the same order, as the stance_points view would give. The first
    `offset + limit` rows all fall on or before the day of the `offset + limit`-th row of either
    half (a half holds no more than the union), so only rows up to that day are read in full.
    """
    statements, votes = _branches(issue, actors, start, end, kind, stances, q)
    end_row = int(offset) + int(limit)
    cutoff = min((day for day in (_statement_cutoff(db, statements, end_row), _vote_cutoff(db, votes, end_row))
                  if day is not None), default=None)
    parts: list[str] = []
    params: list[object] = []
    for branch, rows in ((statements, STATEMENT_ROWS), (votes, VOTE_ROWS)):
        if branch is not None:
            extra = [f"{branch.day} <= ?"] if cutoff else []
            parts.append(rows + branch.where(*extra) if branch.clauses or extra else rows)
            params += branch.params + ([cutoff] if cutoff else [])
    if not parts:
        parts, params = [STATEMENT_ROWS + " WHERE 0"], []
    sql = " UNION ALL ".join(parts) + f" ORDER BY {ORDER} LIMIT ? OFFSET ?"
    return frame(db, sql, params + [int(limit), int(offset)])


def stream_points(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
                  start: str | None = None, end: str | None = None, kind: str = "both",
                  stances: Sequence[int] = (), q: str | None = None,
                  batch: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Every matching point, in the order of `points`, as frames of at most `batch` rows.

    One query read through its cursor: a download of a million votes never holds them all.
    """
    statements, votes = _branches(issue, actors, start, end, kind, stances, q)
    parts: list[str] = []
    params: list[object] = []
    for branch, rows in ((statements, STATEMENT_ROWS), (votes, VOTE_ROWS)):
        if branch is not None:
            parts.append(rows + branch.where() if branch.clauses else rows)
            params += branch.params
    if not parts:
        return
    cursor = db.conn.execute(" UNION ALL ".join(parts) + f" ORDER BY {ORDER}", params)
    columns = [d[0] for d in cursor.description]
    while chunk := cursor.fetchmany(batch):
        yield pd.DataFrame.from_records(chunk, columns=columns)


def _statement_cutoff(db: sqlite_utils.Database, branch: Branch | None, limit: int) -> str | None:
    """The day of the `limit`-th matching statement in day order; None if fewer match."""
    if branch is None or limit < 1:
        return None
    where = branch.where() if branch.clauses else ""
    row = db.execute(f"SELECT s.day{STATEMENTS_FROM}{where} ORDER BY s.day LIMIT 1 OFFSET ?",
                     branch.params + [int(limit) - 1]).fetchone()
    return row[0] if row else None


def _vote_cutoff(db: sqlite_utils.Database, branch: Branch | None, limit: int) -> str | None:
    """The day of the `limit`-th matching vote in day order; None if fewer match.

    Votes are counted day by day over growing windows of resolution dates (16 days, then 64,
    ...), so an unfiltered view stops after a few days instead of sorting a million votes.
    """
    if branch is None or limit < 1:
        return None
    days = [d for (d,) in db.execute("SELECT DISTINCT r.date FROM resolutions r ORDER BY r.date")]
    seen, first, size = 0, 0, 16
    while first < len(days):
        last = min(first + size, len(days)) - 1
        rows = db.execute(f"SELECT r.date, count(*){VOTES_FROM}{branch.where('r.date >= ?', 'r.date <= ?')} "
                          "GROUP BY r.date ORDER BY r.date", branch.params + [days[first], days[last]]).fetchall()
        for day, n in rows:
            seen += n
            if seen >= limit:
                return day
        first, size = last + 1, size * 4
    return None


def count(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
          start: str | None = None, end: str | None = None, kind: str = "both",
          stances: Sequence[int] = (), q: str | None = None) -> int:
    """How many points match, however many the table shows."""
    statements, votes = _branches(issue, actors, start, end, kind, stances, q)
    total = 0
    for branch, source in ((statements, STATEMENTS_FROM), (votes, VOTES_FROM)):
        if branch is not None:
            where = branch.where() if branch.clauses else ""
            total += db.execute(f"SELECT count(*){source}{where}", branch.params).fetchone()[0]
    return total


def vote_tallies(db: sqlite_utils.Database) -> pd.DataFrame:
    """Yes, no and abstain counts of every resolution with its issue, date and polarity.

    One pass over the votes (about 0.4 s for a million), cached by the page: after it, how many
    votes a view without an actor filter holds is a sum over 5,000 rows, not a scan of a million.
    """
    return frame(db, """
        SELECT r.id, r.issue, r.date, r.polarity, sum(v.vote = 'yes') AS yes, sum(v.vote = 'no') AS no,
               sum(v.vote = 'abstain') AS abstain
        FROM resolutions r JOIN votes v ON v.resolution = r.id WHERE r.issue IS NOT NULL GROUP BY r.id""")


def count_votes(tallies: pd.DataFrame, issue: str | None = None, start: str | None = None,
                end: str | None = None, stances: Sequence[int] = ()) -> int:
    """The votes `count` finds with no actor filter and no search, from `vote_tallies`.

    A yes takes the resolution's polarity as its stance, a no the opposite, an abstention 0.
    """
    t = tallies
    keep = pd.Series(True, index=t.index)
    if issue:
        keep &= t["issue"] == issue
    if start:
        keep &= t["date"] >= start
    if end:
        keep &= t["date"] <= end
    t = t[keep]
    if not stances:
        return int(t[["yes", "no", "abstain"]].to_numpy().sum())
    wanted = {int(s) for s in stances}
    return int(t.loc[t["polarity"].isin(wanted), "yes"].sum() + t.loc[(-t["polarity"]).isin(wanted), "no"].sum()
               + (t["abstain"].sum() if 0 in wanted else 0))


def actors_with_data(db: sqlite_utils.Database, issue: str | None = None) -> pd.DataFrame:
    """Actors with any point (on the issue, if given): the choices of the actor filter, by name."""
    if issue:
        return frame(db, f"""
            SELECT a.code, a.name FROM actors a
            WHERE a.code IN (SELECT actor FROM statements WHERE issue = ?)
               OR a.code IN (SELECT v.actor FROM resolutions r JOIN votes v ON v.resolution = r.id
                             WHERE r.issue = ? AND {COUNTED_VOTES})
            ORDER BY a.name, a.code""", [issue, issue])
    return frame(db, f"""
        SELECT a.code, a.name FROM actors a
        WHERE a.code IN (SELECT actor FROM statements)
           OR EXISTS (SELECT 1 FROM votes v WHERE v.actor = a.code AND {COUNTED_VOTES})
        ORDER BY a.name, a.code""")


def years(db: sqlite_utils.Database) -> tuple[int, int]:
    """First and last year with any evidence (this year if there is none)."""
    row = db.execute(f"""
        SELECT min(first), max(last) FROM (
            SELECT min(day) AS first, max(day) AS last FROM statements
            UNION ALL
            SELECT min(date), max(date) FROM resolutions r
            WHERE EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id AND {COUNTED_VOTES}))""").fetchone()
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
    """Filter values go into one line of the citation: no line breaks may split it."""
    return " ".join(str(value).split())


def citation(version: str, filters: dict[str, object], today: str) -> str:
    """One line that says what data, which view, when: shown on the page and opening CITATION.txt."""
    shown = ", ".join(f"{key}={_one_line(value) if value not in (None, '', ()) else 'all'}"
                      for key, value in filters.items())
    return f"Stance data, version {_one_line(version)}, exported {today}, filters: {shown}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel or LibreOffice evaluate a cell


def _defuse(value: object) -> object:
    """A quote like `=HYPERLINK(...)` must open as text, not run: a leading ' makes it text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _defused(rows: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would take for a formula get a leading '; numbers (a stance of -2) stay."""
    safe = rows.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(_defuse)
    return safe


def write_csv(tables: Iterator[pd.DataFrame], out: IO[bytes]) -> int:
    """Frames of the page's table (see `table`), one after another, into a binary stream: UTF-8 with a
    byte-order mark (Excel needs it to read UTF-8; pandas.read_csv skips it), the header once,
    no comment lines (they break plain readers). Returns the number of rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    written = 0
    header = True
    for chunk in tables:
        _defused(chunk).to_csv(text, index=False, header=header, quoting=csv.QUOTE_MINIMAL,
                                      lineterminator="\r\n")
        header = False
        written += len(chunk)
    if header:
        text.write(",".join(COLUMNS) + "\r\n")
    text.flush()
    text.detach()
    return written


def _tables(db: sqlite_utils.Database, filters: tuple[object, ...]) -> Iterator[pd.DataFrame]:
    return (table(chunk) for chunk in stream_points(db, *filters))


def to_csv(shown: pd.DataFrame) -> bytes:
    """The page's table as the download's CSV (see write_csv)."""
    buffer = io.BytesIO()
    write_csv(iter([shown]), buffer)
    return buffer.getvalue()


def export_zip(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
               start: str | None = None, end: str | None = None, kind: str = "both", stances: Sequence[int] = (),
               q: str | None = None, *, filters: dict[str, object] | None = None, today: str = "",
               link: str | None = None, digest: dict[str, object] | None = None) -> bytes:
    """Every row the filters (those of `points`) select, streamed into a data package zip
    (stance.package): the CSV, datapackage.json and README.md with the citation. Memory holds one
    batch of rows and the compressed result, never the whole table. `filters` are the ones a
    reader needs (the page's citation_filters); `digest` the database's, if already computed."""
    from stance import package

    args = (issue, actors, start, end, kind, stances, q)
    # as in _branches, a kind other than statements or votes reads both
    evidence = {"statements": ("statements",), "votes": ("votes",)}.get(kind, ("statements", "votes"))
    about = package.describe(db, "Explore", filters or {}, link, evidence, digest, issue)
    if today:
        about.today = today
    table = package.Table(f"stance-export-{about.today}", lambda: _tables(db, args),
                          "Statements and UN votes the filters select, oldest first, as the Explore page shows "
                          "them.", evidence, columns=COLUMNS)
    return package.package_bytes([table], about)


def export_csv(db: sqlite_utils.Database, issue: str | None = None, actors: Sequence[str] = (),
               start: str | None = None, end: str | None = None, kind: str = "both", stances: Sequence[int] = (),
               q: str | None = None) -> bytes:
    """Every row the filters select as the CSV alone (the citation is on the page and in the zip)."""
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as spool:
        write_csv(_tables(db, (issue, actors, start, end, kind, stances, q)), spool)
        spool.seek(0)
        return spool.read()


def read_csv(data: bytes) -> pd.DataFrame:
    """A downloaded CSV back as a frame, as a plain pandas.read_csv reads it (all text)."""
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)


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
