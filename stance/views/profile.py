"""Actor profile: everything one actor said and voted, where it stands, and when it moved.

URL parameter: actor (a code such as CHN; names and aliases such as "China" or "PRC" are
resolved through the actor registry and rewritten as the code).
Session-state key: actor (str, shared with any other page that picks one actor).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance.actors import registry
from stance.charts import profile as profile_chart
from stance.charts.map import format_date
from stance.errors import StanceError
from stance.model import stance_text
from stance.views.common import md_escape, read, require_data, safe_link, seed_from_url, set_url

LINK = st.column_config.LinkColumn("Source", display_text="open")


def stance_cell(value: object) -> str:
    return stance_text(value) if pd.notna(value) else ""


def parse_actor(raw: str, known: set[str]) -> str | None:
    """A code, name or alias from the URL -> a known actor code, or None."""
    if raw.strip().upper() in known:
        return raw.strip().upper()
    try:
        code = registry().resolve(raw)
    except StanceError:
        return None
    return code if code in known else None


def actor_select(actors: pd.DataFrame, key: str = "actor") -> str:
    """One actor by name; those without data are listed last and marked."""
    codes = actors["code"].tolist()
    has_data = actors["statements"] + actors["votes"] > 0
    labels = dict(zip(codes, [n if d else f"{n} (no data)" for n, d in zip(actors["name"], has_data, strict=True)],
                      strict=True))
    default = actors.loc[(actors["statements"] * 1000 + actors["votes"]).idxmax(), "code"]
    seed_from_url(key, lambda raw: parse_actor(raw, set(codes)), default, "no such actor (use a code, e.g. CHN)")
    if not isinstance(st.session_state[key], str) or st.session_state[key] not in labels:
        st.session_state[key] = default
    return st.selectbox("Actor", codes, format_func=labels.get, key=key,
                        help="Type to search by name. Actors with statements or votes come first.")


def changes_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [format_date(d, p) for d, p in zip(df["date"], df["date_precision"], strict=True)],
        "Issue": df["issue_title"],
        "From": df["from_stance"].map(stance_cell),
        "To": df["to_stance"].map(stance_cell),
        "Previous position dated": df["from_date"].map(format_date),
        "Evidence": df["kind"].map({"statement": "statement", "vote": "UN vote"}),
        "Source": df["source_url"].map(safe_link),
        "Speaker": df["speaker"].fillna(""),
        "Quote, vote or note": df["evidence"].fillna(""),
    })


def votes_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Resolution": df["resolution"], "Date": df["date"].map(format_date), "Body": df["body"],
        "Vote": df["vote"], "Adopted": df["adopted"].map({1: "adopted", 0: "not adopted"}),
        "Issue": df["issue_title"], "Source": df["source_url"].map(safe_link), "Title": df["title"].fillna(""),
    })


def statements_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [format_date(d, p) for d, p in zip(df["date"], df["date_precision"], strict=True)],
        "Issue": df["issue_title"], "Stance": df["stance"].map(stance_cell),
        "Speaker": df["speaker"].fillna(""), "Source": df["source_url"].map(safe_link),
        "Quote": df["quote"].fillna(""), "Notes": df["notes"].fillna(""),
    })


def table(df: pd.DataFrame) -> None:
    st.dataframe(df, hide_index=True, width="stretch", column_config={"Source": LINK})


def render() -> None:
    st.title("Actor profile")
    require_data(read("issues"))
    actors = read("profile.actors")
    code = actor_select(actors)
    set_url(actor=code)
    row = actors.set_index("code").loc[code]
    if row["statements"] + row["votes"] == 0:
        st.info(f"{md_escape(row['name'])} has no statements or votes in this database yet. Pick another actor, "
                "or load coded statements for it with `python -m stance load FILE`.")
        st.stop()
    positions = read("profile.positions", code)
    changes = read("profile.stance_changes", code)
    votes = read("profile.votes_cast", code)
    statements = read("profile.statements_made", code)
    cols = st.columns(4)
    for col, (label, value) in zip(cols, (("Issues", len(positions)), ("Statements", len(statements)),
                                          ("Votes cast", len(votes)), ("Stance changes", len(changes))), strict=True):
        col.metric(label, value)
    st.plotly_chart(profile_chart.positions_chart(positions, row["name"]), width="stretch", key="profile_chart")
    st.caption("The dot is the latest statement or vote (a statement wins over a vote on the same day); the "
               "diamond is the mean of all points; the grey bar spans every position taken. A UN vote counts "
               "as a stance: yes = support, no = oppose, abstention = neutral.")
    st.subheader(f"When its stance changed ({len(changes)})")
    if changes.empty:
        st.info(f"{md_escape(row['name'])} has held one position on each issue in this database.")
    else:
        table(changes_frame(changes))
    st.subheader(f"Votes cast ({len(votes)})")
    if votes.empty:
        st.info(f"No roll-call votes by {md_escape(row['name'])} in this database.")
    else:
        table(votes_frame(votes))
    st.subheader(f"Statements ({len(statements)})")
    if statements.empty:
        st.info(f"No coded statements by {md_escape(row['name'])} in this database.")
    else:
        table(statements_frame(statements))
