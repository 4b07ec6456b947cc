"""A save during a load, or on a full disk, on the Add statement and Review pages: a plain message,
the form kept, nothing written; never a traceback. The lock is a real second connection holding
SQLite's write lock (as a running `stance load` does); the busy wait is shortened from 10 s."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import stance.db
import stance.views.common
from stance.cli import cli
from stance.db import open_db
from stance.extract import store
from tests.helpers import fingerprint
from tests.pages import fill_add_form, page_app

WANG = Path(__file__).parent / "gold" / "articles" / "01_wang_proposal.txt"


@pytest.fixture
def write_locked(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(stance.db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield sample_db
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes the views make may not grow the file by a single page: SQLite's SQLITE_FULL."""
    real = stance.views.common.open_db

    def capped(path, *args, **kwargs):  # noqa: ANN001, ANN202
        db = real(path, *args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(stance.views.common, "open_db", capped)


QUOTE = "Saved while busy. " * 300  # long enough to need new pages on a full disk


def _add(at) -> object:  # noqa: ANN001
    fill_add_form(at, actor="RUS", issue="double-freeze", stance=1, date="2017-09", quote=QUOTE, who="Page Tester")
    (button,) = [b for b in at.button if b.label == "Save statement"]
    return button.click().run()


@pytest.mark.parametrize("fault", ["locked", "full"])
def test_add_statement_says_plainly_and_keeps_the_form(fault: str, sample_db: Path, request,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if fault == "locked":
        request.getfixturevalue("write_locked")
    before = fingerprint(sample_db)
    at = page_app("edit", sample_db, monkeypatch)
    if fault == "full":
        full_disk(monkeypatch)
    at = _add(at)
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    expected = "locked by another writer" if fault == "locked" else "disk is full"
    assert expected in error.value and "Not saved" in error.value, error.value
    assert at.text_area(key="add_quote").value == QUOTE
    assert fingerprint(sample_db) == before


def test_review_accept_while_a_load_writes(sample_db: Path, monkeypatch: pytest.MonkeyPatch, request) -> None:
    out = CliRunner().invoke(cli, ["extract", str(WANG), "--url", "https://example.org/gold/01",
                                   "--db", str(sample_db)], catch_exceptions=False)
    assert out.exit_code == 0
    pid = store.listing(open_db(sample_db, read_only=True)).iloc[0]["id"]
    at = page_app("review", sample_db, monkeypatch)
    at.text_input(key="rv_coder").set_value("Page Coder").run()
    request.getfixturevalue("write_locked")
    (button,) = [b for b in at.button if b.proto.form_id == f"rv_accept_{pid}"]
    at = button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("locked by another writer" in e.value for e in at.error), [e.value for e in at.error]
