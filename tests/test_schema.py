"""Schema upgrades: a database made by an older Stance opens in a newer one with nothing lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from stance.db import MIGRATIONS, open_db
from stance.ingest.load import load_paths
from stance.sample import sample_paths


def _old_database(path: Path) -> None:
    """The sample as Stance stored it before migration m003 (resolutions.issue NOT NULL)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    MIGRATIONS.apply(db, stop_before="m003_datasets")
    result = load_paths(db, sample_paths())
    assert result.written
    db.close()


def test_m003_upgrades_a_database_with_votes_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    before = sqlite3.connect(path)
    old_rows = before.execute("SELECT id, body, date, title, issue, polarity, adopted, source_id "
                              "FROM resolutions ORDER BY id").fetchall()
    old_points = before.execute("SELECT * FROM stance_points ORDER BY kind, ref, actor").fetchall()
    assert "NOT NULL REFERENCES issues" in before.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'resolutions'").fetchone()[0]
    before.close()

    db = open_db(path)
    assert db.execute("SELECT id, body, date, title, issue, polarity, adopted, source_id "
                      "FROM resolutions ORDER BY id").fetchall() == old_rows
    assert db.execute("SELECT * FROM stance_points ORDER BY kind, ref, actor").fetchall() == old_points
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {r[0] for r in db.execute("SELECT DISTINCT coded_by FROM resolutions")} == {"hand"}
    # m005: the votes are the same rows, now keyed without a rowid
    assert db.execute("SELECT sql FROM sqlite_master WHERE name = 'votes'").fetchone()[0].endswith("WITHOUT ROWID")
    assert db.execute("SELECT count(*) FROM votes").fetchone()[0] == 180
    # the relaxed columns: a roll call with no issue and no known outcome is now storable
    db.execute("INSERT INTO resolutions (id, body, date, polarity, coded_by) "
               "VALUES ('UNGA rcid 1', 'UNGA', '1946-01-01', 1, 'rules')")
    db.close()
    # and opening again applies nothing twice
    assert open_db(path).execute("SELECT count(*) FROM resolutions").fetchone()[0] == len(old_rows) + 1
