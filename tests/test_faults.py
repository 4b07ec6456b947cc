"""Faults: a load killed at random points, a load racing readers and other writers, a full disk
and a read-only database. Each test drives the real `python -m stance load` where it can.

The large file is a synthetic UN Digital Library General Assembly file (200,000 votes: about
4.5 s to load on a 2-core machine, so twenty kills fit in about a minute).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import stance.cli
import stance.cli_common
import stance.db
from benchmarks.bench_undl import write_undl_csv
from stance import queries
from stance.cli import cli
from stance.cli_common import plain as _plain
from stance.db import PROJECT_DIR, open_db
from stance.ingest.load import load_paths
from stance.queries import alignment
from tests.helpers import many_statements, statement, write_rows

UNDL_ROWS = 200_000
KILLS = 20
SEED = 20240605


# -- helpers -----------------------------------------------------------------------------------

def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows (and the schema): equal digests mean an
    unchanged database. Opened read-write, as the next user would, so SQLite first recovers any
    journal a killed process left."""
    conn = sqlite3.connect(path)
    try:
        out = {"sqlite_master": (0, hashlib.sha256(repr(conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()).encode()).hexdigest())}
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for name in names:
            columns = [d[0] for d in conn.execute(f'SELECT * FROM "{name}" LIMIT 0').description]
            order = ", ".join(str(i) for i in range(1, len(columns) + 1))
            stamped = [i for i, c in enumerate(columns) if c.endswith("_at")]  # when a load ran, not what it wrote
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}'):
                row = tuple(None if i in stamped else v for i, v in enumerate(row))
                digest.update(repr(row).encode())
                count += 1
            out[name] = (count, digest.hexdigest())
    finally:
        conn.close()
    return out


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def copy_db(template: Path, path: Path) -> Path:
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(template, path)
    return path


def start_load(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "stance", "load", str(path), "--db", str(db)],
                            cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wal_size(db: Path) -> int:
    wal = Path(f"{db}-wal")
    return wal.stat().st_size if wal.exists() else 0


def write_locked(db: Path) -> bool:
    """Does another connection hold the write lock right now? (A write transaction that cannot
    start at once; taken and given back at once when free.)"""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc), exc
        return True
    finally:
        conn.close()


def without_imports(digests: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in digests.items() if k != "imports"}


# -- fixtures: built once per module -------------------------------------------------------------

@pytest.fixture(scope="module")
def undl_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "UNGA_voting.csv"
    write_undl_csv(path, UNDL_ROWS)
    return path


@pytest.fixture(scope="module")
def undl_run(undl_file: Path, sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One uninterrupted load, timed: how long a load takes here, and the database it leaves."""
    db = copy_db(sample_db_template, tmp_path_factory.mktemp("measured") / "stance.db")
    start = time.monotonic()
    proc = start_load(undl_file, db)
    full_wal = 0
    while proc.poll() is None:
        full_wal = max(full_wal, wal_size(db))
        time.sleep(0.005)
    out, err = proc.communicate(timeout=120)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, err
    assert full_wal > 1_000_000
    after = table_digests(db)
    before = table_digests(sample_db_template)
    assert after["votes"][0] == before["votes"][0] + UNDL_ROWS
    print(f"uninterrupted load of {UNDL_ROWS:,} UNDL rows: {seconds:.2f} s")
    return {"seconds": seconds, "before": before, "after": after, "full_wal": full_wal}


# -- SIGKILL -----------------------------------------------------------------------------------

def _wait_or_kill(proc: subprocess.Popen, db: Path, at: float | None = None,
                  wal_target: int | None = None) -> tuple[bool, int]:
    """SIGKILL the load `at` seconds after its start, or once its WAL holds `wal_target` bytes
    (unless it has finished by then). Returns (killed, WAL size just before the kill)."""
    start = time.monotonic()
    while proc.poll() is None:
        wal = wal_size(db)
        if (at is not None and time.monotonic() - start >= at) or (wal_target is not None and wal >= wal_target):
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate()
            return True, wal
        time.sleep(0.005)
    proc.communicate()
    return False, 0


def _kill_repeatedly(source: Path, template: Path, db: Path, before: dict, after: dict,
                     triggers: list[dict]) -> list[tuple[str, int, str]]:
    """Start the load, SIGKILL it at each trigger (`at` seconds, or `wal_target` bytes), and say
    what the database then holds: 'before' (untouched) or 'complete' (the kill came after
    COMMIT, or the load finished first). Anything else fails."""
    outcomes = []
    copy_db(template, db)
    for attempt, trigger in enumerate(triggers):
        when = (f"at {trigger['at']:5.2f} s" if "at" in trigger else f"at WAL {trigger['wal_target']:>10,} bytes")
        killed, wal = _wait_or_kill(start_load(source, db), db, **trigger)
        state = table_digests(db)
        assert integrity(db) == ["ok"], f"attempt {attempt}: integrity check failed after a kill {when}"
        if state == before:
            outcome = "before"
        elif without_imports(state) == without_imports(after) and state["imports"][0] == before["imports"][0] + 1:
            outcome = "complete"  # the whole file is in
            copy_db(template, db)
        else:
            changed = sorted(k for k in state if state[k] != before.get(k))
            raise AssertionError(f"attempt {attempt}: killed {when}, the database is neither as before "
                                 f"nor fully loaded; changed: {changed}")
        if not killed:
            outcome += " (finished before the kill)"
        print(f"kill {attempt + 1:2d} {when}: WAL {wal:>10,} bytes -> {outcome}")
        outcomes.append((when, wal, outcome))
    return outcomes


def test_sigkill_at_random_points_leaves_the_database_as_it_was(undl_file: Path, undl_run: dict,
                                                                 sample_db_template: Path, tmp_path: Path) -> None:
    """Twenty kills of a real `stance load` of a large published file, at random times between
    0.3 s and the load's usual duration: each leaves the database exactly as before (every
    table's rows and counts), or, when the kill came after COMMIT, fully loaded; never part.

    Most of a load is parsing into a TEMP table; the rows reach the database file's WAL only in
    the last second or so. On a busy machine the timed kills can all miss that phase, so two
    kills mid-write are made sure of: if the timed ones landed fewer, more follow, each once
    the WAL has grown to a random share of its full size."""
    rng = random.Random(SEED)
    db = tmp_path / "stance.db"
    triggers = [{"at": rng.uniform(0.3, undl_run["seconds"])} for _ in range(KILLS)]
    outcomes = _kill_repeatedly(undl_file, sample_db_template, db, undl_run["before"], undl_run["after"], triggers)
    untouched = [o for o in outcomes if o[2] == "before"]
    mid_write = [o for o in untouched if o[1] > 0]
    print(f"{len(untouched)} of {KILLS} kills left the database as before, {len(mid_write)} of them "
          "while the load was writing its rows into the WAL")
    assert len(untouched) >= KILLS // 4, "too few kills landed before COMMIT: the loads ran much faster than timed"
    if len(mid_write) < 2:
        triggers = [{"wal_target": int(rng.uniform(0.05, 0.7) * undl_run["full_wal"])}
                    for _ in range(2 - len(mid_write))]
        topped_up = _kill_repeatedly(undl_file, sample_db_template, db, undl_run["before"], undl_run["after"],
                                     triggers)
        assert all(o[2] == "before" and o[1] > 0 for o in topped_up), topped_up


def test_sigkill_of_a_hand_coded_statements_load(sample_db_template: Path, tmp_path: Path) -> None:
    """The same for a hand-coded statements file (read and checked whole, then written in
    chunks). Reading takes most of its time and writes nothing, so here the kills come at a
    random point of the writing: once the WAL has grown to a random share of its full size."""
    source = many_statements(tmp_path / "statements.csv", 12_000)  # three chunks of 5,000 rows or fewer
    db = copy_db(sample_db_template, tmp_path / "stance.db")
    before = table_digests(db)
    proc = start_load(source, db)
    full_wal = 0
    while proc.poll() is None:
        full_wal = max(full_wal, wal_size(db))
        time.sleep(0.005)
    assert proc.wait() == 0 and full_wal > 1_000_000
    after = table_digests(db)
    rng = random.Random(SEED)
    triggers = [{"wal_target": int(rng.uniform(0.05, 0.7) * full_wal)} for _ in range(3)]
    outcomes = _kill_repeatedly(source, sample_db_template, db, before, after, triggers)
    assert sum(o[2] == "before" for o in outcomes) >= 2, "the kills should land before COMMIT"


# -- concurrency -------------------------------------------------------------------------------

def _snapshot(db) -> tuple[int, int, int, int, int]:
    """What the dashboard shows, read in one transaction: votes, statements, resolutions, the
    alignment matrix's vote count and the issues table's vote total."""
    db.execute("BEGIN")
    try:
        counts = queries.counts(db)
        matrix = alignment.vote_matrix(db)
        issue_votes = int(queries.issues(db)["votes"].sum())
        return (counts["votes"], counts["statements"], counts["resolutions"], int((matrix.votes > 0).sum()),
                issue_votes)
    finally:
        db.execute("ROLLBACK")


SHARED_LOCK_PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:  # SQLite's SHARED lock range (unix VFS: PENDING_BYTE 0x40000000 + 2, 510 bytes)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, 0)
    print("free")
except OSError:
    print("held")
"""


def shared_lock_held_elsewhere(db: Path) -> bool:
    """Does some other process (this one, seen from outside) hold SQLite's shared lock on `db`?"""
    out = subprocess.run([sys.executable, "-c", SHARED_LOCK_PROBE, str(db)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "held"


def test_checking_a_database_keeps_this_process_s_locks(sample_db_template: Path, tmp_path: Path) -> None:
    """Opening a database checks its header; done with Python's open() and close() while a
    connection here is mid-read, that would drop every POSIX lock this process holds on the
    file. Another process, closing its connection, would then believe no one reads and delete
    the WAL under our reader: the "disk I/O error" a dashboard saw during a load (about one run
    in two of the test below). Here: a page mid-read, a second page opens the same file, and
    from outside the first page's shared lock must still be seen."""
    db_path = copy_db(sample_db_template, tmp_path / "stance.db")
    reader = open_db(db_path, read_only=True)
    reader.execute("BEGIN")
    try:
        assert queries.counts(reader)["statements"] > 0
        assert shared_lock_held_elsewhere(db_path), "a read transaction holds SQLite's shared lock"
        open_db(db_path, read_only=True).close()
        open_db(db_path).close()
        assert shared_lock_held_elsewhere(db_path), "opening the file again dropped this process's lock"
    finally:
        reader.execute("ROLLBACK")
        reader.close()


def test_readers_and_a_second_writer_during_a_large_load(undl_file: Path, undl_run: dict, sample_db_template: Path,
                                                         tmp_path: Path) -> None:
    """While a large load runs, the dashboard's queries keep answering (never "database is
    locked") and see the database either before or after it, never half-loaded; a second
    writer (the CLI, and load_paths in this process) waits for the lock and then loads."""
    db_path = copy_db(sample_db_template, tmp_path / "stance.db")
    reader = open_db(db_path, read_only=True)  # a long-lived connection, besides a fresh one per read
    old = _snapshot(reader)
    big = start_load(undl_file, db_path)
    deadline = time.monotonic() + 60
    while not write_locked(db_path):
        assert big.poll() is None, f"the load ended before it took the write lock: {big.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    small_cli = write_rows(tmp_path / "cli.csv", [statement(quote="second writer, CLI")])
    small_lib = write_rows(tmp_path / "lib.csv", [statement(quote="second writer, load_paths")])
    started = time.monotonic()
    cli_writer = start_load(small_cli, db_path)
    lib_outcome: dict[str, object] = {}

    def lib_writer() -> None:
        db = open_db(db_path)
        try:
            lib_outcome["result"] = load_paths(db, [small_lib])
        except sqlite3.OperationalError as exc:
            lib_outcome["error"] = str(exc)
        finally:
            lib_outcome["seconds"] = time.monotonic() - started
            db.close()

    thread = threading.Thread(target=lib_writer)
    thread.start()
    seen, errors = [], []
    cli_seconds = None
    while big.poll() is None:
        if cli_seconds is None and cli_writer.poll() is not None:
            cli_seconds = time.monotonic() - started
        for make in (lambda: reader, lambda: open_db(db_path, read_only=True)):
            db = make()
            try:
                seen.append(_snapshot(db))
            except sqlite3.Error as exc:
                errors.append(repr(exc))
            finally:
                if db is not reader:
                    db.close()
        time.sleep(0.05)  # a dashboard user, not a busy loop: leave the 2nd core to the writers
    out, err = big.communicate()
    thread.join(timeout=60)
    cli_out, cli_err = cli_writer.communicate(timeout=60)
    cli_seconds = cli_seconds or time.monotonic() - started
    final = _snapshot(reader)
    reader.close()

    assert big.returncode == 0, err
    assert not errors, errors[:3]
    assert len(seen) >= 3, "too few reads during the load to prove anything"
    without_statements = [(s[0], *s[2:]) for s in (old, final)]
    states = {(s[0], *s[2:]) for s in seen}
    assert states <= set(without_statements), f"a read saw a half-loaded database: {states} {without_statements}"
    assert without_statements[0] in states
    assert final[0] == old[0] + UNDL_ROWS
    assert {s[1] for s in seen} <= {old[1], old[1] + 1, old[1] + 2}
    lib_said = "failed" if "error" in lib_outcome else "loaded"
    print(f"{len(seen)} consistent reads during the load; CLI writer {cli_seconds:.1f} s, "
          f"load_paths writer {float(lib_outcome['seconds']):.1f} s ({lib_said})")

    # the second writers: loaded after waiting, or gave up after the full busy timeout, plainly
    assert "Traceback" not in cli_err
    if cli_writer.returncode == 0:
        assert "1 loaded (1 new" in cli_out
    else:
        assert "locked by another writer (tried for 10 s)" in cli_err, cli_err
        assert cli_seconds >= 9.5, f"gave up after {cli_seconds:.1f} s yet says it tried for 10 s: {cli_err}"
    if "error" in lib_outcome:
        assert "locked" in str(lib_outcome["error"]) and float(lib_outcome["seconds"]) >= 9.5, lib_outcome
    else:
        assert lib_outcome["result"].written, lib_outcome  # type: ignore[union-attr]
    loaded = (cli_writer.returncode == 0) + ("result" in lib_outcome)
    assert final[1] == old[1] + loaded


def test_a_write_committed_while_a_large_load_starts_does_not_abort_it(undl_file: Path, sample_db_template: Path,
                                                                        tmp_path: Path) -> None:
    """Another writer holds the lock while the load starts, then commits a change: the load
    waits for it and goes on (it must not fail on a stale snapshot, "database is locked")."""
    db_path = copy_db(sample_db_template, tmp_path / "stance.db")
    source = tmp_path / "small_undl.csv"
    write_undl_csv(source, 5_000)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE issues SET title = title || ' (renamed)' WHERE slug = 'double-freeze'")
    proc = start_load(source, db_path)
    time.sleep(2.5)  # the load has started up and is waiting for the write lock
    assert proc.poll() is None, proc.communicate()
    holder.execute("COMMIT")
    holder.close()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "5000 read, 5000 loaded" in out
    db = open_db(db_path, read_only=True)
    assert db.execute("SELECT title FROM issues WHERE slug = 'double-freeze'").fetchone()[0].endswith("(renamed)")
    db.close()


def test_a_writer_that_times_out_says_so_plainly(sample_db: Path, tmp_path: Path, monkeypatch) -> None:
    """The busy timeout runs out (shortened here from 10 s): a one-line message, exit 1."""
    monkeypatch.setattr(stance.db, "BUSY_TIMEOUT_MS", 300)
    before = table_digests(sample_db)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(cli, ["load", str(write_rows(tmp_path / "s.csv", [statement(quote="late")])),
                                          "--db", str(sample_db)], catch_exceptions=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (f"Error: {sample_db}: the database is locked by another writer "
                                              "(tried for 0.3 s); nothing was written")
    assert table_digests(sample_db) == before


# -- disk full ---------------------------------------------------------------------------------

def _capped(real_open_db, extra_pages: int = 10):
    """open_db, with the file allowed to grow by only `extra_pages` pages: SQLite then fails
    exactly as on a full disk (SQLITE_FULL, "database or disk is full")."""
    def open_capped(path, *args, **kwargs):
        db = real_open_db(path, *args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        return db
    return open_capped


def _pages(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["undl", "statements"])
def test_disk_full_rolls_the_load_back(kind: str, sample_db: Path, tmp_path: Path) -> None:
    """The disk fills half way through writing the rows: nothing of the load stays."""
    source = tmp_path / "big.csv"
    if kind == "undl":
        write_undl_csv(source, 20_000)
    else:
        many_statements(source, 12_000)  # more than one chunk of 5,000 rows
    scratch = copy_db(sample_db, tmp_path / "scratch.db")
    db = open_db(scratch)
    assert load_paths(db, [source]).written
    db.close()
    growth = _pages(scratch) - _pages(sample_db)
    before = table_digests(sample_db)
    db = _capped(open_db, extra_pages=growth // 2)(sample_db)
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        load_paths(db, [source])
    db.close()
    assert table_digests(sample_db) == before
    assert integrity(sample_db) == ["ok"]


def test_disk_full_through_the_cli_is_one_plain_line(sample_db: Path, tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "big.csv"
    write_undl_csv(source, 20_000)
    before = table_digests(sample_db)
    monkeypatch.setattr(stance.cli_common, "open_db", _capped(open_db))
    result = CliRunner().invoke(cli, ["load", str(source), "--db", str(sample_db)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: {sample_db}: the disk is full; nothing was written"
    assert table_digests(sample_db) == before


@pytest.mark.parametrize(("message", "plain"), [
    ("database or disk is full", "the disk is full"),
    ("attempt to write a readonly database", "the database file is read-only"),
    ("database is locked", "the database is locked by another writer (tried for 10 s)"),
    ("file is not a database", "this file is not a SQLite database"),
    ("disk I/O error", "the file could not be read or written (disk I/O error)"),
    ("unable to open database file", "cannot open the database file: if its folder is read-only, "
                                     "SQLite cannot create the -wal and -shm files it needs beside it"),
])
def test_sqlite_errors_are_put_plainly(message: str, plain: str) -> None:
    assert _plain(sqlite3.OperationalError(message)) == plain


# -- read-only database ------------------------------------------------------------------------

def test_a_read_only_file_is_refused_plainly_even_as_root(sample_db: Path, tmp_path: Path, monkeypatch) -> None:
    """SQLite opens a file it may not write read-only; forcing that with mode=ro works for root,
    whom chmod does not stop."""
    real_connect = sqlite3.connect

    def connect_read_only(database, *args, **kwargs):
        if isinstance(database, str) and not database.startswith("file:") and database != ":memory:":
            return real_connect(f"{Path(database).resolve().as_uri()}?mode=ro", *args, uri=True, **kwargs)
        return real_connect(database, *args, **kwargs)

    source = write_rows(tmp_path / "s.csv", [statement(quote="never written")])
    before = table_digests(sample_db)
    monkeypatch.setattr(sqlite3, "connect", connect_read_only)
    for args in (["load", str(source)], ["init"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(sample_db)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[-1] == (f"Error: {sample_db}: the database file is read-only; "
                                                  "nothing was written"), result.output
    monkeypatch.undo()
    assert table_digests(sample_db) == before


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stance", *args], cwd=PROJECT_DIR, capture_output=True, text=True)


def test_chmod_read_only_file_and_folder(sample_db: Path, tmp_path: Path) -> None:
    """chmod 444 on the file and 555 on its folder (so no -wal/-shm can be made beside it)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = copy_db(sample_db, folder / "stance.db")
    source = write_rows(tmp_path / "s.csv", [statement(quote="never written")])
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        if os.access(db, os.W_OK) or os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop root from writing (the mode=ro and "
                        "chattr +i tests cover this case)")
        done = _run_cli("load", str(source), "--db", str(db))
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "read-only" in done.stderr.splitlines()[-1], done.stderr
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def test_immutable_file_and_folder_even_as_root(sample_db: Path, tmp_path: Path) -> None:
    """chattr +i stops root too: the file and its folder cannot be written (where the file
    system and the container allow setting the flag)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = copy_db(sample_db, folder / "stance.db")
    before = table_digests(db)
    for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert not leftover.exists()
    source = write_rows(tmp_path / "s.csv", [statement(quote="never written")])
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("no chattr on this system")
    flagged = []
    try:
        for path in (db, folder):
            done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot set the immutable flag here: {done.stderr.strip()}")
            flagged.append(path)
        plain_folder = (f"Error: {db}: cannot open: its folder {folder} is read-only, and SQLite needs to create "
                        f"stance.db-wal and stance.db-shm beside the database")
        for args in (["load", str(source)], ["init"]):
            done = _run_cli(*args, "--db", str(db))
            assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
            assert done.stderr.splitlines()[-1] == plain_folder, done.stderr
        for args in (["stats"], ["check"]):  # reading needs no -wal/-shm: the file is opened immutable
            done = _run_cli(*args, "--db", str(db))
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            assert sorted(p.name for p in folder.iterdir()) == ["stance.db"]
        # the folder writable again, the file still immutable: SQLite opens it read-only
        subprocess.run([chattr, "-i", str(folder)], check=True)
        flagged.remove(folder)
        done = _run_cli("load", str(source), "--db", str(db))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.splitlines()[-1] == f"Error: {db}: the database file is read-only; nothing was written"
    finally:
        for path in flagged:
            subprocess.run([chattr, "-i", str(path)], check=False)
    assert table_digests(db) == before
