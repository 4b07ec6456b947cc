"""Databases Stance cannot use: a folder, random bytes, a truncated copy, a 0-byte file, a SQLite
file with no tables, another program's SQLite file, and a database made by a newer Stance.

Every page and every command says what is wrong in one plain sentence (no traceback, no SQL), and
nothing writes into them: `init` and `load` refuse, and the file keeps its bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from stance.cli import cli
from tests.helpers import statement, write_rows
from tests.pages import APP
from tests.test_read_only import PAGES

STATES = ("folder", "random", "truncated", "empty", "no-tables", "foreign", "newer")
SAID = {"folder": "is a folder", "random": "not a SQLite database", "truncated": "is truncated",
        "empty": "empty file (0 bytes)", "no-tables": "holds no tables", "foreign": "not a Stance one",
        "newer": "newer version of Stance"}


def make(state: str, template: Path, folder: Path) -> Path:
    path = folder / "stance.db"
    if state == "folder":
        path.mkdir()
    elif state == "random":
        path.write_bytes(os.urandom(64 * 1024))
    elif state == "truncated":
        path.write_bytes(template.read_bytes()[: template.stat().st_size // 2])
    elif state == "empty":
        path.touch()
    elif state == "no-tables":
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 1")  # a 4 KB SQLite file without a single table
        conn.close()
    elif state == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
        conn.close()
    else:
        shutil.copy(template, path)
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('stance', 'm900_from_the_future', '2030-01-01')")
        conn.commit()
        conn.close()
    return path


def state_of(path: Path) -> str:
    if path.is_dir():
        return "<folder>"
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("state", STATES)
def test_every_command_says_plainly_and_writes_nothing(state: str, sample_db_template: Path,
                                                       tmp_path: Path) -> None:
    """Through $STANCE_DB (given as --db, click itself refuses a folder). An empty file or one
    without tables is a new database: reading it is refused, `init` then creates the schema."""
    path = make(state, sample_db_template, tmp_path)
    before = state_of(path)
    good = write_rows(tmp_path / "s.csv", [statement()])
    writes = [] if state in ("empty", "no-tables") else [["init"], ["load", str(good)]]
    for args in [["stats"], ["export"], ["check"], *writes]:
        result = CliRunner().invoke(cli, args, env={"STANCE_DB": str(path)}, catch_exceptions=False)
        out = result.output
        assert result.exit_code == 1 and "Traceback" not in out, (args, out)
        if args != ["check"]:
            assert SAID[state] in out, (args, out)
        if args in writes:
            assert "nothing was written" in out, (args, out)
    assert state_of(path) == before
    if state == "folder":
        result = CliRunner().invoke(cli, ["sample", "--fresh"], env={"STANCE_DB": str(path)}, catch_exceptions=False)
        assert result.exit_code == 1 and "is a folder" in result.output and path.is_dir()
    if state in ("empty", "no-tables"):
        result = CliRunner().invoke(cli, ["init"], env={"STANCE_DB": str(path)}, catch_exceptions=False)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("state", STATES)
def test_the_dashboard_says_plainly(state: str, sample_db_template: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(state, sample_db_template, tmp_path)
    before = state_of(path)
    monkeypatch.setenv("STANCE_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(SAID[state].replace("(", "\\(").replace(")", "\\)") in e.value or SAID[state] in e.value
               for e in at.error), [e.value for e in at.error]
    assert str(tmp_path) not in " ".join(e.value for e in at.error)  # no server paths
    assert state_of(path) == before


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_a_newer_database(page: str, sample_db_template: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page as dashboard.py runs it (ensure_ready first), on a newer Stance's database."""
    path = make("newer", sample_db_template, tmp_path)
    monkeypatch.setenv("STANCE_DB", str(path))
    script = f"from stance.views.common import ensure_ready\nensure_ready()\nfrom stance.views import {page}\n" \
             f"{page}.render()\n"
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("newer version of Stance" in e.value for e in at.error)
