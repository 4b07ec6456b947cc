"""How does Stance grow from 10k to 1M stance points? One command, one table.

    python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--runs 5] [--pages timeline,alignment]

For each size N (stance points = roll-call votes + statements, 90 % votes and 10 % statements)
it builds a synthetic database with stance.synthetic.build_large_db (193 countries, 50 issues),
then measures, each part in its own child process so that its peak memory (max RSS) is its own:

- load: the database's votes written as a UN Digital Library GA voting CSV of the same number of
  rows (bench_undl.write_undl_csv), loaded into a fresh database with
  stance.ingest.load.load_paths (parse, validate, map, stage, classify, write: one transaction);
  beside it the floor, raw sqlite3 executemany of the same rows (csv.reader, all 20 columns,
  one plain table, one transaction, the same WAL / synchronous=NORMAL pragmas), interleaved,
  median of --runs each;
- pages: every dashboard page under streamlit's AppTest with bench_pages.time_page (first render
  with st.cache_data cleared, then each filter change the page has, each a cache miss), median
  of --runs; the alignment matrix for all 193 countries over every vote: vote_matrix (the SQL
  load), agreement (the 193 x 193 matrix products) and bloc_order (the page's ordering), median
  of --runs.

Prints the machine, then one markdown table: a column per size and the ratio of the largest
size's figure to the smallest's (the data grows 100x from 10k to 1M: a ratio near 1 is flat,
near 100 is linear). Then the dashboard queries slower than 50 ms in a first render at the
largest size. Sizes 10k, 100k, 1M with 5 runs take 3-5 minutes on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_pages  # noqa: E402
from bench_undl import write_undl_csv  # noqa: E402

from stance.synthetic import build_large_db  # noqa: E402

VOTE_SHARE = 0.9
PAGES = (*bench_pages.PAGES, "relations")
EMPTY_IN_SYNTHETIC = {"relations": "relations (no GDELT rows in the synthetic data)"}


# --- Child processes: one per size and part, so that max RSS is that part's -------------------

def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def fresh(path: Path) -> Path:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    return path


def raw_floor(csv_path: Path, db_path: Path) -> float:
    """Seconds to insert the file's rows as they are: no parsing of values, no checks, no ids."""
    conn = sqlite3.connect(fresh(db_path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    start = time.perf_counter()
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        conn.execute("CREATE TABLE votes (" + ", ".join(header) + ")")
        with conn:
            conn.executemany("INSERT INTO votes VALUES (" + ", ".join("?" * len(header)) + ")", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    fresh(db_path)
    return elapsed


def stance_load(csv_path: Path, db_path: Path) -> tuple[float, str]:
    """Seconds for load_paths into a fresh (migrated, empty) database, and its summary line."""
    from stance.db import open_db
    from stance.ingest.load import load_paths

    db = open_db(fresh(db_path))
    start = time.perf_counter()
    result = load_paths(db, [csv_path])
    elapsed = time.perf_counter() - start
    f = result.files[0]
    if not result.written or f.inserted != f.read:
        raise RuntimeError(f"load did not write every row: {f.summary()}")
    db.close()
    fresh(db_path)
    return elapsed, f.summary()


def child_load(csv_path: Path, workdir: Path, runs: int) -> dict[str, Any]:
    rows = sum(1 for _ in open(csv_path, encoding="utf-8")) - 1  # no newlines inside the synthetic fields
    floors, loads, summary = [], [], ""
    for _ in range(runs):  # interleaved, so a noisy minute on the shared machine hits both alike
        floors.append(raw_floor(csv_path, workdir / "floor.db"))
        seconds, summary = stance_load(csv_path, workdir / "stance.db")
        loads.append(seconds)
    return {"rows": rows, "floor": floors, "stance": loads, "summary": summary, "peak_mb": peak_mb()}


def child_pages(db_path: Path, runs: int, pages: tuple[str, ...]) -> dict[str, Any]:
    os.environ["STANCE_DB"] = str(db_path)
    bench_pages.warm_up()
    bench_pages.log_query_times()
    base = current_mb()
    timed = {page: bench_pages.time_page(page, runs) for page in pages}
    return {"pages": timed, "slow": bench_pages.SLOW_PAGE_QUERIES, "alignment": time_alignment(db_path, runs),
            "base_mb": base, "peak_mb": peak_mb()}


def time_alignment(db_path: Path, runs: int) -> dict[str, Any]:
    """The Alignment page's matrix for every country over every vote, step by step (seconds)."""
    from stance.db import open_db
    from stance.queries import alignment as align
    from stance.views.alignment import DEFAULT_MIN_VOTES

    db = open_db(db_path, read_only=True)
    steps: dict[str, list[float]] = {"vote_matrix": [], "agreement": [], "bloc_order": []}
    shape: tuple[int, int] = (0, 0)
    try:
        for _ in range(runs):
            start = time.perf_counter()
            vm = align.vote_matrix(db, "both", "")
            loaded = time.perf_counter()
            pairs = align.agreement(vm, vm.codes, False, DEFAULT_MIN_VOTES)
            agreed = time.perf_counter()
            codes = list(dict.fromkeys(pairs["actor"]))
            wide = pairs.pivot(index="actor", columns="other", values="agree").reindex(index=codes, columns=codes)
            align.bloc_order(wide.to_numpy())
            ordered = time.perf_counter()
            steps["vote_matrix"].append(loaded - start)
            steps["agreement"].append(agreed - loaded)
            steps["bloc_order"].append(ordered - agreed)
            shape = vm.votes.shape
    finally:
        db.close()
    return {"steps": steps, "resolutions": shape[0], "countries": shape[1]}


def run_child(part: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", part, *args]
    done = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


# --- One size ---------------------------------------------------------------------------------

def label(n: int) -> str:
    for unit, div in (("M", 1_000_000), ("k", 1_000)):
        if n >= div and n % (div // 10) == 0:
            return f"{n / div:g}{unit}"
    return f"{n:,}"


def measure_size(points: int, runs: int, pages: tuple[str, ...],
                 work: Path) -> tuple[dict[str, tuple[float, str]], dict[str, list[str]]]:
    """{measure: (value, unit)} for one size, in the order the table shows them, and the queries
    slower than 50 ms in each page's first render."""
    votes = round(points * VOTE_SHARE)
    db_path = fresh(work / f"scale-{points}.db")
    built = build_large_db(db_path, votes=votes, statements=points - votes, overwrite=True, progress=None)
    csv_path = work / f"UNGA_voting-{points}.csv"
    write_undl_csv(csv_path, built.votes)
    print(f"# {label(points)}: {built.votes:,} votes on {built.resolutions:,} resolutions, {built.statements:,} "
          f"statements, {db_path.stat().st_size / 1e6:.0f} MB, built in {built.seconds:.1f} s", file=sys.stderr,
          flush=True)

    load = run_child("load", "--csv", str(csv_path), "--work", str(work), "--runs", str(runs))
    csv_path.unlink()
    print(f"#   load: {load['summary']}", file=sys.stderr, flush=True)
    shown = run_child("pages", "--db", str(db_path), "--runs", str(runs), "--pages", ",".join(pages))
    size_mb = db_path.stat().st_size / 1e6
    fresh(db_path)

    out: dict[str, tuple[float, str]] = {
        "stance points (votes + statements)": (built.votes + built.statements, "rows"),
        "resolutions": (built.resolutions, "rows"),
        "database size": (size_mb, "MB"),
    }
    floor, stance = statistics.median(load["floor"]), statistics.median(load["stance"])
    out["load: Stance `load_paths`, UNDL GA CSV"] = (load["rows"] / stance, "rows/s")
    out["load: raw sqlite3 executemany (floor)"] = (load["rows"] / floor, "rows/s")
    out["load: Stance / floor (time)"] = (stance / floor, "x")
    out["load: peak memory (max RSS)"] = (load["peak_mb"], "MB")
    for page in pages:
        res, name = shown["pages"].get(page), EMPTY_IN_SYNTHETIC.get(page, page)
        if isinstance(res, str) or res is None:
            out[f"{name}: not available ({res})"] = (float("nan"), "s")
            continue
        for step, samples in res.items():
            out[f"{name}: {step}"] = (statistics.median(samples), "s")
    align = shown["alignment"]
    for step, samples in align["steps"].items():
        out[f"alignment matrix {align['countries']} countries: {step}"] = (statistics.median(samples), "s")
    out["alignment matrix: total"] = (sum(statistics.median(s) for s in align["steps"].values()), "s")
    out["dashboard: peak memory (max RSS)"] = (shown["peak_mb"], "MB")
    return out, shown["slow"]


# --- The table --------------------------------------------------------------------------------

def fmt(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "–"
    if unit in ("rows/s", "rows"):
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:,.0f}"
    if unit == "x":
        return f"{value:.1f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def table(results: dict[int, dict[str, tuple[float, str]]]) -> list[str]:
    sizes = list(results)
    small, large = sizes[0], sizes[-1]
    measures: list[str] = []
    for res in results.values():
        measures += [m for m in res if m not in measures]
    head = ["measure", "unit", *(label(n) for n in sizes)]
    if len(sizes) > 1:
        head.append(f"{label(large)} / {label(small)}")
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for m in measures:
        unit = next(res[m][1] for res in results.values() if m in res)
        cells = [fmt(*results[n][m]) if m in results[n] else "–" for n in sizes]
        row = [m, unit, *cells]
        if len(sizes) > 1:
            a, b = results[small].get(m, (float("nan"), unit))[0], results[large].get(m, (float("nan"), unit))[0]
            row.append(f"{b / a:.1f}" if a == a and b == b and a > 0 else "–")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def machine() -> str:
    return (f"{bench_pages.machine()} · {platform.machine()} ({platform.processor() or 'processor not reported'})"
            f" · {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stance points per database, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="median of this many runs for each figure")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page modules of stance/views")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder, removed after)")
    parser.add_argument("--child", choices=("load", "pages"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = tuple(p.strip() for p in args.pages.split(",") if p.strip())
    if args.child == "load":
        print(json.dumps(child_load(args.csv, args.work, args.runs)))
        return
    if args.child == "pages":
        print(json.dumps(child_pages(args.db, args.runs, pages)))
        return

    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    started = time.perf_counter()
    print(f"# {machine()}", flush=True)
    print(f"# load average at start {os.getloadavg()[0]:.1f} (others share this machine)", flush=True)
    with contextlib.ExitStack() as stack:
        if args.workdir:
            work = args.workdir
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stance-scale-")))
        measured = {n: measure_size(n, args.runs, pages, work) for n in sizes}
    results = {n: figures for n, (figures, _slow) in measured.items()}
    print(f"\nStance points = General Assembly votes ({VOTE_SHARE:.0%}) + statements; median of {args.runs} runs; "
          "load = a UNDL GA CSV of as many rows as the database has votes, into an empty database; pages "
          "under AppTest, first render with the cache cleared. Last column: the largest size's figure / the "
          f"smallest's (the data grows {sizes[-1] / sizes[0]:g}x).\n")
    print("\n".join(table(results)))
    slow = measured[sizes[-1]][1]
    print(f"\nQueries slower than {bench_pages.SLOW_QUERY_MS:.0f} ms in a first render at {label(sizes[-1])} "
          "(one cold run):")
    for page, names in slow.items():
        print(f"  {page:<10} {', '.join(names) or 'none'}")
    print(f"\n# total {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
