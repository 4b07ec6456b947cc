"""Where each country stands on an issue on a given date: the data behind the Map page.

A country's position on a date is its latest stance point (statement or vote) on or before that
date. Points are compared by their first day (`day`), so a statement dated only "2017-08" counts
from 1 August 2017. When a statement and a vote fall on the same day, the statement wins: it is
usually the explanation of that vote, and it was coded by hand.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from stance.queries import frame

# The one definition of "latest" shared with the profile page: newest day, statements before
# votes on the same day, then the reference for a stable order.
LATEST_FIRST = "p.day DESC, p.kind = 'statement' DESC, p.ref DESC"


def stance_as_of(db: sqlite_utils.Database, issue: str, as_of: str) -> pd.DataFrame:
    """Each state's latest stance point on `issue` on or before `as_of` (ISO date), one row per state.

    Organisations (EU, UN, ...) have no outline on a world map and are left out. `points` counts
    the state's points up to that date, so a reader can tell a single vote from a long record.
    """
    return frame(db, f"""
        WITH ranked AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.actor ORDER BY {LATEST_FIRST}) AS rank,
                   count(*) OVER (PARTITION BY p.actor) AS points
            FROM stance_points p JOIN actors a ON a.code = p.actor
            WHERE p.issue = ? AND p.day <= ? AND a.kind = 'state')
        SELECT r.actor, a.name AS actor_name, r.stance, r.kind, r.date, r.date_precision, r.day, r.text, r.speaker,
               r.notes, r.source_url, r.source_title, r.points
        FROM ranked r JOIN actors a ON a.code = r.actor
        WHERE r.rank = 1 ORDER BY a.name""", [issue, as_of])

