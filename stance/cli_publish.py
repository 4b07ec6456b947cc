"""`stance publish OUTDIR`: a snapshot anyone can serve, with Datasette's metadata beside it.

Its own module, registered by stance/cli.py; the work is in stance.publish. Publishing only
reads the database, so it runs in read-only mode too (a public server can republish its copy).
"""

from __future__ import annotations

from pathlib import Path

import click

from stance.db import open_db, resolve_db_path
from stance.package import write_package
from stance.publish import METADATA_NAME, PublishError, check_out_dir, make_snapshot, write_metadata


def write_snapshot_package(snapshot: Path, out_dir: Path) -> Path:
    """The package is read from the snapshot just made, not the live database, so the zip and
    stance.db hold the same rows even if a load commits meanwhile."""
    db = open_db(snapshot, read_only=True)
    try:
        return write_package(db, out_dir)
    finally:
        db.close()


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (replaces stance.db, "
              "metadata.json and stance-data.zip there; nothing else is touched).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="Database file. Default: $STANCE_DB, else data/stance.db.")
def publish(out_dir: Path, force: bool, db_path: str | None) -> None:
    """Write OUT_DIR/stance.db, a compacted, checked, read-only copy of the database, and
    OUT_DIR/metadata.json for Datasette (sources, licences, every table, stored queries), and
    OUT_DIR/stance-data.zip, the data package of all of it.

    The copy is one consistent read, even while a load writes. Serve it with any number of
    read-only dashboards (STANCE_DB=OUT_DIR/stance.db STANCE_READ_ONLY=1) or with Datasette.

    \b
    Examples:
      python -m stance publish site/
      datasette serve --immutable site/stance.db --metadata site/metadata.json
    """
    source = resolve_db_path(db_path)
    if not source.exists():
        raise click.ClickException(f"{source}: no database to publish; nothing was written")
    try:
        check_out_dir(out_dir, source, force)
        snapshot = make_snapshot(source, out_dir)
        write_metadata(snapshot, out_dir)
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out_dir}: cannot write ({exc.strerror})") from None
    package = write_snapshot_package(snapshot.path, out_dir)
    click.echo(f"{snapshot.path}: {snapshot.size / 1e6:.1f} MB, sha256 {snapshot.sha256}")
    click.echo(f"{package}: the data package of all of it (Frictionless Data Package v2: CSVs, schemas, "
               "licences, how to cite)")
    click.echo(f"{out_dir / METADATA_NAME}: Datasette metadata")
    click.echo(f"Serve it: datasette serve --immutable {snapshot.path} --metadata {out_dir / METADATA_NAME}")
