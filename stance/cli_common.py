"""What every command shares: opening the database with SQLite's failures said plainly.

Its own module so that command modules registered by stance/cli.py (cli_check, cli_extract)
can use the same helpers without importing cli.py, which imports them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
import pandas as pd
import sqlite_utils

from stance.db import open_db, plain_sqlite_error, read_only_mode, resolve_db_path, unusable
from stance.errors import StanceError


@contextlib.contextmanager
def database(db_path: str | None, write: bool = False, shown: Path | None = None) -> Iterator[sqlite_utils.Database]:
    """Open the database, turning every SQLite failure into a plain one-line message.

    Reading needs an existing file; writing is refused outright in read-only mode. `shown` is
    the name to use in messages when `db_path` is a private build file (`load` into a new path).
    """
    path = resolve_db_path(db_path)
    if write:
        refuse_in_read_only_mode(path)
    elif not path.exists():
        hint = "python -m stance sample" + ("" if db_path is None else f" --db {db_path}")
        raise click.ClickException(f"{path}: no database yet. Create it with: {hint}")
    elif problem := unusable(path):
        raise click.ClickException(f"{path}: {problem}")
    try:
        db = open_db(path, read_only=not write)
    except StanceError as exc:
        raise click.ClickException(str(exc).replace(str(path), str(shown or path))) from None
    try:
        yield db
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:  # pandas wraps what it reads
        raise click.ClickException(f"{shown or path}: {plain(exc)}; nothing was written") from None
    finally:
        db.close()


def refuse_in_read_only_mode(path: Path) -> None:
    if read_only_mode():
        raise click.ClickException(f"{path}: read-only mode (STANCE_READ_ONLY is set); nothing was written")


def remove_database(path: Path) -> None:
    """`sample --fresh`: the user asked to start over; a folder is never removed."""
    if path.is_dir():
        raise click.ClickException(f"{path}: is a folder, not a database file; nothing was removed")
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def plain(exc: Exception) -> str:
    """SQLite's message put plainly (kept here for the commands; the text lives in stance.db)."""
    return plain_sqlite_error(exc)
