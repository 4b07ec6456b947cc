"""Relations between two countries from coded event data (GDELT): pairs, months, events.

Every read goes through the relations_pair_day index (source_actor, target_actor, day): one
direction is one index range, so "both directions" is two ranges joined with UNION ALL.
Values are bound parameters only.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from stance.queries import frame

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
# The 20 CAMEO root event categories, as named in GDELT's lookup CAMEO.eventcodes.txt
# (https://www.gdeltproject.org/data/lookups/CAMEO.eventcodes.txt) and the CAMEO codebook 1.1b3.
CAMEO_ROOTS = {
    "01": "make public statement", "02": "appeal", "03": "express intent to cooperate", "04": "consult",
    "05": "engage in diplomatic cooperation", "06": "engage in material cooperation", "07": "provide aid",
    "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove", "12": "reject", "13": "threaten",
    "14": "protest", "15": "exhibit force posture", "16": "reduce relations", "17": "coerce", "18": "assault",
    "19": "fight", "20": "use unconventional mass violence",
}
MONTHLY_COLUMNS = ["month", "direction", "events", "mean_goldstein", "quad1", "quad2", "quad3", "quad4"]
EVENT_COLUMNS = ["id", "day", "source_actor", "source_name", "target_actor", "target_name", "event_code",
                 "base_code", "root_code", "quad_class", "goldstein", "mentions", "sources", "articles",
                 "avg_tone", "url", "dataset"]


def has_relations(db: sqlite_utils.Database) -> bool:
    """False for a database from before the relations table (read-only files are not upgraded)."""
    return "relations" in db.table_names()


def relation_pairs(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every directed pair with events: source, target, their names, events, first and last day.

    Most events first. The GROUP BY walks the pair index in order, without a sort of its own."""
    if not has_relations(db):
        return pd.DataFrame(columns=["source_actor", "source_name", "target_actor", "target_name", "events",
                                     "first_day", "last_day"])
    return frame(db, """
        WITH p AS (SELECT source_actor, target_actor, count(*) AS events, min(day) AS first_day,
                          max(day) AS last_day
                   FROM relations GROUP BY source_actor, target_actor)
        SELECT p.source_actor, s.name AS source_name, p.target_actor, t.name AS target_name, p.events,
               p.first_day, p.last_day
        FROM p JOIN actors s ON s.code = p.source_actor JOIN actors t ON t.code = p.target_actor
        ORDER BY p.events DESC, s.name, t.name""")


def _pair_rows(a: str, b: str, both_directions: bool, first: str | None, last: str | None,
               columns: str) -> tuple[str, list[object]]:
    """SELECT of `columns` from the rows of a -> b (and b -> a), each one index range."""
    day = ""
    bounds: list[object] = []
    if first:
        day += " AND day >= ?"
        bounds.append(first)
    if last:
        day += " AND day <= ?"
        bounds.append(last)
    one = f"SELECT {columns} FROM relations WHERE source_actor = ? AND target_actor = ?{day}"
    if not both_directions or a == b:
        return one, [a, b, *bounds]
    return f"{one} UNION ALL {one}", [a, b, *bounds, b, a, *bounds]


def relations_monthly(db: sqlite_utils.Database, a: str, b: str, both_directions: bool = True,
                      first: str | None = None, last: str | None = None) -> pd.DataFrame:
    """Per month with events: how many, their mean Goldstein score, and counts per QuadClass.

    `direction` is "A->B" (codes, such as "USA->CHN") or, with both_directions, "A<->B" for the
    events of both directions together. `first` and `last` are days (YYYY-MM-DD), inclusive.
    The mean is over events, each counted once (not weighted by mentions); months without events
    are absent, not zero."""
    if not has_relations(db):
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    rows, params = _pair_rows(a, b, both_directions, first, last, "day, quad_class, goldstein")
    direction = f"{a}<->{b}" if both_directions else f"{a}->{b}"
    df = frame(db, f"""
        SELECT substr(day, 1, 7) AS month, ? AS direction, count(*) AS events,
               avg(goldstein) AS mean_goldstein,
               sum(quad_class = 1) AS quad1, sum(quad_class = 2) AS quad2,
               sum(quad_class = 3) AS quad3, sum(quad_class = 4) AS quad4
        FROM ({rows}) GROUP BY month ORDER BY month""", [direction, *params])
    for column in ("quad1", "quad2", "quad3", "quad4"):
        df[column] = df[column].fillna(0).astype(int)
    return df[MONTHLY_COLUMNS]


def relation_events(db: sqlite_utils.Database, a: str, b: str, month: str,
                    both_directions: bool = True) -> pd.DataFrame:
    """The events of one month (YYYY-MM) behind a bar of the chart, oldest first: the evidence."""
    if not has_relations(db):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    columns = ("id, day, source_actor, target_actor, event_code, base_code, root_code, quad_class, goldstein, "
               "mentions, sources, articles, avg_tone, url, dataset")
    rows, params = _pair_rows(a, b, both_directions, f"{month}-01", f"{month}-31", columns)
    return frame(db, f"""
        SELECT r.id, r.day, r.source_actor, s.name AS source_name, r.target_actor, t.name AS target_name,
               r.event_code, r.base_code, r.root_code, r.quad_class, r.goldstein, r.mentions, r.sources,
               r.articles, r.avg_tone, r.url, r.dataset
        FROM ({rows}) r JOIN actors s ON s.code = r.source_actor JOIN actors t ON t.code = r.target_actor
        ORDER BY r.day, r.id""", params)
