"""The first-run build: once, under a lock, atomically, with progress (issue 16 item 2, issue 10).

Sessions of one Streamlit server are threads of one process, so the old build file named after the
process id was shared by every session that opened at the same moment."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from stance.db import PROJECT_DIR, open_db
from stance.sample import BuildStatus, ensure_database, sample_paths


def _statements(path: Path) -> int:
    db = open_db(path, read_only=True)
    try:
        return db.execute("SELECT count(*) FROM statements").fetchone()[0]
    finally:
        db.close()


def _leftovers(folder: Path) -> list[str]:
    """Build files left behind (the real database's own -wal and -shm are not build files)."""
    return sorted(p.name for p in folder.iterdir() if ".building" in p.name or p.name.endswith((".progress", ".tmp")))


def test_sessions_opening_at_once_build_once_and_all_see_a_whole_database(tmp_path: Path) -> None:
    path = tmp_path / "stance.db"
    built, errors, statuses = [], [], []
    barrier = threading.Barrier(6)

    def session() -> None:
        barrier.wait()
        try:
            built.append(ensure_database(path, statuses.append, sample_paths()))
            assert _statements(path) == 44
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=session) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(built) == [False] * 5 + [True]
    assert _leftovers(tmp_path) == []
    assert BuildStatus(1.0, "Done") in statuses


def test_two_processes_build_once(tmp_path: Path) -> None:
    path = tmp_path / "stance.db"
    code = ("import sys; from stance.sample import ensure_database, sample_paths; "
            "print(ensure_database(sys.argv[1], None, sample_paths()))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=PROJECT_DIR, stdout=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == ["False", "True"]
    assert _statements(path) == 44 and _leftovers(tmp_path) == []


def test_a_failed_build_leaves_no_file_at_the_real_path(tmp_path: Path) -> None:
    bad = tmp_path / "statements_bad.csv"
    bad.write_text("actor,issue,date,stance\nAtlantis,double-freeze,2017-03-08,2\n", encoding="utf-8")
    path = tmp_path / "stance.db"
    with pytest.raises(RuntimeError, match="did not load"):
        ensure_database(path, None, sample_paths()[:1] + [bad])
    assert not path.exists() and _leftovers(tmp_path) == []
    assert ensure_database(path, None, sample_paths()) is True  # and the next try builds it


def test_the_dashboard_builds_on_first_run_and_then_shows_the_timeline(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "new" / "stance.db"
    path.parent.mkdir()
    monkeypatch.setenv("STANCE_DB", str(path))
    monkeypatch.setenv("STANCE_FIRST_RUN", "sample")
    at = AppTest.from_file(str(PROJECT_DIR / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert path.exists() and _statements(path) == 44
    assert at.get("plotly_chart"), "the timeline draws once the database is built"
