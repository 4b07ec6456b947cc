"""Adjudicate: the units where two coders differ, both codings beside the source; a decision with
who and why. The unit takes the decided value through its own write path (a statement through the
audited edit, so its history shows the change and the reason); the decision is kept as a new row,
and nothing is overwritten without a trace. Hidden in read-only mode.

Session-state keys:
    adj_value_<unit>, adj_why_<unit>   a card's inputs, keyed by the unit (not its place in the
                                       queue, which shifts after each decision)
    adj_done                     what the last decision did (shown once)
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance import team
from stance.actors import registry
from stance.errors import StanceError
from stance.model import stance_text
from stance.views import coder as session
from stance.views.common import database, md_escape, read, safe_link
from stance.views.doublecode import STANCES, codebook_entry, text, who_when
from stance.views.edit import show_problems

SHOWN = 10


def _card(unit: pd.Series, who: str) -> None:
    names = registry().actors
    actor = names[unit["actor"]].name if unit["actor"] in names else str(unit["actor"])
    with st.container(border=True):
        st.caption(f"{md_escape(unit['unit_kind'])} on {md_escape(unit['issue'])}")
        st.text(who_when(actor, unit))
        said = text(unit["quote"]) or text(unit["sentence"])
        if said:
            st.text(said)
        url = safe_link(unit["source_url"])
        if url:
            st.link_button("Open the source", url)
        first, second, third = st.columns(3)
        with first:
            st.caption(f"First coder: {md_escape(str(unit['first_coder']))}")
            st.markdown(f"**{stance_text(int(unit['first']))}**")
            if isinstance(unit["notes"], str) and unit["notes"]:
                st.caption("Notes on the record")
                st.text(unit["notes"])
        with second:
            st.caption(f"Second coder: {md_escape(str(unit['second_coder']))}")
            st.markdown(f"**{stance_text(int(unit['second']))}**")
            if isinstance(unit["second_note"], str) and unit["second_note"]:
                st.caption("Second coder's note")
                st.text(unit["second_note"])
        with third:
            with st.expander("Codebook entry"):
                codebook_entry(unit["issue"])
        n = f"{unit['unit_kind']}_{unit['unit_id']}"
        with st.form(f"adj_form_{n}"):
            value = st.radio("Decided value", STANCES, index=None, format_func=stance_text, horizontal=True,
                             key=f"adj_value_{n}")
            why = st.text_input("Why *", key=f"adj_why_{n}", placeholder="e.g. the codebook's rule 2: a welcome is +1")
            if st.form_submit_button("Decide", type="primary"):
                _decide(unit, value, why, who)


def _decide(unit: pd.Series, value: int | None, why: str, who: str) -> None:
    if value is None:
        st.error("Choose the decided value first.")
        return
    try:
        with database(write=True) as db:
            team.adjudicate(db, unit["unit_kind"], unit["unit_id"], int(value), who, why)
    except StanceError as exc:
        show_problems(exc)
        return
    st.session_state["adj_done"] = f"Decided {stance_text(int(value))}; the record keeps both codings and your reason."
    st.rerun()


def render() -> None:
    st.title("Adjudicate")
    session.refuse_read_only()
    who = session.require()
    if st.session_state.get("adj_done"):
        st.success(st.session_state.pop("adj_done"))
    queue = read("team.disagreements")
    if queue.empty:
        st.info("No disagreement waits for a decision.")
    else:
        st.caption(f"{len(queue)} unit(s) where the two coders differ. Decide with the codebook at hand; "
                   f"you decide as {md_escape(who)}.")
        for _, unit in queue.head(SHOWN).iterrows():
            _card(unit, who)
    decided = read("team.adjudications")
    if not decided.empty:
        st.subheader("Decisions so far")
        st.dataframe(decided, hide_index=True, width="stretch", key="adj_history")
