"""Review: the statements `python -m stance extract` proposed, to accept, edit then accept, or reject.

Each card shows the sentence with its cue highlighted (everything escaped first, then the cue
wrapped), who and what the rules read from it, and the article's source link. Two small forms per
card keep the keyboard safe: Enter in the edit fields accepts, Enter in the reason field rejects.
Accepting goes through the loader's validation (stance.extract.store -> stance.editing), so a
statement from here obeys exactly the rules of one loaded from a CSV. Decisions are kept, and the
page shows precision so far (accepted / decided) and how each rule fares. Hidden in read-only mode.

URL parameters: status (pending|accepted|rejected|all), issue, actor, page.

Session-state keys:
    rv_coder    the coder's name (kept while the session lasts)
    rv_status, rv_issue, rv_actor, rv_page   the filters and the page (each also in the URL)
    rv_done     what the last decision did (shown once)
    rv_<field>_<id>, rv_reason_<id>          a card's inputs
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from stance.db import read_only_mode
from stance.errors import StanceError
from stance.extract import store
from stance.model import stance_text
from stance.views.common import actor_label, chart, database, digits, md_escape, safe_link, seed_from_url, set_url
from stance.views.edit import actor_options, show_problems

PAGE_SIZE = 20
STATUS_CHOICES = {"pending": "Pending", "accepted": "Accepted", "rejected": "Rejected", "all": "All"}
STANCES = (2, 1, 0, -1, -2)
STATUS_COLOURS = {"accepted": "#2e7d32", "rejected": "#c62828", "pending": "#9e9e9e"}


def highlight(sentence: str, spans_json: object) -> str:
    """The sentence as markdown: every character escaped, then each cue wrapped in a highlight."""
    try:
        spans = sorted((int(a), int(b)) for a, b in json.loads(spans_json)) if isinstance(spans_json, str) else []
    except (ValueError, TypeError):
        spans = []
    out, at = [], 0
    for a, b in spans:
        if a < at or b > len(sentence) or a >= b:
            continue
        out.append(md_escape(sentence[at:a]))
        out.append(f":orange-background[**{md_escape(sentence[a:b])}**]")
        at = b
    out.append(md_escape(sentence[at:]))
    return "".join(out)


def rule_chart(by_rule: pd.DataFrame) -> go.Figure:
    """Proposals per rule, stacked by status: which rules a coder keeps and which they reject."""
    fig = go.Figure()
    rules = sorted(by_rule["rule"].unique())
    for status in store.STATUSES:
        part = by_rule[by_rule["status"] == status].set_index("rule")["n"].reindex(rules, fill_value=0)
        fig.add_bar(y=rules, x=part.tolist(), name=status, orientation="h", marker_color=STATUS_COLOURS[status],
                    hovertemplate="%{y}: %{x} " + status + "<extra></extra>")
    fig.update_layout(barmode="stack", height=120 + 28 * len(rules), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      title="Proposals by rule and decision", legend={"orientation": "h", "y": -0.25},
                      xaxis_title="proposals")
    return fig


# --- Filters -----------------------------------------------------------------------------------

def filters(issues: list[str], actors: list[str], titles: dict[str, str], names: dict[str, str]) -> tuple:
    seed_from_url("rv_status", lambda raw: raw if raw in STATUS_CHOICES else None, "pending",
                  "expected pending, accepted, rejected or all", param="status")
    seed_from_url("rv_issue", lambda raw: raw if raw in issues else None, "", "no proposals on that issue",
                  param="issue")
    seed_from_url("rv_actor", lambda raw: raw.upper() if raw.upper() in actors else None, "",
                  "no proposals for that actor", param="actor")
    seed_from_url("rv_page", lambda raw: digits(raw) if digits(raw) else None, 1, "expected a page number",
                  param="page")
    for key, options in (("rv_issue", issues), ("rv_actor", actors)):
        if st.session_state[key] not in options:
            st.session_state[key] = ""
    a, b, c = st.columns([2, 3, 3])
    with a:
        status = st.selectbox("Show", list(STATUS_CHOICES), format_func=STATUS_CHOICES.get, key="rv_status",
                              on_change=_first_page)
    with b:
        issue = st.selectbox("Issue", [""] + issues, format_func=lambda s: titles.get(s, s) if s else "All issues",
                             key="rv_issue", on_change=_first_page)
    with c:
        actor = st.selectbox("Actor", [""] + actors,
                             format_func=lambda x: actor_label(x, names.get(x, x)) if x else "All actors",
                             key="rv_actor", on_change=_first_page)
    return status, issue, actor


def _first_page() -> None:
    st.session_state["rv_page"] = 1


# --- Cards -------------------------------------------------------------------------------------

def heading(row: dict[str, Any], titles: dict[str, str]) -> str:
    date = row["date"] if isinstance(row["date"], str) else "no date"
    parts = [f"**{md_escape(str(row['actor_name']))} ({md_escape(row['actor'])})**",
             md_escape(titles.get(row["issue"], row["issue"])), f"**{md_escape(stance_text(row['stance']))}**",
             md_escape(date), f"confidence {row['confidence']:.2f}"]
    return " · ".join(parts)


def details(row: dict[str, Any]) -> str:
    bits = [f"rule: {row['rule']}", f"cues: {row['cues']}"]
    if isinstance(row["speaker"], str) and row["speaker"]:
        bits.append(f"speaker: {row['speaker']}")
    bits.append("direct quotation" if isinstance(row["quote"], str) and row["quote"] else "paraphrase")
    if isinstance(row["notes"], str) and row["notes"]:
        bits.append(row["notes"])
    source = row["article_title"] if isinstance(row["article_title"], str) else row["article_path"]
    outlet = f" ({row['article_outlet']})" if isinstance(row["article_outlet"], str) and row["article_outlet"] else ""
    bits.append(f"article: {source}{outlet}")
    return md_escape(" · ".join(str(b) for b in bits))


def card(row: dict[str, Any], titles: dict[str, str], codes: list[str], labels: dict[str, str]) -> None:
    pid = row["id"]
    with st.container(border=True):
        st.markdown(heading(row, titles))
        st.markdown(highlight(row["sentence"], row["cue_spans"]))
        st.caption(details(row))
        url = safe_link(row["article_url"])
        if url:
            st.link_button("Open the source", url)
        if row["status"] != "pending":
            decided(row)
            return
        accept_form(row, titles, codes, labels)
        reject_form(pid)


def decided(row: dict[str, Any]) -> None:
    who = md_escape(f"{row['decided_by']} at {row['decided_at']}")
    reason = md_escape(row["reason"]) if isinstance(row["reason"], str) and row["reason"] else ""
    if row["status"] == "accepted":
        edited = " after an edit" if row["edited"] == 1 else ""
        sid = row["statement_id"] if isinstance(row["statement_id"], str) else "(since deleted or edited)"
        st.success(f"Accepted{edited} by {md_escape(who)}: statement {md_escape(sid)}"
                   + (f" ({md_escape(reason)})" if reason else ""))
    else:
        st.warning(f"Rejected by {md_escape(who)}: {md_escape(reason)}")


def accept_form(row: dict[str, Any], titles: dict[str, str], codes: list[str], labels: dict[str, str]) -> None:
    pid = row["id"]
    slugs = list(titles)
    with st.form(f"rv_accept_{pid}", border=False):
        a, b, c, d, e = st.columns([3, 3, 2.6, 1.8, 1.2], vertical_alignment="bottom")
        actor = a.selectbox("Actor", codes, index=codes.index(row["actor"]) if row["actor"] in codes else None,
                            format_func=labels.get, key=f"rv_actor_{pid}")
        issue = b.selectbox("Issue", slugs, index=slugs.index(row["issue"]) if row["issue"] in slugs else None,
                            format_func=titles.get, key=f"rv_issue_{pid}")
        stance = c.selectbox("Stance", list(STANCES), index=list(STANCES).index(int(row["stance"])),
                             format_func=stance_text, key=f"rv_stance_{pid}")
        date = d.text_input("Date", value=row["date"] if isinstance(row["date"], str) else "", key=f"rv_date_{pid}",
                            placeholder="YYYY-MM-DD")
        submitted = e.form_submit_button("Accept", type="primary")
    if submitted:
        changes = {"actor": actor or "", "issue": issue or "", "stance": stance, "date": date.strip()}
        decide(pid, lambda db, coder: store.accept(db, pid, coder, changes), "Accepted")


def reject_form(pid: str) -> None:
    with st.form(f"rv_reject_{pid}", border=False):
        a, b = st.columns([6, 1.3], vertical_alignment="bottom")
        reason = a.text_input("Reason for rejecting", key=f"rv_reason_{pid}",
                              placeholder="e.g. wrong actor (the object of the sentence), not a position")
        submitted = b.form_submit_button("Reject")
    if submitted:
        decide(pid, lambda db, coder: store.reject(db, pid, coder, reason), "Rejected")


def decide(pid: str, action: Any, verb: str) -> None:
    coder = st.session_state.get("rv_coder", "")
    try:
        with database(write=True) as db:
            result = action(db, coder)
    except StanceError as exc:
        show_problems(exc)
        return
    st.cache_data.clear()
    made = f": statement {result}" if isinstance(result, str) else ""
    st.session_state["rv_done"] = f"{verb} proposal {pid}{made}."
    st.rerun()


# --- The page ----------------------------------------------------------------------------------

def render() -> None:
    st.title("Review proposed statements")
    if read_only_mode():
        st.info("This dashboard is read-only (STANCE_READ_ONLY=1): proposals cannot be reviewed here.")
        st.stop()
    with database() as db:
        counts = store.tally(db)
        total = sum(counts[s] for s in store.STATUSES)
        if total == 0:
            st.info("No proposals yet. Read articles with `python -m stance extract ARTICLE --url URL`; "
                    "what it proposes waits here for a coder.")
            st.stop()
        titles = dict(db.execute("SELECT slug, title FROM issues").fetchall())
        by_rule = store.by_rule(db)
    done = st.session_state.pop("rv_done", None)
    if done:
        st.success(md_escape(done))
    precision = store.precision_so_far(counts)
    m = st.columns(4)
    m[0].metric("Pending", counts["pending"])
    m[1].metric("Accepted", counts["accepted"], help=f"{counts['edited']} of them after an edit")
    m[2].metric("Rejected", counts["rejected"])
    m[3].metric("Precision so far", "–" if precision is None else f"{precision:.0%}",
                help="Accepted / decided: how often the proposals were kept.")
    st.text_input("Your name (coder) *", key="rv_coder", help="Stored as the statement's coder, in the audit trail "
                  "and with each decision.")
    codes, labels = actor_options()
    with database() as db:
        issues, actors = store.filter_options(db, None)
    status, issue, actor = filters(issues, actors, titles, labels)
    wanted = None if status == "all" else status
    with database() as db:
        matching = store.count(db, wanted, issue or None, actor or None)
        pages = max(1, math.ceil(matching / PAGE_SIZE))
        st.session_state["rv_page"] = min(max(1, int(st.session_state["rv_page"])), pages)
        page = st.session_state["rv_page"]
        rows = store.listing(db, wanted, issue or None, actor or None, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    set_url(status=None if status == "pending" else status, issue=issue, actor=actor,
            page=None if page == 1 else page)
    if rows.empty:
        st.info("Nothing here for these filters.")
    else:
        first = (page - 1) * PAGE_SIZE + 1
        st.caption(f"{first}–{first + len(rows) - 1} of {matching} {STATUS_CHOICES[status].lower()}"
                   f"{' proposals' if status == 'all' else ''}, most confident first. Enter in the edit fields "
                   "accepts, Enter in the reason field rejects.")
        for row in rows.to_dict("records"):
            card(row, titles, codes, labels)
    if pages > 1:
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="rv_page")
    if not by_rule.empty:
        chart(rule_chart(by_rule), ["reviews"], "rv_rules", width="stretch")
