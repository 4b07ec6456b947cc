"""Reliability: Krippendorff's alpha for the units coded twice, per issue, per coder pair and
overall, each with its bootstrap interval; a confusion table per pair; alpha as coding proceeds.

The figures are stance.reliability's (the krippendorff package underneath); the page only lays
them out, with the thresholds beside them. Hidden in read-only mode, like the other team pages.
No URL parameters and no session state.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from stance import reliability as rel
from stance.charts.reliability import alpha_chart, confusion_chart, over_time_chart
from stance.views import coder as session
from stance.views.common import chart, md_escape, read

COLUMNS = {
    "scope": "Scope", "label": "Issue or pair", "units": st.column_config.NumberColumn("Units", format="%d"),
    "agree": st.column_config.NumberColumn("Same value", format="%d"),
    "alpha_ordinal": st.column_config.NumberColumn("alpha (ordinal)", format="%.3f"),
    "ordinal_low": st.column_config.NumberColumn("95% low", format="%.3f"),
    "ordinal_high": st.column_config.NumberColumn("95% high", format="%.3f"),
    "verdict_ordinal": "Verdict",
    "alpha_sign": st.column_config.NumberColumn("alpha (sign)", format="%.3f"),
    "sign_low": st.column_config.NumberColumn("95% low ", format="%.3f"),
    "sign_high": st.column_config.NumberColumn("95% high ", format="%.3f"),
    "verdict_sign": "Verdict (sign)",
}


@st.cache_data(show_spinner="Computing alpha and its bootstrap intervals…", max_entries=16)
def _report(pairs: pd.DataFrame) -> pd.DataFrame:
    return rel.report(pairs)


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def render() -> None:
    st.title("Reliability")
    session.refuse_read_only()
    pairs = read("team.paired")
    if pairs.empty:
        st.info("No unit has been coded twice yet. Draw a sample with `python -m stance reliability draw "
                "--share 0.2 --coder ID --seed N`, then code it on the Double-code page.")
        return
    report = _report(pairs)
    overall = report.iloc[0]
    a, b, c, d = st.columns(4)
    a.metric("Units coded twice", int(overall["units"]))
    b.metric("alpha, ordinal (-2..+2)", _fmt(overall["alpha_ordinal"]), help=rel.THRESHOLDS)
    c.metric("alpha, nominal on the sign", _fmt(overall["alpha_sign"]), help=rel.THRESHOLDS)
    d.metric("Same value", f"{overall['agree'] / overall['units']:.0%}")
    st.caption(f"95 % intervals: percentile bootstrap over units ({rel.BOOTSTRAP_REPS} resamples, seeded). "
               f"Thresholds (Krippendorff 2004): {md_escape(rel.THRESHOLDS.split(' (')[0])}.")
    chart(alpha_chart(report), ["codings"], "rel_alpha")
    st.dataframe(report, hide_index=True, width="stretch", column_config=COLUMNS, key="rel_table")
    st.subheader("Confusion table of each pair")
    st.caption("First coder's value in rows, second coder's in columns; the diagonal is agreement.")
    groups = list(pairs.groupby(["first_coder", "second_coder"], sort=True))
    for column, ((first, second), part) in zip(st.columns(max(1, min(3, len(groups)))) * len(groups), groups,
                                               strict=False):
        with column:
            st.caption(f"{md_escape(str(first))} / {md_escape(str(second))}: {len(part)} units")
            chart(confusion_chart(rel.confusion(part), str(first), str(second)), ["codings"],
                  f"rel_conf_{first}_{second}")
    st.subheader("Alpha as coding proceeds")
    st.caption("Alpha over all units coded so far, after every ten second codings in the order they were made.")
    chart(over_time_chart(rel.over_time(pairs)), ["codings"], "rel_time")
