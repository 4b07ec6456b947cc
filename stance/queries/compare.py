"""Stances of many actors side by side: actors x issues, and actors x time on one issue.

Statements and votes both count: everything reads the `stance_points` view. Each cell says how
many points it rests on, because a cell backed by one remark is not the same as one backed by
twenty votes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlite_utils

from stance.queries import _marks, frame

PERIODS = {"month": 7, "year": 4}  # period -> length of the `day` prefix that names it
CELL_COLUMNS = ["actor", "actor_name", "issue", "issue_title", "stance", "points", "total", "first_day",
                "last_day"]


def actors_with_points(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every actor with a statement or vote on any issue, most evidence first (the actor picker's list)."""
    return frame(db, """
        SELECT p.actor AS code, a.name, count(*) AS points, count(DISTINCT p.issue) AS issues
        FROM stance_points p JOIN actors a ON a.code = p.actor
        GROUP BY p.actor ORDER BY points DESC, a.name""")


def data_span(db: sqlite_utils.Database) -> tuple[str, str] | None:
    """First and last day with any stance point, or None when there is none."""
    row = db.execute("SELECT min(day), max(day) FROM stance_points").fetchone()
    return None if not row or row[0] is None else (row[0], row[1])


def latest_as_of(db: sqlite_utils.Database, actors: Sequence[str], as_of: str,
                 issues: Sequence[str] = ()) -> pd.DataFrame:
    """Each actor's latest stance on each issue on or before `as_of` (ISO date).

    When several points share the latest day (a statement and a vote, or two statements), the
    cell is their mean. `points` counts those latest points; `total` counts every point up to
    `as_of`, so the hover can say how much history lies behind the cell.
    """
    if not actors:
        return pd.DataFrame(columns=CELL_COLUMNS)
    where, params = _where(actors, issues)
    sql = f"""
        WITH p AS (SELECT actor, issue, day, stance FROM stance_points WHERE {where} AND day <= ?),
        last AS (SELECT actor, issue, max(day) AS day, min(day) AS first_day, count(*) AS total
                 FROM p GROUP BY actor, issue)
        SELECT l.actor, a.name AS actor_name, l.issue, i.title AS issue_title, avg(p.stance) AS stance,
               count(*) AS points, l.total, l.first_day, l.day AS last_day
        FROM last l JOIN p ON p.actor = l.actor AND p.issue = l.issue AND p.day = l.day
        JOIN actors a ON a.code = l.actor JOIN issues i ON i.slug = l.issue
        GROUP BY l.actor, l.issue ORDER BY l.actor, l.issue"""
    return frame(db, sql, [*params, as_of])


def mean_over(db: sqlite_utils.Database, actors: Sequence[str], first: str, last: str,
              issues: Sequence[str] = ()) -> pd.DataFrame:
    """Each actor's mean stance on each issue over the days `first`..`last` (ISO dates, inclusive)."""
    if not actors:
        return pd.DataFrame(columns=CELL_COLUMNS)
    where, params = _where(actors, issues, "p.")
    sql = f"""
        SELECT p.actor, a.name AS actor_name, p.issue, i.title AS issue_title, avg(p.stance) AS stance,
               count(*) AS points, count(*) AS total, min(p.day) AS first_day, max(p.day) AS last_day
        FROM stance_points p JOIN actors a ON a.code = p.actor JOIN issues i ON i.slug = p.issue
        WHERE {where} AND p.day >= ? AND p.day <= ?
        GROUP BY p.actor, p.issue ORDER BY p.actor, p.issue"""
    return frame(db, sql, [*params, first, last])


def by_period(db: sqlite_utils.Database, issue: str, actors: Sequence[str], period: str,
              first: str, last: str) -> pd.DataFrame:
    """Mean stance per actor per month or year on one issue, with the number of points behind each."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if not actors:
        return pd.DataFrame(columns=["actor", "actor_name", "period", "stance", "points"])
    sql = f"""
        SELECT p.actor, a.name AS actor_name, substr(p.day, 1, ?) AS period, avg(p.stance) AS stance,
               count(*) AS points
        FROM stance_points p JOIN actors a ON a.code = p.actor
        WHERE p.issue = ? AND p.actor IN ({_marks(actors)}) AND p.day >= ? AND p.day <= ?
        GROUP BY p.actor, period ORDER BY p.actor, period"""
    return frame(db, sql, [PERIODS[period], issue, *actors, first, last])


def period_keys(first_year: int, last_year: int, period: str) -> list[str]:
    """Every period from the first year's start to the last year's end: '2017' or '2017-03'.

    The time heat map has a column for each, so an empty month shows as a gap, not as nothing.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if period == "year":
        return [str(y) for y in range(first_year, last_year + 1)]
    return [f"{y}-{m:02d}" for y in range(first_year, last_year + 1) for m in range(1, 13)]


def _where(actors: Sequence[str], issues: Sequence[str], prefix: str = "") -> tuple[str, list[object]]:
    """`actor IN (...) [AND issue IN (...)]` with its parameters: only `?` marks are built here.

    `prefix` is a fixed table alias ("p."), never user input."""
    where = f"{prefix}actor IN ({_marks(actors)})"
    params: list[object] = list(actors)
    if issues:
        where += f" AND {prefix}issue IN ({_marks(issues)})"
        params += list(issues)
    return where, params
