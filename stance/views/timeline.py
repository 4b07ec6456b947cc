"""Timeline: one issue, chosen actors, stance over time with every point's evidence a click away.

URL parameters: issue, actors, from, to, evidence (statements | votes; absent: both).
Session-state keys: issue, actors, years, evidence (shared with other pages), votes_as_many /
votes_as_few, vote_year.

Where votes are many (hundreds a year on a General Assembly issue) a marker per vote is a wall of
diamonds: the chart then draws each actor's votes of a year as one square at their mean, and the
votes of a year are listed under the chart.
"""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from stance import charts
from stance.charts import mark_breaks
from stance.model import format_date, stance_text
from stance.queries import seats
from stance.views.common import (
    actor_picker,
    chart,
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
    seat_toggle,
    set_url,
    unless,
    year_range_picker,
)


def evidence_frame(points: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [format_date(d, p) for d, p in zip(points["date"], points["date_precision"], strict=True)],
        "Actor": seats.subject(points),
        "Kind": points["kind"].map(charts.KIND_LABELS),
        "Stance": points["stance"].map(stance_text),
        "Speaker": points["speaker"], "Quote or vote": points["text"], "Notes": points["notes"],
        "Source": points["source_url"].map(safe_link),  # a LinkColumn: only http(s) may become a link
    }).fillna("")


def show_evidence(point: pd.Series) -> None:
    """The full record behind one point: what was said, by whom, where to check it."""
    heading = (f"{charts.KIND_LABELS[point['kind']]} · {format_date(point['date'], point['date_precision'])} · "
               f"stance {stance_text(point['stance'])}")
    who = point.get("cast_by") if isinstance(point.get("cast_by"), str) else point["actor_name"]
    evidence_card(point, heading, who, (("Quote or vote", "text"), ("Speaker", "speaker"),
                                                        ("Notes", "notes"), ("Coded by", "coder"),
                                                        ("Source", "source_title")))


def clicked_keys(event: object) -> list[str]:
    """The record keys of the clicked points, read from the points themselves (customdata)."""
    selection = getattr(event, "selection", None) or {}
    picked = selection.get("points", []) if isinstance(selection, dict) else []
    keys = []
    for point in picked:
        data = point.get("customdata") if isinstance(point, dict) else None
        key = data[charts.KEY_COLUMN] if isinstance(data, (list, tuple)) and len(data) > charts.KEY_COLUMN else None
        if isinstance(key, str):
            keys.append(key)
    return list(dict.fromkeys(keys))


def points_at_spot(points: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every record drawn where the clicked ones are: the same day and the same stance.

    Such points sit on one spot (the chart only nudges actors apart by a fraction of a step),
    so a click cannot tell them apart: all of them are offered. Empty if no key is drawn (a
    selection left over from other filters)."""
    keyed = points.assign(key=charts.record_keys(points).to_numpy())
    hit = keyed[keyed["key"].isin(keys)]
    spots = set(zip(hit["day"], hit["stance"], strict=True))
    return keyed[[spot in spots for spot in zip(keyed["day"], keyed["stance"], strict=True)]]


def point_label(point: pd.Series) -> str:
    """One line per record in the list of points that share a spot."""
    said = point["text"] if isinstance(point["text"], str) and point["text"] else point["notes"]
    said = said if isinstance(said, str) else ""
    who = f" · {point['speaker']}" if isinstance(point["speaker"], str) and point["speaker"] else ""
    cast_by = point.get("cast_by")
    actor = cast_by if isinstance(cast_by, str) else point["actor_name"]  # following the seat: who cast it
    line = f"{actor} · {charts.KIND_LABELS[point['kind']]}{who}: {said}"
    return md_escape(line if len(line) <= 110 else line[:109] + "…")  # a radio label is markdown


def show_clicked(here: pd.DataFrame) -> None:
    """The card of the record at the clicked spot; where several share it, a list to pick from.

    Plotly cannot tell overlapping markers apart (inside a marker every point is "closest"), so
    the point it reports is a guess: rather than show a card the reader did not ask for, the
    records at the spot are listed and none is shown until one is picked."""
    if len(here) == 1:
        show_evidence(here.iloc[0])
        return
    labels = dict(zip(here["key"], here.apply(point_label, axis=1), strict=True))
    first = here.iloc[0]
    spot = "_".join(sorted(labels))
    chosen = st.radio(f"{len(here)} records are drawn at this spot ({first['date']}, "
                      f"{stance_text(first['stance'])}): pick one to read it", list(labels), index=None,
                      format_func=labels.get, key=f"spot_{zlib.crc32(spot.encode())}")
    if chosen in labels:
        show_evidence(here[here["key"] == chosen].iloc[0])


# what the download holds of each point (the chart's helper columns left out)
POINT_COLUMNS = ["day", "date", "date_precision", "actor", "actor_name", "kind", "stance", "issue", "text", "speaker",
                 "notes", "source_title", "source_url", "coder", "ref", "cast_by"]
MANY_VOTES = 150  # votes in view above which the Timeline sums them up per year
VOTES_AS = {"year": "Per year (share of yes / abstain / no)", "each": "One marker per vote"}


def votes_many(points: pd.DataFrame) -> bool:
    """Enough votes that a marker each would hide the pattern: many in all, or several per actor a year."""
    votes = points[points["kind"] == "vote"]
    if votes.empty:
        return False
    per_year = votes.groupby([votes["actor"], votes["day"].dt.year]).size()
    return len(votes) > MANY_VOTES or per_year.mean() >= 4


def votes_as_picker(many: bool) -> str:
    """How to draw votes; the default follows how many there are, the user may choose. One key
    for views with many votes and one for few, so a choice made on a General Assembly issue does
    not carry over to a Security Council one."""
    key = "votes_as_many" if many else "votes_as_few"
    if st.session_state.get(key) not in VOTES_AS:
        st.session_state[key] = "year" if many else "each"
    return st.radio("UN votes drawn", list(VOTES_AS), format_func=VOTES_AS.get, key=key, horizontal=True)


def year_votes_frame(votes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": votes["date"].map(format_date), "Actor": votes["actor_name"],
        "Vote": votes["text"], "Stance": votes["stance"].map(stance_text),
        "Source": votes["source_url"].map(safe_link),
    }).fillna("")


def clicked_year(event: object, fig: object) -> int | None:
    """The year of a per-year square just clicked (once per click: the selection outlives reruns)."""
    selection = getattr(event, "selection", None) or {}
    for point in selection.get("points", []) if isinstance(selection, dict) else []:
        curve, index = point.get("curve_number"), point.get("point_index")
        if curve is None or index is None or curve >= len(fig.data):
            continue
        trace = fig.data[curve]
        if str(trace.meta or "").startswith("year:") and st.session_state.get("_year_click") != (curve, index):
            st.session_state["_year_click"] = (curve, index)
            return int(trace.customdata[index][1])
    return None


def show_year_votes(points: pd.DataFrame, yearly: pd.DataFrame, clicked: int | None = None) -> None:
    """The single votes behind the per-year squares: click a square or pick a year, see each vote."""
    years = sorted(yearly["year"].unique().tolist(), reverse=True)
    if clicked in years:
        st.session_state["vote_year"] = clicked
    counts = yearly.groupby("year")["votes"].sum()
    if st.session_state.get("vote_year") not in years:
        st.session_state["vote_year"] = years[0]
    year = st.selectbox("The votes of one year", years, key="vote_year",
                        format_func=lambda y: f"{y} ({int(counts[y])} votes by the chosen actors)")
    votes = points[(points["kind"] == "vote") & (points["day"].dt.year == year)]
    st.dataframe(year_votes_frame(votes), hide_index=True, width="stretch", key="timeline_year_votes",
                 column_config={"Source": st.column_config.LinkColumn("Source", display_text="open")})


def render() -> None:
    st.title("Stance over time")
    issues = read("issues")
    require_data(issues)
    issue = issue_picker(issues)
    meta = issues.set_index("slug").loc[issue]
    if isinstance(meta["description"], str):
        st.caption(f"{md_escape(meta['description'])}  \n**+2:** {md_escape(str(meta['plus_2']))} · "
                   f"**-2:** {md_escape(str(meta['minus_2']))}")
    actors = read("actors_on_issue", issue)
    if actors.empty:
        st.info("Nothing recorded on this issue yet.")
        st.stop()
    follow = seat_toggle()
    if follow:
        actors = seats.fold_actors(actors)
    span = read("issue_years", issue)
    chosen = actor_picker(actors, years=range(span[0], span[1] + 1))
    first, last = year_range_picker(*span)
    kinds = evidence_picker()
    set_url(issue=issue, actors=chosen, evidence=unless(kinds, "both"), seat=None if follow else 0,
            **{"from": first, "to": last})
    if not chosen:
        st.info("Pick at least one actor, or a group.")
        st.stop()
    asked = seats.with_predecessors(chosen) if follow else tuple(chosen)
    points = read("stance_points", issue, asked, f"{first}-01-01", f"{last}-12-31")
    if follow:
        points = seats.follow(points)
    if kinds != "both":
        points = points[points["kind"] == kinds[:-1]].reset_index(drop=True)
    if points.empty:
        st.info(f"None of the chosen actors has {'a statement or vote' if kinds == 'both' else kinds[:-1]} "
                "on this issue in these years.")
        st.stop()
    shown = set(points["kind"])
    sources = evidence_sources("both" if len(shown) == 2 else f"{next(iter(shown))}s", [issue])
    yearly = None
    if (points["kind"] == "vote").any() and votes_as_picker(votes_many(points)) == "year":
        yearly = read("vote_years", issue, asked, f"{first}-01-01", f"{last}-12-31")
        all_points = points
        points = points[points["kind"] == "statement"].reset_index(drop=True)
        if follow:
            yearly = seats.follow_yearly(yearly)
    events = read("resolutions", issue)
    events = events[(events["date"].dt.year >= first) & (events["date"].dt.year <= last)]
    fig = charts.timeline(points, meta["title"], events, chosen, (first, last), yearly)
    if follow:
        mark_breaks(fig, [b for b in seats.breaks(chosen) if f"{first}" < b[1] <= f"{last}-12-31"], dates=True)
    st.caption(position_rule(kinds) + " Each marker is one piece of evidence; a dotted step joins points at "
               "most a year apart and stops at longer gaps, where there is no evidence."
               + (" Votes are summed up per year: click a square, or pick a year under the chart, to see each vote."
                  if yearly is not None else ""))
    event = chart(fig, sources, "timeline_chart", below=170, width="stretch", on_select="rerun",
                  selection_mode="points")
    if yearly is not None:
        show_year_votes(all_points, yearly, clicked_year(event, fig))
    keys = clicked_keys(event)
    here = points_at_spot(points, keys)
    if not here.empty:
        show_clicked(here)
    else:
        st.caption("Click a point to see its full quote and source, or pick a row below.")
    st.subheader(f"Evidence ({len(points)} points)")
    table = st.dataframe(evidence_frame(points), hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="timeline_table",
                         column_config={"Source": st.column_config.LinkColumn("Source", display_text="open")})
    rows = table.selection.rows if table is not None else []
    if rows:
        show_evidence(points.iloc[rows[0]])
    drawn = all_points if yearly is not None else points
    shown = {"points": drawn[[c for c in POINT_COLUMNS if c in drawn.columns]]}
    package_button("Timeline", shown | ({"votes-per-year": yearly} if yearly is not None else {}),
                   ("statements", "votes"), key="timeline_package", issue=issue)
