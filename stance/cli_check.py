"""`python -m stance check`: verify a database file (registered on the group in stance/cli.py)."""

from __future__ import annotations

import sqlite3
import sys

import click

from stance.check import Unreadable, check_database
from stance.db import open_db, resolve_db_path
from stance.errors import StanceError


@click.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="Database file. Default: $STANCE_DB, else data/stance.db.")
def check(db_path: str | None) -> None:
    """Verify a database: integrity, foreign keys, orphan votes, unknown actors and issues,
    issues without definitions, interrupted imports, pending schema upgrades.

    Opens the file read-only and changes nothing. Prints one line per finding with a count and
    up to five examples. Exit status 0 when clean (warnings allowed), 1 when any error.

    \b
    Example:
      python -m stance check --db research.db
    """
    path = resolve_db_path(db_path)
    if not path.exists():
        raise click.ClickException(f"{path}: no such database")
    try:
        db = open_db(path, read_only=True)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        findings = check_database(db)
    except Unreadable as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    except sqlite3.Error as exc:  # e.g. "unable to open database file": a WAL file it cannot read
        raise click.ClickException(f"{path}: cannot read the database ({exc})") from None
    finally:
        db.close()
    for finding in findings:
        click.echo(str(finding))
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    if errors:
        click.echo(f"{path}: NOT clean: {errors} error(s), {warnings} warning(s)")
        sys.exit(1)
    partial = sum(f.count for f in findings if f.kind == "partial-import")
    if partial:
        click.echo(f"{path}: sound, but INCOMPLETE: {partial} file(s) loaded in part (above); "
                   "reload them once the rejected rows are fixed")
        return
    note = f" ({warnings} warning(s) above, which do not make it unsound)" if warnings else ""
    click.echo(f"{path}: clean{note}")
