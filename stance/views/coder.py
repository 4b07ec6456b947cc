"""Who is coding: asked once per browser session in read-write mode, kept in session state.

No password: Stance trusts whoever can open the dashboard (a trusted machine, or the deployment's
own login in front of it). The answer is a registered coder's short id; a new coder can register
here. It pre-fills the name fields of the Add statement and Review pages, and the team pages
(Double-code, Adjudicate, Codebook) record it with every write.

Session-state keys:
    coder       the registered coder's short id ("" until chosen)
"""

from __future__ import annotations

import streamlit as st

from stance import team
from stance.db import read_only_mode
from stance.errors import StanceError
from stance.views.common import database, md_escape, read

PREFILL = ("add_who", "ed_who", "del_who", "rv_coder")  # other pages' name fields


def sidebar() -> str:
    """The sidebar's 'Who is coding?' box; returns the chosen coder's short id or ''."""
    coders = read("team.coders")
    names = dict(zip(coders["id"], coders["name"], strict=True))
    chosen = st.session_state.get("coder", "")
    with st.sidebar:
        if chosen in names:
            st.caption(f"Coding as **{md_escape(names[chosen])}** ({md_escape(chosen)})")
            if st.button("Someone else is coding", key="coder_switch"):
                st.session_state["coder"] = ""
                st.rerun()
            _prefill(chosen)
            return chosen
        with st.expander("Who is coding?", expanded=True):
            if names:
                pick = st.selectbox("Coder", list(names), index=None, format_func=lambda c: f"{names[c]} ({c})",
                                    key="coder_pick", placeholder="Choose your name")
                if pick and st.button("Start coding", key="coder_start", type="primary"):
                    st.session_state["coder"] = pick
                    st.rerun()
            _register_ui()
    return ""


def _register_ui() -> None:
    with st.form("coder_new", clear_on_submit=False, border=False):
        st.caption("New coder")
        name = st.text_input("Name", key="coder_new_name")
        short = st.text_input("Short id (e.g. initials)", key="coder_new_id", max_chars=12)
        if st.form_submit_button("Register and start"):
            try:
                with database(write=True) as db:
                    st.session_state["coder"] = team.add_coder(db, name, short)
            except StanceError as exc:
                st.error(md_escape(str(exc)))
                return
            st.rerun()


def _prefill(coder: str) -> None:
    """Other pages' name fields start with the coder's id (only while empty)."""
    for key in PREFILL:
        if not st.session_state.get(key):
            st.session_state[key] = coder


def refuse_read_only() -> None:
    """Team pages are hidden in read-only mode; opened anyway, they say why and offer nothing."""
    if read_only_mode():
        st.info("This dashboard is read-only (STANCE_READ_ONLY=1): team coding (double coding, reliability, "
                "adjudication, the codebook) is not available here. Use a writable copy.")
        st.stop()


def require() -> str:
    """The session's coder, or a notice and a stop: team pages write nothing anonymously."""
    coder = st.session_state.get("coder", "")
    if not coder:
        st.info("Say who is coding first: choose or register your name in the sidebar.")
        st.stop()
    return coder
