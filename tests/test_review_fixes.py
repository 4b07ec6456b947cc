"""Regression tests for defects a code review reproduced: each failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stance import charts
from stance.cli import cli
from stance.db import open_db
from stance.ingest.load import load_paths
from tests.helpers import ISSUES_CSV, fingerprint, statement, vote, write_rows
from tests.pages import page_app

HOSTILE_LINK = "[Sign in again](https://ev.il/)"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- Notices and captions render user text inert -------------------------------------------

def test_a_link_in_the_url_is_not_a_link_in_the_notice(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue=f"`{HOSTILE_LINK}`", actors=f"`{HOSTILE_LINK}`")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "Ignored issue=" in notices
    assert "](https://ev.il/)" not in notices and r"\]\(https\://ev\.il/\)" in notices


def test_issue_description_is_shown_as_text(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(sample_db)
    db.execute("UPDATE issues SET description = ? WHERE slug = 'double-freeze'", [f"See {HOSTILE_LINK} :red[URGENT]"])
    db.conn.commit()
    db.close()
    at = page_app("timeline", sample_db, monkeypatch, issue="double-freeze")
    caption = " ".join(c.value for c in at.caption)
    assert "](https://ev.il/)" not in caption and ":red[" not in caption


def test_timeline_hover_escapes_html() -> None:
    import pandas as pd

    points = pd.DataFrame({
        "actor": ["CHN"], "actor_name": ["<b>China</b>"], "day": [pd.Timestamp("2017-03-08")],
        "date": ["2017-03-08"], "stance": [2], "kind": ["statement"],
        "speaker": ['<a href="https://evil.example/s">Wang Yi</a>'],
        "text": ['We <b>firmly</b> back <a href="https://evil.example/x">click</a>'],
        "source_title": ["<i>t</i>"], "source_url": ["https://example.org"]})
    spec = charts.timeline(points, "<script>t</script>").to_json()
    for raw in ("<a href", "<b>firmly", "<b>China", "<script>", "<i>t</i>"):
        assert raw not in spec, raw
    assert "&lt;a href=" in spec


# --- URL numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("page, params", [
    ("timeline", {"from": "²", "to": "³"}),
    ("map", {"year": "²"}),
    ("alignment", {"min_votes": "²", "from": "¹"}),
])
def test_unicode_digits_in_the_url_are_ignored(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                               page: str, params: dict[str, str]) -> None:
    at = page_app(page, sample_db, monkeypatch, **params)
    assert not at.exception
    assert at.warning, "a notice says the value was ignored"


# --- Loader -----------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("stance", "nan"), ("stance", "inf"), ("stance", "1e400"),
                                          ("confidence", "nan")])
def test_non_finite_numbers_are_field_errors(fresh_db, tmp_path: Path, field: str, value: str) -> None:
    path = write_rows(tmp_path / "s.csv", [statement(**{field: value})])
    result = load_paths(fresh_db, [ISSUES_CSV, path])
    assert [(p.line, p.field) for p in result.problems] == [(2, field)]


def test_conflicting_rows_in_two_files_are_caught(fresh_db, tmp_path: Path) -> None:
    va = write_rows(tmp_path / "va.csv", [vote(actor="CHN", vote="yes")])
    vb = write_rows(tmp_path / "vb.csv", [vote(actor="CHN", vote="no", date="2017-12-23")])
    problems = [str(p) for p in load_paths(fresh_db, [ISSUES_CSV, va, vb]).problems]
    assert f"{vb}:2: -: duplicate of {va}:2" in problems
    sa = write_rows(tmp_path / "sa.csv", [statement()])
    sb = write_rows(tmp_path / "sb.csv", [statement(notes="other notes")])
    problems = [str(p) for p in load_paths(fresh_db, [ISSUES_CSV, sa, sb]).problems]
    assert problems == [f"{sb}:2: -: duplicate of {sa}:2"]


def test_resolution_described_differently_in_two_files(fresh_db, tmp_path: Path) -> None:
    va = write_rows(tmp_path / "va.csv", [vote(actor="CHN")])
    vb = write_rows(tmp_path / "vb.csv", [vote(actor="USA", adopted="false")])
    problems = [str(p) for p in load_paths(fresh_db, [ISSUES_CSV, va, vb]).problems]
    assert problems == [f"{vb}:2: adopted: differs from {va}:2 for the same resolution S/RES/9999 (2017)"]


def test_corrected_source_title_is_an_update(fresh_db, tmp_path: Path) -> None:
    load_paths(fresh_db, [ISSUES_CSV, write_rows(tmp_path / "a.csv", [statement()])])
    result = load_paths(fresh_db, [write_rows(tmp_path / "b.csv", [statement(source_title="Corrected")])])
    assert (result.files[0].updated, result.files[0].unchanged) == (1, 0)
    assert fresh_db.execute("SELECT title FROM sources").fetchone() == ("Corrected",)


def test_votes_citing_a_page_keep_its_title(sample_db: Path) -> None:
    db = open_db(sample_db)
    titles = db.execute("SELECT title FROM sources WHERE url = 'https://press.un.org/en/2022/sc14911.doc.htm'")
    assert titles.fetchone()[0].startswith("Security Council Fails to Adopt")
    db.close()


def test_parent_issue_on_an_earlier_line(fresh_db, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "issues.csv", [{"slug": "korea", "title": "Korean peninsula", "parent": ""},
                                                {"slug": "korea-nukes", "title": "Nuclear", "parent": "korea"}])
    result = load_paths(fresh_db, [path])
    assert result.written and not result.problems


def test_unwritable_rejects_file_loads_nothing(sample_db: Path, tmp_path: Path) -> None:
    before = fingerprint(sample_db)
    mixed = write_rows(tmp_path / "s.csv", [statement(), statement(actor="Narnia", quote="x")])
    result = run("load", str(mixed), "--skip-invalid", "--rejects", str(tmp_path / "no" / "dir" / "r.csv"),
                 "--db", str(sample_db))
    assert result.exit_code == 1 and "nothing was loaded" in result.output and "Traceback" not in result.output
    assert fingerprint(sample_db) == before


@pytest.mark.parametrize("command", [["stats"], ["export"], ["validate", str(ISSUES_CSV)]])
def test_a_file_that_is_not_sqlite(tmp_path: Path, command: list[str]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    result = run(*command, "--db", str(junk))
    assert result.exit_code == 1 and "not a SQLite database" in result.output
