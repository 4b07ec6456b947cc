"""Follow the UN seat: one line per seat over time, from the Soviet Union to Russia.

A vote is stored under the state that cast it (data/successions.csv, stance.actors); a chart of
Russia since 1971 therefore needs the Soviet Union's rows too. These helpers are the one place
that joins a line's states: `with_predecessors` widens a query's actor list, `follow` relabels
its rows, `breaks` gives the dates a chart marks. Off, every state is its own line.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from stance.actors import registry


def with_predecessors(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes and every state whose seat they continued (RUS -> RUS, SUN), for a query."""
    reg = registry()
    out: dict[str, None] = {}
    for code in codes:
        out[code] = None
        for succession in reg.seat_chain(code):
            out[succession.predecessor] = None
    return tuple(out)


def line_of(code: str) -> str:
    return registry().seat_line(code)


def follow(df: pd.DataFrame, column: str = "actor", name_column: str | None = "actor_name") -> pd.DataFrame:
    """Rows relabelled to their seat's line: `column` becomes the line's code, `name_column` its
    label ("Russia (Soviet Union to 1991)" where the rows do reach back to the Soviet Union, else
    plain "Russia"), `cast_by` keeps the name of the state that cast a
    followed row (empty where the line's own state did), and `<column>_as_stored` its code."""
    if df.empty:
        return df.assign(cast_by=pd.Series(dtype=object))
    reg = registry()
    lines = df[column].map(reg.seat_line)
    cast_by = [reg.name(code) if code != line else None for code, line in zip(df[column], lines, strict=True)]
    out = df.assign(**{column: lines, "cast_by": cast_by, f"{column}_as_stored": df[column]})
    if name_column is not None:
        followed = set(lines[lines != df[column]])  # lines that really run back through a predecessor here
        out[name_column] = [reg.seat_label(line) if line in followed else reg.name(line) for line in lines]
    return out


def breaks(codes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(line code, date, what happened) for each continuation on the lines of `codes`, to mark on a chart."""
    reg = registry()
    marks = []
    for code in dict.fromkeys(reg.seat_line(c) for c in codes):
        for s in reg.seat_chain(code):
            marks.append((code, s.date, f"{reg.name(s.predecessor)} → {reg.name(s.successor)}"))
    return marks


def line_labels(codes: Iterable[str]) -> dict[str, str]:
    """Code -> legend label, following the seat: {'RUS': 'Russia (Soviet Union to 1991)'}."""
    reg = registry()
    return {code: reg.seat_label(code) for code in codes}


def fold_actors(actors: pd.DataFrame) -> pd.DataFrame:
    """A picker's actor list (code, name and counts) with one row per seat's line: the Soviet
    Union's counts join Russia's under "Russia (Soviet Union to 1991)"; the order is kept."""
    if actors.empty:
        return actors
    reg = registry()
    lines = actors["code"].map(reg.seat_line)
    followed = set(lines[lines != actors["code"]])
    counts = [c for c in actors.columns if c not in ("code", "name")]
    folded = (actors.assign(code=lines).groupby("code", sort=False, as_index=False)[counts].sum()
              if counts else actors.assign(code=lines).drop_duplicates("code"))
    folded.insert(1, "name", [reg.seat_label(c) if c in followed else reg.name(c) for c in folded["code"]])
    return folded.reset_index(drop=True)


def follow_yearly(yearly: pd.DataFrame) -> pd.DataFrame:
    """Per actor-year vote counts (stance.queries.vote_years) on the seat's line: a succession
    year's two states add up (West Germany and Germany in 1990), the mean weighted by votes."""
    if yearly.empty:
        return yearly
    df = follow(yearly).assign(weighted=yearly["mean"] * yearly["votes"])
    out = df.groupby(["actor", "actor_name", "year"], as_index=False)[["votes", "yes", "abstain", "no",
                                                                      "weighted"]].sum()
    return out.assign(mean=out["weighted"] / out["votes"]).drop(columns="weighted")


def subject(points: pd.DataFrame) -> pd.Series:
    """Who a followed row's evidence is from: the state that cast it, else the line's name."""
    if "cast_by" not in points:
        return points["actor_name"]
    return points["cast_by"].where(points["cast_by"].notna(), points["actor_name"])
