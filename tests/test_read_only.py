"""Read-only mode (STANCE_READ_ONLY=1): every page, command and editing function, and the file stays
byte for byte the same (sha256 of the database and its WAL).

The pages that write (Add statement, Review) show a notice and no form; every other page renders;
an empty or missing database gets no "load the sample" button and no new file. Every CLI command is
tried (a new command must be added to COMMANDS: `test_every_command_is_tried` says so): the ones
that write exit 1 saying "read-only"; the ones that read leave the file alone. The editing and
review-queue functions refuse even when handed a writable connection, and a read-only connection
refuses raw SQL writes at the SQLite level.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import stance.views
from stance import editing
from stance.cli import cli
from stance.db import open_db
from stance.errors import StanceError
from tests.helpers import statement, write_rows
from tests.pages import APP, page_app

RAW = Path(__file__).parent / "fixtures" / "raw"
RO = {"STANCE_READ_ONLY": "1"}
WRITING_PAGES = {"edit", "review", "doublecode", "reliability", "adjudicate", "codebook"}  # team pages: h13
PAGES = sorted(m.name for m in pkgutil.iter_modules(stance.views.__path__)
               if hasattr(importlib.import_module(f"stance.views.{m.name}"), "render"))


def digest(path: Path) -> str:
    """sha256 of the database file and its WAL (a write lands in the WAL first)."""
    sha = hashlib.sha256(path.read_bytes() if path.exists() else b"<missing>")
    wal = Path(f"{path}-wal")
    sha.update(wal.read_bytes() if wal.exists() else b"")
    return sha.hexdigest()


@pytest.fixture(scope="module")
def ro_template(sample_gdelt_template: Path) -> Path:
    """The sample plus GDELT events, so the Relations page draws too."""
    return sample_gdelt_template


@pytest.fixture
def ro_db(ro_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "stance.db"
    shutil.copy(ro_template, path)
    return path


def test_every_page_is_tried() -> None:
    assert {"timeline", "compare", "alignment", "map", "profile", "explore", "relations", "data", "edit"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_in_read_only_mode(ro_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    before = digest(ro_db)
    at = page_app(page, ro_db, monkeypatch, env=RO)
    assert not at.exception, [e.value for e in at.exception]
    assert not [b for b in at.button if "sample" in b.label.lower()]
    if page in WRITING_PAGES:
        assert any("read-only" in n.value for n in at.info), "the page says why it offers nothing"
        assert not at.get("form") and not at.button and not at.text_input and not at.text_area
    else:
        assert at.title, "the page rendered"
    assert digest(ro_db) == before


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_database_offers_no_sample_button(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   page: str) -> None:
    path = tmp_path / "empty.db"
    open_db(path).close()
    before = digest(path)
    at = page_app(page, path, monkeypatch, env=RO)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.button, [b.label for b in at.button]
    assert digest(path) == before


def test_a_missing_database_is_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "missing.db"
    monkeypatch.setenv("STANCE_DB", str(path))
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "read-only mode cannot create one" in " ".join(e.value for e in at.error)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_the_dashboard_runs_in_read_only_mode(ro_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(ro_db)
    monkeypatch.setenv("STANCE_DB", str(ro_db))
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert digest(ro_db) == before


# --- The command line -----------------------------------------------------------------------------

def commands(folder: Path) -> dict[str, tuple[list[str], bool]]:
    """name -> (arguments, whether it writes). Files it needs are made in `folder`."""
    good = write_rows(folder / "s.csv", [statement(quote="read-only test")])
    article = folder / "article.txt"
    article.write_text("China firmly opposes the deployment of THAAD in South Korea, the spokesperson said.",
                       encoding="utf-8")
    published = folder / "IdealpointestimatesAll_Apr2020.csv"
    published.write_text("Row,ccode,session,NVotes,IdealPoint\n1,2,70,80,1.5\n", encoding="latin-1")
    return {
        "init": (["init"], True),
        "load": (["load", str(good)], True),
        "load --skip-invalid": (["load", str(good), "--skip-invalid", "--rejects", str(folder / "r.csv")], True),
        "load published": (["load", str(RAW / "undl_ga.csv")], True),
        "sample": (["sample"], True),
        "sample --fresh": (["sample", "--fresh"], True),
        "extract": (["extract", str(article), "--url", "https://example.org/a", "--date", "2017-03-08"], True),
        "review --accept": (["review", "--accept", "abc123", "--coder", "Ro"], True),
        "review --reject": (["review", "--reject", "abc123", "--coder", "Ro", "--reason", "test"], True),
        "review": (["review"], False),
        "stats": (["stats"], False),
        "check": (["check"], False),
        "export": (["export", "-o", str(folder / "out.csv")], False),
        "validate": (["validate", str(good)], False),
        "actor": (["actor", "China"], False),
        "measures": (["measures", "agreement", "--body", "UNSC", "-o", str(folder / "m.csv")], False),
        "measures --load-published": (["measures", "idealpoints", "--load-published", str(published)], True),
        "reliability coder": (["reliability", "coder", "Ro Coder", "RO"], True),
        "reliability draw": (["reliability", "draw", "--share", "0.5", "--coder", "RO", "--seed", "1"], True),
        "reliability report": (["reliability", "report"], False),
        "reliability codebook": (["reliability", "codebook", "-o", str(folder / "cb.md")], False),
        "publish": (["publish", str(folder / "site")], False),
    }


def test_every_command_is_tried(tmp_path: Path) -> None:
    cases = commands(tmp_path)
    assert set(cases) == set(COMMAND_CASES)
    tried = {args[0] for args, _ in cases.values()}
    assert set(cli.commands) <= tried, f"add a read-only case for: {sorted(set(cli.commands) - tried)}"


COMMAND_CASES = ("init", "load", "load --skip-invalid", "load published", "sample", "sample --fresh", "extract",
                 "review --accept", "review --reject", "review", "stats", "check", "export", "validate", "actor",
                 "measures", "measures --load-published",
                 "reliability coder", "reliability draw", "reliability report",
                 "reliability codebook", "publish")


@pytest.mark.parametrize("name", COMMAND_CASES)
def test_each_command_in_read_only_mode(ro_db: Path, tmp_path: Path, name: str) -> None:
    args, writes = commands(tmp_path)[name]
    before = digest(ro_db)
    actor_only = args[0] == "actor"
    result = CliRunner().invoke(cli, args + ([] if actor_only else ["--db", str(ro_db)]), env=RO)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if writes:
        assert result.exit_code == 1 and "read-only" in result.output, result.output
    assert digest(ro_db) == before
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.csv.partial").exists()


# --- The editing functions --------------------------------------------------------------------------

def test_editing_refuses_even_with_a_writable_connection(ro_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each write path of stance.editing and of the review queue, both steps of each, with the
    connection opened writable: read-only mode alone must stop them."""
    handle = open_db(ro_db)
    sid = handle.execute("SELECT id FROM statements LIMIT 1").fetchone()[0]
    good = statement(quote="a read-only attempt", speaker="Ro")
    new = editing.validate(handle, good, "Ro")  # validation reads only; it is allowed
    handle.close()
    before = digest(ro_db)
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    handle = open_db(ro_db)
    from stance.extract import store

    attempts = {
        "add_statement": lambda: editing.add_statement(handle, good, "Ro"),
        "prepare_add": lambda: editing.prepare_add(handle, good, "Ro"),
        "commit_add": lambda: editing.commit_add(handle, new, "Ro"),
        "edit_statement": lambda: editing.edit_statement(handle, sid, good, "Ro", "test"),
        "prepare_edit": lambda: editing.prepare_edit(handle, sid, good, "Ro"),
        "commit_edit": lambda: editing.commit_edit(handle, sid, new, "Ro", "test"),
        "delete_statement": lambda: editing.delete_statement(handle, sid, "Ro", "test"),
        "store.reject": lambda: store.reject(handle, "abc123", "Ro", "test"),
        "store.accept": lambda: store.accept(handle, "abc123", "Ro"),
    }
    try:
        for name, attempt in attempts.items():
            with pytest.raises(StanceError):
                attempt()
            assert handle.execute("SELECT count(*) FROM statements WHERE quote = 'a read-only attempt'"
                                  ).fetchone()[0] == 0, name
    finally:
        handle.close()
    assert digest(ro_db) == before


def test_a_read_only_connection_refuses_raw_writes(ro_db: Path) -> None:
    before = digest(ro_db)
    db = open_db(ro_db, read_only=True)
    for sql in ("DELETE FROM votes", "DROP TABLE statements", "INSERT INTO issues (slug, title) VALUES ('x', 'x')"):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute(sql)
    db.close()
    assert digest(ro_db) == before


# --- Read-only media ------------------------------------------------------------------------------

_ON_READ_ONLY_MOUNT = r"""
set -e
mount --bind "$SRC" "$MNT"
mount -o remount,bind,ro "$MNT"
if touch "$MNT/probe" 2>/dev/null; then echo "MOUNT-NOT-READ-ONLY"; exit 3; fi
cd "$PROJECT"
export STANCE_READ_ONLY=1
"$PY" -m stance stats --db "$MNT/stance.db" > "$OUT/stats.txt" 2>&1 || echo "stats exit $?" >> "$OUT/stats.txt"
"$PY" -m stance check --db "$MNT/stance.db" > "$OUT/check.txt" 2>&1 || echo "check exit $?" >> "$OUT/check.txt"
STANCE_DB="$MNT/stance.db" "$PY" -c "$PAGES" > "$OUT/pages.txt" 2>&1 || echo "pages exit $?" >> "$OUT/pages.txt"
"""

_EVERY_PAGE = """
from streamlit.testing.v1 import AppTest
from tests.test_read_only import PAGES
for page in PAGES:
    at = AppTest.from_string(f"from stance.views import {page}\\n{page}.render()\\n", default_timeout=60).run()
    print(page, "exception" if at.exception else "ok", [e.value for e in at.exception][:1])
"""


def test_read_only_mode_on_a_read_only_file_system(ro_template: Path, tmp_path: Path) -> None:
    """A real read-only mount (a read-only bind mount in a private mount namespace, `unshare -m`:
    root cannot write through it, unlike chmod). `stats`, `check` and every page work, and no
    -wal or -shm file is made: the database is opened as immutable."""
    import os
    import subprocess
    import sys

    src, mnt, out = tmp_path / "src", tmp_path / "mnt", tmp_path / "out"
    for folder in (src, mnt, out):
        folder.mkdir()
    shutil.copy(ro_template, src / "stance.db")
    before = digest(src / "stance.db")
    env = {**os.environ, "SRC": str(src), "MNT": str(mnt), "OUT": str(out), "PY": sys.executable,
           "PROJECT": str(Path(__file__).resolve().parent.parent), "PAGES": _EVERY_PAGE}
    done = subprocess.run(["unshare", "-m", "sh", "-c", _ON_READ_ONLY_MOUNT], env=env, capture_output=True,
                          text=True, timeout=600)
    if done.returncode != 0 and not (out / "stats.txt").exists():
        pytest.skip(f"no private read-only mount here (unshare -m needs CAP_SYS_ADMIN): {done.stderr.strip()}")
    stats, check = (out / "stats.txt").read_text(), (out / "check.txt").read_text()
    assert "statements" in stats and "exit" not in stats, stats
    assert "Traceback" not in check and "exit" not in check, check
    pages = (out / "pages.txt").read_text()
    assert pages.count(" ok ") == len(PAGES), pages
    assert sorted(p.name for p in src.iterdir()) == ["stance.db"]
    assert digest(src / "stance.db") == before
