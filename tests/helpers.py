"""Builders for input files: valid rows to start from, so each test changes one thing."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import sqlite_utils

from stance.ingest.statements import COLUMNS as STATEMENT_COLUMNS
from stance.ingest.votes import COLUMNS as VOTE_COLUMNS
from stance.sample import sample_paths

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


def many_statements(path: Path, n: int) -> Path:
    """n distinct valid statements: the quote carries the row number, so every id differs."""
    actors = ["CHN", "RUS", "USA", "DEU", "JPN", "KOR", "PRK", "FRA", "GBR"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(STATEMENT_COLUMNS)
        for i in range(n):
            writer.writerow([actors[i % len(actors)], "double-freeze" if i % 2 else "dprk-sanctions",
                             f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}", i % 5 - 2,
                             f"Synthetic statement number {i}", f"Speaker {i % 50}",
                             f"https://example.org/news/{i % 2000}", f"Story {i % 2000}", "Example Wire",
                             "bench", "0.8", ""])
    return path


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


__all__ = ["ISSUES_CSV", "STATEMENT_COLUMNS", "VOTE_COLUMNS", "statement", "vote", "write_rows",
           "many_statements", "fingerprint"]
