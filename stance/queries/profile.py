"""Everything about one actor: where it stands on each issue, its votes, its statements, its turns.

"Latest" follows the same rule as the map (queries.geo.LATEST_FIRST): newest day, and on one
day a statement before a vote, because it is usually the explanation of that vote.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from stance.queries import frame
from stance.queries.geo import LATEST_FIRST

# One actor's stance points straight from the tables: the rows of `stance_points WHERE actor = ?`
# without the text, speaker and source the view joins and builds for each (tests/test_profile.py
# checks they agree). Two `?`: the actor, twice.
_POINTS = """
    SELECT 'statement' AS kind, s.id AS ref, s.issue, s.date, s.date_precision, s.day, s.stance
    FROM statements s WHERE s.actor = ?
    UNION ALL
    SELECT 'vote', v.resolution, r.issue, r.date, 'day', r.date,
           CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END
    FROM votes v JOIN resolutions r ON r.id = v.resolution
    WHERE v.actor = ? AND v.vote IN ('yes', 'no', 'abstain')"""


def actors(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every known actor with its evidence counts: those with data first, then by name.

    `votes` counts every roll-call row (absences too), as the "Votes cast" table does. Grouped
    once per table: a count per actor would scan all statements for each actor (no index
    starts with `actor`), seconds on a large database."""
    return frame(db, """
        WITH s AS (SELECT actor, count(*) AS n FROM statements GROUP BY actor),
             v AS (SELECT actor, count(*) AS n FROM votes GROUP BY actor)
        SELECT a.code, a.name, a.kind, COALESCE(s.n, 0) AS statements, COALESCE(v.n, 0) AS votes
        FROM actors a LEFT JOIN s ON s.actor = a.code LEFT JOIN v ON v.actor = a.code
        ORDER BY (statements + votes) = 0, a.name""")


def positions(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """Per issue: the latest stance (and the point it rests on), the mean and range of all points."""
    return frame(db, f"""
        WITH p AS MATERIALIZED ({_POINTS}),
        ranked AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.issue ORDER BY {LATEST_FIRST}) AS rank FROM p)
        SELECT r.issue, i.title, r.stance AS latest, r.date AS latest_date, r.date_precision AS latest_precision,
               r.kind AS latest_kind, agg.mean, agg.low, agg.high, agg.points, agg.statements, agg.votes
        FROM ranked r JOIN issues i ON i.slug = r.issue
        JOIN (SELECT issue, avg(stance) AS mean, min(stance) AS low, max(stance) AS high, count(*) AS points,
                     sum(kind = 'statement') AS statements, sum(kind = 'vote') AS votes
              FROM p GROUP BY issue) agg ON agg.issue = r.issue
        WHERE r.rank = 1 ORDER BY agg.points DESC, i.title""", [actor, actor])


def votes_cast(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """Every roll-call vote the actor cast (absent and non-voting included), oldest first."""
    return frame(db, """
        SELECT r.id AS resolution, r.body, r.date, r.issue, i.title AS issue_title, v.vote, r.adopted,
               r.polarity, r.title, src.url AS source_url
        FROM votes v JOIN resolutions r ON r.id = v.resolution JOIN issues i ON i.slug = r.issue
        LEFT JOIN sources src ON src.id = r.source_id
        WHERE v.actor = ? ORDER BY r.date, r.id""", [actor])


def statements_made(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """Every coded statement of the actor, oldest first, with its source."""
    return frame(db, """
        SELECT s.date, s.date_precision, s.day, s.issue, i.title AS issue_title, s.stance, s.quote, s.speaker,
               s.notes, src.url AS source_url, src.title AS source_title
        FROM statements s JOIN issues i ON i.slug = s.issue LEFT JOIN sources src ON src.id = s.source_id
        WHERE s.actor = ? ORDER BY s.day, s.issue, s.id""", [actor])


def _points(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """All the actor's stance points, oldest first; on one day votes before statements (see LATEST_FIRST)."""
    return frame(db, """
        SELECT p.issue, i.title AS issue_title, p.kind, p.ref, p.date, p.date_precision, p.day, p.stance,
               COALESCE(p.text, p.notes) AS evidence, p.speaker, p.source_url
        FROM stance_points p JOIN issues i ON i.slug = p.issue
        WHERE p.actor = ? ORDER BY p.issue, p.day, p.kind = 'statement', p.ref""", [actor])


def stance_changes(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """Each time the actor's position on an issue moved, with the point that shows the new position.

    A day's position is its last point (a statement over a vote on the same day), so a vote and
    the statement explaining it count as one move, not two.
    """
    points = _points(db, actor)
    days = points.groupby(["issue", "day"], sort=False).tail(1).copy()
    days["from_stance"] = days.groupby("issue")["stance"].shift()
    days["from_date"] = days.groupby("issue")["date"].shift()
    moved = days[days["from_stance"].notna() & (days["stance"] != days["from_stance"])].copy()
    moved["from_stance"] = moved["from_stance"].astype(int)
    moved = moved.rename(columns={"stance": "to_stance"})
    columns = ["day", "date", "date_precision", "issue", "issue_title", "from_stance", "to_stance", "from_date",
               "kind", "ref", "evidence", "speaker", "source_url"]
    return moved[columns].sort_values(["day", "issue"]).reset_index(drop=True)
