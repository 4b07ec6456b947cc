"""How many sessions can read-only dashboards serve from one published snapshot, in how much memory?

    python3 -m stance sample --db /tmp/bench.db          # the sample plus the whole GA record
    python benchmarks/bench_serve.py /tmp/bench.db [--processes 3] [--sessions 50] [--at-once 6] [--runs 3]

Each run publishes DB (`stance publish`, timed), starts --processes `streamlit run dashboard.py`
with STANCE_READ_ONLY=1 over that one snapshot, and opens --sessions pages in headless Chromium
spread round-robin over them, --at-once at a time, each waiting for its chart
(stance.devserver.serve_sessions). Printed per run and as medians: sessions served without error
per process, the wall time, each process's memory after start-up and its peak (VmHWM from /proc;
psutil's RSS at the end where /proc is missing), and whether the snapshot stayed byte-identical.
The browser shares the 2 cores with the servers, so sessions per second say little about a
server alone; memory per process is the figure to size a deployment with.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_pages import machine  # noqa: E402

from stance.devserver import dashboard_process, launch_chromium, serve_sessions  # noqa: E402
from stance.publish import file_sha256, make_snapshot  # noqa: E402

PATHS = ["?issue=dprk-sanctions&actors=CHN,RUS,USA", "compare?actors=CHN,RUS,USA,JPN"]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process in MB; psutil's RSS where /proc is missing."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def one_run(db: Path, processes: int, sessions: int, at_once: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        snapshot = make_snapshot(db, Path(tmp))
        publish_s = time.perf_counter() - t0
        before = file_sha256(snapshot.path)
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(dashboard_process(snapshot.path, {"STANCE_READ_ONLY": "1"}))
                       for _ in range(processes)]
            idle = [memory_mb(proc.pid, "VmRSS") for _, proc in servers]
            with sync_playwright() as p:
                browser = launch_chromium(p)
                t0 = time.perf_counter()
                done = serve_sessions(browser, [url for url, _ in servers], PATHS, sessions, at_once)
                wall = time.perf_counter() - t0
                browser.close()
            peak = [memory_mb(proc.pid, "VmHWM") for _, proc in servers]
            ok = [sum(1 for s in done if s.server == url and not s.errors) for url, _ in servers]
            errors = [e for s in done for e in s.errors]
        same = file_sha256(snapshot.path) == before
    return {"publish_s": publish_s, "size_mb": snapshot.size / 1e6, "wall_s": wall, "ok": ok, "idle": idle,
            "peak": peak, "errors": errors, "same": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--at-once", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    print(f"{args.db}: {args.processes} read-only dashboards, {args.sessions} sessions ({args.at_once} at once), "
          f"{args.runs} runs")
    runs = []
    for i in range(args.runs):
        r = one_run(args.db, args.processes, args.sessions, args.at_once)
        runs.append(r)
        print(f"run {i + 1}: publish {r['publish_s']:.1f} s ({r['size_mb']:.0f} MB); sessions {r['wall_s']:.0f} s; "
              f"served without error per process {r['ok']}; memory after start "
              f"{[round(m) for m in r['idle']]} MB, peak {[round(m) for m in r['peak']]} MB; "
              f"snapshot unchanged: {r['same']}; errors: {r['errors'][:3]}")
    med = statistics.median
    print(f"median: publish {med(r['publish_s'] for r in runs):.1f} s; {args.sessions} sessions in "
          f"{med(r['wall_s'] for r in runs):.0f} s; sessions per process without error "
          f"{med(min(r['ok']) for r in runs):.0f}-{med(max(r['ok']) for r in runs):.0f}; memory per process "
          f"after start {med(med(r['idle']) for r in runs):.0f} MB, peak {med(med(r['peak']) for r in runs):.0f} MB "
          f"(largest {max(max(r['peak']) for r in runs):.0f} MB); errors {sum(len(r['errors']) for r in runs)}; "
          f"snapshot unchanged in every run: {all(r['same'] for r in runs)}")


if __name__ == "__main__":
    main()
