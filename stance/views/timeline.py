"""Timeline: one issue, chosen actors, stance over time with every point's evidence a click away.

URL parameters: issue, actors, from, to.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance import charts
from stance.model import stance_text
from stance.views.common import (
    actor_picker,
    evidence_card,
    issue_picker,
    md_escape,
    read,
    require_data,
    safe_link,
    set_url,
    year_range_picker,
)


def evidence_frame(points: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": points["date"], "Actor": points["actor_name"],
        "Kind": points["kind"].map(charts.KIND_LABELS),
        "Stance": points["stance"].map(stance_text),
        "Speaker": points["speaker"], "Quote or vote": points["text"], "Notes": points["notes"],
        "Source": points["source_url"].map(safe_link),  # a LinkColumn: only http(s) may become a link
    }).fillna("")


def show_evidence(point: pd.Series) -> None:
    """The full record behind one point: what was said, by whom, where to check it."""
    heading = (f"{charts.KIND_LABELS[point['kind']]} · {point['date']} · "
               f"stance {stance_text(point['stance'])}")
    evidence_card(point, heading, point["actor_name"], (("Quote or vote", "text"), ("Speaker", "speaker"),
                                                        ("Notes", "notes"), ("Coded by", "coder"),
                                                        ("Source", "source_title")))


def selected_point(event: object, points: pd.DataFrame, chosen: list[str]) -> pd.Series | None:
    """Map a plotly selection (trace number, point index) back to its row."""
    selection = getattr(event, "selection", None) or {}
    picked = selection.get("points", []) if isinstance(selection, dict) else []
    if not picked:
        return None
    first = picked[0]
    drawn = [c for c in chosen if (points["actor"] == c).any()]
    trace, index = first.get("curve_number", 0), first.get("point_index", 0)
    if trace >= len(drawn):
        return None
    rows = points[points["actor"] == drawn[trace]]
    return rows.iloc[index] if index < len(rows) else None


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
    span = read("issue_years", issue)
    chosen = actor_picker(actors, years=range(span[0], span[1] + 1))
    first, last = year_range_picker(*span)
    set_url(issue=issue, actors=chosen, **{"from": first, "to": last})
    if not chosen:
        st.info("Pick at least one actor, or a group.")
        st.stop()
    points = read("stance_points", issue, tuple(chosen), f"{first}-01-01", f"{last}-12-31")
    if points.empty:
        st.info("None of the chosen actors has a statement or vote on this issue in these years.")
        st.stop()
    events = read("resolutions", issue)
    events = events[(events["date"].dt.year >= first) & (events["date"].dt.year <= last)]
    fig = charts.timeline(points, meta["title"], events, chosen)
    event = st.plotly_chart(fig, width="stretch", on_select="rerun", selection_mode="points", key="timeline_chart")
    point = selected_point(event, points, chosen)
    if point is not None:
        show_evidence(point)
    else:
        st.caption("Click a point to see its full quote and source, or pick a row below.")
    st.subheader(f"Evidence ({len(points)} points)")
    table = st.dataframe(evidence_frame(points), hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="timeline_table",
                         column_config={"Source": st.column_config.LinkColumn("Source", display_text="open")})
    rows = table.selection.rows if table is not None else []
    if rows:
        show_evidence(points.iloc[rows[0]])
