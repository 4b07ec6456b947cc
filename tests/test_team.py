"""Coding as a team, end to end on a real database file: two coders, a drawn sample, blind second
coding, alpha checked against a hand computation and the krippendorff package, two disagreements
adjudicated, a codebook change that flags statements, a reload that keeps it all, read-only mode."""

from __future__ import annotations

import shutil
import sqlite3
from fractions import Fraction
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from stance import reliability as rel
from stance import team
from stance.cli import cli
from stance.db import open_db
from stance.editing import ReadOnlyError
from stance.ingest.load import load_paths
from stance.queries import team as tq
from tests.helpers import ISSUES_CSV, statement, write_rows

# Ten units: (first coder's value, second coder's value). Three disagreements: 2/1, -2/-1, 0/+1.
FIRST = [2, 2, 1, 0, -1, -2, -2, 1, 0, 1]
SECOND = [2, 1, 1, 0, -1, -2, -1, 1, 1, 1]

# By hand (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): 20 pairable values,
# totals n(-2..2) = 3, 3, 3, 8, 3. Ordinal distance d(c,k) = (sum of n_g for g from c to k -
# (n_c + n_k)/2)^2: d(-2,-1) = 9, d(0,1) = 30.25, d(1,2) = 30.25, ... Observed: each disagreement
# counts twice in the coincidence matrix, so 2 * (9 + 30.25 + 30.25) = 139. Expected: 2 * sum over
# c<k of n_c n_k d(c,k) = 2 * 12,300 = 24,600. alpha = 1 - (20 - 1) * 139 / 24,600 = 21,959 / 24,600.
HAND_ORDINAL = Fraction(21959, 24600)
# On the sign, nominal: totals -1: 6, 0: 3, +1: 11; one disagreement (0/+1): observed 2, expected
# 20^2 - (36 + 9 + 121) = 234. alpha = 1 - 19 * 2 / 234 = 98 / 117.
HAND_SIGN = Fraction(98, 117)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A team project: the issues and ten statements first-coded by AB."""
    rows = [statement(quote=f"Statement number {i}", stance=str(v), coder="AB", notes=f"AB's reason {i}")
            for i, v in enumerate(FIRST)]
    csv_path = write_rows(tmp_path / "statements.csv", rows)
    path = tmp_path / "team.db"
    db = open_db(path)
    assert load_paths(db, [ISSUES_CSV, csv_path]).written
    db.close()
    return path, csv_path


def second_value(quote: str) -> int:
    return SECOND[int(quote.rsplit(" ", 1)[1])]


def test_the_hand_computation_is_the_packages() -> None:
    data = np.array([FIRST, SECOND], dtype=float)
    assert krippendorff.alpha(reliability_data=data, value_domain=[-2, -1, 0, 1, 2],
                              level_of_measurement="ordinal") == pytest.approx(float(HAND_ORDINAL), abs=1e-12)
    assert krippendorff.alpha(reliability_data=np.sign(data), value_domain=[-1, 0, 1],
                              level_of_measurement="nominal") == pytest.approx(float(HAND_SIGN), abs=1e-12)


def test_a_team_project_end_to_end(project: tuple[Path, Path], tmp_path: Path) -> None:
    path, csv_path = project
    db_args = ("--db", str(path))
    assert run("reliability", "coder", "Ana Bell", "AB", *db_args).exit_code == 0
    assert run("reliability", "coder", "Carl Dias", "CD", *db_args).exit_code == 0

    # A seeded draw is reproducible: the same seed on two copies draws the same units.
    copies = [shutil.copy(path, tmp_path / f"copy{i}.db") for i in range(2)]
    outputs = [run("reliability", "draw", "--share", "0.2", "--issue", "double-freeze", "--coder", "CD",
                   "--seed", "5", "--db", str(c)).output for c in copies]
    assert outputs[0] == outputs[1] and "drew 2 of 10" in outputs[0]
    other = run("reliability", "draw", "--share", "0.2", "--coder", "CD", "--seed", "6", "--db", str(copies[0]))
    assert "drew 2 of 8" in other.output  # units already assigned to CD are not drawn again

    result = run("reliability", "draw", "--share", "1", "--issue", "double-freeze", "--coder", "CD", "--seed", "5",
                 "--by", "lead", *db_args)
    assert "drew 10 of 10" in result.output, result.output

    db = open_db(path)
    todo = tq.assignments(db, "CD")
    assert len(todo) == 10
    # Blind: nothing of the first coder's judgement reaches the second coder.
    assert not {"stance", "first", "confidence", "notes", "coder"} & set(todo.columns)
    assert not any("AB's reason" in str(v) for v in todo.to_numpy().ravel())
    for row in todo.itertuples():
        team.code(db, row.coding_id, second_value(row.quote), "CD")
    with pytest.raises(team.TeamError, match="already coded"):
        team.code(db, int(todo["coding_id"].iloc[0]), 0, "CD")

    pairs = tq.paired(db)
    table = rel.report(pairs, reps=200).set_index("label")
    overall = table.loc["all units"]
    assert overall["units"] == 10 and overall["agree"] == 7
    assert overall["alpha_ordinal"] == pytest.approx(float(HAND_ORDINAL), abs=1e-9)
    assert overall["alpha_sign"] == pytest.approx(float(HAND_SIGN), abs=1e-9)
    assert overall["ordinal_low"] <= overall["alpha_ordinal"] <= overall["ordinal_high"]
    assert overall["verdict_ordinal"] == "rely" and overall["verdict_sign"] == "rely"
    assert table.loc["AB / CD", "alpha_ordinal"] == pytest.approx(float(HAND_ORDINAL), abs=1e-9)
    assert rel.confusion(pairs).loc[0, 1] == 1
    cli_report = run("reliability", "report", "--reps", "100", *db_args).output
    assert "0.893" in cli_report and "0.838" in cli_report and "Krippendorff 2004" in cli_report

    # Two of the three disagreements adjudicated: one keeps the first value, one takes the second.
    queue = tq.disagreements(db)
    assert len(queue) == 3
    by_quote = {row.quote: row for row in queue.itertuples()}
    kept = by_quote["Statement number 1"]
    changed = by_quote["Statement number 8"]
    assert team.adjudicate(db, "statement", kept.unit_id, 2, "Eve", "the speaker proposes it: +2") == kept.unit_id
    new_id = team.adjudicate(db, "statement", changed.unit_id, 1, "Eve", "welcomes the freeze: support")
    assert new_id != changed.unit_id
    assert db.execute("SELECT stance FROM statements WHERE id = ?", [new_id]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM statements WHERE id = ?", [changed.unit_id]).fetchone()[0] == 0
    audit = db.execute("SELECT reason FROM audit WHERE statement_id = ?", [new_id]).fetchone()[0]
    assert "adjudicated: welcomes the freeze" in audit
    assert len(tq.disagreements(db)) == 1
    # The reliability is still measured on what the coders said, not on the settled values.
    assert rel.report(tq.paired(db), reps=50).iloc[0]["alpha_ordinal"] == pytest.approx(float(HAND_ORDINAL))

    # A changed definition flags every statement coded under the old one; a review clears one.
    flagged = team.change_definition(db, "double-freeze", {"plus_2": "Proposes or champions it, by name"}, "Eve",
                                     "say what champions means")
    assert flagged == 10 and len(tq.flagged(db)) == 10
    team.confirm(db, new_id, "Eve")
    assert len(tq.flagged(db)) == 9
    assert tq.codebook_history(db, "double-freeze")["version"].tolist() == [2, 1]
    assert db.execute("SELECT plus_2 FROM issues WHERE slug = 'double-freeze'").fetchone()[0].endswith("by name")
    exported = run("reliability", "codebook", *db_args).output
    assert "Proposes or champions it, by name" in exported and "say what champions means" in exported

    # Reloading the statements file erases neither codings nor adjudications (nor the review).
    counts = db.execute("SELECT (SELECT count(*) FROM codings), (SELECT count(*) FROM adjudications)").fetchone()
    assert load_paths(db, [csv_path]).written
    assert db.execute("SELECT (SELECT count(*) FROM codings), "
                      "(SELECT count(*) FROM adjudications)").fetchone() == counts
    assert tq.coded_under(db, new_id) == 2
    db.close()


def test_read_only_mode_refuses_every_team_write(project: tuple[Path, Path], monkeypatch) -> None:
    path, _ = project
    db = open_db(path)
    team.add_coder(db, "Carl Dias", "CD")
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    with pytest.raises(ReadOnlyError):
        team.draw(db, 0.5, "CD", 1, "lead")
    with pytest.raises(ReadOnlyError):
        team.change_definition(db, "double-freeze", {"title": "x"}, "Eve")
    with pytest.raises(ReadOnlyError):
        team.add_coder(db, "Dan", "DN")
    db.close()
    result = run("reliability", "draw", "--share", "0.5", "--coder", "CD", "--seed", "1", "--db", str(path),
                 env={"STANCE_READ_ONLY": "1"})
    assert result.exit_code == 1 and "read-only mode" in result.output
    assert open_db(path, read_only=True).execute("SELECT count(*) FROM codings").fetchone()[0] == 0


def test_codings_and_codebook_versions_cannot_be_erased(project: tuple[Path, Path]) -> None:
    path, _ = project
    db = open_db(path)
    team.add_coder(db, "Carl Dias", "CD")
    team.draw(db, 1.0, "CD", 1, "lead")
    coding = int(tq.assignments(db, "CD")["coding_id"].iloc[0])
    team.code(db, coding, 1, "CD")
    for sql in ("DELETE FROM codings", f"UPDATE codings SET stance = 2 WHERE id = {coding}",
                "DELETE FROM codebook", "UPDATE codebook SET title = 'x'"):
        with pytest.raises(Exception, match="never|kept"):
            db.execute(sql)
    db.close()


def test_an_existing_database_gets_its_codebook_and_coded_under_versions(sample_db: Path) -> None:
    """Upgrading a database made before team coding: each issue's definition becomes version 1 and
    every statement is recorded as coded under it."""
    conn = sqlite3.connect(sample_db)
    for name in ("codings_are_final", "codings_are_kept", "codings_follow_statement", "adjudications_are_kept",
                 "adjudications_follow_statement", "codebook_is_kept", "codebook_versions_are_final",
                 "codebook_on_new_issue", "codebook_on_changed_issue", "statement_codebook_on_insert"):
        conn.execute(f'DROP TRIGGER "{name}"')
    for table in ("coders", "codings", "adjudications", "codebook", "statement_codebook"):
        conn.execute(f'DROP TABLE "{table}"')
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_h13_team_coding'")
    conn.commit()
    conn.close()
    db = open_db(sample_db)
    issues = db.execute("SELECT count(*) FROM issues").fetchone()[0]
    versions = db.execute("SELECT count(*), min(version), max(version), min(note) FROM codebook").fetchone()
    assert versions == (issues, 1, 1, "the definition found when team coding was set up")
    assert db.execute("SELECT count(*) FROM statement_codebook WHERE version = 1").fetchone()[0] == \
        db.execute("SELECT count(*) FROM statements").fetchone()[0] == 44
    assert tq.flagged(db).empty
    db.close()


def test_pending_proposals_are_drawn_coded_and_adjudicated(project: tuple[Path, Path]) -> None:
    """The review queue's proposals can be double-coded too: the first 'coder' is the extraction
    rules, the second sees the sentence, and an adjudication sets the proposal's stance."""
    path, _ = project
    article = Path(__file__).parent / "gold" / "articles" / "01_wang_proposal.txt"
    result = run("extract", str(article), "--url", "https://example.org/gold/01", "--db", str(path))
    assert result.exit_code == 0, result.output
    db = open_db(path)
    team.add_coder(db, "Carl Dias", "CD")
    proposals = db.execute("SELECT count(*) FROM proposals WHERE status = 'pending'").fetchone()[0]
    drawn = team.draw(db, 1.0, "CD", 2, "lead", kind="proposal")
    assert len(drawn.units) == proposals > 0
    todo = tq.assignments(db, "CD")
    assert todo["sentence"].str.len().min() > 0 and set(todo["unit_kind"]) == {"proposal"}
    for unit in todo.itertuples():
        team.code(db, unit.coding_id, 0, "CD")  # deliberately unlike the rules' reading of a proposal
    pairs = tq.paired(db)
    assert set(pairs["first_coder"]) == {team.MACHINE}
    unit = tq.disagreements(db).iloc[0]
    team.adjudicate(db, "proposal", unit["unit_id"], 1, "Eve", "a proposal by the speaker, but reported")
    assert db.execute("SELECT stance, edited, status FROM proposals WHERE id = ?",
                      [unit["unit_id"]]).fetchone() == (1, 1, "pending")
    db.close()


def test_a_unit_coded_by_three_coders_counts_once_with_all_its_values() -> None:
    """Two second coders on the same units: one reliability matrix of three rows, as krippendorff
    takes it, and each unit counted once."""
    first, second, third = [2, 1, 0, -1, -2, 1], [2, 1, 1, -1, -2, 2], [1, 1, 0, -2, -2, 1]
    rows = [{"unit_kind": "statement", "unit_id": f"u{i}", "issue": "x", "first_coder": "AB", "first": a,
             "second_coder": coder, "second": b, "coded_at": f"2026-01-0{i + 1}"}
            for coder, values in (("CD", second), ("EF", third))
            for i, (a, b) in enumerate(zip(first, values, strict=True))]
    table = rel.report(pd.DataFrame(rows), reps=50).set_index("label")
    expected = krippendorff.alpha(reliability_data=np.array([first, second, third], dtype=float),
                                  value_domain=[-2, -1, 0, 1, 2], level_of_measurement="ordinal")
    assert table.loc["all units", "units"] == 6
    assert table.loc["all units", "alpha_ordinal"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["AB / EF", "units"] == 6
