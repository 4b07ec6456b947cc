"""The command line through click's CliRunner, on real database files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from tests.helpers import ISSUES_CSV, statement, write_rows


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_init_creates_the_database(tmp_path: Path) -> None:
    result = run("init", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0 and "actors known" in result.output
    assert (tmp_path / "x.db").exists()


def test_db_path_comes_from_the_environment(tmp_path: Path) -> None:
    result = run("init", env={"STANCE_DB": str(tmp_path / "env.db")})
    assert result.exit_code == 0 and (tmp_path / "env.db").exists()


def test_strict_load_lists_problems_and_exits_1(tmp_path: Path) -> None:
    bad = write_rows(tmp_path / "s.csv", [statement(), statement(actor="Narnia", stance="9", quote="x")])
    result = run("load", str(ISSUES_CSV), str(bad), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert f"{bad}:3: actor: unknown actor 'Narnia'" in result.output
    assert f"{bad}:3: stance: '9' is out of range" in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output


def test_skip_invalid_writes_rejects(tmp_path: Path) -> None:
    bad = write_rows(tmp_path / "s.csv", [statement(), statement(actor="Narnia", quote="x")])
    rejects = tmp_path / "rej.csv"
    result = run("load", str(ISSUES_CSV), str(bad), "--skip-invalid", "--rejects", str(rejects),
                 "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0, result.output
    assert "2 read, 1 loaded (1 new, 0 updated), 0 unchanged, 1 rejected" in result.output
    assert "Narnia" in rejects.read_text(encoding="utf-8")


def test_validate_is_a_dry_run(tmp_path: Path) -> None:
    good = write_rows(tmp_path / "s.csv", [statement()])
    db = tmp_path / "x.db"
    result = run("validate", str(ISSUES_CSV), str(good), "--db", str(db))
    assert result.exit_code == 0 and "dry run: 0 problem(s)" in result.output
    assert not db.exists()
    bad = write_rows(tmp_path / "b.csv", [statement(date="yesterday")])
    result = run("validate", str(ISSUES_CSV), str(bad), "--db", str(db))
    assert result.exit_code == 1 and f"{bad}:2: date:" in result.output


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run("load", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1 and "nope.csv:0: -: cannot read file" in result.output


def test_sample_stats_and_export(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert run("sample", "--db", db).exit_code == 0
    stats = run("stats", "--db", db)
    assert stats.exit_code == 0 and "statements: 44" in stats.output and "votes: 180" in stats.output
    out = tmp_path / "china.json"
    result = run("export", "--issue", "double-freeze", "--actor", "China", "--format", "json",
                 "-o", str(out), "--db", db)
    assert result.exit_code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and {r["actor"] for r in rows} == {"CHN"} and {r["issue"] for r in rows} == {"double-freeze"}
    votes = run("export", "--kind", "votes", "--actor", "RUS", "--db", db)
    assert votes.exit_code == 0 and votes.output.count("\n") == 1 + 12


def test_export_unknown_actor(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("sample", "--db", db)
    result = run("export", "--actor", "Narnia", "--db", db)
    assert result.exit_code == 2 and "unknown actor 'Narnia'" in result.output


def test_stats_without_database(tmp_path: Path) -> None:
    result = run("stats", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1 and "python -m stance sample" in result.output


def test_actor_command(tmp_path: Path) -> None:
    result = run("actor", "DPRK", "the Kremlin", "Republic of Korea")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "DPRK -> PRK (North Korea)",
        "the Kremlin -> RUS (Russia, from 1991-12-24); continues the UN seat of Soviet Union (SUN) from 1991-12-24",
        "Republic of Korea -> KOR (South Korea)"]
    assert run("actor", "Nortth Korea").exit_code == 1


def test_read_only_mode_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    run("sample", "--db", str(db))
    before = db.read_bytes()
    good = write_rows(tmp_path / "s.csv", [statement()])
    for args in (["load", str(good)], ["init"], ["sample"]):
        result = run(*args, "--db", str(db), env={"STANCE_READ_ONLY": "1"})
        assert result.exit_code == 1 and "read-only mode" in result.output, args
    assert db.read_bytes() == before
    assert run("stats", "--db", str(db), env={"STANCE_READ_ONLY": "1"}).exit_code == 0


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example" in result.output


def test_failed_load_into_a_new_database_leaves_no_file(tmp_path: Path) -> None:
    bad = write_rows(tmp_path / "s.csv", [statement(), statement(actor="Narnia", quote="x")])
    db = tmp_path / "new.db"
    result = run("load", str(ISSUES_CSV), str(bad), "--db", str(db))
    assert result.exit_code == 1
    assert f"{bad} (statements): 2 read, 1 valid, 1 with problems" in result.output
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_validate_says_what_would_load(tmp_path: Path) -> None:
    good = write_rows(tmp_path / "s.csv", [statement()])
    result = run("validate", str(ISSUES_CSV), str(good), "--db", str(tmp_path / "x.db"))
    assert f"{good} (statements): 1 read, 1 would load (1 new, 0 updated)" in result.output
