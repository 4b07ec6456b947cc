"""Data: what has been loaded, how much there is, and what still needs a coder's attention.

No URL parameters and no session state: the page only reads.
"""

from __future__ import annotations

import datetime

import streamlit as st

from stance.citations import PROJECT
from stance.queries.quality import CHECKS, rejects_summary
from stance.views.common import md_escape, read, require_data

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


def rejects_ui() -> None:
    """What the latest loads left out, grouped by reason, and the rows themselves: a country or
    a year missing from every page should be explained here, not discovered."""
    st.subheader("Rejected rows")
    rows = read("quality.rejects")
    if rows.empty:
        loads = read("quality.imports")
        if (loads["rows_rejected"].fillna(0) > 0).any():
            st.caption("Some loads rejected rows, but were made before the database kept them: the rejects CSV "
                       "written by `python -m stance load --skip-invalid` lists them. Load those files again to "
                       "see them here.")
        else:
            st.caption("No file's latest load left a row out.")
        return
    lines = rows.drop_duplicates(["file", "line"])
    files = lines["file"].nunique()
    st.warning(f"The latest loads of {files} file{'s' if files > 1 else ''} left out {len(lines):,} row"
               f"{'s' if len(lines) > 1 else ''}: what they held (a country's votes, a year) is missing from every "
               "page, the Alignment page's \"votes most like\" included. Fix the file or the actor list "
               "(`data/aliases.csv`) and load it again.", icon=":material/report:")
    st.dataframe(rejects_summary(rows), hide_index=True, width="stretch", key="data_rejects_summary",
                 column_config={"file": "File", "field": "Field", "value": "Value", "reason": "Reason",
                                "rows": st.column_config.NumberColumn("Rows", format="%d"),
                                "years": "Years"})
    with st.expander(f"The {len(lines):,} rejected rows, line by line"):
        st.dataframe(rows[["file", "line", "field", "value", "reason", "year", "row"]], hide_index=True,
                     width="stretch", key="data_rejects_rows", column_config={
                         "file": "File", "line": st.column_config.NumberColumn("Line", format="%d"),
                         "field": "Field", "value": "Value", "reason": "Reason",
                         "year": st.column_config.NumberColumn("Year", format="%d"),
                         "row": st.column_config.TextColumn("The row as read", width="large")})


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


def cite_ui() -> None:
    """How to cite the database and each dataset its loads brought in (texts from stance.citations)."""
    st.subheader("How to cite")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    st.caption("The database as a whole (this Stance, its loads and edits, the day you took the data):")
    st.code(read("provenance.database_citation", today), language=None, wrap_lines=True)
    present = read("provenance.sources_in")
    if not present:
        st.caption("No dataset has been loaded yet.")
    for item in present:
        src = item.source
        loads = f"{item.loads} load(s), {item.rows:,} rows, latest {item.latest}" if item.loads else "no load recorded"
        with st.container(border=True):
            st.markdown(f"**{md_escape(src.name)}** · {loads}")
            st.markdown(f"**Cite:** {md_escape(src.citation)}")
            st.markdown(f"**Licence or terms:** {md_escape(src.licence)}")
            if src.url:
                st.markdown(f"**Where:** {md_escape(src.url)}")
            if item.files:
                st.caption("Files loaded: " + ", ".join(md_escape(f) for f in item.files))
            if item.coders:
                st.caption("Coders: " + ", ".join(md_escape(c) for c in item.coders))
    st.caption(f"Stance {PROJECT.version}: cite the software with the repository's CITATION.cff. "
               "Every chart's toolbar PNG or SVG carries its own source line.")


def render() -> None:
    st.title("Data")
    require_data(read("issues"))
    counts_ui()
    cite_ui()
    rejects_ui()
    checks_ui()
    issues_ui()
    loads_ui()
