"""How long the quick start's first run takes: the sample plus the whole General Assembly record.

    python benchmarks/bench_first_run.py [RUNS]

Each run builds a new database in a temporary folder through `ensure_database` (the dashboard's own
first-run path: lock, private file, one load, publish), in a fresh process so nothing is cached, and
reports wall time and peak memory; then the median. Also times a second open of a built database
(what a later run pays). The target in issue 10: at most 30 s on the 2-core development machine.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ("import sys; sys.path.insert(0, {root!r}); from stance.sample import ensure_database; "
         "assert ensure_database(sys.argv[1])")
OPEN = ("import sys; sys.path.insert(0, {root!r}); from stance.sample import ensure_database; "
        "from stance.db import open_db; assert not ensure_database(sys.argv[1]); "
        "open_db(sys.argv[1]).execute('SELECT count(*) FROM votes').fetchone()")


def timed(code: str, db: Path) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code.format(root=str(ROOT)), str(db)], check=True,
                   env={**os.environ, "STANCE_FIRST_RUN": "full"})
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main(runs: int = 3) -> None:
    builds, opens, peaks = [], [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "stance.db"
            seconds, peak = timed(BUILD, db)
            builds.append(seconds)
            peaks.append(peak)
            opens.append(timed(OPEN, db)[0])
            size = db.stat().st_size / 1e6
            print(f"run {i + 1}: first run {seconds:.1f} s, later open {opens[-1]:.2f} s, "
                  f"database {size:.0f} MB, peak RSS so far {peak:.0f} MB", flush=True)
    print(f"median of {runs}: first run {statistics.median(builds):.1f} s (target <= 30 s), "
          f"later open {statistics.median(opens):.2f} s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
