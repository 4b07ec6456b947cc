"""Positions: states' ideal points from UN General Assembly votes, over time and year by year.

Reads the fit stored by `python -m stance measures idealpoints` (stance.idealpoints) and, when
loaded, the published Bailey-Strezhnev-Voeten estimates. The page never fits: a fit of the whole
record takes minutes, so it is a command, stored, and redone only when the votes change.

URL parameters: actors (comma-separated codes), from, to, year (the spread's year), dist_a, dist_b,
published (0 hides the published estimates).
Session-state keys: actors, years, ip_year, dist_a, dist_b, ip_published, ip_point.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance.charts import positions as charts
from stance.db import read_only_mode
from stance.errors import StanceError
from stance.idealpoints import Settings
from stance.queries import seats
from stance.queries.idealpoints import correlations, ensure_fit
from stance.views.common import (
    actor_picker,
    chart,
    database,
    digits,
    md_escape,
    package_button,
    read,
    seat_toggle,
    seed_from_url,
    set_url,
    year_range_picker,
)

DEFAULT = ["USA", "CHN", "RUS", "GBR", "IND", "BRA"]


def _parse_flag(raw: str) -> bool | None:
    return {"1": True, "0": False}.get(raw.strip())


def explain() -> None:
    st.caption("Each state's position in each year on one dimension, estimated from every General Assembly roll "
               "call it voted on (yes > abstain > no) by an ordinal item-response model with a random walk "
               "linking its years; the United States' side is positive. Intervals are 95 % from the curvature at "
               "the estimate. A position says where a state votes relative to the others that year, not what it "
               "believes. Method and its differences from Bailey, Strezhnev and Voeten (2017): README, "
               "\"Ideal points\".")


def pickers(everyone: pd.DataFrame, span: tuple[int, int]) -> tuple[list[str], tuple[int, int]]:
    if "actors" not in st.session_state and "actors" not in st.query_params:
        st.session_state["actors"] = [c for c in DEFAULT if c in set(everyone["code"])]
    chosen = actor_picker(everyone, key="actors", years=range(span[0], span[1] + 1), label="States")
    years = year_range_picker(*span)
    return chosen, years


def ga_sources() -> list[str]:
    """The ideal points are fitted on the General Assembly record: its sources are theirs."""
    return read("provenance.vote_sources", "UNGA", None)


def over_time_section(ours: pd.DataFrame, chosen: list[str], published: pd.DataFrame | None) -> tuple[str, int] | None:
    """The main chart; a click on a point returns (actor, year)."""
    sources = ga_sources() + (["idealpoints"] if published is not None else [])
    event = chart(charts.over_time(ours, chosen, published), sources, "positions_chart", below=120, width="stretch",
                  on_select="rerun", selection_mode="points")
    points = event.selection.points if event is not None and event.selection else []
    for p in points:
        custom = p.get("customdata")
        if custom and len(custom) == 2:
            return str(custom[0]), int(custom[1])
    return None


def published_note(ours: pd.DataFrame, published: pd.DataFrame, variant: str, citation: str) -> None:
    pooled, by_year = correlations(ours, published)
    if by_year.empty:
        return
    st.caption(f"Dashed: {md_escape(citation)}. Variant '{md_escape(variant)}'; sessions shown at the year they "
               f"open. Correlation with Stance's estimates over {int(by_year['states'].sum())} common state-years: "
               f"pooled r = {pooled:.3f}; by year median r = {by_year['r'].median():.3f} (lowest "
               f"{by_year['r'].min():.3f}, {int(by_year.loc[by_year['r'].idxmin(), 'year'])}).")


def last_full_year(ours: pd.DataFrame, years: tuple[int, int]) -> int:
    """The latest year whose votes reach half the median year's: a record that ends in January
    would otherwise open the page on a year of one roll call."""
    per_year = ours[(ours["year"] >= years[0]) & (ours["year"] <= years[1])].groupby("year")["votes"].sum()
    full = per_year[per_year >= per_year.median() / 2]
    return int(full.index.max()) if len(full) else years[1]


def spread_section(ours: pd.DataFrame, chosen: list[str], years: tuple[int, int]) -> int:
    st.subheader("All states in one year")
    default = last_full_year(ours, years)
    seed_from_url("ip_year", lambda raw: digits(raw) if digits(raw) and years[0] <= digits(raw) <= years[1] else None,
                  default, f"expected a year within {years[0]}-{years[1]}", param="year")
    if not years[0] <= st.session_state["ip_year"] <= years[1]:
        st.session_state["ip_year"] = default
    year = years[0] if years[0] == years[1] else st.slider("Year", years[0], years[1], key="ip_year")
    chart(charts.spread(ours, year, chosen), ga_sources(), "positions_spread", below=60, width="stretch")
    return year


def distance_section(ours: pd.DataFrame, everyone: pd.DataFrame, chosen: list[str]) -> dict[str, str]:
    st.subheader("Distance between two states")
    names = dict(zip(everyone["code"], everyone["name"], strict=True))
    codes = list(names)
    defaults = (chosen + [c for c in DEFAULT if c not in chosen] + codes)[:2]
    left, right = st.columns(2)
    picked = []
    for column, key, default in ((left, "dist_a", defaults[0]), (right, "dist_b", defaults[1])):
        seed_from_url(key, lambda raw: raw.strip().upper() if raw.strip().upper() in names else None, default,
                      "no ideal points for that state")
        if st.session_state[key] not in names:
            st.session_state[key] = default
        with column:
            picked.append(st.selectbox("State" if key == "dist_a" else "and", codes, format_func=names.get, key=key))
    a, b = picked
    if a == b:
        st.info("Pick two different states.")
    else:
        chart(charts.distance(ours, a, b), ga_sources(), "positions_distance", below=60, width="stretch")
    return {"dist_a": a, "dist_b": b}


def moved_section(ours: pd.DataFrame, clicked: tuple[str, int] | None, chosen: list[str], year: int) -> None:
    """The votes that moved one state-year's position most: the clicked point, else the first chosen state
    in the spread's year."""
    st.subheader("The votes behind a position")
    if clicked is not None:
        st.session_state["ip_point"] = clicked
    actor, at = st.session_state.get("ip_point") or ((chosen[0], year) if chosen else (None, None))
    if actor is None:
        return
    row = ours[(ours["actor"] == actor) & (ours["year"] == at)]
    if row.empty:
        st.info("No estimate for that state in that year.")
        return
    r = row.iloc[0]
    moved = read("idealpoints.moved_most", r.get("actor_as_stored", actor), int(at), 10)
    st.caption(f"{md_escape(r['name'])} in {int(at)}: {r['ideal_point']:+.2f} "
               f"(95 %: {r['low']:+.2f} to {r['high']:+.2f}) on "
               f"{int(r['votes'])} votes. The ten that pulled it hardest at the estimate (pull: how much the vote's "
               "probability rises per unit of position; + towards the United States' side). Click a point on the "
               "first chart to see another.")
    table = pd.DataFrame({"Resolution": moved["resolution"], "Date": moved["date"], "What": moved["title"],
                          "Vote": moved["vote"], "Pull": moved["pull"]})
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Pull": st.column_config.NumberColumn(format="%+.2f")})


def fit_now() -> None:
    """Fit and store the ideal points from the page, with a progress bar; then draw them."""
    settings = Settings()
    bar = st.progress(0.0, text="Fitting ideal points to every General Assembly roll call…")
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        bar.progress(min(done[0] / settings.max_iter, 1.0), text=f"Fitting ideal points: iteration {done[0]}")

    try:
        with database(write=True) as db:
            ensure_fit(db, settings, progress=step)
    except StanceError as exc:
        st.error(md_escape(str(exc)))
        return
    st.cache_data.clear()
    st.rerun()


def render() -> None:
    st.title("Positions")
    explain()
    ours = read("idealpoints.points")
    if ours.empty:
        st.info("No ideal points stored yet. Fit them once (about two minutes for the whole General Assembly "
                "record): `python -m stance measures idealpoints`, or with the button below. Load the published "
                "Bailey-Strezhnev-Voeten estimates beside them with `--load-published FILE`.")
        if not read_only_mode() and st.button("Fit ideal points now", key="ip_fit"):
            fit_now()
        st.stop()
    everyone = (ours.groupby(["actor", "name"], as_index=False)["votes"].sum()
                .sort_values(["votes", "actor"], ascending=[False, True])
                .rename(columns={"actor": "code"}))
    span = (int(ours["year"].min()), int(ours["year"].max()))
    if seat_toggle():
        # a year of a succession has both states' estimates (West Germany and Germany in 1990): the line
        # shows the one resting on more votes
        ours = (seats.follow(ours, "actor", "name").sort_values("votes", ascending=False)
                .drop_duplicates(["actor", "year"]).sort_values(["actor", "year"]))
        everyone = (ours.groupby(["actor", "name"], as_index=False)["votes"].sum()
                    .sort_values(["votes", "actor"], ascending=[False, True]).rename(columns={"actor": "code"}))
    chosen, years = pickers(everyone, span)
    shown = ours[(ours["year"] >= years[0]) & (ours["year"] <= years[1])]
    variants = read("idealpoints.variants")
    published = None
    url: dict[str, object] = {"actors": chosen, "from": years[0], "to": years[1],
                              "seat": None if st.session_state["seat"] else 0}
    if variants:
        seed_from_url("ip_published", _parse_flag, True, "expected 1 or 0", param="published")
        if st.checkbox("Show the published Bailey-Strezhnev-Voeten estimates", key="ip_published"):
            runs = read("idealpoints.runs")
            run = runs[(runs["source"] == "published") & (runs["variant"] == variants[0])].iloc[0]
            published = read("idealpoints.points", "published", variants[0])
            published = published[(published["year"] >= years[0]) & (published["year"] <= years[1])]
            if st.session_state["seat"]:
                published = seats.follow(published, "actor", "name")
            published_note(shown, published, variants[0], run["citation"])
        url["published"] = None if st.session_state["ip_published"] else 0
    if not chosen:
        st.info("Pick at least one state, or a group.")
        set_url(**url)
        st.stop()
    clicked = over_time_section(shown, chosen, published)
    year = spread_section(shown, chosen, years)
    url["year"] = year
    url |= distance_section(shown, everyone, chosen)
    moved_section(shown, clicked, chosen, year)
    set_url(**url)
    package_button("Positions", {"ideal-points": shown[shown["actor"].isin(chosen)]}
                   | ({"published": published[published["actor"].isin(chosen)]} if published is not None else {}),
                   ("votes", "derived"), key="positions_package")
