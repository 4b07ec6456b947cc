"""Relations: how two countries act towards each other in the news, month by month (GDELT).

URL parameters: a, b (actor codes), dir (a->b or b->a; absent: both directions), from, to
(years), month (YYYY-MM, the month whose events the table lists).
Session-state keys: rel_a, rel_b, rel_dir, rel_years, rel_month, rel_clicked (the last chart
click applied, so a click picks a month once and the month picker stays free afterwards).
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from stance.charts import relations as relations_chart
from stance.model import format_date
from stance.queries.relations import CAMEO_ROOTS, QUAD_CLASSES
from stance.views.common import (
    actor_label,
    chart,
    md_escape,
    package_button,
    read,
    safe_link,
    seed_from_url,
    set_url,
    year_range_picker,
)

BANNER = ("GDELT events are machine-coded from news reports, not verified facts. A program read the "
          "news and coded who did what to whom; it misreads stories, counts one incident several times "
          "and follows how much the press writes about a pair of countries. Read the trend, and check "
          "single events against their reports.")
LOAD_HINT = ("No GDELT events in this database yet. Download an event file from the GDELT Project "
             "(for example a 2.0 export, `YYYYMMDDHHMMSS.export.CSV.zip`) and load it, keeping the countries "
             "you study:\n\n`python -m stance load FILE.export.CSV --actors USA,CHN`\n\n"
             "Add `--min-sources 2` to keep only events reported by at least two sources, or `--root-only` "
             "for the main event of each story.")
DIRECTIONS = ("both", "a->b", "b->a")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LINK = st.column_config.LinkColumn("Report", display_text="open",
                                   help="The first news report GDELT coded the event from (2.0 and 1.0 daily files).")


def actor_totals(pairs: pd.DataFrame) -> pd.DataFrame:
    """Actors with events in either role: code, name, events; most events first."""
    both = pd.concat([
        pairs[["source_actor", "source_name", "events"]].set_axis(["code", "name", "events"], axis=1),
        pairs[["target_actor", "target_name", "events"]].set_axis(["code", "name", "events"], axis=1)])
    totals = both.groupby(["code", "name"], as_index=False)["events"].sum()
    return totals.sort_values(["events", "name"], ascending=[False, True], ignore_index=True)


def partners(pairs: pd.DataFrame, actor: str) -> pd.DataFrame:
    """The countries `actor` has events with, in either direction: code, name, events, first/last day."""
    out = pairs[pairs["source_actor"] == actor][["target_actor", "target_name", "events", "first_day", "last_day"]]
    into = pairs[pairs["target_actor"] == actor][["source_actor", "source_name", "events", "first_day", "last_day"]]
    names = ["code", "name", "events", "first_day", "last_day"]
    both = pd.concat([out.set_axis(names, axis=1), into.set_axis(names, axis=1)])
    found = both.groupby(["code", "name"], as_index=False).agg(
        events=("events", "sum"), first_day=("first_day", "min"), last_day=("last_day", "max"))
    return found.sort_values(["events", "name"], ascending=[False, True], ignore_index=True)


def _choose(label: str, options: pd.DataFrame, key: str, param: str, help_text: str) -> str:
    codes = options["code"].tolist()
    labels = {c: f"{actor_label(c, n)} · {e:,} events" for c, n, e in zip(options["code"], options["name"],
                                                                          options["events"], strict=True)}
    seed_from_url(key, lambda raw: raw.strip().upper() if raw.strip().upper() in labels else None, codes[0],
                  "no GDELT events for that actor code here", param=param)
    if st.session_state[key] not in labels:
        st.session_state[key] = codes[0]
    return st.selectbox(label, codes, format_func=labels.get, key=key, help=help_text)


def events_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The evidence table: one row per coded event, its report a click away."""
    return pd.DataFrame({
        "Date": df["day"].map(format_date),
        "From": df["source_name"],
        "To": df["target_name"],
        "Event code": df["event_code"],
        "Category": [f"{r} {CAMEO_ROOTS.get(r, '')}".strip() if isinstance(r, str) else ""
                     for r in df["root_code"]],
        "Kind": df["quad_class"].map(QUAD_CLASSES).fillna(""),
        "Goldstein": df["goldstein"],
        "Sources": df["sources"],
        "Mentions": df["mentions"],
        "Tone": df["avg_tone"].round(1),
        "Report": df["url"].map(safe_link),
        "GDELT id": df["id"].str.removeprefix("gdelt:"),
    })


def _clicked_month(event: object) -> str | None:
    selection = getattr(event, "selection", None) or {}
    points = selection.get("points", []) if isinstance(selection, dict) else []
    if not points:
        return None
    x = str(points[0].get("x", ""))[:7]
    return x if MONTH.match(x) else None


def _month_picker(months: list[str], event: object) -> str:
    """Months with events, newest first; a click on the chart picks its month (once per click)."""
    seed_from_url("rel_month", lambda raw: raw if raw in months else None, months[0],
                  "no events in that month (use YYYY-MM)", param="month")
    clicked = _clicked_month(event)
    if clicked != st.session_state.get("rel_clicked"):
        st.session_state["rel_clicked"] = clicked
        if clicked in months:
            st.session_state["rel_month"] = clicked
    if st.session_state["rel_month"] not in months:
        st.session_state["rel_month"] = months[0]
    return st.selectbox("Month", months, key="rel_month",
                        format_func=lambda m: pd.Timestamp(f"{m}-01").strftime("%B %Y"),
                        help="Months with events, newest first. Clicking a bar or point of the chart picks it too.")


def summary(monthly: pd.DataFrame) -> str:
    total = int(monthly["events"].sum())
    coop = int(monthly["quad1"].sum() + monthly["quad2"].sum())
    conflict = int(monthly["quad3"].sum() + monthly["quad4"].sum())
    mean = (monthly["mean_goldstein"] * monthly["events"]).sum() / total if total else float("nan")
    plural = "" if total == 1 else "s"
    months = "1 month" if len(monthly) == 1 else f"{len(monthly)} months"
    return (f"{total:,} event{plural} in {months}: {coop:,} cooperation, {conflict:,} conflict; "
            f"mean Goldstein score {mean:+.1f}. Counts are GDELT records, not distinct incidents, and rise and fall "
            "with news coverage as much as with events. A Goldstein score belongs to the event code (every "
            "'accuse' scores -2), not to how grave the reported incident was.")


def render() -> None:
    st.title("Relations between two countries")
    st.warning(BANNER, icon=":material/warning:")
    pairs = read("relations.relation_pairs")
    if pairs.empty:
        st.info(LOAD_HINT)
        st.stop()
    names = dict(zip(pairs["source_actor"], pairs["source_name"], strict=False)) | dict(
        zip(pairs["target_actor"], pairs["target_name"], strict=False))
    left, right, turn = st.columns([2, 2, 3])
    with left:
        a = _choose("Country A", actor_totals(pairs), "rel_a", "a", "Countries with GDELT events in this database.")
    found = partners(pairs, a)
    with right:
        b = _choose("Country B", found, "rel_b", "b",
                    f"Countries with events with {md_escape(names[a])}, in either direction.")
    with turn:
        seed_from_url("rel_dir", lambda raw: raw if raw in DIRECTIONS else None, "both",
                      "use a->b or b->a", param="dir")
        name_a, name_b = md_escape(names[a]), md_escape(names[b])  # radio options and notices are markdown
        labels = {"both": "Both directions", "a->b": f"{name_a} → {name_b}", "b->a": f"{name_b} → {name_a}"}
        direction = st.radio("Direction", DIRECTIONS, format_func=labels.get, key="rel_dir", horizontal=True,
                             help="Who acted on whom: GDELT's Actor1 (the source) towards Actor2 (the target).")
    span = found[found["code"] == b].iloc[0]
    first, last = int(span["first_day"][:4]), int(span["last_day"][:4])
    years = st.session_state.get("rel_years")
    if isinstance(years, tuple) and not (first <= years[0] <= years[1] <= last):
        st.session_state["rel_years"] = (max(first, min(years[0], last)), min(last, max(years[1], first)))
    y0, y1 = year_range_picker(first, last, key="rel_years")
    source, target = (b, a) if direction == "b->a" else (a, b)
    monthly = read("relations.relations_monthly", source, target, direction == "both", f"{y0}-01-01",
                   f"{y1}-12-31")
    url = {"a": a, "b": b, "dir": None if direction == "both" else direction, "from": y0, "to": y1}
    if monthly.empty:
        set_url(**url, month=None)
        st.info(f"No events ({labels[direction]}) between {y0} and {y1}. Try the other direction or more years.")
        st.stop()
    fig = relations_chart.relations_chart(monthly, names[a], names[b], direction)
    event = chart(fig, ["gdelt"], "relations_chart", below=60, width="stretch", on_select="rerun",
                  selection_mode="points")
    st.caption(summary(monthly))
    months = monthly.loc[monthly["events"] > 0, "month"].sort_values(ascending=False).tolist()
    st.subheader("Events of one month")
    month = _month_picker(months, event)
    set_url(**url, month=month)
    events = read("relations.relation_events", source, target, month, direction == "both")
    st.dataframe(events_frame(events), hide_index=True, width="stretch", column_config={"Report": LINK})
    if events["url"].map(safe_link).isna().any():
        st.caption("Events without a report link come from GDELT 1.0 historical files, which carry none.")
    package_button("Relations", {"monthly": monthly, f"events-{month}": events}, ("relations",),
                   key="relations_package")
