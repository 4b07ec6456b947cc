"""How fast does a statements file load? python benchmarks/bench_load.py [ROWS] [RUNS]

Prints, for a synthetic statements CSV: the full `stance load` path (read, validate, classify,
write in one transaction) and, as a floor, raw sqlite3 executemany of the same rows into the
same schema, both measured in the same run. Medians of RUNS runs; the machine is shared.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance.db import open_db  # noqa: E402
from stance.ingest.load import load_paths  # noqa: E402
from stance.sample import sample_paths  # noqa: E402
from stance.synthetic import statements_csv  # noqa: E402


def time_stance_load(csv_path: Path, workdir: Path, run: int) -> tuple[float, float]:
    """Seconds for a first load, and for loading the same file again (all unchanged)."""
    db = open_db(workdir / f"stance-{run}.db")
    load_paths(db, [sample_paths()[0]])
    start = time.perf_counter()
    result = load_paths(db, [csv_path])
    first = time.perf_counter() - start
    assert result.written and result.files[0].inserted == result.files[0].read
    start = time.perf_counter()
    load_paths(db, [csv_path])
    again = time.perf_counter() - start
    db.close()
    return first, again


def time_raw_floor(csv_path: Path, workdir: Path, run: int) -> float:
    """The same rows straight into the statements table: no validation, no ids, no checks."""
    db = open_db(workdir / f"raw-{run}.db")
    load_paths(db, [sample_paths()[0]])
    db.execute("PRAGMA foreign_keys = OFF")
    start = time.perf_counter()
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = [(str(i), r["actor"], r["issue"], r["date"], "day", r["date"], int(r["stance"]), r["quote"],
                 r["speaker"], r["coder"], float(r["confidence"])) for i, r in enumerate(csv.DictReader(fh))]
    with db.conn:
        db.conn.executemany(
            "INSERT INTO statements (id, actor, issue, date, date_precision, day, stance, quote, speaker, coder,"
            " confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main(rows: int = 100_000, runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = statements_csv(work / "statements.csv", rows)
        size_mb = csv_path.stat().st_size / 1e6
        loads, reloads, floors = [], [], []
        for run in range(runs):
            first, again = time_stance_load(csv_path, work, run)
            loads.append(first)
            reloads.append(again)
            floors.append(time_raw_floor(csv_path, work, run))
    load, reload, floor = (statistics.median(x) for x in (loads, reloads, floors))
    print(f"statements file: {rows:,} rows, {size_mb:.1f} MB; median of {runs} runs")
    print(f"{'step':<34}{'seconds':>9}{'rows/s':>11}")
    print(f"{'stance load (new rows)':<34}{load:>9.2f}{rows / load:>11,.0f}")
    print(f"{'stance load again (all unchanged)':<34}{reload:>9.2f}{rows / reload:>11,.0f}")
    print(f"{'raw sqlite3 executemany (floor)':<34}{floor:>9.2f}{rows / floor:>11,.0f}")
    print(f"stance load / floor: {load / floor:.1f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
