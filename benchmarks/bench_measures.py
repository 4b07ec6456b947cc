"""How fast are the similarity measures and the ideal points on the whole General Assembly record?

    python benchmarks/bench_measures.py [DB] [--runs 3] [--skip-idealpoints]

DB is a database holding the record (it is reused); without it the record in data/unvotes/ is
loaded into a temporary database first. Prints, medians of --runs:

- all five dyadic measures for every pair of states, by year, over the whole record (target < 5 s),
  from the votes already read, and with the read;
- one pair by year (target < 0.3 s on a page), from the page's cached vote matrix;
- ideal points for the whole record, fitted in a child process so its peak memory (max RSS) is its
  own (targets < 3 min, < 1 GB); not stored, so the database is left as it was.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance import measures as m  # noqa: E402
from stance.db import open_db  # noqa: E402
from stance.queries import measures as mq  # noqa: E402

RECORD = [ROOT / "data" / "unga_issues.csv"] + [ROOT / "data" / "unvotes" / f for f in
                                                ("un_roll_calls.csv.gz", "un_roll_call_issues.csv.gz",
                                                 "un_votes.csv.gz")]
FIT = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from stance.db import open_db
from stance import idealpoints as ip
from stance.queries.measures import Selection, ordinal_matrix
db = open_db({db!r}, read_only=True)
t = time.perf_counter()
vm = ordinal_matrix(db, Selection())
fit = ip.fit(vm.votes, vm.years, vm.codes, vm.ids)
print(json.dumps({{"seconds": time.perf_counter() - t, "iterations": fit.iterations, "notes": fit.notes,
                  "state_years": len(fit.points), "roll_calls": fit.roll_calls, "votes": fit.votes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def build(db_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "stance", "load", "--db", str(db_path), *map(str, RECORD)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-idealpoints", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(args.db) if args.db else Path(tmp) / "record.db"
        if not db_path.exists():
            print(f"loading the record into {db_path} ...", flush=True)
            build(db_path)
        run(db_path, args.runs, args.skip_idealpoints)


def run(db_path: Path, runs: int, skip_idealpoints: bool) -> None:
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{len(__import__('os').sched_getaffinity(0))} cores; medians of {runs}")
    db = open_db(db_path, read_only=True)
    sel = mq.Selection()
    read = median_time(lambda: mq.ordinal_matrix(db, sel), runs)
    vm = mq.ordinal_matrix(db, sel)
    states = len(vm.codes)
    print(f"record: {vm.votes.shape[0]} roll calls, {int((vm.votes > 0).sum())} votes, {states} states, "
          f"{vm.years.min()}-{vm.years.max()}")
    table = m.dyads(vm.votes, vm.years, vm.codes, m.MEASURES)
    compute = median_time(lambda: m.dyads(vm.votes, vm.years, vm.codes, m.MEASURES), runs)
    print(f"all pairs by year, all five measures: {compute:.2f} s compute + {read:.2f} s reading the votes "
          f"= {compute + read:.2f} s ({len(table)} pair-years; target < 5 s)")
    window = median_time(lambda: m.dyads(vm.votes, vm.years, vm.codes, m.MEASURES, by="window"), runs)
    print(f"all pairs over the whole record as one window: {window:.2f} s")
    codes = vm.codes
    pair = median_time(lambda: mq.pair_series(vm, "USA", "CHN", "kappa"), runs)
    print(f"one pair by year (USA-CHN, kappa) from the page's vote matrix: {pair * 1000:.0f} ms (target < 300 ms)")
    one = median_time(lambda: m.dyads(vm.votes, vm.years, codes, m.MEASURES, actor="USA"), runs)
    print(f"one state against all, by year, five measures: {one * 1000:.0f} ms")
    db.close()
    if skip_idealpoints:
        return
    out = subprocess.run([sys.executable, "-c", FIT.format(root=str(ROOT), db=str(db_path))], capture_output=True,
                         text=True, check=True)
    import json

    fit = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"ideal points, whole record: {fit['seconds']:.0f} s, {fit['iterations']} iterations, peak memory "
          f"{fit['peak_mb']:.0f} MB ({fit['state_years']} state-years, {fit['roll_calls']} roll calls, "
          f"{fit['votes']} votes; targets < 180 s, < 1024 MB){'; ' + '; '.join(fit['notes']) if fit['notes'] else ''}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"the measures above (this process): peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
