"""Double-code: a second coder codes the units drawn for them, blind.

The page shows the source (quote or sentence, who spoke, when, the link) and the issue's current
codebook entry, and nothing of the first coding: not the stance, the confidence, the notes, nor
the statement's id (a hash of its fields, stance included, so it could be reversed by trying the
five values). It reads only `stance.queries.team.assignments`, which selects the source by name.
Hidden in read-only mode.

Session-state keys:
    dc_stance, dc_note   the current unit's inputs (cleared after each save)
    dc_done              what the last save did (shown once)
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
from stance.views.edit import show_problems

STANCES = (2, 1, 0, -1, -2)


def text(value: object) -> str:
    """A stored text field, or '' for NULL (pandas reads NULL as None or NaN, and NaN is truthy)."""
    return value if isinstance(value, str) else ""


def who_when(actor: str, unit: pd.Series) -> str:
    speaker = text(unit["speaker"])
    return f"{actor}, {text(unit['date']) or 'date unknown'}" + (f" - {speaker}" if speaker else "")


def codebook_entry(issue: str) -> None:
    """An issue's current definition, every field as plain text."""
    entries = read("team.codebook_current")
    row = entries[entries["issue"] == issue]
    with st.container(border=True):
        if row.empty:
            st.caption(f"No codebook entry for {md_escape(issue)}.")
            return
        entry = row.iloc[0]
        st.caption(f"Codebook: version {entry['version']} of {md_escape(issue)}")
        st.markdown(f"**{md_escape(entry['title'])}**")
        for label, column in (("What it is", "description"), ("+2 means", "plus_2"), ("-2 means", "minus_2"),
                              ("Coding rules", "rules"), ("Examples", "examples")):
            if isinstance(entry[column], str) and entry[column]:
                st.caption(label)
                st.text(entry[column])


def source_card(unit: pd.Series, names: dict[str, str]) -> None:
    """What was said, by whom, when and where: the source alone."""
    with st.container(border=True):
        actor = names.get(unit["actor"], unit["actor"]) if isinstance(unit["actor"], str) else "(unknown actor)"
        st.caption("Source")
        st.text(who_when(actor, unit))
        quote, sentence = text(unit["quote"]), text(unit["sentence"])
        if quote:
            st.caption("Quote")
            st.text(quote)
        if sentence and sentence != quote:
            st.caption("Sentence from the article")
            st.text(sentence)
        if not quote and not sentence:
            st.caption("No quote recorded: read the source.")
        for label, column in (("Source title", "source_title"), ("Outlet", "outlet")):
            if text(unit[column]):
                st.caption(label)
                st.text(unit[column])
        url = safe_link(unit["source_url"])
        if url:
            st.link_button("Open the source", url)
        elif unit["unit_kind"] == "statement":
            st.caption("No source link recorded.")


def render() -> None:
    st.title("Double-code")
    session.refuse_read_only()
    who = session.require()
    if st.session_state.get("dc_done"):
        st.success(st.session_state.pop("dc_done"))
    todo = read("team.assignments", who)
    if todo.empty:
        st.info("Nothing left to code for you. A coordinator draws units with "
                "`python -m stance reliability draw --share 0.2 --coder YOUR_ID --seed N`.")
        return
    st.caption(f"{len(todo)} unit(s) drawn for you still to code. You see the source and the codebook, not the "
               "first coder's value. A coding, once saved, is final.")
    unit = todo.iloc[0]
    names = {code: actor.name for code, actor in registry().actors.items()}
    left, right = st.columns([3, 2])
    with left:
        source_card(unit, names)
    with right:
        codebook_entry(unit["issue"])
    with st.form("dc_form"):
        stance = st.radio("Stance", STANCES, index=None, format_func=stance_text, horizontal=True, key="dc_stance")
        note = st.text_input("Note (optional)", key="dc_note")
        if st.form_submit_button("Save my coding", type="primary"):
            _save(int(unit["coding_id"]), stance, note, who)


def _save(coding_id: int, stance: int | None, note: str, who: str) -> None:
    if stance is None:
        st.error("Choose a stance first.")
        return
    try:
        with database(write=True) as db:
            team.code(db, coding_id, int(stance), who, note)
    except StanceError as exc:
        show_problems(exc)
        return
    for key in ("dc_stance", "dc_note"):
        st.session_state.pop(key, None)
    st.session_state["dc_done"] = f"Saved: {stance_text(int(stance))}."
    st.rerun()
