"""Loads are atomic, idempotent and account for every row."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stance.db import PROJECT_DIR, open_db
from stance.ingest.load import load_paths
from stance.queries import export_statements, export_votes
from tests.helpers import ISSUES_CSV, fingerprint, many_statements, statement, write_rows

MIXED = [statement(), statement(actor="Narnia", quote="b"), statement(quote="c", stance="1"),
         statement(quote="d", date="2017-02-31"), statement(quote="e", actor="RUS")]


def test_strict_load_writes_nothing_when_any_row_is_bad(fresh_db, tmp_path: Path) -> None:
    result = load_paths(fresh_db, [ISSUES_CSV, write_rows(tmp_path / "s.csv", MIXED)])
    assert not result.written
    assert fresh_db["statements"].count == 0 and fresh_db["imports"].count == 0


def test_skip_invalid_accounts_for_every_row(fresh_db, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "s.csv", MIXED)
    rejects = tmp_path / "rejects.csv"
    result = load_paths(fresh_db, [ISSUES_CSV, path], skip_invalid=True, rejects=rejects)
    f = result.files[1]
    assert (f.read, f.loaded, f.unchanged, f.rejected) == (5, 3, 0, 2)
    assert f.read == f.loaded + f.unchanged + f.rejected
    assert fresh_db["statements"].count == 3
    assert result.rejects_path == rejects and not Path(f"{rejects}.partial").exists()
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["actor"], r["problems"].split(":")[0]) for r in rows] == [
        ("3", "Narnia", "actor"), ("5", "China", "date")]
    log = fresh_db.execute("SELECT rows_read, rows_loaded, rows_unchanged, rows_rejected, status "
                           "FROM imports WHERE kind = 'statements'").fetchall()
    assert log == [(5, 3, 0, 2, "partial")]


def test_reloading_the_same_file_changes_nothing(sample_db: Path) -> None:
    from stance.sample import sample_paths

    db = open_db(sample_db)
    before = db.execute("SELECT count(*) FROM statements").fetchone()[0], db["votes"].count
    result = load_paths(db, sample_paths())
    assert [(f.loaded, f.unchanged) for f in result.files] == [(0, 2), (0, 44), (0, 180)]
    assert (db["statements"].count, db["votes"].count) == before
    assert db.execute("SELECT status FROM imports ORDER BY id DESC LIMIT 3").fetchall() == [("unchanged",)] * 3
    db.close()


def test_changed_notes_update_the_row_in_place(fresh_db, tmp_path: Path) -> None:
    load_paths(fresh_db, [ISSUES_CSV, write_rows(tmp_path / "a.csv", [statement()])])
    result = load_paths(fresh_db, [write_rows(tmp_path / "b.csv", [statement(notes="recoded")])])
    assert (result.files[0].inserted, result.files[0].updated) == (0, 1)
    assert fresh_db.execute("SELECT count(*), max(notes) FROM statements").fetchone() == (1, "recoded")


def test_failure_inside_the_transaction_rolls_everything_back(sample_db: Path, tmp_path: Path) -> None:
    """A real fault mid-write (raised from the progress hook after the first chunk)."""
    before = fingerprint(sample_db)
    big = many_statements(tmp_path / "big.csv", 12_000)

    class Boom:
        def start(self, total: int, unit: str = "rows") -> None:
            self.total = total

        def __call__(self, done: int) -> None:
            raise OSError("simulated disk failure after the first chunk")

    db = open_db(sample_db)
    with pytest.raises(OSError, match="simulated"):
        load_paths(db, [big], progress=Boom())
    db.close()
    assert fingerprint(sample_db) == before


@pytest.mark.slow
def test_killed_load_leaves_the_database_as_it_was(sample_db: Path, tmp_path: Path) -> None:
    """SIGKILL a real `stance load` while it writes: SQLite's journal must undo it all."""
    big = many_statements(tmp_path / "big.csv", 150_000)
    before = fingerprint(sample_db)
    wal = Path(f"{sample_db}-wal")
    killed_while_writing = 0
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "stance", "load", str(big), "--db", str(sample_db)],
                                cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start_size = wal.stat().st_size if wal.exists() else 0
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > start_size + (attempt + 1) * 2_000_000:
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_while_writing += 1
        proc.wait()
        db = open_db(sample_db)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
        assert fingerprint(sample_db) == before, f"attempt {attempt}: database changed"
    assert killed_while_writing == 3, "the load finished before it could be killed: make the file bigger"


def test_export_loads_back_unchanged(sample_db: Path, tmp_path: Path) -> None:
    db = open_db(sample_db)
    statements_csv = tmp_path / "statements.csv"
    votes_csv = tmp_path / "votes.csv"
    export_statements(db).to_csv(statements_csv, index=False)
    export_votes(db).to_csv(votes_csv, index=False)
    result = load_paths(db, [statements_csv, votes_csv])
    db.close()
    assert [(f.read, f.loaded, f.unchanged) for f in result.files] == [(44, 0, 44), (180, 0, 180)]
