"""Add statement: code one statement in a form, or correct or delete one, every change audited.

Validation is the CLI loader's (through stance.editing), so the form accepts exactly what a CSV
would. In read-only mode (STANCE_READ_ONLY=1) the page shows a notice and no form.

Session-state keys:
    add_<field>      the add form's inputs; cleared after a successful save
    add_saved        the statement just added: id, issue, actor, label (shown once, under the form)
    add_errors       field -> reason of the last failed save (shown once, under each field)
    ed_issue, ed_actor, ed_pick   the statement picked for editing ("" = all issues / actors)
    ed_next          id to select after an edit changed it (applied before the picker is drawn)
    ed_done          what the last edit or delete did (shown once)
    ed_<field>_<id>  the edit form's inputs, per statement so switching statements refills them
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from stance import editing
from stance.actors import registry
from stance.db import read_only_mode
from stance.errors import StanceError, ValidationError
from stance.model import stance_text
from stance.views.common import actor_label, database, md_escape, read, require_data, view_link

STANCES = (2, 1, 0, -1, -2)
TEXT_FIELDS = ("date", "quote", "speaker", "source_url", "source_title", "outlet", "confidence", "notes")


def actor_options() -> tuple[list[str], dict[str, str]]:
    """Every known actor, by name: the same registry the loader resolves names with."""
    actors = registry().actors
    codes = sorted(actors, key=lambda c: actors[c].name)
    return codes, {c: actor_label(c, actors[c].name) for c in codes}  # searchable by code and alias


def flag(errors: dict[str, str] | None, name: str) -> None:
    """The problem with one field, right under it (the last save's, until the next try)."""
    if errors and name in errors:
        st.error(md_escape(errors[name]), icon=":material/error:")


def statement_fields(prefix: str, issues: pd.DataFrame, current: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The statement's inputs (inside a form); returns values in the loader's columns. `errors`
    (field -> reason) are shown under their fields."""
    cur = current or {}
    codes, labels = actor_options()
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    slugs = list(titles)

    def index(options: list, value: Any) -> int | None:
        return options.index(value) if value in options else None

    left, right = st.columns(2)
    with left:
        actor = st.selectbox("Actor *", codes, index=index(codes, cur.get("actor")), format_func=labels.get,
                             key=f"{prefix}actor", placeholder="Choose a state or organisation")
        flag(errors, "actor")
        issue = st.selectbox("Issue *", slugs, index=index(slugs, cur.get("issue")), format_func=titles.get,
                             key=f"{prefix}issue", placeholder="Choose an issue")
        flag(errors, "issue")
    with right:
        date = st.text_input("Date *", value=cur.get("date") or "", key=f"{prefix}date",
                             placeholder="YYYY, YYYY-MM or YYYY-MM-DD")
        flag(errors, "date")
        stance = st.selectbox("Stance *", list(STANCES), index=index(list(STANCES), cur.get("stance")),
                              format_func=stance_text,
                              key=f"{prefix}stance",
                              placeholder="Choose -2..+2 (what the ends mean is defined per issue)")
        flag(errors, "stance")
    quote = st.text_area("Quote (the words exactly as the source prints them)", value=cur.get("quote") or "",
                         key=f"{prefix}quote", height=100)
    flag(errors, "quote")
    a, b = st.columns(2)
    with a:
        speaker = st.text_input("Speaker", value=cur.get("speaker") or "", key=f"{prefix}speaker",
                                placeholder="e.g. Wang Yi, Foreign Minister")
        flag(errors, "speaker")
        source_url = st.text_input("Source URL", value=cur.get("source_url") or "", key=f"{prefix}source_url",
                                   placeholder="https://…")
        flag(errors, "source_url")
        confidence = st.text_input("Confidence (0..1)", value=_text(cur.get("confidence")),
                                   key=f"{prefix}confidence")
        flag(errors, "confidence")
    with b:
        source_title = st.text_input("Source title", value=cur.get("source_title") or "",
                                     key=f"{prefix}source_title")
        flag(errors, "source_title")
        outlet = st.text_input("Outlet", value=cur.get("outlet") or "", key=f"{prefix}outlet")
        flag(errors, "outlet")
    notes = st.text_area("Notes (a paraphrase when there is no exact quote, and why this stance value)",
                         value=cur.get("notes") or "", key=f"{prefix}notes", height=80)
    flag(errors, "notes")
    return {"actor": actor or "", "issue": issue or "", "date": date, "stance": "" if stance is None else stance,
            "quote": quote, "speaker": speaker, "source_url": source_url, "source_title": source_title,
            "outlet": outlet, "coder": cur.get("coder") or "", "confidence": confidence, "notes": notes}


def _text(value: Any) -> str:
    """A stored number back as the text a coder would type (0.9, not 0.9000000000000001 or nan)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def show_problems(exc: StanceError) -> None:
    """Every problem as `field: reason`, escaped: reasons quote what was typed."""
    if isinstance(exc, ValidationError):
        lines = [f"- {md_escape(f'{p.field}: {p.reason}')}" for p in exc.problems]
        st.error(f"Not saved: {len(exc.problems)} problem(s).\n\n" + "\n".join(lines))
    else:
        st.error(f"Not saved: {md_escape(str(exc))}")


# --- Add -------------------------------------------------------------------------------------

ADD_KEYS = ("actor", "issue", "stance", "who") + TEXT_FIELDS
FIELDS = frozenset(ADD_KEYS + ("coder",))


def field_errors(exc: StanceError) -> tuple[dict[str, str], list[str]]:
    """A failed save's problems: those of a form field (field -> reason), and the rest."""
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for problem in getattr(exc, "problems", None) or []:
        if problem.field in FIELDS:
            by_field[problem.field] = "; ".join(filter(None, (by_field.get(problem.field), problem.reason)))
        else:
            rest.append(f"{problem.field}: {problem.reason}" if problem.field not in ("-", "") else problem.reason)
    if not isinstance(exc, ValidationError):
        rest.append(str(exc))
    return by_field, rest


def timeline_link(issue: str, actor: str) -> str:
    return view_link("", issue=issue, actors=actor)


def saved_notice(saved: dict[str, str]) -> None:
    """Under the Save button, where the eye is: what was saved, and where to see it."""
    st.success(f"Saved: {md_escape(saved['label'])} (id {saved['id']}). The form is clear for the next one.",
               icon=":material/check_circle:")
    st.link_button("See it on the Timeline", timeline_link(saved["issue"], saved["actor"]),
                   icon=":material/timeline:")


def already_notice(statement_id: str, values: dict[str, Any]) -> None:
    """Saving the same statement again adds nothing: say so kindly, and where it is."""
    st.info(f"This statement is already recorded (id {statement_id}), so nothing was added. To change it, use "
            "the *Edit or delete* tab.", icon=":material/info:")
    st.link_button("See it on the Timeline", timeline_link(values["issue"], values["actor"]),
                   icon=":material/timeline:")


def add_ui(issues: pd.DataFrame) -> None:
    if st.session_state.pop("add_clear", False):
        for name in ADD_KEYS:
            st.session_state.pop(f"add_{name}", None)
    saved = st.session_state.pop("add_saved", None)
    errors = st.session_state.pop("add_errors", None)
    with st.form("add_form"):
        values = statement_fields("add_", issues, errors=errors)
        who = st.text_input("Coder (your name) *", key="add_who", help="Stored as the statement's coder and in "
                            "the audit trail.")
        flag(errors, "who")
        submitted = st.form_submit_button("Save statement", type="primary")
    if isinstance(saved, dict):
        saved_notice(saved)
    if errors:
        st.error("Not saved: fix the fields marked above.", icon=":material/error:")
    if submitted:
        save_new(values, who, issues)


def save_new(values: dict[str, Any], who: str, issues: pd.DataFrame) -> None:
    """Write the statement; on success or on problems rerun, so the form shows the outcome."""
    values["coder"] = who
    try:
        with database(write=True) as db:
            new_id = editing.add_statement(db, values, who)
    except editing.AlreadyRecorded as exc:
        already_notice(exc.statement_id, values)
        return
    except StanceError as exc:
        by_field, rest = field_errors(exc)
        if rest or not by_field:
            show_problems(exc)
            return
        st.session_state["add_errors"] = by_field
        st.rerun()
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    label = f"{registry().actors[values['actor']].name} on {titles.get(values['issue'], values['issue'])}, " \
            f"{values['date']}, stance {stance_text(values['stance'])}"
    st.cache_data.clear()
    st.toast("Statement saved", icon=":material/check_circle:")
    st.session_state["add_saved"] = {"id": new_id, "issue": values["issue"], "actor": values["actor"],
                                     "label": label}
    st.session_state["add_clear"] = True
    st.rerun()


# --- Edit and delete -------------------------------------------------------------------------

def choice_label(row: pd.Series) -> str:
    text = " ".join(str(row["text"]).split())
    speaker = f" {row['speaker']}:" if isinstance(row["speaker"], str) and row["speaker"] else ""
    return f"{row['date']} · {row['actor_name']} · {int(row['stance']):+d} ·{speaker} {text[:90]}"


def pick_statement(issues: pd.DataFrame) -> str | None:
    """Narrow by issue and actor, then pick one statement; returns its id."""
    following = st.session_state.pop("ed_next", None)
    if following:  # an edit gave the statement a new id: show that one, whatever the filters were
        st.session_state["ed_issue"] = st.session_state["ed_actor"] = ""
        st.session_state["ed_pick"] = following
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    actors = read("explore.statement_actors")
    names = dict(zip(actors["code"], actors["name"], strict=True))
    left, right = st.columns(2)
    with left:
        issue = st.selectbox("Issue", [""] + list(titles), format_func=lambda s: titles.get(s, "All issues"),
                             key="ed_issue")
    with right:
        actor = st.selectbox("Actor", [""] + list(names),
                             format_func=lambda c: actor_label(c, names[c]) if c in names else "All actors",
                             key="ed_actor")
    choices = read("explore.statement_choices", issue or None, actor or None)
    if choices.empty:
        st.info("No statement matches; pick another issue or actor.")
        return None
    labels = {row["id"]: choice_label(row) for _, row in choices.iterrows()}
    if st.session_state.get("ed_pick") not in labels:
        st.session_state["ed_pick"] = next(iter(labels))
    return st.selectbox(f"Statement ({len(labels)} shown, newest first)", list(labels), format_func=labels.get,
                        key="ed_pick")


def edit_form(statement_id: str, record: dict[str, Any], issues: pd.DataFrame) -> None:
    with st.form("edit_form"):
        st.markdown("**Edit this statement**")
        values = statement_fields(f"ed_{statement_id}_", issues, record)
        values["coder"] = st.text_input("Coder of the statement", value=record.get("coder") or "",
                                        key=f"ed_{statement_id}_coder")
        a, b = st.columns(2)
        who = a.text_input("Your name (for the audit trail) *", key="ed_who")
        reason = b.text_input("Reason (optional)", key="ed_reason")
        st.caption("Changing actor, issue, date, stance, quote, speaker or source URL gives the statement a new id; "
                   "the old one is replaced and both ids are kept in the audit trail.")
        submitted = st.form_submit_button("Save changes", type="primary")
    if submitted:
        try:
            with database(write=True) as db:
                new_id = editing.edit_statement(db, statement_id, values, who, reason)
        except StanceError as exc:
            show_problems(exc)
            return
        st.cache_data.clear()
        st.session_state["ed_done"] = (f"Saved. The statement now has the id {new_id} (it was {statement_id})."
                                       if new_id != statement_id else f"Saved changes to statement {new_id}.")
        st.session_state["ed_next"] = new_id
        st.rerun()


def delete_form(statement_id: str) -> None:
    with st.form("delete_form"):
        st.markdown("**Delete this statement**")
        a, b = st.columns(2)
        who = a.text_input("Your name *", key="del_who")
        reason = b.text_input("Reason *", key="del_reason", placeholder="e.g. duplicate of …, source retracted")
        submitted = st.form_submit_button("Delete statement")
    if submitted:
        try:
            with database(write=True) as db:
                editing.delete_statement(db, statement_id, who, reason)
        except StanceError as exc:
            show_problems(exc)
            return
        st.cache_data.clear()
        st.session_state["ed_done"] = f"Deleted statement {statement_id}. Its audit trail is kept."
        st.session_state.pop("ed_pick", None)
        st.rerun()


def show_history(statement_id: str) -> None:
    with database() as db:
        trail = editing.history(db, statement_id)
    st.markdown("**Audit trail**")
    if trail.empty:
        st.caption("No dashboard edits: this statement is as it was loaded.")
        return
    st.dataframe(trail[["at", "who", "action", "changes", "reason"]], hide_index=True, width="stretch",
                 key="ed_history")


def edit_ui(issues: pd.DataFrame) -> None:
    done = st.session_state.pop("ed_done", None)
    if done:
        st.success(done)
    statement_id = pick_statement(issues)
    if statement_id is None:
        return
    with database() as db:
        record = editing.snapshot(db, statement_id)
    if record is None:
        st.info("That statement is gone (deleted or changed elsewhere); pick another.")
        return
    st.caption(f"Statement id {record['id']}. The form below holds its current values.")
    edit_form(statement_id, record, issues)
    delete_form(statement_id)
    show_history(statement_id)


def render() -> None:
    st.title("Add or edit a statement")
    if read_only_mode():
        st.info("This dashboard is read-only (STANCE_READ_ONLY=1): statements cannot be added, edited or "
                "deleted here. Load files with `python -m stance load` on a writable copy.")
        st.stop()
    issues = read("issues")
    require_data(issues)
    add_tab, edit_tab = st.tabs(["Add a statement", "Edit or delete"])
    with add_tab:
        add_ui(issues)
    with edit_tab:
        edit_ui(issues)
