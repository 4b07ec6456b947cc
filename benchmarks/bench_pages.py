"""How fast are the dashboard's pages and their queries on a large database?

    python benchmarks/bench_pages.py [DB] [--runs 5] [--votes N] [--statements N] [--pages timeline,compare]

DB is reused if it exists, else built there with stance.synthetic.build_large_db (1M votes, 100k
statements by default); without DB one is built in a temporary folder and removed afterwards.

For every page module in stance/views: the first render with an empty st.cache_data ("cold"),
then filter changes in the same session (actors, years, issue: whichever the page has), each a
cache miss, as a user would see them. Then the key queries called directly, with EXPLAIN QUERY
PLAN for any slower than 50 ms. Medians of --runs runs. Targets (issue): first render < 1.5 s,
filter change < 0.3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance import queries  # noqa: E402
from stance.db import open_db  # noqa: E402
from stance.synthetic import build_large_db  # noqa: E402

PAGES = ("timeline", "compare", "alignment", "map", "profile", "explore", "edit", "data")
FIRST_RENDER_TARGET, FILTER_CHANGE_TARGET = 1.5, 0.3
SLOW_QUERY_MS = 50.0
STUB_TEXT = "being built"


# --- The machine --------------------------------------------------------------------------------

def machine() -> str:
    """Date, cores and CPU model: figures mean little without them."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{dt.datetime.now().isoformat(timespec='minutes')} · {os.cpu_count()} cores (nproc "
            f"{len(os.sched_getaffinity(0))}) · {model} · Python {platform.python_version()} · "
            f"SQLite {sqlite3.sqlite_version}")


# --- Pages --------------------------------------------------------------------------------------

def page_available(page: str) -> str | None:
    """None if the page can be timed, else why not."""
    try:
        module = importlib.import_module(f"stance.views.{page}")
    except Exception as exc:  # a page being written by someone else may not import yet
        return f"does not import ({type(exc).__name__})"
    if not callable(getattr(module, "render", None)):
        return "has no render()"
    return None


def new_app(page: str):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_string(f"from stance.views import {page}\n{page}.render()\n", default_timeout=60)


def timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def _widget(at, kind: str, key: str):
    """The widget of that kind with that key, else the first of that kind, else None."""
    widgets = getattr(at, kind)
    for w in widgets:
        if w.key == key:
            return w
    return None


def _change_actors(at) -> str | None:
    """Drop the last of the chosen actors (a new actor tuple: a cache miss). Returns the widget's label."""
    w = _widget(at, "multiselect", "actors") or next(iter(at.multiselect), None)
    if w is None or len(w.value) < 2:
        return None
    w.set_value(list(w.value)[:-1])
    return w.label


def _change_years(at) -> str | None:
    w = _widget(at, "slider", "years") or next(iter(at.slider), None)
    if w is None or not isinstance(w.value, tuple) or w.value[1] - w.value[0] < 4:
        return None
    low, high = w.value
    w.set_value((low + 2, high - 1))
    return w.label


def _change_issue(at) -> str | None:
    """The issue picker shows titles; AppTest needs the slug itself (format_func is not inverted)."""
    w = _widget(at, "selectbox", "issue")
    # Read-only, and closed: a read-write connection's close deletes the -wal file, which used
    # to look like a change of data and empty the page's cache mid-benchmark.
    uri = f"{Path(os.environ['STANCE_DB']).resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        slugs = [row[0] for row in conn.execute("SELECT slug FROM issues")]
    others = [s for s in slugs if s != w.value] if w is not None else []
    if not others:
        return None
    w.set_value(others[0])
    return w.label


CHANGES: tuple[Callable[[Any], str | None], ...] = (_change_actors, _change_years, _change_issue)


QUERY_LOG: list[tuple[str, float]] = []
SLOW_PAGE_QUERIES: dict[str, list[str]] = {}


def log_query_times() -> None:
    """Record how long every read("...") of a page takes, so a slow page names its slow query.

    Wraps stance.views.common._query_function in this process only; the pages are unchanged."""
    from stance.views import common

    original = common._query_function

    def timed(name: str) -> Callable[..., Any]:
        func = original(name)

        def run(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args)
            finally:
                QUERY_LOG.append((name, (time.perf_counter() - start) * 1000))
        return run

    common._query_function = timed


def time_page(page: str, runs: int) -> dict[str, list[float]] | str:
    """{'first render': [s, ...], 'change Actors': [...], ...}, or why the page was not timed.

    The change steps are named by the label of the widget that was changed."""
    import streamlit as st

    why = page_available(page)
    if why:
        return why
    times: dict[str, list[float]] = {"first render": []}
    for run_no in range(runs):
        st.cache_data.clear()
        at = new_app(page)
        QUERY_LOG.clear()
        try:
            times["first render"].append(timed_run(at))
        except Exception as exc:  # report, keep benchmarking the other pages
            return f"raises {type(exc).__name__}: {str(exc)[:80]}"
        if any(STUB_TEXT in str(info.value) for info in at.info):
            return "not built yet (placeholder)"
        if run_no == 0:
            slow = sorted((ms, name) for name, ms in QUERY_LOG if ms > SLOW_QUERY_MS)[::-1]
            SLOW_PAGE_QUERIES[page] = [f"{name} {ms:.0f} ms" for ms, name in slow]
        for change in CHANGES:
            label = change(at)
            if label:
                times.setdefault(f"change {label[:10]}", []).append(timed_run(at))
    return times


def warm_up() -> None:
    """Imports (streamlit, plotly, pandas) happen once per process: keep them out of the first page."""
    from streamlit.testing.v1 import AppTest

    AppTest.from_string("import plotly.express\nimport streamlit as st\nst.write('warm')").run()


# --- Queries ------------------------------------------------------------------------------------

def key_queries(db) -> dict[str, Callable[[], Any]]:
    issue = db.execute("SELECT issue FROM resolutions GROUP BY issue ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    actors = tuple(r[0] for r in db.execute(
        "SELECT actor FROM statements WHERE issue = ? GROUP BY actor ORDER BY count(*) DESC LIMIT 5", [issue]))
    return {
        f"stance_points({issue}, 5 actors, 2000-2020)":
            lambda: queries.stance_points(db, issue, actors, "2000-01-01", "2020-12-31"),
        "stance_points(issue, 5 actors, all years)": lambda: queries.stance_points(db, issue, actors),
        "issues()": lambda: queries.issues(db),
        "actors_on_issue(issue)": lambda: queries.actors_on_issue(db, issue),
        "issue_years(issue)": lambda: queries.issue_years(db, issue),
        "resolutions(issue)": lambda: queries.resolutions(db, issue),
        "issue_summary()": lambda: queries.issue_summary(db),
        "counts()": lambda: queries.counts(db),
    }


def time_query(db, call: Callable[[], Any], runs: int) -> tuple[float, list[str]]:
    """Median milliseconds, and the SQL statements the call ran (captured, values inlined)."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    call()
    db.conn.set_trace_callback(None)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statements


def query_plan(db, sql: str) -> list[str]:
    rows = db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return lines


# --- Report -------------------------------------------------------------------------------------

def page_table(results: dict[str, dict[str, list[float]] | str], runs: int) -> list[str]:
    lines = [f"{'page':<10} {'step':<16} {'median s':>9} {'min s':>7} {'max s':>7}  target",
             "-" * 66]
    for page, res in results.items():
        if isinstance(res, str):
            lines.append(f"{page:<10} not available: {res}")
            continue
        for step, samples in res.items():
            target = FIRST_RENDER_TARGET if step == "first render" else FILTER_CHANGE_TARGET
            med = statistics.median(samples)
            verdict = "ok" if med < target else "SLOW"
            lines.append(f"{page:<10} {step:<16} {med:>9.3f} {min(samples):>7.3f} {max(samples):>7.3f}"
                         f"  < {target} {verdict}")
    lines.append(f"(median of {runs} runs; each first render with st.cache_data cleared)")
    return lines


def run(db_path: Path, runs: int, pages: tuple[str, ...]) -> None:
    os.environ["STANCE_DB"] = str(db_path)
    db = open_db(db_path, read_only=True)
    sizes = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
             for t in ("actors", "issues", "resolutions", "votes", "statements")}
    print(machine())
    print(f"database {db_path} ({db_path.stat().st_size / 1e6:.0f} MB): "
          + ", ".join(f"{n:,} {t}" for t, n in sizes.items()))
    indexes = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    print(f"indexes: {', '.join(indexes)}\n")

    print(f"{'query':<56} {'median ms':>10} {'rows':>7}")
    slow: list[tuple[str, list[str]]] = []
    for name, call in key_queries(db).items():
        ms, statements = time_query(db, call, runs)
        result = call()
        rows = len(result) if hasattr(result, "__len__") else 1
        print(f"{name:<56} {ms:>10.1f} {rows:>7}")
        if ms > SLOW_QUERY_MS:
            slow.append((name, statements))
    for name, statements in slow:
        print(f"\nEXPLAIN QUERY PLAN for {name} (> {SLOW_QUERY_MS:.0f} ms):")
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                print("\n".join(query_plan(db, sql)))
    db.close()

    print()
    warm_up()
    log_query_times()
    results = {page: time_page(page, runs) for page in pages}
    print("\n".join(page_table(results, runs)))
    print(f"\nqueries slower than {SLOW_QUERY_MS:.0f} ms in a page's first render (one cold run):")
    for page, slow in SLOW_PAGE_QUERIES.items():
        print(f"  {page:<10} {', '.join(slow) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", type=Path, help="database to reuse, or build if missing")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page modules")
    args = parser.parse_args()
    pages = tuple(p.strip() for p in args.pages.split(",") if p.strip())
    if args.db and args.db.exists():
        run(args.db, args.runs, pages)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "large.db"
        build_large_db(path, votes=args.votes, statements=args.statements)
        run(path, args.runs, pages)


if __name__ == "__main__":
    main()
