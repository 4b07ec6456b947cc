"""What every page shares: the database path, cached reads, URL state helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from stance import queries
from stance.db import open_db, read_only_mode, resolve_db_path
from stance.sample import ensure_database


def db_path() -> Path:
    return resolve_db_path()


def data_version(path: Path) -> tuple[int, int]:
    """Changes whenever the database does: WAL writes land in the -wal file first."""
    stamps = [p.stat().st_mtime_ns for p in (path, Path(f"{path}-wal")) if p.exists()]
    sizes = [p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()]
    return (max(stamps, default=0), sum(sizes))


def ensure_ready() -> Path:
    """The database, built from the bundled sample on first run (unless read-only)."""
    path = db_path()
    if not path.exists():
        if read_only_mode():
            st.error(f"No database at `{path}`, and read-only mode cannot create one. "
                     "Build it with `python -m stance sample`.")
            st.stop()
        with st.spinner("First run: building the database from the bundled sample…"):
            ensure_database(path)
    return path


def _read(query: Callable[..., pd.DataFrame], path: str, *args: Any) -> pd.DataFrame:
    db = open_db(path, read_only=True)
    try:
        return query(db, *args)
    finally:
        db.close()


@st.cache_data(show_spinner=False, max_entries=256)
def cached(query_name: str, path: str, version: tuple[int, int], *args: Any) -> pd.DataFrame:
    """Any `stance.queries` function, cached per database version: a load invalidates it."""
    return _read(getattr(queries, query_name), path, *args)


def read(query_name: str, *args: Any) -> pd.DataFrame:
    path = db_path()
    return cached(query_name, str(path), data_version(path), *args)


def param_list(name: str) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v.strip()] if raw else []
