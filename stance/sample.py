"""Build a database from the bundled sample in data/: the quick start's and the tests' starting point."""

from __future__ import annotations

import os
from pathlib import Path

from stance.db import DATA_DIR, open_db
from stance.ingest.load import LoadResult, load_paths

SAMPLE_FILES = ("issues.csv", "statements.csv", "votes.csv")


def sample_paths(data_dir: Path = DATA_DIR) -> list[Path]:
    return [data_dir / name for name in SAMPLE_FILES]


def build_sample(db_path: str | os.PathLike) -> LoadResult:
    """Load the sample into `db_path` (creating it); loading again changes nothing."""
    db = open_db(db_path)
    try:
        return load_paths(db, sample_paths())
    finally:
        db.close()


def ensure_database(db_path: str | os.PathLike) -> bool:
    """Build the sample database if the file is missing. True if it was built.

    Built under a temporary name and renamed into place, so a second dashboard session
    starting at the same moment never sees a half-built file.
    """
    path = Path(db_path)
    if path.exists():
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    try:
        result = build_sample(tmp)
        if not result.written:
            raise RuntimeError("the bundled sample did not load:\n" + "\n".join(map(str, result.problems)))
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return True
