"""Builders for input files: valid rows to start from, so each test changes one thing."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import sqlite_utils

from stance.ingest.statements import COLUMNS as STATEMENT_COLUMNS
from stance.ingest.votes import COLUMNS as VOTE_COLUMNS
from stance.sample import sample_paths
from stance.synthetic import statements_csv

ISSUES_CSV = sample_paths()[0]


def statement(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "actor": "China", "issue": "double-freeze", "date": "2017-03-08", "stance": "2",
        "quote": "", "speaker": "Wang Yi", "source_url": "https://example.org/a", "source_title": "A",
        "outlet": "Example", "coder": "test", "confidence": "0.9", "notes": "proposes the freeze",
    }
    row.update(changes)
    return row


def vote(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "resolution": "S/RES/9999 (2017)", "body": "UNSC", "date": "2017-12-22", "title": "Test",
        "issue": "dprk-sanctions", "polarity": "+1", "adopted": "true", "actor": "USA", "vote": "yes",
        "source_url": "",
    }
    row.update(changes)
    return row


def write_rows(path: Path, rows: list[dict[str, object]], columns: tuple[str, ...] | None = None) -> Path:
    if columns is None:
        columns = tuple(rows[0]) if rows else STATEMENT_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def load_rows(db: sqlite_utils.Database, folder: Path, statements: list[dict[str, object]],
              votes: list[dict[str, object]]) -> sqlite_utils.Database:
    """Load the sample's issues plus these statement and vote rows through the real loader."""
    from stance.ingest.load import load_paths

    result = load_paths(db, [ISSUES_CSV, write_rows(folder / "s.csv", statements), write_rows(folder / "v.csv", votes)])
    if not result.written:
        raise AssertionError(f"fixture rows did not load: {result.problems}")
    return db


def many_statements(path: Path, n: int) -> Path:
    return statements_csv(path, n)


def fingerprint(db_path: Path) -> str:
    """A digest of every row of every data table: equal digests mean an unchanged database."""
    db = sqlite_utils.Database(db_path)
    digest = hashlib.sha256()
    for table in ("actors", "issues", "sources", "statements", "resolutions", "votes", "imports"):
        if table in db.table_names():
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2').fetchall():
                digest.update(repr(row).encode())
    db.close()
    return digest.hexdigest()


__all__ = ["ISSUES_CSV", "load_rows", "STATEMENT_COLUMNS", "VOTE_COLUMNS", "statement", "vote", "write_rows",
           "many_statements", "fingerprint"]


RAW = Path(__file__).parent / "fixtures" / "raw"


def table_digest(db: sqlite_utils.Database, tables: tuple[str, ...] = ("issues", "sources", "resolutions", "votes",
                                                                       "relations")) -> dict[str, str]:
    """A hash of every row of each table: equal digests mean a load changed nothing."""
    out = {}
    for table in tables:
        rows = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def accounted(f) -> bool:
    """Every row read is loaded, unchanged, rejected or filtered out: none is lost."""
    return f.read == f.loaded + f.unchanged + f.rejected + sum(f.filtered.values())
