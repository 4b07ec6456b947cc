"""`stance check`: a clean sample passes; each kind of breakage, made with raw sqlite3 behind the
loader's back (foreign keys off), is named and fails the check."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.check import check_database, is_clean
from stance.cli import cli
from stance.db import open_db


def run_check(db: Path):
    return CliRunner().invoke(cli, ["check", "--db", str(db)], catch_exceptions=False)


def tamper(db: Path, *sql: str) -> None:
    """Write behind the loader's back, as a buggy script or a hand edit in the sqlite3 shell would."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_clean_sample_passes(sample_db: Path) -> None:
    before = digest(sample_db)
    result = run_check(sample_db)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{sample_db}: clean"
    assert digest(sample_db) == before


def test_check_database_on_the_sample_finds_nothing(sample_db: Path) -> None:
    db = open_db(sample_db, read_only=True)
    assert check_database(db) == []
    db.close()


@pytest.mark.parametrize(("sql", "expected"), [
    (["INSERT INTO votes (resolution, actor, vote) VALUES ('S/RES/0 (1900)', 'USA', 'yes')",
      "INSERT INTO votes (resolution, actor, vote) VALUES ('S/RES/0 (1900)', 'CHN', 'no')"],
     "ERROR orphan-vote: 2 vote(s) whose resolution is not in resolutions (e.g. S/RES/0 (1900) (2 votes))"),
    (["UPDATE votes SET actor = 'XXA' WHERE (resolution, actor) IN (SELECT resolution, actor FROM votes LIMIT 3)"],
     "ERROR unknown-actor: 3 votes row(s) whose actor is not in actors (e.g. XXA (3 rows))"),
    (["UPDATE statements SET actor = 'NARNIA' WHERE rowid = (SELECT min(rowid) FROM statements)"],
     "ERROR unknown-actor: 1 statements row(s) whose actor is not in actors (e.g. NARNIA (1 rows))"),
    (["INSERT INTO relations (id, dataset, source_actor, target_actor, day, event_code) "
      "VALUES ('e1', 'gdelt', 'USA', 'ATLANTIS', '2020-01-01', '010')"],
     "ERROR unknown-actor: 1 relations row(s) whose actor is not in actors"),
    (["UPDATE statements SET issue = 'no-such-issue' WHERE rowid = (SELECT min(rowid) FROM statements)"],
     "ERROR unknown-issue: 1 statements row(s) whose issue is not in issues (e.g. no-such-issue (1 rows))"),
    (["UPDATE resolutions SET issue = 'lost-issue' WHERE rowid = (SELECT min(rowid) FROM resolutions)"],
     "ERROR unknown-issue: 1 resolutions row(s) whose issue is not in issues (e.g. lost-issue (1 rows))"),
    (["UPDATE statements SET source_id = 'gone' WHERE rowid = (SELECT min(rowid) FROM statements)"],
     "ERROR foreign-key: 1 statements row(s) referring to a missing sources row (source_id)"),
    (["INSERT INTO imports (file, sha256, kind, started, status) "
      "VALUES ('big.csv', '', 'undl-ga', '2024-01-01T00:00:00+00:00', 'loading')"],
     "ERROR interrupted-import: 1 import(s) still marked 'loading'"),
], ids=["orphan-vote", "vote-actor", "statement-actor", "relation-actor", "statement-issue", "resolution-issue",
        "other-foreign-key", "interrupted-import"])
def test_each_breakage_fails_the_check_and_is_named(sample_db: Path, sql: list[str], expected: str) -> None:
    tamper(sample_db, *sql)
    before = digest(sample_db)
    result = run_check(sample_db)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "NOT clean: 1 error(s)" in result.output
    assert digest(sample_db) == before, "check must not write"


def test_examples_are_capped_at_five(sample_db: Path) -> None:
    tamper(sample_db, *[f"INSERT INTO votes (resolution, actor, vote) VALUES ('GONE/{i}', 'USA', 'yes')"
                        for i in range(8)])
    line = next(x for x in run_check(sample_db).output.splitlines() if "orphan-vote" in x)
    assert line.startswith("ERROR orphan-vote: 8 vote(s)") and line.count("GONE/") == 5 and line.endswith(", ...)")


def test_missing_definitions_and_pending_migrations_are_warnings(sample_db: Path) -> None:
    tamper(sample_db, "UPDATE issues SET description = NULL WHERE slug = 'double-freeze'",
           "UPDATE issues SET minus_2 = '  ' WHERE slug = 'dprk-sanctions'",
           "DELETE FROM _sqlite_migrations WHERE name = 'm003_datasets'")
    result = run_check(sample_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("WARNING issue-undefined: 2 issue(s) without a description or the meaning of +2 and -2 "
            "(e.g. double-freeze: no description; dprk-sanctions: no -2 meaning)") in lines
    assert any(x.startswith("WARNING schema: 1 schema migration(s) pending") and "m003_datasets" in x for x in lines)
    assert lines[-1] == f"{sample_db}: clean (2 warning(s) above, which do not make it unsound)"


def test_errors_and_warnings_together_exit_1_errors_first(sample_db: Path) -> None:
    tamper(sample_db, "UPDATE issues SET plus_2 = NULL",
           "INSERT INTO votes (resolution, actor, vote) VALUES ('nowhere', 'USA', 'yes')")
    result = run_check(sample_db)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("ERROR orphan-vote") and lines[1].startswith("WARNING issue-undefined")
    assert lines[-1] == f"{sample_db}: NOT clean: 1 error(s), 1 warning(s)"


def _corrupt(db: Path, table: str) -> None:
    """Overwrite the root page of `table` with noise (the file header and schema stay readable)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    conn.close()
    noise = random.Random(1).randbytes(page_size)
    with open(db, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(noise)


@pytest.mark.parametrize("table", ["votes", "statements", "votes_actor"])
def test_a_corrupted_file_is_reported_not_a_traceback(sample_db: Path, table: str) -> None:
    _corrupt(sample_db, table)
    result = run_check(sample_db)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines()[0].startswith("ERROR integrity")
    assert "NOT clean" in result.output


def test_an_index_out_of_step_with_its_table_is_an_integrity_error(sample_db: Path) -> None:
    """integrity_check answers with rows here (it does not raise): the other checks still run."""
    conn = sqlite3.connect(sample_db)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX votes_actor ON votes (vote, resolution)' "
                 "WHERE name = 'votes_actor'")
    conn.commit()
    conn.close()
    tamper(sample_db, "INSERT INTO imports (file, sha256, kind, started, status) VALUES ('x', '', 'undl-ga', '', "
                      "'loading')")
    lines = run_check(sample_db).output.splitlines()
    assert lines[0].startswith("ERROR integrity: 100 problem(s) found by PRAGMA integrity_check (it stops at 100)")
    assert "missing from index votes_actor" in lines[0]
    assert any(line.startswith("ERROR interrupted-import: 1") for line in lines[1:])  # the others still ran


def test_a_file_that_is_not_a_database_is_a_clear_message(tmp_path: Path) -> None:
    for name, content in (("votes.csv", b"rcid,ccode,vote\n1,2,3\n"), ("noise.db", random.Random(2).randbytes(9000))):
        path = tmp_path / name
        path.write_bytes(content)
        result = run_check(path)
        assert result.exit_code == 1
        assert result.output.strip() == f"Error: {path}: this file is not a SQLite database"


def test_a_sqlite_file_of_another_tool_is_not_a_stance_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.close()
    result = run_check(path)
    assert result.exit_code == 1
    assert "ERROR schema: 1 this SQLite file is not a Stance database (no actors table) (e.g. birds)" in result.output


def test_a_missing_file_is_a_clear_message_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    result = run_check(path)
    assert result.exit_code == 1 and result.output.strip() == f"Error: {path}: no such database"
    assert not path.exists()


def test_is_clean_allows_warnings(sample_db: Path) -> None:
    tamper(sample_db, "UPDATE issues SET description = ''")
    db = open_db(sample_db, read_only=True)
    findings = check_database(db)
    db.close()
    assert [f.kind for f in findings] == ["issue-undefined"] and is_clean(findings)
