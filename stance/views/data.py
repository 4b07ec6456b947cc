"""Data: what has been loaded, how much there is, and what still needs a coder's attention.

No URL parameters and no session state: the page only reads.
"""

from __future__ import annotations

import streamlit as st

from stance.queries.quality import CHECKS
from stance.views.common import read, require_data

IMPORT_COLUMNS = {
    "id": st.column_config.NumberColumn("#", format="%d"),
    "file": "File", "kind": "Kind",
    "rows_read": st.column_config.NumberColumn("Read", format="%d"),
    "rows_loaded": st.column_config.NumberColumn("Loaded", format="%d"),
    "rows_unchanged": st.column_config.NumberColumn("Unchanged", format="%d"),
    "rows_rejected": st.column_config.NumberColumn("Rejected", format="%d"),
    "status": "Status", "started": "Started (UTC)", "finished": "Finished (UTC)",
    "sha256": st.column_config.TextColumn("File SHA-256", width="small"),
}


def loads_ui() -> None:
    st.subheader("Loads so far")
    loads = read("quality.imports")
    if loads.empty:
        st.info("Nothing has been loaded with `python -m stance load` yet.")
        return
    st.caption("Every file loaded, newest first. Rows read = loaded + unchanged + rejected.")
    st.dataframe(loads, hide_index=True, width="stretch", column_config=IMPORT_COLUMNS, key="data_imports")


def counts_ui() -> None:
    counts = read("quality.table_counts").set_index("table")["rows"]
    st.subheader("Rows per table")
    main = ("issues", "statements", "votes", "resolutions", "sources", "audit")
    for column, name in zip(st.columns(len(main)), main, strict=True):
        label = "dashboard edits" if name == "audit" else name
        column.metric(label.capitalize(), f"{int(counts.get(name, 0)):,}")
    rest = counts.drop(list(main), errors="ignore")
    st.caption("Reference tables: " + ", ".join(f"{name} {int(n):,}" for name, n in rest.items()))


def issues_ui() -> None:
    st.subheader("Per issue")
    summary = read("quality.issue_summary")
    st.dataframe(summary, hide_index=True, width="stretch", key="data_issues", column_config={
        "slug": "Slug", "title": "Issue", "statements": "Statements", "votes": "Votes",
        "actors": "Actors", "resolutions": "Resolutions", "first": "First", "last": "Last"})


def checks_ui() -> None:
    st.subheader("Quality checks")
    results = [(check, read(f"quality.{check.query}")) for check in CHECKS]
    flagged = sum(1 for _, rows in results if not rows.empty)
    st.caption(f"{flagged} of {len(CHECKS)} checks found something. Open one to see the list.")
    for check, rows in results:
        mark = ":material/warning:" if len(rows) else ":material/check_circle:"
        with st.expander(f"{check.title}: {len(rows):,}", icon=mark):
            st.caption(check.why)
            if rows.empty:
                st.caption("None found.")
            else:
                st.dataframe(rows, hide_index=True, width="stretch", key=f"data_check_{check.query}")


def render() -> None:
    st.title("Data")
    require_data(read("issues"))
    counts_ui()
    checks_ui()
    issues_ui()
    loads_ui()
