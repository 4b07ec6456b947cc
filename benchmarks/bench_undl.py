"""A million General Assembly votes in the UN Digital Library format: how fast, how much memory?

    python benchmarks/bench_undl.py [ROWS] [RUNS]

Writes a synthetic UNDL GA voting CSV (the real 20 columns; the 193 UN members' ISO-3 codes;
about 5,200 roll calls with titles that need quoting; votes follow latent blocs), then
measures in the same run, RUNS times each:

- Stance: `python -m stance load FILE` into a fresh database (parse, validate every row, map
  issues, stage, classify, write, one transaction), and loading the same file again;
- the floor: raw `sqlite3` `executemany` of the file's rows (csv.reader, all 20 columns, no
  checks) into one table, in one transaction;
- `sqlite-utils insert DB votes FILE --csv`, what a Datasette user would do.

Each runs as its own process, so peak memory (max RSS) is the whole tool's. Prints medians and
ratios against the floor. The machine is shared: compare only figures from one run.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.actors import registry  # noqa: E402
from stance.ingest.undl import GA_COLUMNS  # noqa: E402
from stance.synthetic import choose_countries  # noqa: E402

FLOOR = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = csv.reader(fh)
    header = next(rows)
    conn.execute("CREATE TABLE votes (" + ", ".join(header) + ")")
    with conn:
        conn.executemany("INSERT INTO votes VALUES (" + ", ".join("?" * len(header)) + ")", rows)
"""


def write_undl_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Synthetic but well-formed: the 193 UN members vote on every roll call, sessions 26-79.

    Countries fall in the latent blocs of stance.synthetic; a bloc votes one way on a roll call
    and its members follow it 85 % of the time, so the Alignment page shows structure."""
    rng = random.Random(seed)
    blocs = choose_countries(193)
    names = {code: registry().name(code).upper() for code in blocs}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(GA_COLUMNS)
        written, rc = 0, 0
        while written < rows:
            rc += 1
            session = 26 + rc * 54 // 5200
            date = f"{1945 + session}-{1 + rc % 12:02d}-{1 + rc % 28:02d}"
            bloc_votes = [rng.choice("YYYNA") for _ in range(4)]
            title = f'Synthetic resolution {rc}, "quoted", on item {rc % 150}'
            for code, bloc in blocs.items():
                if written >= rows:
                    break
                vote = bloc_votes[bloc] if rng.random() < 0.85 else rng.choice("YYNAX")
                out.writerow([str(2_000_000 + rc), code, names[code], vote, date, str(session),
                              f"A/RES/{session}/{rc}", f"A/{session}/L.{rc}", "", f"A/{session}/PV.{rc % 90}", title,
                              f"Agenda item {rc % 150}", "SYNTHETIC SUBJECT|OTHER", "", "120", "10", "30", "33",
                              "193", f"https://digitallibrary.un.org/record/{2_000_000 + rc}"])
                written += 1


def run(cmd: list[str]) -> float:
    """Wall seconds of one child process."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def fresh(path: Path) -> Path:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return path


def main(rows: int = 1_000_000, runs: int = 3) -> None:
    sqlite_utils_cli = shutil.which("sqlite-utils") or "sqlite-utils"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "UNGA_voting.csv"
        start = time.perf_counter()
        write_undl_csv(data, rows)
        print(f"# {rows:,} rows, {data.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - start:.1f} s")
        print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
        results: dict[str, list[float]] = {k: [] for k in ("floor", "stance", "reload", "sqlite-utils")}
        peaks: dict[str, float] = {}
        for i in range(runs):  # interleaved, so a noisy minute hits every tool alike
            db = fresh(work / "floor.db")
            t = run([sys.executable, "-c", FLOOR, str(data), str(db)])
            results["floor"].append(t)
            db = fresh(work / "stance.db")
            t = run([sys.executable, "-m", "stance", "load", str(data), "--db", str(db)])
            results["stance"].append(t)
            t = run([sys.executable, "-m", "stance", "load", str(data), "--db", str(db)])
            results["reload"].append(t)
            db = fresh(work / "su.db")
            t = run([sqlite_utils_cli, "insert", str(db), "votes", str(data), "--csv"])
            results["sqlite-utils"].append(t)
            print(f"# run {i + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in results.items()), flush=True)
        for name, cmd in (("floor", [sys.executable, "-c", FLOOR, str(data), str(fresh(work / "floor.db"))]),
                          ("stance", [sys.executable, "-m", "stance", "load", str(data), "--db",
                                      str(fresh(work / "stance.db"))]),
                          ("sqlite-utils", [sqlite_utils_cli, "insert", str(fresh(work / "su.db")), "votes",
                                            str(data), "--csv"])):
            peaks[name] = peak_rss(cmd)
        floor = statistics.median(results["floor"])
        print(f"\n| {rows:,} UNDL rows | median s | rows/s | x floor | peak MB |")
        print("|---|---:|---:|---:|---:|")
        for name in ("floor", "stance", "reload", "sqlite-utils"):
            t = statistics.median(results[name])
            peak = f"{peaks[name]:.0f}" if name in peaks else "-"
            print(f"| {name} | {t:.1f} | {rows / t:,.0f} | {t / floor:.2f} | {peak} |")


def peak_rss(cmd: list[str]) -> float:
    """Peak RSS of one run, read with GNU time when present (RUSAGE_CHILDREN keeps the max of all)."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    if Path(time_bin).exists():
        done = subprocess.run([time_bin, "-f", "%M", *cmd], cwd=ROOT, capture_output=True, text=True)
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        if last.isdigit():
            return int(last) / 1024
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code, *cmd], cwd=ROOT, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
