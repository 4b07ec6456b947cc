"""Consistency between what a load says, what it wrote and what it left beside the database.

- the rejects file is published only once the load has committed (a COMMIT that fails leaves the
  previous rejects file as it was);
- reloading a statement updates it in place, so an accepted proposal keeps its link to it, and
  `stance check` reports links that are broken.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from stance.db import open_db
from stance.ingest.load import load_paths
from tests.helpers import ISSUES_CSV, statement, write_rows


class _CommitFails(sqlite3.Connection):
    """A real SQLite connection whose COMMIT fails as on a full disk (SQLITE_FULL at commit)."""

    def execute(self, sql, *args):  # noqa: ANN001, ANN201
        if sql.strip().upper() == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


def test_a_failed_commit_leaves_the_old_rejects_file(sample_db: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("the previous load's rejects\n", encoding="utf-8")
    bad = write_rows(tmp_path / "s.csv", [statement(quote="fine"), statement(actor="Narnia", quote="bad")])
    conn = sqlite3.connect(sample_db, factory=_CommitFails, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        load_paths(db, [bad], skip_invalid=True, rejects=rejects)
    conn.close()
    assert rejects.read_text(encoding="utf-8") == "the previous load's rejects\n"
    assert not Path(f"{rejects}.partial").exists()


def test_the_rejects_file_appears_after_a_commit(fresh_db: sqlite_utils.Database, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    bad = write_rows(tmp_path / "s.csv", [statement(quote="fine"), statement(actor="Narnia", quote="bad")])
    result = load_paths(fresh_db, [ISSUES_CSV, bad], skip_invalid=True, rejects=rejects)
    assert result.written and result.rejects_path == rejects
    assert "Narnia" in rejects.read_text(encoding="utf-8")
    assert not Path(f"{rejects}.partial").exists()


GOLD_ARTICLE = Path(__file__).parent / "gold" / "articles" / "01_wang_proposal.txt"


def test_reloading_an_accepted_statement_keeps_its_proposal_linked(sample_db: Path, tmp_path: Path) -> None:
    """An accepted proposal's statement, exported, its notes changed, loaded again: an update in
    place, so the proposal still points at it (INSERT OR REPLACE used to delete and re-insert the
    row, and ON DELETE SET NULL cleared the link), and `stance check` stays clean."""
    import csv

    from click.testing import CliRunner

    from stance.check import check_database
    from stance.cli import cli
    from stance.extract import store

    runner = CliRunner()
    out = runner.invoke(cli, ["extract", str(GOLD_ARTICLE), "--url", "https://example.org/gold/01",
                              "--db", str(sample_db)], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    db = open_db(sample_db)
    pid = db.execute("SELECT id FROM proposals ORDER BY sentence_index, id LIMIT 1").fetchone()[0]
    sid = store.accept(db, pid, "Ada")
    db.close()
    exported = tmp_path / "export.csv"
    runner.invoke(cli, ["export", "-o", str(exported), "--db", str(sample_db)], catch_exceptions=False)
    with open(exported, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    changed = tmp_path / "changed.csv"
    for row in rows:
        row["notes"] = (row["notes"] or "") + " (checked again)"
    write_rows(changed, rows, tuple(rows[0]))
    out = runner.invoke(cli, ["load", str(changed), "--db", str(sample_db)], catch_exceptions=False)
    assert out.exit_code == 0 and " updated)" in out.output, out.output
    db = open_db(sample_db)
    assert db.execute("SELECT statement_id FROM proposals WHERE id = ?", [pid]).fetchone()[0] == sid
    assert "(checked again)" in db.execute("SELECT notes FROM statements WHERE id = ?", [sid]).fetchone()[0]
    assert not [f for f in check_database(db) if f.kind == "proposal-link"]
    db.close()


def test_check_reports_an_accepted_proposal_without_its_statement(sample_db: Path) -> None:
    from click.testing import CliRunner

    from stance.check import check_database
    from stance.cli import cli
    from stance.extract import store

    CliRunner().invoke(cli, ["extract", str(GOLD_ARTICLE), "--url", "https://example.org/gold/01",
                             "--db", str(sample_db)], catch_exceptions=False)
    db = open_db(sample_db)
    pid = db.execute("SELECT id FROM proposals ORDER BY sentence_index, id LIMIT 1").fetchone()[0]
    sid = store.accept(db, pid, "Ada")
    db.execute("DELETE FROM statements WHERE id = ?", [sid])  # a hand edit outside Stance
    db.conn.commit()
    found = [f for f in check_database(db) if f.kind == "proposal-link"]
    db.close()
    assert found and found[0].count == 1 and pid in found[0].examples[0]


def test_the_kind_comes_from_the_header_before_the_file_name(tmp_path: Path) -> None:
    """issues_china.csv holding statements is ordered as statements (after the issues file it
    refers to), not as an issues file because of its name."""
    from click.testing import CliRunner

    from stance.cli import cli

    statements_file = write_rows(tmp_path / "issues_china.csv", [statement(issue="new-issue")])
    issues_file = tmp_path / "my.csv"
    issues_file.write_text("slug,title,description,plus_2,minus_2,parent\nnew-issue,New,,,,\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", str(statements_file), str(issues_file), "--db", str(tmp_path / "x.db")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{statements_file} (statements): 1 read, 1 loaded" in result.output


def test_a_votes_export_of_published_roll_calls_loads_back(tmp_path: Path) -> None:
    """unvotes roll calls record no outcome (exported as 'unknown'); those on no issue cannot be
    written in the votes format and are left out with a note. The export loads into a new
    database with the same votes."""
    from click.testing import CliRunner

    from stance.cli import cli
    from tests.helpers import RAW

    runner = CliRunner()
    first, second, exported = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "votes.csv"
    issues = [str(ISSUES_CSV), str(ISSUES_CSV.parent / "unga_issues.csv")]
    published = [str(RAW / name) for name in ("un_roll_calls.csv", "un_votes.csv", "un_roll_call_issues.csv")]
    done = runner.invoke(cli, ["load", *issues, *published, "--skip-invalid", "--rejects", str(tmp_path / "r.csv"),
                               "--db", str(first)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    with sqlite3.connect(first) as conn:  # as a roll call no issue rule matched
        conn.execute("UPDATE resolutions SET issue = NULL WHERE id = (SELECT min(resolution) FROM votes)")
    out = runner.invoke(cli, ["export", "--kind", "votes", "-o", str(exported), "--db", str(first)],
                        catch_exceptions=False)
    assert out.exit_code == 0, out.output
    back = runner.invoke(cli, ["load", *issues, str(exported), "--db", str(second)], catch_exceptions=False)
    assert back.exit_code == 0, back.output
    query = ("SELECT v.actor, v.vote, r.date, r.issue, r.adopted FROM votes v JOIN resolutions r "
             "ON r.id = v.resolution WHERE r.issue IS NOT NULL ORDER BY 1, 2, 3, 4")
    with sqlite3.connect(first) as a, sqlite3.connect(second) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        no_issue = a.execute("SELECT count(*) FROM votes v JOIN resolutions r ON r.id = v.resolution "
                             "WHERE r.issue IS NULL").fetchone()[0]
    assert no_issue and f"Note: {no_issue} vote(s) on 1 roll call(s) without an issue were left out" in out.output
