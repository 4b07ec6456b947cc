"""The Data page: loads, counts, per-issue summary and quality checks, on small built databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from stance import editing
from stance.actors import registry
from stance.db import open_db
from stance.ingest.load import load_paths
from stance.queries import quality
from tests.helpers import ISSUES_CSV, statement, vote, write_rows
from tests.pages import page_app

ROWS = [
    statement(),                                                     # complete
    statement(quote="no link", source_url="", source_title="", outlet=""),  # no source
    statement(actor="RUS", quote="", notes=""),                      # neither quote nor notes
    statement(actor="USA", quote="", notes="   ", source_url=""),    # both problems
]


@pytest.fixture
def built(fresh_db, tmp_path: Path):
    """Sample issues, four statements, one vote, an issue with no definitions, a resolution with no votes."""
    result = load_paths(fresh_db, [ISSUES_CSV, write_rows(tmp_path / "s.csv", ROWS),
                                   write_rows(tmp_path / "v.csv", [vote(actor="CHN")])])
    assert result.written, result.problems
    fresh_db["issues"].insert({"slug": "bare", "title": "Bare issue", "description": "", "plus_2": "yes"})
    fresh_db["resolutions"].insert({"id": "S/RES/1 (2000)", "body": "UNSC", "date": "2000-01-01",
                                    "issue": "bare", "polarity": 1, "adopted": 1})
    return fresh_db


def test_statement_checks_find_exactly_the_built_cases(built) -> None:
    no_source = quality.statements_without_source(built)
    assert sorted(no_source["actor"]) == ["China", "United States"]
    no_text = quality.statements_without_text(built)
    assert sorted(no_text["actor"]) == ["Russia", "United States"]


def test_issue_and_resolution_checks(built) -> None:
    bare = quality.issues_without_definitions(built)
    assert list(bare["slug"]) == ["bare"] and bare["missing"].iloc[0] == "description, -2 meaning"
    assert list(quality.resolutions_without_votes(built)["id"]) == ["S/RES/1 (2000)"]


def test_group_members_without_data(built) -> None:
    with_data = {"CHN", "RUS", "USA"}
    expected = {m.actor for m in registry().groups} - with_data
    found = quality.group_actors_without_data(built)
    assert set(found["code"]) == expected
    p5 = found[found["code"] == "FRA"]
    assert "P5" in p5["groups"].iloc[0].split(",")


def test_a_member_whose_only_vote_is_absent_has_no_data(fresh_db, tmp_path: Path) -> None:
    """An absence is no stance point (the stance_points view skips it), so the member still has no data."""
    result = load_paths(fresh_db, [ISSUES_CSV, write_rows(tmp_path / "v.csv", [
        vote(actor="FRA", vote="absent"), vote(actor="GBR", vote="abstain")])])
    assert result.written, result.problems
    with_points = {a for (a,) in fresh_db.execute("SELECT DISTINCT actor FROM stance_points")}
    assert with_points == {"GBR"}
    found = set(quality.group_actors_without_data(fresh_db)["code"])
    assert "FRA" in found and "GBR" not in found
    assert found == {m.actor for m in registry().groups} - with_points


def test_counts_imports_and_issue_summary(built) -> None:
    counts = quality.table_counts(built).set_index("table")["rows"]
    for name in quality.TABLES:
        assert counts[name] == built.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    assert counts["statements"] == len(ROWS) and counts["audit"] == 0
    loads = quality.imports(built)
    assert list(loads["kind"]) == ["votes", "statements", "issues"]
    assert (loads["rows_read"] == loads["rows_loaded"] + loads["rows_unchanged"] + loads["rows_rejected"]).all()
    summary = quality.issue_summary(built).set_index("slug")
    assert summary.loc["double-freeze", "statements"] == len(ROWS)
    assert summary.loc["dprk-sanctions", "votes"] == 1
    assert summary.loc["bare", ["statements", "votes", "actors", "resolutions"]].tolist() == [0, 0, 0, 1]


def test_clean_sample_has_no_statement_warnings(sample_db: Path) -> None:
    db = open_db(sample_db)
    assert quality.statements_without_source(db).empty and quality.statements_without_text(db).empty
    assert quality.resolutions_without_votes(db).empty and quality.issues_without_definitions(db).empty
    db.close()


# --- The page under AppTest ------------------------------------------------------------------

def expander_counts(at) -> dict[str, int]:
    return {e.label.rsplit(": ", 1)[0]: int(e.label.rsplit(": ", 1)[1].replace(",", "")) for e in at.expander}


def test_page_on_the_sample_matches_the_queries(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("data", sample_db, monkeypatch)
    assert not at.exception
    db = open_db(sample_db)
    expected = {c.title: len(getattr(quality, c.query)(db)) for c in quality.CHECKS}
    statements = db.execute("SELECT count(*) FROM statements").fetchone()[0]
    db.close()
    assert expander_counts(at) == expected
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Statements"] == f"{statements:,}"
    imports = sqlite3.connect(sample_db).execute("SELECT count(*) FROM imports").fetchone()[0]
    loads = [d.value for d in at.dataframe if "rows_read" in d.value.columns]
    assert len(loads) == 1 and len(loads[0]) == imports


def test_page_shows_warnings_of_a_built_database(built, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = page_app("data", tmp_path / "fresh.db", monkeypatch)
    assert not at.exception
    counts = expander_counts(at)
    assert counts["Statements without a source"] == 2 and counts["Statements with neither quote nor notes"] == 2
    assert counts["Resolutions without votes"] == 1
    lists = [d.value for d in at.dataframe if "speaker" in d.value.columns]
    assert sorted(lists[0]["actor"]) == ["China", "United States"]


def test_page_follows_dashboard_edits(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("data", sample_db, monkeypatch)
    assert {m.label: m.value for m in at.metric}["Dashboard edits"] == "0"
    db = open_db(sample_db)
    editing.add_statement(db, statement(quote="fresh", source_url=""), "Ada")
    db.close()
    at.run()
    assert {m.label: m.value for m in at.metric}["Dashboard edits"] == "1"
    assert expander_counts(at)["Statements without a source"] == 1


def test_page_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("data", tmp_path / "e.db", monkeypatch)
    assert not at.exception and "python -m stance sample" in at.info[0].value


def test_page_ignores_junk_url_params(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean = page_app("data", sample_db, monkeypatch)
    junk = page_app("data", sample_db, monkeypatch, issue="<script>", q="'; DROP TABLE x; --", **{"from": "x"})
    assert not junk.exception
    assert expander_counts(junk) == expander_counts(clean)


# --- issue_summary asks the tables, not the stance_points view: the same answer -------------------

VIEW_ISSUE_SUMMARY = """
    SELECT i.slug, i.title,
           coalesce(sum(p.kind = 'statement'), 0) AS statements,
           coalesce(sum(p.kind = 'vote'), 0) AS votes,
           count(DISTINCT p.actor) AS actors,
           (SELECT count(*) FROM resolutions r WHERE r.issue = i.slug) AS resolutions,
           min(p.day) AS first, max(p.day) AS last
    FROM issues i LEFT JOIN stance_points p ON p.issue = i.slug
    GROUP BY i.slug ORDER BY i.title"""


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stance.synthetic import build_large_db

    path = tmp_path_factory.mktemp("synthetic") / "small.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5)
    return path


def test_issue_summary_equals_the_view_formulation_on_built_cases(built) -> None:
    """Absent votes, an issue with nothing and a resolution without votes, against the old query."""
    built["votes"].insert({"resolution": "S/RES/1 (2000)", "actor": "FRA", "vote": "absent"})
    pd.testing.assert_frame_equal(quality.issue_summary(built), pd.read_sql_query(VIEW_ISSUE_SUMMARY, built.conn))


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_issue_summary_equals_the_view_formulation(which: str, sample_db: Path, synthetic_db: Path) -> None:
    db = open_db(sample_db if which == "sample" else synthetic_db, read_only=True)
    expected = pd.read_sql_query(VIEW_ISSUE_SUMMARY, db.conn)
    assert expected["votes"].sum() > 0 and expected["statements"].sum() > 0
    pd.testing.assert_frame_equal(quality.issue_summary(db), expected)
    db.close()
