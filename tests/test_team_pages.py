"""The team pages under AppTest on a real database: Double-code saves a coding, Adjudicate decides a
disagreement, Codebook versions a definition and flags what was coded under the old one, Reliability
reports; the dashboard asks who is coding. Coder names and notes are hostile markdown here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from stance import codebook, team
from stance.db import open_db
from stance.ingest.load import load_paths
from stance.queries import team as tq
from tests.helpers import ISSUES_CSV, statement, write_rows
from tests.pages import APP
from tests.test_hostile_text import RAW_PAYLOADS, markdown_texts

HOSTILE = "![p](http://evil.invalid/c.png) **Eve** :red[x]"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Four statements by AB; CD has coded three of them, disagreeing on two; one is still to code."""
    rows = [statement(quote=f"Quote {i}", stance=str(v), coder="AB") for i, v in enumerate((2, 1, -1, 0))]
    path = tmp_path / "team.db"
    db = open_db(path)
    assert load_paths(db, [ISSUES_CSV, write_rows(tmp_path / "s.csv", rows)]).written
    team.add_coder(db, "Carl Dias", "CD")
    team.add_coder(db, HOSTILE, "EV")
    team.draw(db, 1.0, "CD", 3, "lead")
    second = {"Quote 0": 2, "Quote 1": 2, "Quote 2": -2}
    for unit in tq.assignments(db, "CD").itertuples():
        if unit.quote in second:
            team.code(db, unit.coding_id, second[unit.quote], "CD", note=HOSTILE)
    db.close()
    return path


def page(name: str, path: Path, monkeypatch: pytest.MonkeyPatch, coder: str | None) -> AppTest:
    monkeypatch.setenv("STANCE_DB", str(path))
    at = AppTest.from_string(f"from stance.views import {name}\n{name}.render()\n", default_timeout=60)
    if coder:
        at.session_state["coder"] = coder
    return at.run()


def test_double_code_needs_a_coder_then_saves_blind(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("doublecode", project, monkeypatch, None)
    assert "Say who is coding first" in at.info[0].value and not at.radio
    at = page("doublecode", project, monkeypatch, "CD")
    assert "Quote 3" in [t.value for t in at.text]
    at.radio(key="dc_stance").set_value(-2)
    at.button[0].click().run()
    assert not at.exception and "Saved: -2" in at.success[0].value
    assert "Nothing left to code" in at.info[0].value
    db = open_db(project, read_only=True)
    assert len(tq.paired(db)) == 4
    db.close()


def test_adjudicate_decides_with_who_and_why(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("adjudicate", project, monkeypatch, "EV")
    assert "2 unit(s) where the two coders differ" in at.caption[0].value
    texts = [re.sub(r"\\.", "", t) for t in markdown_texts(at)]
    assert not [t for t in texts if any(p in t for p in RAW_PAYLOADS)]
    db = open_db(project, read_only=True)
    unit = "statement_" + db.execute("SELECT id FROM statements WHERE quote = 'Quote 1'").fetchone()[0]
    db.close()
    at.radio(key=f"adj_value_{unit}").set_value(2)
    at.text_input(key=f"adj_why_{unit}").input("a champion of it: rule 1")
    at.button(key=f"FormSubmitter:adj_form_{unit}-Decide").click().run()
    assert not at.exception and "Decided +2" in at.success[0].value
    # The card left in the queue starts empty: the last decision's inputs do not carry over to it.
    assert len(at.radio) == 1 and at.radio[0].value is None and at.text_input[0].value == ""
    db = open_db(project, read_only=True)
    decided = tq.adjudications(db).iloc[0]
    assert (decided["who"], decided["why"], decided["first_stance"], decided["second_stance"]) == (
        "EV", "a champion of it: rule 1", 1, 2)
    assert db.execute("SELECT stance FROM statements WHERE id = ?", [decided["after_id"]]).fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM audit WHERE reason LIKE '%(adjudicated: a champion%'").fetchone()[0] == 2
    db.close()


def test_codebook_change_flags_statements_and_exports(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("codebook", project, monkeypatch, "EV")
    at.selectbox(key="cb_issue").set_value("double-freeze").run()
    at.text_area(key="cb_rules_double-freeze").input("Rule 1: proposing or championing it is +2.")
    at.text_input(key="cb_note_double-freeze").input("first rules")
    at.button(key="FormSubmitter:cb_form_double-freeze-Save as a new version").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Saved as version 2. 4 statement(s)" in at.success[0].value
    db = open_db(project, read_only=True)
    assert len(tq.flagged(db, "double-freeze")) == 4
    text = codebook.to_markdown(tq.codebook_current(db), tq.codebook_history(db))
    db.close()
    assert "Rule 1: proposing or championing it is +2." in text and "version 2" in text and "first rules" in text
    assert "## UN Security Council sanctions on North Korea (`dprk-sanctions`)" in text


def test_reliability_page_reports_alpha(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("reliability", project, monkeypatch, None)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Units coded twice"] == "3"
    assert len(at.get("plotly_chart")) == 3  # alpha with intervals, one pair's confusion table, alpha over time


def test_the_dashboard_asks_who_is_coding_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_DB", str(project))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.text_input(key="coder_new_name").input("Dana Roe")
    at.text_input(key="coder_new_id").input("DR")
    at.button(key="FormSubmitter:coder_new-Register and start").click().run()
    assert at.session_state["coder"] == "DR"
    assert any("Coding as" in c.value and "Dana Roe" in c.value for c in at.sidebar.caption)
    assert at.session_state["add_who"] == "DR"  # the Add statement page's name field starts filled


def test_a_hostile_coder_name_stays_text_in_the_sidebar(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_DB", str(project))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["coder"] = "EV"
    at.run()
    captions = [c.value for c in at.sidebar.caption]
    assert any("evil" in c for c in captions)
    texts = [re.sub(r"\\.", "", t) for t in markdown_texts(at)]
    assert not [t for t in texts if any(p in t for p in RAW_PAYLOADS)]
