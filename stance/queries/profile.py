"""Everything about one actor: where it stands on each issue, its votes, its statements, its turns.

"Latest" follows the same rule as the map (queries.geo.LATEST_FIRST): newest day, and on one
day a statement before a vote, because it is usually the explanation of that vote.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from stance.db import VOTE_LABEL_SQL, VOTE_URL_SQL
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
    """Every roll-call vote the actor cast (absent and non-voting included), oldest first; a
    resolution is named by its UN symbol where it has one (not `UNGA rcid N`) and linked to it."""
    return frame(db, f"""
        SELECT {VOTE_LABEL_SQL} AS resolution, r.body, r.date, r.issue, i.title AS issue_title, v.vote, r.adopted,
               r.polarity, r.title, {VOTE_URL_SQL} AS source_url
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


def year_positions(points: pd.DataFrame) -> pd.DataFrame:
    """Per issue and year: the actor's position, from its points of that year.

    The year's mean is the mean of its points, where on a day with a statement the day's last
    statement stands for that day's votes (it usually explains them); its side is support (mean
    +0.5 or more), oppose (-0.5 or less) or neutral. A +1 vote beside a +2 statement is one side."""
    said = points[points["kind"] == "statement"].groupby(["issue", "day"], sort=False).tail(1)
    spoken_days = set(zip(said["issue"], said["day"], strict=True))
    unspoken = pd.Series([(i, d) not in spoken_days for i, d in zip(points["issue"], points["day"], strict=True)],
                         index=points.index, dtype=bool)
    voted = points[(points["kind"] == "vote") & unspoken]
    counted = pd.concat([said, voted])
    counted = counted.assign(year=counted["day"].str[:4].astype(int))
    years = counted.groupby(["issue", "year"], sort=True).agg(
        issue_title=("issue_title", "first"), mean=("stance", "mean"), points=("stance", "size")).reset_index()
    sides: list[int] = []
    previous = None
    for issue, mean in zip(years["issue"], years["mean"], strict=True):
        sides.append(next_side(sides[-1], mean) if issue == previous else side_of(mean))
        previous = issue
    years["side"] = sides
    return years


SIDE_MARGIN = 0.25  # how far past a boundary (+-0.5) a year's mean must go to count as a move


def side_of(mean: float) -> int:
    """+1 support, -1 oppose, 0 neutral: the side of the stance scale a mean lies on."""
    return 1 if mean >= 0.5 else -1 if mean <= -0.5 else 0


def next_side(current: int, mean: float) -> int:
    """The side after a year with this mean: a move only when the mean lies SIDE_MARGIN past the
    boundary, so that a mean going -0.55, -0.45, -0.52 from year to year (votes on a General Assembly
    issue) is one position held, not three turns."""
    up, down = side_of(mean - SIDE_MARGIN), side_of(mean + SIDE_MARGIN)
    return up if up > current else down if down < current else current


def stance_changes(db: sqlite_utils.Database, actor: str) -> pd.DataFrame:
    """Each time the actor's position on an issue moved from one side to another (support, neutral,
    oppose) between one year with evidence and the next (see year_positions and next_side), with a
    point of the new year on the new side.

    Periods, not points: a General Assembly issue has dozens of votes a year, and counting each
    change from one vote to the next reported a "stance change" for every other resolution."""
    points = _points(db, actor)
    years = year_positions(points)
    years["from_year"] = years.groupby("issue")["year"].shift()
    years["from_mean"] = years.groupby("issue")["mean"].shift()
    years["from_side"] = years.groupby("issue")["side"].shift()
    moved = years[years["from_side"].notna() & (years["side"] != years["from_side"])].copy()
    moved["from_year"] = moved["from_year"].astype(int)
    moved["from_side"] = moved["from_side"].astype(int)
    points = points.assign(year=points["day"].str[:4].astype(int))
    rows = []
    for change in moved.itertuples(index=False):
        same = points[(points["issue"] == change.issue) & (points["year"] == change.year)]
        on_side = same[same["stance"].map(lambda v, side=change.side: side_of(v) == side)]
        rows.append((on_side if not on_side.empty else same).iloc[-1])
    shown = pd.DataFrame(rows, columns=points.columns).reset_index(drop=True)
    moved = moved.reset_index(drop=True)
    out = pd.concat([moved[["year", "from_year", "from_mean", "mean", "from_side", "side", "points"]],
                     shown[["day", "date", "date_precision", "issue", "issue_title", "kind", "ref", "evidence",
                            "speaker", "source_url"]]], axis=1)
    out = out.rename(columns={"mean": "to_mean", "side": "to_side"})
    return out.sort_values(["year", "issue"]).reset_index(drop=True)
