"""Explore: every statement and vote matching the filters, as a table you can search and download.

URL parameters: issue, actors, from, to, kind (statements|votes), stance (e.g. -2,-1), q (search).

Session-state keys (own names, so another page's `issue` or `actors` never leaks in):
    ex_issue   issue slug, "" for all issues
    ex_actors  list of actor codes, empty for all
    ex_years   (first, last) year
    ex_kind    "both" | "statements" | "votes"
    ex_stance  list of stance values shown
    ex_q       search text
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple, TypeVar

import pandas as pd
import streamlit as st

from stance.model import STANCE_LABELS, format_date, stance_text
from stance.queries.explore import (
    KIND_NAMES,
    KINDS,
    MAX_QUERY_CHARS,
    PAGE_ROWS,
    citation,
    count_votes,
    export_csv,
    export_zip,
    search_expression,
    table,
)
from stance.views.common import (
    actor_label,
    data_version,
    database,
    database_digest,
    db_path,
    evidence_card,
    md_escape,
    page_url,
    read,
    require_data,
    seed_from_url,
    set_url,
    shown,
    year_range_picker,
)

T = TypeVar("T")
STANCES = tuple(sorted(STANCE_LABELS))
KIND_CHOICES = {"both": "Both", "statements": "Statements", "votes": "UN votes"}


class Filters(NamedTuple):
    """The view, in the argument order of stance.queries.explore.points and count."""

    issue: str | None
    actors: tuple[str, ...]
    start: str
    end: str
    kind: str
    stances: tuple[int, ...]
    q: str | None


def _parse_stances(raw: str) -> list[int] | None:
    try:
        values = sorted({int(v) for v in raw.split(",") if v.strip()})
    except ValueError:
        return None
    return values if values and all(v in STANCE_LABELS for v in values) else None


def _parse_actors(known: dict[str, str]) -> Callable[[str], list[str] | None]:
    def parse(raw: str) -> list[str] | None:
        wanted = [c.strip().upper() for c in raw.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in known]
        if unknown and len(unknown) < len(wanted):
            st.warning(f"No data for {', '.join(shown(c, 20) for c in unknown[:5])}; left out.")
        return [c for c in wanted if c in known] or None
    return parse


def filters_ui(issues: pd.DataFrame) -> Filters:
    """Draw the filters (seeded from the URL on first run) and return the chosen view."""
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    actors = read("explore.actors_with_data")
    names = dict(zip(actors["code"], actors["name"], strict=True))
    seed_from_url("ex_q", lambda raw: raw[:MAX_QUERY_CHARS], "", "", param="q")
    seed_from_url("ex_issue", lambda raw: raw if raw in titles else None, "", "no such issue", param="issue")
    seed_from_url("ex_actors", _parse_actors(names), [], "no known actor codes", param="actors")
    seed_from_url("ex_kind", lambda raw: raw if raw in KINDS else None, "both", "expected statements or votes",
                  param="kind")
    seed_from_url("ex_stance", _parse_stances, list(STANCES), "expected stance values -2..2, comma-separated",
                  param="stance")
    st.session_state["ex_actors"] = [c for c in st.session_state["ex_actors"] if c in names]
    if st.session_state["ex_issue"] not in titles:
        st.session_state["ex_issue"] = ""

    q = st.text_input("Search quotes, speakers, notes and resolutions", key="ex_q", max_chars=MAX_QUERY_CHARS,
                      placeholder="e.g. sanctions, Wang Yi, suspension*, A/RES/72/188  (all words must appear; "
                                  "* matches a prefix)")
    issue_col, actors_col, years_col = st.columns([2, 3, 2])
    with issue_col:
        issue = st.selectbox("Issue", [""] + list(titles), key="ex_issue",
                             format_func=lambda s: titles.get(s, "All issues"))
    with actors_col:
        chosen = st.multiselect("Actors", list(names), key="ex_actors", format_func=lambda c: actor_label(c, names[c]),
                                placeholder="All actors")
    first, last = read("explore.years")
    with years_col:
        start, end = year_range_picker(first, last, key="ex_years")
    kind_col, stance_col = st.columns([2, 3])
    with kind_col:
        kind = st.radio("Show", list(KIND_CHOICES), key="ex_kind", format_func=KIND_CHOICES.get, horizontal=True)
    with stance_col:
        stances = st.pills("Stance values", list(STANCES), selection_mode="multi", key="ex_stance",
                           format_func=stance_text) or []
    set_url(q=q.strip() or None, issue=issue or None, actors=chosen, kind=None if kind == "both" else kind,
            stance=None if sorted(stances) == list(STANCES) else sorted(stances), **{"from": start, "to": end})
    return Filters(issue or None, tuple(chosen), f"{start}-01-01", f"{end}-12-31", kind,
                   tuple(sorted(stances)), q.strip() or None)


def citation_filters(f: Filters) -> dict[str, object]:
    """The filters as a reader of the CSV needs them to reproduce it."""
    return {"issue": f.issue, "actors": ",".join(f.actors), "from": f.start[:4], "to": f.end[:4],
            "kind": f.kind,
            "stance": "" if f.stances == STANCES else ",".join(f"{v:+d}" for v in f.stances), "q": f.q}


def total_count(f: Filters) -> int:
    """How many rows match. Without an actor filter or a search, the votes are counted from the
    cached per-resolution tallies: a year or stance change then adds up 5,000 tallies instead of
    scanning a million votes. The statements (and any filtered view) are counted in SQL."""
    if f.actors or search_expression(f.q) or f.kind == "statements":
        return read("explore.count", *f)
    statements = read("explore.count", *f._replace(kind="statements")) if f.kind == "both" else 0
    return statements + count_votes(read("explore.vote_tallies"), f.issue, f.start, f.end, f.stances)


def search_notices(f: Filters) -> None:
    if not f.q:
        return
    if search_expression(f.q) is None:
        st.warning("The search text has no letters or digits to look for, so it is ignored.")
    elif f.kind != "statements":
        st.caption("Statements match on their quote, speaker and notes; UN votes on their resolution's symbol, "
                   "title and description (every word must appear).")


def show_record(row: pd.Series) -> None:
    """One row in full. Everything a coder typed is shown with st.text: never markdown or HTML."""
    when = format_date(row["date"], row.get("date_precision", "day"))
    heading = f"{KIND_NAMES.get(row['kind'], row['kind'])} · {when} · stance {stance_text(row['stance'])}"
    evidence_card(row, heading, f"{row['actor_name']} on {row['issue_title']}",
                  (("Quote or vote", "text"), ("Speaker", "speaker"), ("Notes", "notes"), ("Source", "source_title")))


def page_picker(total: int, f: Filters) -> int:
    """The page of the table to show (1-based). A change of filters goes back to the first page."""
    pages = max(1, -(-total // PAGE_ROWS))
    if st.session_state.get("ex_page_of") != f:
        st.session_state["ex_page_of"] = f
        st.session_state["ex_page"] = 1
    st.session_state["ex_page"] = min(max(1, int(st.session_state.get("ex_page", 1))), pages)
    if pages == 1:
        return 1
    left, _ = st.columns([1, 3])
    return int(left.number_input(f"Page (of {pages:,}, {PAGE_ROWS:,} rows each)", 1, pages, key="ex_page"))


def downloads(f: Filters, total: int) -> None:
    """Every row the filters select, built when a button is clicked: a data package (the CSV,
    datapackage.json, README with how to cite), or the CSV alone (UTF-8 with a byte-order mark,
    for Excel and pandas alike)."""
    today = dt.date.today().isoformat()
    line = citation(read("explore.data_version"), citation_filters(f), today)
    st.caption(f"Cite as: {md_escape(line)}")
    path, link = db_path(), page_url()

    def zipped() -> bytes:
        with database() as db:
            return export_zip(db, *f, filters=citation_filters(f), today=today, link=link,
                              digest=database_digest(str(path), data_version(path)))

    def plain() -> bytes:
        with database() as db:
            return export_csv(db, *f)

    left, right = st.columns(2)
    left.download_button(f"Download all {total:,} rows as a data package (zip)", zipped,
                         file_name=f"stance-export-{today}.zip", mime="application/zip", on_click="ignore",
                         key="ex_download", icon=":material/download:", type="primary")
    right.download_button(f"CSV only ({total:,} rows)", plain, file_name=f"stance-export-{today}.csv",
                          mime="text/csv", on_click="ignore", key="ex_download_csv", icon=":material/table:")


def render() -> None:
    st.title("Explore statements and votes")
    issues = read("issues")
    require_data(issues)
    f = filters_ui(issues)
    search_notices(f)
    if not f.stances:
        st.info("Pick at least one stance value.")
        st.stop()
    total = total_count(f)
    if total == 0:
        hint = " Every word searched for must appear in the statement." if search_expression(f.q) else ""
        st.info(f"Nothing matches these filters. Widen the years, drop an actor or change the search.{hint}")
        st.stop()
    st.subheader(f"{total:,} row{'' if total == 1 else 's'}")
    downloads(f, total)
    number = page_picker(total, f)
    offset = (number - 1) * PAGE_ROWS
    rows = read("explore.points", *f, PAGE_ROWS, offset)
    shown = table(rows)
    counts = rows["kind"].value_counts()
    st.caption(f"Rows {offset + 1:,}-{offset + len(rows):,} of {total:,}, oldest first · on this page "
               f"{counts.get('statement', 0):,} statements, {counts.get('vote', 0):,} votes")
    picked = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="ex_table", height=min(38 + 35 * len(shown), 640), column_config={
                              "Source URL": st.column_config.LinkColumn("Source URL", display_text="open"),
                              "Stance": st.column_config.NumberColumn("Stance", format="%+d", width="small"),
                              "Quote or vote": st.column_config.TextColumn("Quote or vote", width="large"),
                              "Actor": st.column_config.TextColumn("Actor", width="medium")})
    selected = picked.selection.rows if picked is not None else []
    if selected and selected[0] < len(rows):
        show_record(rows.iloc[selected[0]])
    elif len(rows) == 1:
        show_record(rows.iloc[0])
    else:
        st.caption("Select a row to read it in full.")
