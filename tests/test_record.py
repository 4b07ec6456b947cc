"""The shipped General Assembly record: converted from the source .rda files, loaded whole, nothing lost.

Slow (about 20 s with the conversion); it runs in CI. The source files are the project's shared
data (../shared/data/unvotes, PROVENANCE.md there); where a clone has no such folder, the
conversion part is skipped but the load is not.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from stance.db import DATA_DIR, PROJECT_DIR, open_db
from stance.ingest.load import load_paths
from stance.sample import record_paths, sample_paths

SOURCE = PROJECT_DIR.parent / "shared" / "data" / "unvotes"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def record_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the quick start builds: the sample and the whole record, in one load."""
    path = tmp_path_factory.mktemp("record") / "stance.db"
    db = open_db(path)
    result = load_paths(db, sample_paths() + record_paths())
    db.close()
    assert result.written, result.problems[:5]
    assert [f.rejected for f in result.files] == [0] * len(result.files)
    return path


@pytest.mark.skipif(not SOURCE.exists(), reason="no ../shared/data/unvotes beside this clone")
def test_the_shipped_files_are_the_conversion_of_the_source(tmp_path: Path) -> None:
    pytest.importorskip("pyreadr")
    out = subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "convert_unvotes.py"), "--src", str(SOURCE),
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "all equal to the .rda" in out.stdout  # row counts and per-country yes/abstain/no totals
    for name in ("un_votes", "un_roll_calls", "un_roll_call_issues"):
        shipped = (DATA_DIR / "unvotes" / f"{name}.csv.gz").read_bytes()
        assert (tmp_path / f"{name}.csv.gz").read_bytes() == shipped, name


def test_the_whole_record_loads_with_nothing_rejected(record_db: Path) -> None:
    db = open_db(record_db, read_only=True)
    try:
        assert db.execute("SELECT count(*) FROM votes v JOIN resolutions r ON r.id = v.resolution "
                          "WHERE r.rcid IS NOT NULL").fetchone()[0] == 870_109
        serbia = db.execute("SELECT count(*), min(r.date) FROM votes v JOIN resolutions r ON r.id = v.resolution "
                            "WHERE v.actor = 'SRB'").fetchone()
        assert serbia[0] == 1275 and serbia[1] >= "2006-06-03"
        historic = {a for (a,) in db.execute("SELECT DISTINCT actor FROM votes WHERE actor IN "
                                             "('SUN', 'YUG', 'SCG', 'FRG', 'YAR', 'YMD', 'ZAN', 'DDR', 'CSK')")}
        assert historic == {"SUN", "YUG", "SCG", "FRG", "YAR", "YMD", "ZAN", "DDR", "CSK"}
        assert db.execute("SELECT count(*) FROM votes v JOIN resolutions r ON r.id = v.resolution "
                          "WHERE v.actor = 'RUS' AND r.date < '1991-12-24'").fetchone()[0] == 0
    finally:
        db.close()


def test_every_line_of_the_file_is_stored_with_its_vote_and_per_country_totals_equal(record_db: Path) -> None:
    """votes.line points back to the file's line: each of the 870,109 lines is stored once, with its
    vote, so every country's yes / abstain / no totals equal the file's (and the file's equal the
    .rda, checked by the conversion)."""
    with gzip.open(DATA_DIR / "unvotes" / "un_votes.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    db = open_db(record_db, read_only=True)
    try:
        stored = db.execute("SELECT v.line, v.vote, v.actor FROM votes v JOIN imports i ON i.id = v.import_id "
                            "WHERE i.kind = 'unvotes-votes'").fetchall()
    finally:
        db.close()
    by_line = {line: (vote, actor) for line, vote, actor in stored}
    assert len(by_line) == len(rows) == 870_109
    file_totals = Counter((country, vote) for _rcid, country, _code, vote in rows)
    stored_totals = Counter((rows[line - 2][1], vote) for line, (vote, _actor) in by_line.items())
    assert stored_totals == file_totals
    namibia = {actor for line, (_v, actor) in by_line.items() if rows[line - 2][1] == "Namibia"}
    assert namibia == {"NAM"}
