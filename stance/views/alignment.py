"""Alignment: how often countries vote alike in UN roll calls (votes only, no statements).

Agreement = share of the resolutions both countries voted on (yes / no / abstain) where they
voted the same way; absent and non-voting do not count. Shows (a) a matrix for chosen countries,
ordered so blocs sit together, (b) one pair year by year, (c) the ten countries closest to one.

URL parameters: body (both | UNSC | UNGA), issue (slug; absent = all issues), from, to,
measure (agreement | graded | s | kappa | pi; an old link's half=1 means graded), important (1),
unanimous (0 = drop unanimous roll calls), min_votes, countries, pair_a, pair_b, like, moved,
before and after (the who-moved windows, YYYY-YYYY).
Session-state keys: the same names (years for from/to).

The votes are loaded once per body / issue (all years) through the cached `read` and cut to the
chosen years in numpy; every figure after that is a matrix product on the array, so moving the
years, switching countries or options costs milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from stance import measures
from stance.charts import alignment as charts
from stance.queries import alignment as align
from stance.queries import measures as mq
from stance.queries import seats
from stance.views.common import (
    actor_label,
    actor_picker,
    chart,
    digits,
    md_escape,
    package_button,
    read,
    require_data,
    seat_toggle,
    seed_from_url,
    set_url,
    year_range_picker,
)

BODIES = {"both": "Both", "UNSC": "Security Council", "UNGA": "General Assembly"}
DEFAULT_COUNTRIES = 15
DEFAULT_MIN_VOTES = 3
FEW_VOTES = 20  # below this many common votes a share moves by 5 points or more with a single vote
DEFAULT_PAIR = ("CHN", "USA")


def _parse_min_votes(raw: str) -> int | None:
    value = digits(raw)
    return value if value is not None and 1 <= value <= 100_000 else None


def _parse_flag(raw: str) -> bool | None:
    return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(raw.strip().lower())


def forget_years_outside(span: tuple[int, int]) -> None:
    """Another page may have left a year range outside this page's span: start afresh then."""
    years = st.session_state.get("years")
    if years is not None and not (span[0] <= years[0] <= years[1] <= span[1]):
        del st.session_state["years"]


def _parse_measure(raw: str) -> str | None:
    return raw.strip().lower() if raw.strip().lower() in measures.MEASURES else None


def measure_ui() -> tuple[str, bool, bool]:
    """The measure (an old link's half=1 means graded), important votes only, and unanimous roll calls."""
    seed_from_url("half", _parse_flag, False, "expected 1 or 0")  # links from before the measure selector
    seed_from_url("measure", _parse_measure, "graded" if st.session_state["half"] else "agreement",
                  "expected agreement, graded, s, kappa or pi")
    seed_from_url("important", _parse_flag, False, "expected 1 or 0")
    seed_from_url("unanimous", _parse_flag, True, "expected 1 or 0")
    left, middle, right, last = st.columns([1.5, 1, 1, 1])
    with left:
        measure = st.selectbox("Measure", measures.MEASURES, format_func=measures.LABELS.get, key="measure",
                               help="Agreement: share cast alike. Graded: an abstention against a yes or no "
                               "counts half. S: Signorino-Ritter. Kappa and pi (Häge 2011): corrected for "
                               "the agreement chance alone would give, 0 = chance. Definitions: README.")
    with middle:
        important = st.checkbox("Important votes only", key="important",
                                help="Roll calls the source marks important (unvotes/Voeten `importantvote`).")
    with right:
        unanimous = st.checkbox("Count unanimous roll calls", key="unanimous",
                                help="Untick to leave out roll calls on which every state that voted voted alike.")
    with last:
        seat_toggle()
    return measure, important, not unanimous


def filters_ui(issues: pd.DataFrame, span: tuple[int, int]) -> tuple[str, str, tuple[int, int], int]:
    """Body, issue, years and the minimum of common votes (the measure, which carries the abstention
    rule, comes from `measure_ui`)."""
    titles = {"": "All issues", **dict(zip(issues["slug"], issues["title"], strict=True))}
    seed_from_url("body", lambda raw: raw if raw in BODIES else None, "both", "expected both, UNSC or UNGA")
    seed_from_url("issue", lambda raw: raw if raw in titles else None, "", "no issue with roll-call votes")
    if st.session_state["issue"] not in titles:  # another page's issue may have no votes
        st.session_state["issue"] = ""
    forget_years_outside(span)
    seed_from_url("min_votes", _parse_min_votes, DEFAULT_MIN_VOTES, "expected a whole number from 1")
    left, middle, right = st.columns([1.5, 1.5, 1])
    with left:
        body = st.radio("Body", list(BODIES), format_func=BODIES.get, key="body", horizontal=True)
    with middle:
        issue = st.selectbox("Issue", list(titles), format_func=titles.get, key="issue")
    with right:
        min_votes = int(st.number_input("Minimum common votes", min_value=1, max_value=100_000, step=1,
                                        key="min_votes", help="Pairs with fewer common votes get no figure "
                                        "(a hatched cell), not 0."))
    years = year_range_picker(*span)
    return body, issue, years, min_votes


def countries_ui(vm: align.VoteMatrix, span: tuple[int, int]) -> list[str]:
    """The matrix's countries: the URL's, else the fifteen that voted most in this view."""
    everyone = align.countries(vm)
    if "countries" not in st.session_state and "countries" not in st.query_params:
        st.session_state["countries"] = everyone["code"].tolist()[:DEFAULT_COUNTRIES]
    return actor_picker(everyone, key="countries", years=range(span[0], span[1] + 1), label="Countries")


def country_select(label: str, key: str, everyone: pd.DataFrame, default: str) -> str:
    names = dict(zip(everyone["code"], everyone["name"], strict=True))
    seed_from_url(key, lambda raw: raw.strip().upper() if raw.strip().upper() in names else None, default,
                  "no votes from that country in this view")
    if st.session_state[key] not in names:
        st.session_state[key] = default
    return st.selectbox(label, list(names), format_func=lambda c: actor_label(c, names[c]), key=key)


def describe_votes(vm: align.VoteMatrix) -> str:
    """How much the figures rest on: resolutions, and how many were unanimous among those voting."""
    n = vm.votes.shape[0]
    lowest_cast = np.where(vm.votes > 0, vm.votes, np.iinfo(vm.votes.dtype).max).min(axis=1, initial=127)
    unanimous = int(((vm.votes > 0).any(axis=1) & (lowest_cast == vm.votes.max(axis=1, initial=0))).sum())
    return (f"{n:,} resolution{'s' if n != 1 else ''} with recorded votes in this view, {unanimous:,} of them "
            f"unanimous among those voting ({vm.years.min()}–{vm.years.max()}).")


def rejected_votes_note() -> None:
    """Votes a load rejected (an unknown country code, say) count nowhere here: say so, and where."""
    rows = read("quality.rejects")
    votes = rows[rows["kind"].str.contains("vote|undl|voeten", regex=True, na=False)] if not rows.empty else rows
    n = len(votes.drop_duplicates(["file", "line"])) if not votes.empty else 0
    if n:
        codes = sorted({str(v) for v in votes.loc[votes["field"].isin(["country_code", "ms_code", "ccode", "actor"]),
                                                 "value"].dropna()})[:8]
        which = f" (codes {', '.join(codes)})" if codes else ""
        st.warning(f"{n:,} vote row{'s' if n > 1 else ''} rejected by the latest loads{which} are not counted here: "
                   "a country can be missing from these figures. The Data page lists them.", icon=":material/report:")


def few_votes_note(common: np.ndarray, what: str) -> None:
    """Say plainly when a figure rests on a handful of votes: one vote then moves it a lot."""
    counts = common[common > 0]
    if counts.size and np.median(counts) < FEW_VOTES:
        st.warning(f"{what} rest on few votes: {int(counts.min())} to {int(counts.max())} common votes "
                   f"(median {np.median(counts):g}). With so few, one vote moves a share by "
                   f"{100 / max(np.median(counts), 1):.0f} points or more; read differences as rough.")


def matrix_section(vm: align.VoteMatrix, chosen: list[str], measure: str, min_votes: int,
                   sources: list[str]) -> pd.DataFrame | None:
    """`vm` has ordinal codes (stance.queries.measures.recode). Returns the pairs drawn (for the download)."""
    if len(chosen) < 2:
        st.info("Pick at least two countries, or a group.")
        return None
    pairs = mq.matrix(vm, tuple(chosen), measure, min_votes)
    codes = list(dict.fromkeys(pairs["actor"]))
    wide = pairs.pivot(index="actor", columns="other", values="agree").reindex(index=codes, columns=codes)
    low, high = measures.RANGES[measure]
    order = [codes[i] for i in align.bloc_order((wide.to_numpy() - low) / (high - low))]
    off_diagonal = pairs[pairs["actor"] != pairs["other"]]
    few_votes_note(off_diagonal["common"].to_numpy(), "These figures")
    subtitle = (f"Ordered so that countries voting alike sit together · hatched = no figure · hover for the count"
                f"<br>{mq.rule(measure, min_votes)}")
    fig = charts.agreement_heatmap(pairs, order, min_votes, subtitle, measure)
    chart(fig, sources, "alignment_matrix", below=200, width="stretch")
    return pairs.assign(measure=measure)


def shared_pair(everyone: pd.DataFrame) -> list[str]:
    """The shared selection's actors (the link's `actors`, as the Timeline left them) that voted
    in this view: the pair over time opens on the first two. Junk in the link gets a notice."""
    codes = set(everyone["code"])

    def parse(raw: str) -> list[str] | None:
        known = [c.strip().upper() for c in raw.split(",") if c.strip().upper() in codes]
        return known or None

    seed_from_url("pair_from", parse, [], "no votes from those countries in this view", param="actors")
    return st.session_state["pair_from"]


def default_pair(codes: list[str], chosen: list[str]) -> tuple[str, str]:
    """The pair shown first: the first two actors of the selection the pages share (a reader who
    came from the Timeline with China and Russia asks about them), else China and the United
    States, else the first two. A pair in the link (pair_a, pair_b) still wins."""
    picked = [c for c in chosen if c in codes]
    if len(picked) >= 2:
        return picked[0], picked[1]
    a = DEFAULT_PAIR[0] if DEFAULT_PAIR[0] in codes else codes[0]
    b = DEFAULT_PAIR[1] if DEFAULT_PAIR[1] in codes else codes[min(1, len(codes) - 1)]
    return a, b


def pair_section(vm: align.VoteMatrix, everyone: pd.DataFrame, measure: str, min_votes: int,
                 chosen: list[str] = (), sources: list[str] = ()) -> dict[str, str]:  # type: ignore[assignment]
    """`vm` has the page's codes (1 yes, 2 no, 3 abstain); agreement and graded come from pair_by_year."""
    st.subheader("One pair over time")
    codes = everyone["code"].tolist()
    a_default, b_default = default_pair(codes, list(chosen))
    left, right = st.columns(2)
    with left:
        a = country_select("Country", "pair_a", everyone, a_default)
    with right:
        b = country_select("and", "pair_b", everyone, b_default)
    if a == b:
        st.info("Pick two different countries.")
        return {"pair_a": a, "pair_b": b}
    by_year = align.pair_by_year(vm, a, b, measure == "graded")
    names = dict(zip(everyone["code"], everyone["name"], strict=True))
    total = int(by_year["common"].sum())
    if total == 0:
        st.info(f"{md_escape(names[a])} and {md_escape(names[b])} never voted on the same resolution in this view.")
        return {"pair_a": a, "pair_b": b}
    if measure in charts.SHARES:
        agreed = by_year["score"].sum() / total
        what = "voted alike on" if measure == "agreement" else "graded agreement"
        st.caption(f"Over the whole view: {what} {agreed:.0%} of {total:,} common votes.")
    else:
        ordinal = mq.recode(vm)
        series = mq.pair_series(ordinal, a, b, measure)
        by_year = pd.DataFrame({"year": series["year"], "agree": series["value"], "common": series["n"],
                                "score": np.nan})
        whole = mq.matrix(ordinal, (a, b), measure, 1)
        value = whole[(whole["actor"] == a) & (whole["other"] == b)]["agree"].iloc[0]
        st.caption(f"Over the whole view: {measures.LABELS[measure]} "
                   f"{'undefined' if np.isnan(value) else f'{value:+.2f}'} on {total:,} common votes.")
    few_votes_note(by_year["common"].to_numpy(), "The yearly figures")
    breaks = seats.breaks((a, b)) if st.session_state.get("seat") else []
    chart(charts.pair_chart(by_year, names[a], names[b], min_votes, measure, mq.rule(measure, min_votes),
                            [mark for mark in breaks
                             if by_year["year"].min() < int(mark[1][:4]) <= by_year["year"].max()]),
          sources, "alignment_pair", below=60, width="stretch")
    return {"pair_a": a, "pair_b": b}


def scope_text(body: str, issue_title: str, vm: align.VoteMatrix) -> str:
    """Which votes a figure rests on: body, issue, years and how many roll calls."""
    where = {"both": "the Security Council and the General Assembly"}.get(body, f"the {BODIES[body]}")
    n = vm.votes.shape[0]
    years = f"{vm.years.min()}–{vm.years.max()}" if vm.years.min() != vm.years.max() else str(vm.years.min())
    about = "all issues" if issue_title == "All issues" else f"“{issue_title}”"
    return f"{n:,} roll call{'s' if n != 1 else ''} of {where}, {years}, {about}"


def similar_section(vm: align.VoteMatrix, everyone: pd.DataFrame, chosen: list[str], measure: str,
                    min_votes: int, scope: str = "") -> str:
    """`vm` has ordinal codes (stance.queries.measures.recode); `scope` says which votes (scope_text)."""
    st.subheader("Votes most like…")
    default = chosen[0] if chosen else everyone["code"].iloc[0]
    like = country_select("Country", "like", everyone, default)
    similar = mq.most_similar(vm, like, measure, min_votes)
    if similar.empty:
        st.info(f"No country shares at least {min_votes} votes with this one in this view.")
        return like
    label = "Voted alike" if measure == "agreement" else measures.LABELS[measure]
    share = measure in charts.SHARES
    name = everyone.set_index("code").loc[like, "name"]
    st.caption(f"The {len(similar)} countries closest to {md_escape(name)} by {label.lower()} on "
               f"{md_escape(scope)}; n = the resolutions both voted on (at least {min_votes}).")
    table = pd.DataFrame({"Country": similar["name"], label: similar["agree"] * (100 if share else 1),
                          "Common votes": similar["common"]})
    table.index = range(1, len(table) + 1)
    bar = st.column_config.ProgressColumn(label, format="%.1f%%" if share else "%+.2f",
                                          min_value=0 if share else -1, max_value=100 if share else 1)
    st.dataframe(table, width="stretch", column_config={
        label: bar, "Common votes": st.column_config.NumberColumn("Common votes (n)",
                                                                  help="Resolutions both voted on")})
    st.caption(mq.rule(measure, min_votes))
    few_votes_note(similar["common"].to_numpy(), "These shares")
    return like


def _parse_window(span: tuple[int, int]) -> Callable[[str], tuple[int, int] | None]:
    def parse(raw: str) -> tuple[int, int] | None:
        first, _, last = raw.partition("-")
        a, b = digits(first.strip()), digits(last.strip())
        return (a, b) if a is not None and b is not None and span[0] <= a <= b <= span[1] else None
    return parse


def window_picker(label: str, key: str, span: tuple[int, int], default: tuple[int, int]) -> tuple[int, int]:
    """A window of years inside `span`; URL parameter `key` as YYYY-YYYY."""
    seed_from_url(key, _parse_window(span), default, f"expected YYYY-YYYY within {span[0]}-{span[1]}")
    value = st.session_state[key]
    if not (span[0] <= value[0] <= value[1] <= span[1]):
        st.session_state[key] = default
    return st.slider(label, span[0], span[1], key=key)


def moved_section(vm: align.VoteMatrix, everyone: pd.DataFrame, chosen: list[str], measure: str,
                  min_votes: int, sources: list[str] = ()) -> dict[str, str]:  # type: ignore[assignment]
    """Who moved: for one state, the states whose similarity to it changed most between two windows.

    `vm` has ordinal codes and the page's years; with one year there is nothing to compare."""
    st.subheader("Who moved")
    first, last = int(vm.years.min()), int(vm.years.max())
    if first == last:
        st.info("Choose a range of more than one year to compare two windows.")
        return {}
    default = "USA" if "USA" in everyone["code"].tolist() else (chosen[0] if chosen else everyone["code"].iloc[0])
    who = country_select("Country", "moved", everyone, default)
    mid = (first + last) // 2
    left, right = st.columns(2)
    with left:
        before = window_picker("First window", "before", (first, last), (first, mid))
    with right:
        after = window_picker("Second window", "after", (first, last), (mid + 1, last))
    moved = mq.who_moved(vm, who, measure, before, after, min_votes)
    names = dict(zip(everyone["code"], everyone["name"], strict=True))
    label_b, label_a = f"{before[0]}–{before[1]}", f"{after[0]}–{after[1]}"
    top = moved.dropna(subset=["change"]).head(15)
    url = {"moved": who, "before": f"{before[0]}-{before[1]}", "after": f"{after[0]}-{after[1]}"}
    if top.empty:
        st.info(f"No state has at least {min_votes} common votes with {md_escape(names[who])} in both windows.")
        return url
    chart(charts.moved_chart(top, names[who], measure, label_b, label_a), sources, "alignment_moved", below=60,
          width="stretch")
    share = measure in charts.SHARES
    k, fmt = (100, "%.0f%%") if share else (1, "%+.2f")
    table = pd.DataFrame({"Country": top["name"], label_b: top["before"] * k, f"n {label_b}": top["n_before"],
                          label_a: top["after"] * k, f"n {label_a}": top["n_after"], "Change": top["change"] * k})
    table.index = range(1, len(table) + 1)
    st.dataframe(table, width="stretch", column_config={
        label_b: st.column_config.NumberColumn(format=fmt), label_a: st.column_config.NumberColumn(format=fmt),
        "Change": st.column_config.NumberColumn(format="%+.0f points" if share else "%+.2f")})
    st.caption(f"The 15 largest changes, either way · {mq.rule(measure, min_votes)} in each window · "
               f"n = common votes in that window.")
    return url


def render() -> None:
    st.title("Voting alignment")
    require_data(read("issues"))
    span = read("alignment.vote_years")
    if span is None:
        st.info("No UN roll-call votes are recorded yet: load a votes file with `python -m stance load FILE`.")
        st.stop()
    st.caption("How often two countries voted the same way (yes, no or abstain) on the resolutions both voted "
               "on. Absent and non-voting are left out. From roll-call votes only; statements do not count.")
    issues = read("alignment.vote_issues")
    body, issue, years, min_votes = filters_ui(issues, span)
    measure, important, drop_unanimous = measure_ui()
    url: dict[str, object] = {"body": body, "issue": issue, "from": years[0], "to": years[1], "half": None,
                              "measure": None if measure == "agreement" else measure,
                              "important": 1 if important else None, "unanimous": 0 if drop_unanimous else None,
                              "min_votes": min_votes}
    vm = align.select_years(read("alignment.vote_matrix", body, issue, None, None, important), years[0], years[1])
    if drop_unanimous:
        vm = mq.without_unanimous(vm)
    if st.session_state["seat"]:
        vm = align.follow_seat(vm)
    url["seat"] = None if st.session_state["seat"] else 0
    if vm.votes.shape[0] == 0:
        set_url(**url)
        st.info("No roll-call votes match these filters.")
        st.stop()
    st.caption(describe_votes(vm))
    rejected_votes_note()
    everyone = align.countries(vm)
    st.subheader("Agreement matrix")
    chosen = countries_ui(vm, span)
    url["countries"] = chosen
    ordinal = mq.recode(vm)
    sources = read("provenance.vote_sources", None if body == "both" else body, issue or None)
    pairs = matrix_section(ordinal, chosen, measure, min_votes, sources)
    shared = shared_pair(everyone)
    url |= pair_section(vm, everyone, measure, min_votes, shared, sources)
    titles = {"": "All issues", **dict(zip(issues["slug"], issues["title"], strict=True))}
    url["like"] = similar_section(ordinal, everyone, chosen, measure, min_votes, scope_text(body, titles[issue], vm))
    url |= moved_section(ordinal, everyone, chosen, measure, min_votes, sources)
    set_url(**url)
    if pairs is not None:  # after set_url: the package's link and filters are the view's
        package_button("Alignment", {"agreement-matrix": pairs}, ("votes", "derived"), key="alignment_package")
