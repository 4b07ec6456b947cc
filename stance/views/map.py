"""Map: where every country stood on one issue at the end of a chosen year.

URL parameters: issue, year (the map shows each country's latest statement or vote on or
before 31 December of that year; absent: the last year), evidence (statements | votes; absent: both).
Session-state keys: issue, evidence (shared with the other pages), year (int).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from stance.charts import KIND_LABELS
from stance.charts import map as map_chart
from stance.model import STANCE_LABELS, stance_text
from stance.views.common import (
    chart,
    digits,
    evidence_card,
    evidence_picker,
    evidence_sources,
    issue_picker,
    md_escape,
    package_button,
    position_rule,
    read,
    require_data,
    safe_link,
    seed_from_url,
    set_url,
    unless,
    view_link,
)


def as_of_day(year: int, today: dt.date | None = None) -> str:
    """The last day of `year`, or today while that year is still running."""
    end = dt.date(year, 12, 31)
    return min(end, today or dt.date.today()).isoformat()


def year_picker(first: int, last: int, key: str = "year") -> int:
    """A year slider over the issue's span; URL parameter `year`; out-of-range values fall back to the last year."""
    seed_from_url(key, lambda raw: year if (year := digits(raw)) is not None and first <= year <= last else None, last,
                  f"the year must lie within {first}-{last}")
    value = st.session_state[key]
    if not isinstance(value, int) or not first <= value <= last:  # e.g. after switching to a shorter issue
        st.session_state[key] = last
    if first == last:
        st.caption(f"All evidence on this issue is from {first}.")
        return first
    return st.slider(f"As of the end of the year ({first}–{last})", first, last, key=key,
                     help="Each country shows its latest statement or vote on or before 31 December of this year.")


def countries_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The map's data as a table: every coloured country and the evidence its colour rests on."""
    return pd.DataFrame({
        "Country": [name if not isinstance(by, str) else f"{name} (as {by})"
                    for name, by in zip(df["actor_name"], df["cast_by"], strict=True)],
        "Stance": df["stance"].map(stance_text),
        "Date": [map_chart.format_date(d, p) for d, p in zip(df["date"], df["date_precision"], strict=True)],
        "Kind": df["kind"].map(KIND_LABELS),
        "Source": df["source_url"].map(safe_link),
        "Points so far": df["points"],
        "Speaker": df["speaker"].fillna(""),
        "Quote or vote": df["text"].fillna(df["notes"]).fillna(""),
    })


def summary(df: pd.DataFrame, as_of: str) -> str:
    """One line a reader can quote: how many countries, and how they split."""
    counts = df["stance"].value_counts()
    parts = [f"{int(counts[v])} {STANCE_LABELS[v]}" for v in sorted(STANCE_LABELS, reverse=True) if v in counts]
    return f"As of {map_chart.format_date(as_of)}: {len(df)} countries with data ({', '.join(parts)})."


def clicked_country(event: object) -> str | None:
    """The code of the clicked country, read from the clicked shape itself (customdata)."""
    selection = getattr(event, "selection", None) or {}
    for point in selection.get("points", []) if isinstance(selection, dict) else []:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, (list, tuple)) and len(data) > map_chart.ACTOR_COLUMN:
            return str(data[map_chart.ACTOR_COLUMN])
        if isinstance(point, dict) and isinstance(point.get("location"), str):
            return point["location"]
    return None


def show_country(row: pd.Series, issue: str, as_of: str) -> None:
    """The evidence a country's colour rests on, and the way to all of its evidence."""
    when = map_chart.format_date(row["date"], row["date_precision"])
    heading = (f"{KIND_LABELS[row['kind']]} · {when} · stance {stance_text(row['stance'])} · "
               f"its latest of {int(row['points'])} point(s) on this issue by {map_chart.format_date(as_of)}")
    evidence_card(row, heading, row["actor_name"], (("Quote or vote", "text"), ("Speaker", "speaker"),
                                                    ("Notes", "notes"), ("Source", "source_title")))
    timeline, profile = st.columns(2)
    timeline.link_button("All its evidence on this issue (Timeline)",
                         view_link("", issue=issue, actors=row["actor"]), icon=":material/timeline:")
    profile.link_button("Actor profile", view_link("actor", actor=row["actor"]), icon=":material/person:")


def render() -> None:
    st.title("Stance map")
    issues = read("issues")
    require_data(issues)
    issue = issue_picker(issues)
    meta = issues.set_index("slug").loc[issue]
    first, last = read("issue_years", issue)
    year = year_picker(first, last)
    kinds = evidence_picker()
    set_url(issue=issue, year=unless(year, last), evidence=unless(kinds, "both"))
    as_of = as_of_day(year)
    df = read("geo.stance_as_of", issue, as_of, True, kinds)
    if df.empty:
        what = {"both": "a statement or vote", "statements": "a statement", "votes": "a UN vote"}[kinds]
        st.info(f"No country had {what} on this issue by {map_chart.format_date(as_of)}.")
        st.stop()
    fig = map_chart.stance_map(df, meta["title"], map_chart.format_date(as_of), meta["plus_2"], meta["minus_2"])
    sources = evidence_sources("both" if df["kind"].nunique() == 2 else f"{df['kind'].iloc[0]}s", [issue])
    event = chart(fig, [*sources, "outlines"], "stance_map", below=10, config={"topojsonURL": map_chart.TOPOJSON_URL},
                  width="stretch", on_select="rerun", selection_mode="points")
    code = clicked_country(event)
    if code in set(df["actor"]):
        show_country(df[df["actor"] == code].iloc[0], issue, as_of)
    else:
        st.caption("Click a country to see the statement or vote its colour rests on.")
    st.caption(summary(df, as_of) + " " + position_rule(kinds).replace("An actor's", "A country's") +
               " Countries in grey have no such evidence by then: no data, which is not the same as neutral (pale "
               "yellow). A UN vote counts as a stance: yes = support, no = oppose, abstention = neutral.")
    hidden = sorted(set(df["actor"]) - map_chart.outline_codes())
    if hidden:
        names = ", ".join(df.set_index("actor").loc[hidden, "actor_name"])
        st.caption(f"No outline on this map (too small at this scale, or a former state), listed in the table "
                   f"only: {md_escape(names)}.")
    if df["cast_by"].notna().any():
        st.caption("Following the UN seat: a state's latest point may have been cast by the state whose seat it "
                   "continued (the Soviet Union for Russia, West Germany for Germany), as the table says.")
    st.subheader(f"Countries with data ({len(df)})")
    st.dataframe(countries_frame(df), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn("Source", display_text="open")})
    package_button("Map", {f"stance-as-of-{as_of}": df.assign(issue=issue)}, ("statements", "votes"),
                   key="map_package", issue=issue)
