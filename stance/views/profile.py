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
from stance.views.common import actor_label, chart, md_escape, read, require_data, safe_link, seed_from_url, set_url

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
    labels = dict(zip(codes, [actor_label(c, n) + ("" if d else " (no data)")
                              for c, n, d in zip(codes, actors["name"], has_data, strict=True)], strict=True))
    default = actors.loc[(actors["statements"] * 1000 + actors["votes"]).idxmax(), "code"]
    seed_from_url(key, lambda raw: parse_actor(raw, set(codes)), default, "no such actor (use a code, e.g. CHN)")
    if not isinstance(st.session_state[key], str) or st.session_state[key] not in labels:
        st.session_state[key] = default
    return st.selectbox("Actor", codes, format_func=labels.get, key=key,
                        help="Type a name, a code (DEU) or another name (DPRK, Deutschland). Actors with "
                             "statements or votes come first.")


SIDES = {1: "support", 0: "neutral", -1: "oppose"}


def side_cell(side: object, mean: object, year: object) -> str:
    """'oppose (mean -0.6, 2008)': the side, the mean it rests on, and its year."""
    return f"{SIDES[int(side)]} (mean {float(mean):+.1f}, {int(year)})"


def changes_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Year": df["year"].astype(str),
        "Issue": df["issue_title"],
        "From": [side_cell(s, m, y) for s, m, y in zip(df["from_side"], df["from_mean"], df["from_year"], strict=True)],
        "To": [side_cell(s, m, y) for s, m, y in zip(df["to_side"], df["to_mean"], df["year"], strict=True)],
        "Points that year": df["points"],
        "For example": [f"{'UN vote' if k == 'vote' else 'statement'} of {format_date(d, p)}"
                        for k, d, p in zip(df["kind"], df["date"], df["date_precision"], strict=True)],
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
        col.metric(label, f"{value:,}")
    voted_on = tuple(positions.loc[positions["votes"] > 0, "issue"])
    sources = (["statements"] if row["statements"] else []) + read("provenance.vote_sources_of", voted_on)
    chart(profile_chart.positions_chart(positions, row["name"]), sources, "profile_chart", below=60, width="stretch")
    st.caption("The dot is the latest statement or vote (a statement wins over a vote on the same day); the "
               "diamond is the mean of all points; the grey bar spans every position taken. A UN vote counts "
               "as a stance: yes = support, no = oppose, abstention = neutral.")
    st.subheader(f"When its stance changed ({len(changes)})")
    st.caption("A change is counted between years, not between single points: a year's position is the mean "
               "of its statements and votes (a statement stands for the votes of its day), on the side of "
               "support (+0.5 or more), neutral, or oppose (-0.5 or less); a move counts when the mean goes "
               "0.25 past the boundary, so a +1 vote beside a +2 statement, or a mean hovering at a boundary, "
               "is no change.")
    if changes.empty:
        st.info(f"{md_escape(row['name'])} has held one position on each issue in this database.")
    else:
        table(changes_frame(changes))
    st.subheader(f"Votes cast ({len(votes):,})")
    if votes.empty:
        st.info(f"No roll-call votes by {md_escape(row['name'])} in this database.")
    else:
        table(votes_frame(votes))
    st.subheader(f"Statements ({len(statements)})")
    if statements.empty:
        st.info(f"No coded statements by {md_escape(row['name'])} in this database.")
    else:
        table(statements_frame(statements))
