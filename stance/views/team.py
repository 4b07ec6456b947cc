"""The team-coding pages (Double-code, Reliability, Adjudicate, Codebook) and the session's coder,
registered by dashboard.py in read-write mode only, in one line, so the page list stays short."""

from __future__ import annotations

import streamlit as st

from stance.views import adjudicate, codebook, coder, doublecode, reliability
from stance.views.common import database


def pages() -> list[st.Page]:
    """The team pages; also asks who is coding (once per browser session) in the sidebar."""
    _upgrade()
    coder.sidebar()
    return [st.Page(doublecode.render, title="Double-code", icon=":material/rule:", url_path="double-code"),
            st.Page(reliability.render, title="Reliability", icon=":material/verified:", url_path="reliability"),
            st.Page(adjudicate.render, title="Adjudicate", icon=":material/gavel:", url_path="adjudicate"),
            st.Page(codebook.render, title="Codebook", icon=":material/menu_book:", url_path="codebook")]


def _upgrade() -> None:
    """A database made before team coding gets its tables now (opening it for writing applies
    pending migrations); checked once per session."""
    if st.session_state.get("team_schema_checked"):
        return
    with database() as db:
        ready = "coders" in db.table_names()
    if not ready:
        with database(write=True):
            pass
    st.session_state["team_schema_checked"] = True
