"""Stances of many actors side by side: actors x issues, and actors x time on one issue.

Statements and votes both count, exactly as in the `stance_points` view (a vote counts when it
is yes, no or abstain). Each cell says how many points it rests on, because a cell backed by one
remark is not the same as one backed by twenty votes.

Why these queries read the tables and not the view: the view builds a text string for every
vote, and a whole-database question ("which actors have data", "what years does it span")
asked of it costs seconds on a million votes. The same answers from the tables, through their
indexes, take milliseconds. tests/test_compare.py checks them against the view.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlite_utils

from stance.queries import _marks, frame

PERIODS = {"month": 7, "year": 4}  # period -> length of the `day` prefix that names it
CELL_COLUMNS = ["actor", "actor_name", "issue", "issue_title", "stance", "points", "total", "first_day",
                "last_day"]
COUNTED_VOTES = "('yes', 'no', 'abstain')"  # the votes the view turns into stance points (fixed SQL)
VOTE_STANCE = "CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END"


def actors_with_points(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every actor with a statement or vote on any issue, most evidence first (the actor picker's list).

    Counted votes per actor = all its vote rows (a scan of the covering index votes (actor, ...))
    minus its absent / non-voting rows (one plain scan of the table: few rows to sort; `+actor`
    keeps SQLite off the votes_actor index, which since votes lost its rowid (m005) it takes even
    under NOT INDEXED, and then fetches each row's vote by key: 2.7 s instead of 0.2). Grouping
    the counted votes themselves by actor would look up a million rows in index order, seconds.
    The issues an actor voted on: for each actor and issue, does any resolution on the issue hold
    a counted vote by the actor (found at the first resolution, usually)."""
    return frame(db, f"""
        WITH vote_rows AS (SELECT actor, count(*) AS n FROM votes GROUP BY actor),
        uncounted AS (SELECT actor, count(*) AS n FROM votes
                      WHERE vote NOT IN {COUNTED_VOTES} GROUP BY +actor),
        vote_issues AS (
            SELECT vr.actor, ri.issue FROM vote_rows vr, (SELECT DISTINCT issue FROM resolutions) ri
            WHERE EXISTS (SELECT 1 FROM resolutions r CROSS JOIN votes v ON v.resolution = r.id
                          WHERE r.issue = ri.issue AND v.actor = vr.actor AND v.vote IN {COUNTED_VOTES})),
        per_actor AS (
            SELECT actor, sum(n) AS points, count(DISTINCT issue) AS issues FROM (
                SELECT actor, issue, count(*) AS n FROM statements GROUP BY actor, issue
                UNION ALL
                SELECT vr.actor, NULL, vr.n - COALESCE(u.n, 0) FROM vote_rows vr
                LEFT JOIN uncounted u ON u.actor = vr.actor
                UNION ALL
                SELECT actor, issue, 0 FROM vote_issues)
            GROUP BY actor)
        SELECT p.actor AS code, a.name, p.points, p.issues
        FROM per_actor p JOIN actors a ON a.code = p.actor
        WHERE p.points > 0
        ORDER BY p.points DESC, a.name""")


def data_span(db: sqlite_utils.Database) -> tuple[str, str] | None:
    """First and last day with any stance point, or None when there is none.

    Statements by their `day`; resolutions by their date, if at least one vote on them counts."""
    row = db.execute(f"""
        SELECT min(d), max(d) FROM (
            SELECT min(day) AS d FROM statements UNION ALL SELECT max(day) FROM statements
            UNION ALL
            SELECT r.date FROM resolutions r
            WHERE EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id AND v.vote IN {COUNTED_VOTES}))""").fetchone()
    return None if not row or row[0] is None else (row[0], row[1])


def latest_as_of(db: sqlite_utils.Database, actors: Sequence[str], as_of: str,
                 issues: Sequence[str] = (), kinds: str = "both") -> pd.DataFrame:
    """Each actor's latest stance on each issue on or before `as_of` (ISO date).

    When several points share the latest day (a statement and a vote, or two statements), the
    cell is their mean. `points` counts those latest points; `total` counts every point up to
    `as_of`, so the hover can say how much history lies behind the cell.
    """
    if not actors:
        return pd.DataFrame(columns=CELL_COLUMNS)
    points, params = _points(actors, issues, last=as_of, kinds=kinds)
    sql = f"""
        WITH p AS MATERIALIZED ({points}),
        last AS (SELECT actor, issue, max(day) AS day, min(day) AS first_day, count(*) AS total
                 FROM p GROUP BY actor, issue)
        SELECT l.actor, a.name AS actor_name, l.issue, i.title AS issue_title, avg(p.stance) AS stance,
               count(*) AS points, l.total, l.first_day, l.day AS last_day
        FROM last l JOIN p ON p.actor = l.actor AND p.issue = l.issue AND p.day = l.day
        JOIN actors a ON a.code = l.actor JOIN issues i ON i.slug = l.issue
        GROUP BY l.actor, l.issue ORDER BY l.actor, l.issue"""
    return frame(db, sql, params)


def mean_over(db: sqlite_utils.Database, actors: Sequence[str], first: str, last: str,
              issues: Sequence[str] = (), kinds: str = "both") -> pd.DataFrame:
    """Each actor's mean stance on each issue over the days `first`..`last` (ISO dates, inclusive)."""
    if not actors:
        return pd.DataFrame(columns=CELL_COLUMNS)
    points, params = _points(actors, issues, first, last, kinds)
    sql = f"""
        SELECT p.actor, a.name AS actor_name, p.issue, i.title AS issue_title, avg(p.stance) AS stance,
               count(*) AS points, count(*) AS total, min(p.day) AS first_day, max(p.day) AS last_day
        FROM ({points}) p JOIN actors a ON a.code = p.actor JOIN issues i ON i.slug = p.issue
        GROUP BY p.actor, p.issue ORDER BY p.actor, p.issue"""
    return frame(db, sql, params)


def by_period(db: sqlite_utils.Database, issue: str, actors: Sequence[str], period: str,
              first: str, last: str, kinds: str = "both") -> pd.DataFrame:
    """Mean stance per actor per month or year on one issue, with the number of points behind each."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if not actors:
        return pd.DataFrame(columns=["actor", "actor_name", "period", "stance", "points"])
    points, params = _points(actors, [issue], first, last, kinds)
    sql = f"""
        SELECT p.actor, a.name AS actor_name, substr(p.day, 1, ?) AS period, avg(p.stance) AS stance,
               count(*) AS points
        FROM ({points}) p JOIN actors a ON a.code = p.actor
        GROUP BY p.actor, period ORDER BY p.actor, period"""
    return frame(db, sql, [PERIODS[period], *params])


def period_keys(first_year: int, last_year: int, period: str) -> list[str]:
    """Every period from the first year's start to the last year's end: '2017' or '2017-03'.

    The time heat map has a column for each, so an empty month shows as a gap, not as nothing.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if period == "year":
        return [str(y) for y in range(first_year, last_year + 1)]
    return [f"{y}-{m:02d}" for y in range(first_year, last_year + 1) for m in range(1, 13)]


# The two branches of the stance_points view, reduced to (actor, issue, day, stance): table, selected
# columns, and the columns the filters apply to. CROSS JOIN keeps resolutions the outer loop: its
# (issue, date) index, then votes by primary key (resolution, actor), reads each resolution's votes
# together; SQLite would otherwise start from votes (actor) and jump about the table (~1.5x slower).
_BRANCHES = (
    ("statements s", "s.actor, s.issue, s.day, s.stance", "s.actor", "s.issue", "s.day", ""),
    ("resolutions r CROSS JOIN votes v ON v.resolution = r.id",
     f"v.actor, r.issue, r.date AS day, {VOTE_STANCE} AS stance",  # named: it may be the only branch
     "v.actor", "r.issue", "r.date", f" AND v.vote IN {COUNTED_VOTES}"),
)


def _points(actors: Sequence[str], issues: Sequence[str], first: str | None = None,
            last: str | None = None, kinds: str = "both") -> tuple[str, list[object]]:
    """The stance points (actor, issue, day, stance) of these actors, read from the tables.

    The same rows as `SELECT actor, issue, day, stance FROM stance_points WHERE ...`, without the
    text the view builds for every vote. `kinds` "statements" or "votes" keeps that branch only.
    Only `?` marks and fixed column names are built here."""
    if kinds not in ("both", "statements", "votes"):
        raise ValueError(f"kinds must be one of both, statements, votes, not {kinds!r}")
    branches = []
    params: list[object] = []
    for kind, (table, select, actor_col, issue_col, day_col, extra) in zip(("statements", "votes"), _BRANCHES,
                                                                           strict=True):
        if kinds not in ("both", kind):
            continue
        where = f"{actor_col} IN ({_marks(actors)}){extra}"
        params += list(actors)
        if issues:
            where += f" AND {issue_col} IN ({_marks(issues)})"
            params += list(issues)
        for bound, op in ((first, ">="), (last, "<=")):
            if bound is not None:
                where += f" AND {day_col} {op} ?"
                params.append(bound)
        branches.append(f"SELECT {select} FROM {table} WHERE {where}")
    return "SELECT actor, issue, day, stance FROM (" + " UNION ALL ".join(branches) + ")", params
