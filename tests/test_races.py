"""Two loads into one new database path: a failed load must never delete what another committed.

`load` into a path that does not exist builds the database in a private file beside it and gives
it its name only after the commit (a hard link, which never replaces a file). A failed load removes
only its own private file, so a concurrent load's database survives whatever the interleaving.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import stance.cli
from stance.cli import cli
from stance.db import PROJECT_DIR
from tests.helpers import ISSUES_CSV, statement, write_rows


def _statements(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    finally:
        conn.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stance", *args], cwd=PROJECT_DIR, capture_output=True, text=True)


def test_a_failed_load_keeps_a_database_another_load_committed_meanwhile(tmp_path: Path, monkeypatch) -> None:
    """B (bad file) starts on a new path; while B validates, A (good file) loads into the same path
    and commits; then B fails. A's rows must still be there."""
    db = tmp_path / "new.db"
    good = write_rows(tmp_path / "good.csv", [statement(quote="kept")])
    bad = write_rows(tmp_path / "bad.csv", [statement(actor="Narnia", quote="x")])
    real_load_paths = stance.cli.load_paths
    outputs = []

    def a_commits_first(*args, **kwargs):
        outputs.append(_cli("load", str(ISSUES_CSV), str(good), "--db", str(db)))
        return real_load_paths(*args, **kwargs)

    monkeypatch.setattr(stance.cli, "load_paths", a_commits_first)
    result = CliRunner().invoke(cli, ["load", str(ISSUES_CSV), str(bad), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 1 and "nothing was written" in result.output
    assert outputs[0].returncode == 0, outputs[0].stderr
    assert "1 loaded (1 new, 0 updated)" in outputs[0].stdout
    assert db.exists() and _statements(db) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_two_good_loads_into_one_new_path_both_land(tmp_path: Path, monkeypatch) -> None:
    """B builds privately; A publishes first; B then loads into A's database instead of replacing it."""
    db = tmp_path / "new.db"
    first = write_rows(tmp_path / "a.csv", [statement(quote="from A")])
    second = write_rows(tmp_path / "b.csv", [statement(quote="from B", date="2018-01-01")])
    real_load_paths = stance.cli.load_paths
    calls = []

    def a_commits_first(*args, **kwargs):
        if not calls:
            calls.append(_cli("load", str(ISSUES_CSV), str(first), "--db", str(db)))
        return real_load_paths(*args, **kwargs)

    monkeypatch.setattr(stance.cli, "load_paths", a_commits_first)
    result = CliRunner().invoke(cli, ["load", str(ISSUES_CSV), str(second), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert calls[0].returncode == 0, calls[0].stderr
    assert _statements(db) == 2


def test_concurrent_good_and_bad_loads_into_a_new_path(tmp_path: Path) -> None:
    """The real race, as reported: both processes started together, twice. The bad file is long
    (3,000 good rows, then one bad), so the good load commits while the bad one is still checking."""
    good = write_rows(tmp_path / "good.csv", [statement(quote="kept")])
    rows = [statement(quote=f"q{i}", date=f"{2000 + i % 20}-01-{1 + i % 28:02d}") for i in range(3000)]
    bad = write_rows(tmp_path / "bad.csv", rows + [statement(actor="Narnia", quote="x")])
    for trial in range(2):
        db = tmp_path / f"new{trial}.db"
        procs = [subprocess.Popen([sys.executable, "-m", "stance", "load", str(ISSUES_CSV), str(f), "--db", str(db)],
                                  cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for f in (good, bad)]
        codes = [p.wait(timeout=120) for p in procs]
        assert codes == [0, 1], [p.stderr.read() for p in procs]
        assert db.exists() and _statements(db) == 1


def test_two_loads_of_one_file_count_new_rows_once(sample_db: Path, tmp_path: Path) -> None:
    """B counts its rows, then waits for the write lock while A loads the same file and commits:
    B must count them again under the lock (all unchanged), not report them as new a second time."""
    import sqlite3
    import threading

    from stance.db import open_db
    from stance.ingest.load import load_paths
    from tests.helpers import many_statements

    source = many_statements(tmp_path / "s.csv", 300)
    holder = sqlite3.connect(sample_db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    counted = threading.Event()
    results = {}

    class Progress:
        def start(self, total: int, unit: str = "rows") -> None:
            counted.set()  # B has classified its rows and is about to ask for the write lock

        def __call__(self, done: int) -> None:
            pass

    def load_b() -> None:
        db = open_db(sample_db)
        results["b"] = load_paths(db, [source], progress=Progress())
        db.close()

    thread = threading.Thread(target=load_b)
    thread.start()
    assert counted.wait(60)
    import sqlite_utils

    results["a"] = load_paths(sqlite_utils.Database(holder), [source])  # inside the held transaction
    holder.execute("COMMIT")
    holder.close()
    thread.join(60)
    a, b = results["a"].files[0], results["b"].files[0]
    assert (a.inserted, a.unchanged) == (300, 0)
    assert (b.inserted, b.updated, b.unchanged) == (0, 0, 300)
