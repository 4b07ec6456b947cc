"""Compare: many actors side by side, as heat maps of stance.

(a) actors x issues: each actor's latest stance as of a date, or its mean stance over the years;
(b) actors x time on one issue: the mean stance per month or year.

URL parameters: actors, from, to, mode (asof | mean), asof (YYYY-MM-DD), issues (comma-separated
slugs; absent = all), issue, period (month | year), evidence (statements | votes). A parameter at its
default is left out of the URL (see common.set_url).
Session-state keys: the same names (years for from/to), with the defaults the pickers set.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from stance.charts import heatmap
from stance.model import format_date
from stance.queries.compare import period_keys
from stance.views.alignment import forget_years_outside
from stance.views.common import (
    actor_picker,
    chart,
    evidence_picker,
    evidence_sources,
    issue_picker,
    md_escape,
    package_button,
    position_rule,
    read,
    require_data,
    seed_from_url,
    set_url,
    unless,
    year_range_picker,
)

MODES = {"asof": "Latest stance as of a date", "mean": "Mean stance over the years above"}
PERIODS = {"year": "By year", "month": "By month"}
MAX_DEFAULT_ISSUES = 30
NO_DATA_CAPTION = ("Hatched grey cells have **no statement or vote**: that is not the same as neutral, which is "
                   "pale yellow. Red = oppose, blue = support, the same colours as the Map; hover a cell for the "
                   "value and the number of points (statements + votes) it rests on.")


def _parse_date(raw: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if dt.date(1900, 1, 1) <= day <= dt.date.today() else None


def _choice(key: str, options: dict[str, str], default: str, label: str) -> str:
    """A horizontal radio whose value lives in the URL under `key`."""
    seed_from_url(key, lambda raw: raw if raw in options else None, default, f"expected one of {', '.join(options)}")
    return st.radio(label, list(options), format_func=options.get, key=key, horizontal=True)


def issues_picker(issues: pd.DataFrame) -> list[str]:
    """The issue columns of the heat map; all of them (up to 30) unless the URL or the user narrows."""
    titles = dict(zip(issues["slug"], issues["title"], strict=True))

    def parse(raw: str) -> list[str] | None:
        wanted = [s.strip() for s in raw.split(",") if s.strip()]
        return [s for s in wanted if s in titles] or None

    default = list(titles)[:MAX_DEFAULT_ISSUES]
    seed_from_url("issues", parse, default, "no known issue slugs")
    st.session_state["issues"] = [s for s in st.session_state["issues"] if s in titles]
    return st.multiselect("Issues (columns)", list(titles), format_func=titles.get, key="issues")


def seed_as_of(last_day: str) -> None:
    seed_from_url("asof", _parse_date, dt.date.fromisoformat(last_day), "expected a date YYYY-MM-DD up to today")


def as_of_picker(first_day: str, last_day: str) -> dt.date:
    seed_as_of(last_day)
    earliest = min(dt.date.fromisoformat(first_day), st.session_state["asof"])
    return st.date_input("As of", key="asof", min_value=earliest, max_value=dt.date.today(), format="YYYY-MM-DD")


def across_issues(issues: pd.DataFrame, names: dict[str, str], chosen: list[str], years: tuple[int, int],
                  span: tuple[str, str], kinds: str, shown: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Section (a): the actors x issues heat map. Returns its URL parameters; its cells go into `shown`."""
    st.subheader("Across issues")
    seed_as_of(span[1])  # checked even in mean mode, so a bad date in a link always gets its notice
    left, right = st.columns([2, 1])
    with left:
        mode = _choice("mode", MODES, "asof", "Each cell shows")
    with right:
        as_of = as_of_picker(*span) if mode == "asof" else None
    columns = issues_picker(issues)
    params: dict[str, object] = {"mode": unless(mode, "asof"),
                                 "asof": unless(as_of.isoformat(), span[1]) if as_of else None,
                                 "issues": None if columns == list(issues["slug"])[:MAX_DEFAULT_ISSUES] else columns}
    if not columns:
        st.info("Pick at least one issue.")
        return params
    if mode == "asof":
        cells = read("compare.latest_as_of", tuple(chosen), as_of.isoformat(), tuple(columns), kinds)
        when = format_date(as_of.isoformat())
    else:
        when = f"{years[0]}–{years[1]}" if years[0] != years[1] else str(years[0])
        cells = read("compare.mean_over", tuple(chosen), f"{years[0]}-01-01", f"{years[1]}-12-31", tuple(columns),
                     kinds)
    if cells.empty:
        st.info(f"None of the chosen actors has a statement or vote on these issues "
                f"{'up to' if mode == 'asof' else 'in'} {when}.")
        return params
    shown["across-issues"] = cells
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    fig = heatmap.issue_heatmap(cells, {c: names[c] for c in chosen}, {s: titles[s] for s in columns}, mode, when)
    chart(fig, figure_sources(issues, columns, kinds), "compare_issues_chart", below=200, width="stretch")
    return params


def figure_sources(issues: pd.DataFrame, shown: list[str], kinds: str) -> list[str]:
    """What a heat map of these issues rests on: statements only where the issues have some."""
    coded = issues.set_index("slug").loc[shown, "statements"].sum() > 0
    return evidence_sources(kinds, shown, has_statements=bool(coded))


def over_time(issues: pd.DataFrame, names: dict[str, str], chosen: list[str],
              years: tuple[int, int], kinds: str, shown: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Section (b): the actors x time heat map on one issue. Returns its URL parameters; its cells go into `shown`."""
    st.subheader("Over time, one issue")
    left, right = st.columns([2, 1])
    with left:
        issue = issue_picker(issues)
    with right:
        period = _choice("period", PERIODS, "year", "Periods")
    params: dict[str, object] = {"issue": issue, "period": unless(period, "year")}
    cells = read("compare.by_period", issue, tuple(chosen), period, f"{years[0]}-01-01", f"{years[1]}-12-31", kinds)
    title = issues.set_index("slug").loc[issue, "title"]
    if cells.empty:
        st.info(f"None of the chosen actors has a statement or vote on “{md_escape(title)}” in {years[0]}–{years[1]}.")
        return params
    shown["over-time"] = cells.assign(issue=issue)
    fig = heatmap.time_heatmap(cells, {c: names[c] for c in chosen}, period_keys(*years, period), title, period)
    chart(fig, figure_sources(issues, [issue], kinds), "compare_time_chart", below=60, width="stretch")
    if period == "month" and years[1] - years[0] >= 5:
        st.caption("Over many years a month is a thin cell: narrow the years above, or drag across the chart, to zoom.")
    return params


def render() -> None:
    st.title("Compare actors")
    issues = read("issues")
    require_data(issues)
    everyone = read("compare.actors_with_points")
    span = read("compare.data_span")
    if everyone.empty or span is None:
        st.info("No statements or votes are recorded yet: load some with `python -m stance load FILE`.")
        st.stop()
    first, last = int(span[0][:4]), int(span[1][:4])
    chosen = actor_picker(everyone[["code", "name"]], years=range(first, last + 1))
    forget_years_outside((first, last))
    years = year_range_picker(first, last)
    kinds = evidence_picker()
    st.caption(position_rule(kinds) + " A cell of the latest stance shows that; where an actor has several "
               "points on its latest day, their mean. A UN vote counts as a stance (yes = support of the "
               "resolution's side). The years set the window of the mean and of the time view.")
    names = dict(zip(everyone["code"], everyone["name"], strict=True))
    url: dict[str, object] = {"actors": chosen, "evidence": unless(kinds, "both"), "from": years[0], "to": years[1]}
    if not chosen:
        set_url(**url)
        st.info("Pick at least one actor, or a group.")
        st.stop()
    shown: dict[str, pd.DataFrame] = {}
    url |= across_issues(issues, names, chosen, years, span, kinds, shown)
    url |= over_time(issues, names, chosen, years, kinds, shown)
    set_url(**url)
    st.caption(NO_DATA_CAPTION)
    if shown:
        package_button("Compare", shown, ("statements", "votes"), key="compare_package")
