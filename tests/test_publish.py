"""`stance publish`: a checked, read-only, rollback-journal copy and Datasette metadata; Datasette's
stored query gives the figures Stance's own function gives.

Datasette is an optional extra (requirements-dev.txt): outside CI its test skips when it is not
installed; with CI=true it must run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.db import open_db
from stance.devserver import free_port
from stance.publish import QUERIES, TABLES, file_sha256
from stance.queries.alignment import pair_by_year, vote_matrix
from tests.browser import IN_CI

MAIN_TABLES = ("actors", "issues", "statements", "sources", "resolutions", "votes", "stance_points")


def publish(db: Path, out: Path, *extra: str):
    result = CliRunner().invoke(cli, ["publish", str(out), "--db", str(db), *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture(scope="module")
def site(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = publish(sample_db_template, out)
    assert result.exit_code == 0, result.output
    return out


def counts(path: Path) -> dict[str, int]:
    db = open_db(path, read_only=True)
    try:
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in MAIN_TABLES}
    finally:
        db.close()


def test_the_snapshot_is_a_checked_read_only_copy(site: Path, sample_db_template: Path) -> None:
    snapshot = site / "stance.db"
    assert sorted(p.name for p in site.iterdir()) == ["metadata.json", "stance-data.zip", "stance.db"]
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o444
    header = snapshot.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01", "rollback journal (DELETE), not WAL: no -wal/-shm needed to read"
    before = file_sha256(snapshot)
    assert counts(snapshot) == counts(sample_db_template)
    published = ["metadata.json", "stance-data.zip", "stance.db"]
    assert sorted(p.name for p in site.iterdir()) == published, "reading made no -wal/-shm"
    assert file_sha256(snapshot) == before
    conn = sqlite3.connect(snapshot.resolve().as_uri() + "?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_the_metadata_describes_tables_and_cites_the_record(site: Path) -> None:
    meta = json.loads((site / "metadata.json").read_text(encoding="utf-8"))
    assert file_sha256(site / "stance.db") in meta["description"]
    assert "CC0" in meta["license"] and "Voeten" in meta["source"]
    tables = meta["databases"]["stance"]["tables"]
    conn = sqlite3.connect(f"file:{site / 'stance.db'}?mode=ro", uri=True)
    try:
        for table in MAIN_TABLES:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            described = tables[table]["columns"]
            assert tables[table]["description"]
            assert not set(columns) - set(described), f"{table}: undescribed columns {set(columns) - set(described)}"
        assert not set(TABLES) - {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}, "no stale names"
        assert "CC0" in tables["votes"]["license"]
    finally:
        conn.close()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_stored_query_runs(site: Path, name: str) -> None:
    params = {"a": "CHN", "b": "USA", "actor": "CHN", "issue": "dprk-sanctions", "resolution": "S/2022/431"}
    conn = sqlite3.connect(f"file:{site / 'stance.db'}?mode=ro", uri=True)
    try:
        rows = conn.execute(QUERIES[name]["sql"], params).fetchall()
    finally:
        conn.close()
    assert rows, f"{name} found nothing for the sample's China"


@pytest.mark.parametrize("setup, expected", [
    ("non-empty", "folder is not empty; pass --force"),
    ("file", "is a file, not a folder"),
    ("same", "holds the database being published"),
    ("missing", "no database to publish"),
])
def test_publish_refuses_plainly(sample_db: Path, tmp_path: Path, setup: str, expected: str) -> None:
    out = tmp_path / "out"
    db = sample_db
    if setup == "non-empty":
        out.mkdir()
        (out / "notes.txt").write_text("mine", encoding="utf-8")
    elif setup == "file":
        out.write_text("a file", encoding="utf-8")
    elif setup == "same":
        out.mkdir()
        db = out / "stance.db"
        shutil.move(sample_db, db)
    else:
        db = tmp_path / "missing.db"
    before = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
    result = publish(db, out, *(["--force"] if setup == "same" else []))
    assert result.exit_code == 1 and expected in result.output, result.output
    assert (sorted(p.name for p in out.iterdir()) if out.is_dir() else None) == before


def test_force_replaces_the_snapshot_and_keeps_other_files(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert publish(sample_db, out).exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    conn = sqlite3.connect(sample_db)
    conn.execute("DELETE FROM votes WHERE resolution = 'S/2022/431'")
    conn.commit()
    conn.close()
    result = publish(sample_db, out, "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["metadata.json", "notes.txt", "stance-data.zip", "stance.db"]
    assert counts(out / "stance.db") == counts(sample_db)


def test_a_load_in_progress_is_not_in_the_snapshot(sample_db: Path, tmp_path: Path) -> None:
    """VACUUM INTO is one read transaction: an uncommitted write is wholly absent, not half there."""
    before = counts(sample_db)
    writer = open_db(sample_db)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM votes")
    try:
        result = publish(sample_db, tmp_path / "out")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert counts(tmp_path / "out" / "stance.db") == before


# --- Datasette over the snapshot --------------------------------------------------------------------

def datasette_or_skip() -> str:
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    if not Path(exe).exists():
        if IN_CI:
            pytest.fail("datasette is in requirements-dev.txt and must be installed in CI")
        pytest.skip("datasette is not installed (pip install -r requirements-dev.txt)")
    return exe


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def datasette(site: Path):
    """`datasette serve --immutable` on 127.0.0.1 and a free port, polled until it answers."""
    exe = datasette_or_skip()
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--immutable", str(site / "stance.db"), "--metadata",
                             str(site / "metadata.json"), "-h", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"datasette exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                get_json(f"{url}/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("a, b", [("CHN", "USA"), ("RUS", "GBR")])
def test_datasette_stored_query_gives_stances_figures(datasette: str, site: Path, a: str, b: str) -> None:
    query = urllib.parse.urlencode({"a": a, "b": b, "_shape": "array"})
    served = get_json(f"{datasette}/stance/pair_agreement_by_year.json?{query}")
    db = open_db(site / "stance.db", read_only=True)
    try:
        ours = pair_by_year(vote_matrix(db), a, b)
    finally:
        db.close()
    ours = ours[ours["common"] > 0]
    assert len(ours) >= 3 and (ours["agree"] < 1).any(), "the sample has years of disagreement to compare"
    assert [row["year"] for row in served] == ours["year"].tolist()
    assert [row["common"] for row in served] == ours["common"].tolist()
    assert [row["agree"] for row in served] == pytest.approx(ours["agree"].tolist(), abs=1e-12)


def test_datasette_shows_the_descriptions(datasette: str) -> None:
    meta = get_json(f"{datasette}/-/metadata.json")
    assert "CC0" in meta["databases"]["stance"]["tables"]["votes"]["license"]
    with urllib.request.urlopen(f"{datasette}/stance/votes", timeout=10) as resp:
        html = resp.read().decode()
    assert "The state that cast the vote on that day" in html


def test_a_dashboard_reads_a_snapshot_replaced_under_it(sample_db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's update: publish again and rename over the served file; a running dashboard
    (its st.cache_data kept between runs here) shows the new rows at its next run."""
    from tests.pages import page_app

    site = tmp_path / "site"
    assert publish(sample_db, site).exit_code == 0
    served = site / "stance.db"

    def votes_shown() -> str:
        at = page_app("data", served, monkeypatch, env={"STANCE_READ_ONLY": "1"})
        assert not at.exception
        return next(m.value for m in at.metric if m.label == "Votes")

    first = votes_shown()
    conn = sqlite3.connect(sample_db)
    conn.execute("DELETE FROM votes WHERE resolution = 'S/2022/431'")
    conn.commit()
    conn.close()
    assert publish(sample_db, tmp_path / "next").exit_code == 0
    os.replace(tmp_path / "next" / "stance.db", served)
    assert votes_shown() != first


def test_the_snapshot_s_data_package_holds_its_rows(site: Path) -> None:
    """publish writes the data package of the snapshot (not of the live database): each table's
    CSV has the snapshot's rows, and the package names its own files."""
    with zipfile.ZipFile(site / "stance-data.zip") as archive:
        package = json.loads(archive.read("datapackage.json"))
        rows = {name[:-4]: len(list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))))
                for name in archive.namelist() if name.endswith(".csv")}
    assert {r["path"] for r in package["resources"]} == {f"{name}.csv" for name in rows}
    in_snapshot = counts(site / "stance.db")
    for table in ("statements", "votes", "resolutions", "issues"):
        assert rows[table] == in_snapshot[table], table
