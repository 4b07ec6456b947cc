"""Timeline: one issue, chosen actors, stance over time with every point's evidence a hover away.

URL parameters: `issue` (slug) and `actors` (comma-separated codes).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance import charts
from stance.model import STANCE_LABELS
from stance.views.common import param_list, read

DEFAULT_ACTORS = 6


def pick_issue(issues: pd.DataFrame) -> str:
    slugs = issues["slug"].tolist()
    wanted = st.query_params.get("issue")
    if wanted and wanted not in slugs:
        st.warning(f"Unknown issue `{wanted}` in the link; showing {issues['title'].iloc[0]!r} instead.")
        wanted = None
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    return st.selectbox("Issue", slugs, index=slugs.index(wanted) if wanted else 0,
                        format_func=titles.get, key="issue")


def pick_actors(actors: pd.DataFrame) -> list[str]:
    codes = actors["code"].tolist()
    names = dict(zip(actors["code"], actors["name"], strict=True))
    wanted = param_list("actors")
    unknown = [c for c in wanted if c not in names]
    if unknown:
        st.warning(f"No data on this issue for {', '.join(f'`{c}`' for c in unknown)}; left out.")
    chosen = [c for c in wanted if c in names] or codes[:DEFAULT_ACTORS]
    return st.multiselect("Actors", codes, default=chosen, format_func=names.get, key="actors")


def evidence_table(points: pd.DataFrame) -> None:
    table = pd.DataFrame({
        "Date": points["date"], "Actor": points["actor_name"],
        "Kind": points["kind"].map(charts.KIND_LABELS),
        "Stance": points["stance"].map(lambda v: f"{v:+d} {STANCE_LABELS[int(v)]}"),
        "Speaker": points["speaker"], "Quote or vote": points["text"], "Notes": points["notes"],
        "Source": points["source_url"],
    }).fillna("")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn("Source", display_text="open")})


def render() -> None:
    st.title("Stance over time")
    issues = read("issues")
    if issues.empty:
        st.info("The database has no issues yet. Load some with `python -m stance sample`.")
        st.stop()
    issue = pick_issue(issues)
    meta = issues.set_index("slug").loc[issue]
    if isinstance(meta["description"], str):
        st.caption(f"{meta['description']}  \n**+2:** {meta['plus_2']} · **-2:** {meta['minus_2']}")
    actors = read("actors_on_issue", issue)
    if actors.empty:
        st.info("Nothing recorded on this issue yet.")
        st.stop()
    chosen = pick_actors(actors)
    st.query_params.update({"issue": issue, "actors": ",".join(chosen)})
    if not chosen:
        st.info("Pick at least one actor.")
        st.stop()
    points = read("stance_points", issue, tuple(chosen))
    events = read("resolutions", issue)
    st.plotly_chart(charts.timeline(points, meta["title"], events, chosen), width="stretch")
    st.subheader(f"Evidence ({len(points)} points)")
    evidence_table(points)
