"""Codebook: an issue's definition, its history of versions, a form to change it, the statements a
change flagged for review, and the whole codebook as one Markdown document.

A change is a new version (dated, attributed, with a note); earlier versions stay. Statements coded
under an older version are listed until a reviewer confirms them under the current one. Hidden in
read-only mode.

Session-state keys:
    cb_issue                    the chosen issue (URL: issue)
    cb_<field>                  the change form's inputs
    cb_done                     what the last change did (shown once)
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance import codebook, team
from stance.errors import StanceError
from stance.views import coder as session
from stance.views.common import database, issue_picker, md_escape, read, require_data
from stance.views.doublecode import codebook_entry
from stance.views.edit import show_problems

FIELDS = (("Title *", "title"), ("Description", "description"), ("What +2 means", "plus_2"),
          ("What -2 means", "minus_2"), ("Coding rules", "rules"), ("Examples", "examples"))


def change_ui(issue: str, current: pd.Series) -> None:
    who = st.session_state.get("coder", "")
    with st.expander("Change the definition", expanded=False):
        if not who:
            st.info("Say who is coding in the sidebar first: every change is attributed.")
            return
        with st.form(f"cb_form_{issue}"):
            values = {column: (st.text_input if column == "title" else st.text_area)(
                label, value=current[column] if isinstance(current[column], str) else "", key=f"cb_{column}_{issue}")
                for label, column in FIELDS}
            note = st.text_input("What changed and why *", key=f"cb_note_{issue}")
            if st.form_submit_button("Save as a new version", type="primary"):
                if not note.strip():
                    st.error("Say what changed and why: the note is part of the codebook's history.")
                    return
                try:
                    with database(write=True) as db:
                        flagged = team.change_definition(db, issue, values, who, note)
                except StanceError as exc:
                    show_problems(exc)
                    return
                st.session_state["cb_done"] = (f"Saved as version {int(current['version']) + 1}. "
                                               f"{flagged} statement(s) coded under older versions are flagged for "
                                               "review below.")
                st.rerun()


def flagged_ui(issue: str) -> None:
    flagged = read("team.flagged", issue)
    st.subheader("Flagged for review")
    if flagged.empty:
        st.caption("No statement on this issue was coded under an older definition.")
        return
    st.caption(f"{len(flagged)} statement(s) coded under an older version of this definition. Check each against "
               "the current one: edit it on the Add statement page if it no longer fits, or confirm it.")
    st.dataframe(flagged, hide_index=True, width="stretch", key="cb_flagged")
    who = st.session_state.get("coder", "")
    if not who:
        return
    pick = st.selectbox("Statement", flagged["id"].tolist(), index=None, key="cb_confirm_pick",
                        format_func=lambda i: _label(flagged, i), placeholder="Choose a statement to confirm")
    if pick and st.button("Confirm: still right under the current definition", key="cb_confirm"):
        try:
            with database(write=True) as db:
                team.confirm(db, pick, who)
        except StanceError as exc:
            show_problems(exc)
            return
        st.session_state["cb_done"] = "Confirmed under the current definition."
        st.rerun()


def _label(flagged: pd.DataFrame, statement_id: str) -> str:
    row = flagged[flagged["id"] == statement_id].iloc[0]
    quote = row["quote"] if isinstance(row["quote"], str) else ""
    return f"{row['actor']} {row['date']} ({row['stance']:+d}): {quote[:60]}"


def render() -> None:
    st.title("Codebook")
    session.refuse_read_only()
    if st.session_state.get("cb_done"):
        st.success(st.session_state.pop("cb_done"))
    issues = read("issues")
    require_data(issues)
    current = read("team.codebook_current")
    history = read("team.codebook_history")
    st.download_button("Download the codebook (Markdown)", codebook.to_markdown(current, history),
                       file_name="codebook.md", mime="text/markdown", key="cb_download")
    issue = issue_picker(issues, key="cb_issue")
    entry = current[current["issue"] == issue]
    codebook_entry(issue)
    if not entry.empty:
        change_ui(issue, entry.iloc[0])
    st.subheader("History")
    st.caption("Every version of this definition, newest first.")
    columns = ["version", "changed_at", "changed_by", "note", "title", "description", "plus_2", "minus_2", "rules",
               "examples"]
    st.dataframe(history.loc[history["issue"] == issue, columns], hide_index=True, width="stretch", key="cb_history")
    flagged_ui(issue)
    st.caption(md_escape("Statements record the version they were coded under; a new version flags the older ones."))
