"""Adding, editing and deleting statements: loader validation, one transaction, an audit row each."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from stance import editing
from stance.db import open_db
from stance.errors import StanceError, ValidationError
from stance.ingest.load import load_paths
from stance.queries import explore
from tests.helpers import ISSUES_CSV, fingerprint, statement, write_rows
from tests.pages import fill_add_form, page_app

GOOD = statement(quote="We will never accept the freeze", speaker="Test Speaker", notes="a test row",
                 source_url="https://example.org/freeze", coder="tester")


@pytest.fixture
def db(sample_db: Path):
    handle = open_db(sample_db)
    yield handle
    handle.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit_rows(db, statement_id: str) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM audit WHERE statement_id = ? ORDER BY id", [statement_id])]


def test_add_writes_the_statement_its_source_and_an_audit_row(db) -> None:
    new_id = editing.add_statement(db, dict(GOOD), "Ada")
    row = db.execute("SELECT actor, issue, date, stance, quote, coder FROM statements WHERE id = ?",
                     [new_id]).fetchone()
    assert row == ("CHN", "double-freeze", "2017-03-08", 2, GOOD["quote"], "tester")
    assert db.execute("SELECT title FROM sources WHERE url = ?", [GOOD["source_url"]]).fetchone() == ("A",)
    (audit,) = audit_rows(db, new_id)
    assert (audit["who"], audit["action"], audit["before"]) == ("Ada", "add", None)
    after = json.loads(audit["after"])
    assert after["id"] == new_id and after["quote"] == GOOD["quote"] and after["actor"] == "CHN"
    assert new_id in set(explore.points(db, q="freeze never")["ref"])


def test_add_gets_the_same_id_as_the_loader(fresh_db, tmp_path: Path) -> None:
    load_paths(fresh_db, [ISSUES_CSV])
    via_form = editing.add_statement(fresh_db, dict(GOOD), "Ada")
    fresh_db.execute("DELETE FROM statements")
    load_paths(fresh_db, [write_rows(tmp_path / "s.csv", [GOOD])])
    assert fresh_db.execute("SELECT id FROM statements").fetchone()[0] == via_form


BAD_ROWS = [
    statement(actor="Nortth Korea"),
    statement(date="2017-02-30", stance="7"),
    statement(issue="no-such-issue", confidence="2", source_url="ftp://x"),
    statement(actor="", date="", stance=""),
]


@pytest.mark.parametrize("bad", BAD_ROWS)
def test_add_rejects_what_the_loader_rejects_with_the_same_reasons(db, sample_db: Path, tmp_path: Path,
                                                                   bad: dict) -> None:
    before = fingerprint(sample_db)
    with pytest.raises(ValidationError) as caught:
        editing.add_statement(db, dict(bad), "Ada")
    result = load_paths(db, [write_rows(tmp_path / "bad.csv", [bad])], dry_run=True)
    expected = {(p.field, p.reason) for p in result.problems}
    assert {(p.field, p.reason) for p in caught.value.problems} == expected and expected
    assert all((p.file, p.line) == ("form", 0) for p in caught.value.problems)
    assert fingerprint(sample_db) == before
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_add_needs_a_name_and_refuses_duplicates(db, sample_db: Path) -> None:
    before = fingerprint(sample_db)
    with pytest.raises(ValidationError) as caught:
        editing.add_statement(db, dict(GOOD), "  ")
    assert [p.field for p in caught.value.problems] == ["who"]
    assert fingerprint(sample_db) == before
    editing.add_statement(db, dict(GOOD), "Ada")
    with pytest.raises(ValidationError, match="already recorded"):
        editing.add_statement(db, dict(GOOD), "Ada")


def test_edit_of_notes_keeps_the_id_and_audits_before_and_after(db) -> None:
    sid = editing.add_statement(db, dict(GOOD), "Ada")
    same = editing.edit_statement(db, sid, {**GOOD, "notes": "better notes", "confidence": "0.5"}, "Bo", "typo")
    assert same == sid
    stored = db.execute("SELECT notes, confidence FROM statements WHERE id = ?", [sid]).fetchone()
    assert stored == ("better notes", 0.5)
    add, edit = audit_rows(db, sid)
    assert (edit["who"], edit["action"], edit["reason"]) == ("Bo", "edit", "typo")
    assert json.loads(edit["before"])["notes"] == "a test row" and json.loads(edit["after"])["notes"] == "better notes"
    trail = editing.history(db, sid)
    assert list(trail["action"]) == ["add", "edit"]
    assert 'notes: "a test row" -> "better notes"' in trail["changes"].iloc[1]


def test_edit_of_an_identity_field_replaces_the_row_and_audits_both_ids(db) -> None:
    old = editing.add_statement(db, dict(GOOD), "Ada")
    total = db.execute("SELECT count(*) FROM statements").fetchone()[0]
    new = editing.edit_statement(db, old, {**GOOD, "stance": "1", "quote": "We may accept a freeze"}, "Bo")
    assert new != old
    assert db.execute("SELECT count(*) FROM statements").fetchone()[0] == total
    assert db.execute("SELECT stance FROM statements WHERE id = ?", [new]).fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM statements WHERE id = ?", [old]).fetchone() == (0,)
    (gone,) = [r for r in audit_rows(db, old) if r["action"] == "edit"]
    (came,) = audit_rows(db, new)
    assert gone["reason"].startswith(f"replaced by {new}") and came["reason"].startswith(f"replaces {old}")
    assert json.loads(came["before"])["id"] == old and json.loads(came["after"])["id"] == new
    trail = editing.history(db, new)
    assert list(trail["action"]) == ["add", "edit"] and "stance: 2 -> 1" in trail["changes"].iloc[1]
    # The search index follows the replacement.
    assert new in set(explore.points(db, q="may accept")["ref"])
    assert old not in set(explore.points(db, q="never accept")["ref"])


def test_edit_refuses_no_change_bad_values_and_unknown_ids(db, sample_db: Path) -> None:
    sid = editing.add_statement(db, dict(GOOD), "Ada")
    before = fingerprint(sample_db)
    with pytest.raises(ValidationError, match="nothing changed"):
        editing.edit_statement(db, sid, dict(GOOD), "Bo")
    with pytest.raises(ValidationError) as caught:
        editing.edit_statement(db, sid, {**GOOD, "date": "soon"}, "Bo")
    assert [p.field for p in caught.value.problems] == ["date"]
    with pytest.raises(ValidationError) as caught:
        editing.edit_statement(db, "nope", dict(GOOD), "Bo")
    assert [p.field for p in caught.value.problems] == ["statement_id"]
    assert fingerprint(sample_db) == before


def test_delete_removes_the_row_and_keeps_its_audit(db, sample_db: Path) -> None:
    sid = db.execute("SELECT id FROM statements ORDER BY id LIMIT 1").fetchone()[0]
    before = fingerprint(sample_db)
    with pytest.raises(ValidationError) as caught:
        editing.delete_statement(db, sid, "", " ")
    assert {p.field for p in caught.value.problems} == {"who", "reason"}
    assert fingerprint(sample_db) == before
    editing.delete_statement(db, sid, "Cy", "duplicate")
    assert db.execute("SELECT count(*) FROM statements WHERE id = ?", [sid]).fetchone() == (0,)
    (audit,) = audit_rows(db, sid)
    assert (audit["action"], audit["who"], audit["reason"], audit["after"]) == ("delete", "Cy", "duplicate", None)
    assert json.loads(audit["before"])["id"] == sid
    assert list(editing.history(db, sid)["changes"]) == ["deleted"]
    with pytest.raises(ValidationError):
        editing.delete_statement(db, sid, "Cy", "again")


def test_read_only_database_is_refused_and_unchanged(sample_db: Path) -> None:
    sid = sqlite3.connect(sample_db).execute("SELECT id FROM statements LIMIT 1").fetchone()[0]
    digest = sha256(sample_db)
    ro = open_db(sample_db, read_only=True)
    with pytest.raises(StanceError):
        editing.add_statement(ro, dict(GOOD), "Ada")
    with pytest.raises(StanceError):
        editing.delete_statement(ro, sid, "Ada", "test")
    ro.close()
    assert sha256(sample_db) == digest


def test_read_only_mode_refuses_every_write(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = sqlite3.connect(sample_db).execute("SELECT id FROM statements LIMIT 1").fetchone()[0]
    before = fingerprint(sample_db)
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    handle = open_db(sample_db)
    for write in (lambda: editing.add_statement(handle, dict(GOOD), "Ada"),
                  lambda: editing.edit_statement(handle, sid, dict(GOOD), "Ada"),
                  lambda: editing.delete_statement(handle, sid, "Ada", "test")):
        with pytest.raises(editing.ReadOnlyError):
            write()
    handle.close()
    assert fingerprint(sample_db) == before


# --- The page under AppTest ------------------------------------------------------------------


def submit(at, label: str):
    (button,) = [b for b in at.button if b.label == label]
    return button.click().run()


def test_add_page_saves_a_valid_statement(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("edit", sample_db, monkeypatch)
    assert not at.exception
    fill_add_form(at, actor="RUS", issue="double-freeze", stance=1, date="2017-09", quote="A page test quote",
                  source_url="https://example.org/page", who="Page Tester")
    submit(at, "Save statement")
    assert not at.exception and not at.error
    row = sqlite3.connect(sample_db).execute(
        "SELECT id, actor, date, date_precision, stance, coder FROM statements WHERE quote = 'A page test quote'"
    ).fetchone()
    assert row[1:] == ("RUS", "2017-09", "month", 1, "Page Tester")
    assert row[0] in at.success[0].value
    assert at.text_area(key="add_quote").value == ""  # the form is cleared for the next one
    audit = sqlite3.connect(sample_db).execute("SELECT who, action FROM audit WHERE statement_id = ?",
                                                [row[0]]).fetchone()
    assert audit == ("Page Tester", "add")


def _in_order(node) -> list:  # noqa: ANN001
    """Every element of the page in the order drawn (AppTest's tree, depth first)."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in _in_order(children[key])]


def test_add_page_shows_each_error_under_its_field_and_writes_nothing(sample_db: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11 item 12: form errors next to their field, not in one list away from them."""
    before = fingerprint(sample_db)
    at = page_app("edit", sample_db, monkeypatch)
    fill_add_form(at, actor="RUS", issue="double-freeze", date="2017-02-30", source_url="javascript:alert(1)")
    submit(at, "Save statement")
    assert not at.exception
    drawn = [(el.type, getattr(el, "key", None) or getattr(el, "value", None)) for el in _in_order(at.main)]
    for key, reason in (("add_date", "not a calendar date"), ("add_stance", "missing"),
                        ("add_source_url", "is not an http(s) URL"), ("add_who", "missing")):
        at_field = drawn.index((drawn[[k for _, k in drawn].index(key)][0], key))
        kind, text = drawn[at_field + 1]
        assert kind == "alert" or "error" in kind, (key, drawn[at_field + 1])
        assert reason in str(text).replace("\\", ""), (key, text)
    assert "Not saved: fix the fields marked above." in [e.value for e in at.error]
    assert fingerprint(sample_db) == before
    assert at.text_input(key="add_date").value == "2017-02-30"  # kept for correcting


def test_saving_twice_says_it_exists_with_a_link(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11 item 7: a confirmation under the form, a link to the Timeline, a fresh form; the same
    statement again is not an error but a polite notice with a link."""
    at = page_app("edit", sample_db, monkeypatch)
    fields = {"actor": "RUS", "issue": "double-freeze", "stance": 1, "date": "2017-09",
              "quote": "Saved twice", "source_url": "https://example.org/twice", "who": "Twice Tester"}
    fill_add_form(at, **fields)
    submit(at, "Save statement")
    assert not at.exception and not at.error
    (success,) = at.success
    assert "Saved: Russia on" in success.value and "The form is clear" in success.value
    drawn = _in_order(at.main)
    assert drawn.index(success) > max(i for i, el in enumerate(drawn) if getattr(el, "key", None) == "add_who")
    (link,) = [el for el in at.get("link_button") if el.proto.label == "See it on the Timeline"]
    assert link.proto.url == "./?issue=double-freeze&actors=RUS"
    assert at.text_area(key="add_quote").value == "" and at.text_input(key="add_date").value == ""
    fill_add_form(at, **fields)
    submit(at, "Save statement")
    assert not at.exception and not at.error
    assert any("already recorded" in i.value and "nothing was added" in i.value for i in at.info)
    assert [el.proto.url for el in at.get("link_button")] == ["./?issue=double-freeze&actors=RUS"]
    assert sqlite3.connect(sample_db).execute("SELECT count(*) FROM statements WHERE quote = 'Saved twice'"
                                              ).fetchone() == (1,)


def test_add_page_in_read_only_mode_has_no_form(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = sha256(sample_db)
    at = page_app("edit", sample_db, monkeypatch, env={"STANCE_READ_ONLY": "1"})
    assert not at.exception
    assert "read-only" in at.info[0].value
    assert not at.get("form") and not at.button and not at.text_input
    assert sha256(sample_db) == digest


def test_add_page_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("edit", tmp_path / "e.db", monkeypatch)
    assert not at.exception and "python -m stance sample" in at.info[0].value
    assert not at.get("form")


def test_add_page_ignores_junk_url_params(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("edit", sample_db, monkeypatch, issue="<b>x</b>", actors="';--", ed_pick="zz")
    assert not at.exception
    assert len(at.get("form")) == 3


def test_edit_page_edits_then_deletes_with_an_audit_trail(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("edit", sample_db, monkeypatch)
    at.selectbox(key="ed_issue").set_value("double-freeze").run()
    at.selectbox(key="ed_actor").set_value("USA").run()
    sid = at.selectbox(key="ed_pick").value
    conn = sqlite3.connect(sample_db)
    picked = conn.execute("SELECT actor, issue FROM statements WHERE id = ?", [sid]).fetchone()
    assert picked == ("USA", "double-freeze")
    at.text_area(key=f"ed_{sid}_notes").set_value("Edited in the page test")
    at.text_input(key="ed_who").set_value("Editor")
    submit(at, "Save changes")
    assert not at.exception and not at.error
    assert conn.execute("SELECT notes FROM statements WHERE id = ?", [sid]).fetchone() == ("Edited in the page test",)
    assert "Saved changes" in at.success[0].value
    trail = at.dataframe[0].value
    assert list(trail["action"]) == ["edit"] and list(trail["who"]) == ["Editor"]
    # Changing the stance gives a new id; the page follows it and shows the whole trail.
    at.selectbox(key=f"ed_{sid}_stance").set_value(0)
    submit(at, "Save changes")
    new = at.selectbox(key="ed_pick").value
    assert new != sid and conn.execute("SELECT stance FROM statements WHERE id = ?", [new]).fetchone() == (0,)
    assert list(at.dataframe[0].value["action"]) == ["edit", "edit"]
    # Delete: a reason is required.
    at.text_input(key="del_who").set_value("Editor")
    submit(at, "Delete statement")
    assert "reason" in at.error[0].value
    assert conn.execute("SELECT count(*) FROM statements WHERE id = ?", [new]).fetchone() == (1,)
    at.text_input(key="del_reason").set_value("test deletion")
    submit(at, "Delete statement")
    assert not at.exception and "Deleted statement" in at.success[0].value
    assert conn.execute("SELECT count(*) FROM statements WHERE id = ?", [new]).fetchone() == (0,)
    assert conn.execute("SELECT action FROM audit WHERE statement_id = ? ORDER BY id DESC", [new]).fetchone() == (
        "delete",)


# --- another connection writes between the form's check and its write -----------------------------

def other_connection(path: Path, sql: str, params: list) -> None:
    """A second writer (another browser tab, a CLI load): its own connection, committed at once."""
    with sqlite3.connect(path) as other:
        other.execute(sql, params)
    other.close()


@pytest.mark.parametrize("change", [{"notes": "better notes"}, {"stance": "1", "quote": "We may accept a freeze"}],
                         ids=["in place", "new id"])
def test_edit_of_a_statement_deleted_meanwhile_writes_nothing(db, sample_db: Path, change: dict) -> None:
    sid = editing.add_statement(db, dict(GOOD), "Ada")
    statement = editing.prepare_edit(db, sid, {**GOOD, **change}, "Bo")
    other_connection(sample_db, "DELETE FROM statements WHERE id = ?", [sid])
    total = db.execute("SELECT count(*) FROM statements").fetchone()[0]
    with pytest.raises(StanceError, match="deleted by someone else"):
        editing.commit_edit(db, sid, statement, "Bo")
    assert [r["action"] for r in audit_rows(db, sid)] == ["add"]
    if statement.id != sid:
        assert audit_rows(db, statement.id) == []
    assert db.execute("SELECT count(*) FROM statements").fetchone()[0] == total  # nothing resurrected


def test_delete_of_a_statement_deleted_meanwhile_is_refused(db, sample_db: Path) -> None:
    sid = editing.add_statement(db, dict(GOOD), "Ada")
    other_connection(sample_db, "DELETE FROM statements WHERE id = ?", [sid])
    with pytest.raises(StanceError):
        editing.delete_statement(db, sid, "Cy", "duplicate")
    assert [r["action"] for r in audit_rows(db, sid)] == ["add"]


def test_add_of_a_statement_added_meanwhile_is_a_form_problem(db, sample_db: Path) -> None:
    statement = editing.prepare_add(db, dict(GOOD), "Ada")
    other = open_db(sample_db)
    try:
        editing.add_statement(other, dict(GOOD), "Bo")  # the same statement, from another tab
    finally:
        other.close()
    with pytest.raises(ValidationError, match="already recorded"):
        editing.commit_add(db, statement, "Ada")
    assert [(r["action"], r["who"]) for r in audit_rows(db, statement.id)] == [("add", "Bo")]


def test_a_constraint_broken_meanwhile_is_a_form_problem_not_a_crash(db, sample_db: Path) -> None:
    db["issues"].insert({"slug": "brief-issue", "title": "Brief issue", "description": "d", "plus_2": "yes",
                         "minus_2": "no"})
    statement = editing.prepare_add(db, {**GOOD, "issue": "brief-issue"}, "Ada")
    other_connection(sample_db, "DELETE FROM issues WHERE slug = ?", ["brief-issue"])
    before = fingerprint(sample_db)
    with pytest.raises(ValidationError) as caught:
        editing.commit_add(db, statement, "Ada")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("form", 0, "-") and "FOREIGN KEY" in problem.reason
    assert fingerprint(sample_db) == before
    assert audit_rows(db, statement.id) == []
