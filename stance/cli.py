"""The command line: `python -m stance COMMAND`. Thin commands over stance.ingest and stance.queries."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from stance import __version__, queries
from stance.actors import registry
from stance.cli_check import check
from stance.cli_common import database, refuse_in_read_only_mode, remove_database
from stance.db import (
    DATA_DIR,
    open_db,
    private_sibling,
    publish_database,
    remove_private,
    resolve_db_path,
    write_transaction,
)
from stance.errors import StanceError
from stance.ingest.load import KINDS, LoadResult, load_paths, sync_reference_data
from stance.sample import build_sample, first_run_paths, sample_paths

PROGRESS_MIN_ROWS = 5_000
PROGRESS_MIN_BYTES = 2_000_000
MAX_PROBLEMS_SHOWN = 1_000

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None,
    help="Database file. Default: $STANCE_DB, else data/stance.db.")
kind_option = click.option(
    "--kind", type=click.Choice(KINDS), default=None,
    help="What the files hold. Default: guessed from the header.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stance")
def cli() -> None:
    """Stance: what states and organisations say and how they vote, over time.

    \b
    Quick start:
      python -m stance sample              # build data/stance.db from data/
      python -m stance load my_codes.csv   # add your own statements
      python -m streamlit run dashboard.py # explore
    """


@cli.command()
@db_option
def init(db_path: str | None) -> None:
    """Create the database, or upgrade its schema, and load the actor lists.

    \b
    Example:
      python -m stance init --db research.db
    """
    with database(db_path, write=True) as db:
        with write_transaction(db):
            sync_reference_data(db, registry())
        n = db["actors"].count
    click.echo(f"{resolve_db_path(db_path)}: ready ({n} actors known)")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@kind_option
@click.option("--skip-invalid", is_flag=True,
              help="Load the good rows and write the bad ones, with reasons, to a rejects CSV.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False), default=None,
              help="Where --skip-invalid writes bad rows. Default: rejects.csv.")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Issue-mapping rules for published roll calls. Default: data/issue_rules.csv.")
@click.option("--actors", "gdelt_actors", default="",
              help="GDELT: keep only events between these actors (comma-separated names or codes).")
@click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
              help="GDELT: keep only events reported by at least this many sources.")
@click.option("--root-only", is_flag=True, help="GDELT: keep only root events (IsRootEvent = 1).")
@db_option
def load(paths: tuple[str, ...], kind: str | None, skip_invalid: bool, rejects_path: str | None,
         rules_path: str | None, gdelt_actors: str, min_sources: int, root_only: bool, db_path: str | None) -> None:
    """Load hand-coded files (statements, votes, issues) or published datasets.

    Hand-coded files are CSV or JSON lines. Published datasets are read as downloaded (plain,
    .gz or .zip): UN Digital Library voting CSVs (undl), the unvotes tables (unvotes), Erik
    Voeten's raw file (voeten) and GDELT event files (gdelt). The kind is recognised from the
    header (or GDELT's column count) unless --kind says it.

    Any bad row stops the load with every problem listed as file:line: field: reason, and
    nothing is written (exit status 1). All files go in one transaction; an interrupted load
    leaves the database as it was. Loading the same file again changes nothing.

    \b
    Examples:
      python -m stance load data/issues.csv my_statements.csv
      python -m stance load votes.csv --kind votes --skip-invalid --rejects bad_votes.csv
      python -m stance load data/unga_issues.csv UNGA_voting.csv
      python -m stance load 20240105.export.CSV.zip --actors USA,CHN --min-sources 2
    """
    click.echo(f"Checking {len(paths)} file(s)…", err=True)
    path = resolve_db_path(db_path)
    refuse_in_read_only_mode(path)
    rejects = (rejects_path or "rejects.csv") if skip_invalid else None
    options = {"actors": [_resolve_or_fail(a, "--actors") for a in gdelt_actors.split(",") if a.strip()],
               "min_sources": min_sources, "root_only": root_only}
    run = functools.partial(_load_into, paths=paths, kind=kind, skip_invalid=skip_invalid, rejects=rejects,
                            rules=rules_path, options=options)
    result = None
    if not path.exists() and path.parent.is_dir():
        result = _load_into_new(path, run)
    if result is None:
        result = run(path)
    _report(result, dry_run=False)


def _load_into_new(path: Path, run: Callable[[Path], LoadResult]) -> LoadResult | None:
    """Build a new database in a private file and name it only after the commit.

    A failed load then leaves no file and deletes nothing but its own private file, even when
    another load created and filled `path` meanwhile (it used to delete that one's database).
    None when `path` appeared meanwhile (or hard links are not supported): load into it instead."""
    built = private_sibling(path)
    try:
        result = run(built, shown=path)
        if not result.written:
            return result
        return result if publish_database(built, path) else None
    finally:
        remove_private(built)


def _load_into(db_path: Path, paths: tuple[str, ...], kind: str | None, skip_invalid: bool, rejects: str | None,
               rules: str | None, options: dict, shown: Path | None = None) -> LoadResult:
    """One `load_paths` run with the CLI's progress bar and plain errors (naming `shown`, the
    database the user asked for, rather than a private build file)."""
    with database(str(db_path), write=True, shown=shown) as db, _progress_bar() as progress:
        try:
            return load_paths(db, paths, kind=kind, skip_invalid=skip_invalid, progress=progress,
                              rejects=rejects, rules=rules, options=options)
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or rejects}: cannot write ({exc.strerror}); "
                                       "nothing was loaded") from None


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@kind_option
@db_option
def validate(paths: tuple[str, ...], kind: str | None, db_path: str | None) -> None:
    """Check files as `load` would, and write nothing (a dry run).

    \b
    Example:
      python -m stance validate my_statements.csv
    """
    path = resolve_db_path(db_path)
    if path.exists():
        with database(db_path) as db:
            result = load_paths(db, paths, kind=kind, dry_run=True)
    else:
        db = open_db(":memory:")
        try:
            result = load_paths(db, paths, kind=kind, dry_run=True)
        finally:
            db.close()
    _report(result, dry_run=True)


class _Bar:
    """A progress bar that appears only once a load turns out to be long."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, n: int) -> None:
        if self.bar is None:
            return
        self.bar.update(n)

    def start(self, total: int, unit: str = "rows") -> None:
        """Rows for hand-coded files; bytes read for a streamed published dataset."""
        if unit == "bytes" and total >= PROGRESS_MIN_BYTES:
            self.bar = click.progressbar(length=total, label="Loading (bytes read)", file=sys.stderr)
            self.bar.__enter__()
        elif unit == "rows" and total >= PROGRESS_MIN_ROWS:
            self.bar = click.progressbar(length=total, label="Writing rows", file=sys.stderr)
            self.bar.__enter__()


@contextlib.contextmanager
def _progress_bar() -> Iterator[_Bar]:
    bar = _Bar()
    try:
        yield bar
    finally:
        if bar.bar is not None:
            bar.bar.__exit__(None, None, None)


def _report(result: LoadResult, dry_run: bool) -> None:
    problems = result.problems
    total = result.problem_count
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    if total > MAX_PROBLEMS_SHOWN:
        click.echo(f"... and {total - MAX_PROBLEMS_SHOWN} more problems "
                   "(load with --skip-invalid --rejects FILE to get them all in a CSV)", err=True)
    outcome = "would load" if dry_run and not problems else "loaded" if result.written else "checked"
    for f in result.files:
        click.echo(f.summary(outcome))
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    if result.fatal:
        raise click.ClickException("nothing was written: fix the file-level problems above")
    rejected = sum(f.rejected for f in result.files)
    if dry_run:
        click.echo(f"dry run: {total} problem(s); nothing was written")
        sys.exit(1 if problems else 0)
    if rejected and not result.written:
        raise click.ClickException(
            f"{total} problem(s) in {rejected} row(s); nothing was written. "
            "Fix them, or pass --skip-invalid to load the good rows")
    if rejected and result.rejects_path:
        click.echo(f"{rejected} rejected row(s) written to {result.rejects_path}")


@cli.command()
@click.option("--issue", "issue_slugs", multiple=True, help="Only this issue (repeatable).")
@click.option("--actor", "actor_names", multiple=True, help="Only this actor: name, code or alias (repeatable).")
@click.option("--kind", type=click.Choice(["statements", "votes"]), default="statements", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write. Default: standard output.")
@db_option
def export(issue_slugs: tuple[str, ...], actor_names: tuple[str, ...], kind: str, fmt: str,
           output: str, db_path: str | None) -> None:
    """Write statements or votes in the loader's own columns, so an export loads back.

    \b
    Examples:
      python -m stance export --issue double-freeze --actor China -o china.csv
      python -m stance export --kind votes --format json
    """
    codes = [_resolve_or_fail(name) for name in actor_names]
    with database(db_path) as db:
        query = queries.export_statements if kind == "statements" else queries.export_votes
        df = query(db, issue_slugs, codes)
        left_out = queries.votes_on_no_issue(db, codes) if kind == "votes" and not issue_slugs else (0, 0)
    if fmt == "csv":
        text = df.to_csv(index=False)
    elif fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, indent=2) + "\n"
    else:
        text = df.to_json(orient="records", lines=True, force_ascii=False)
    with click.open_file(output, "w", encoding="utf-8") as fh:
        fh.write(text)
    if output != "-":
        click.echo(f"{len(df)} {kind} written to {output}", err=True)
    if left_out[0]:
        click.echo(f"Note: {left_out[0]} vote(s) on {left_out[1]} roll call(s) without an issue were left out: the "
                   "votes format needs an issue; load those roll calls from their published files", err=True)


def _resolve_or_fail(name: str, option: str = "--actor") -> str:
    try:
        return registry().resolve(name)
    except StanceError as exc:
        raise click.BadParameter(str(exc).removeprefix("actor: "), param_hint=option) from None


@cli.command()
@db_option
def stats(db_path: str | None) -> None:
    """Count what the database holds, per table and per issue.

    \b
    Example:
      python -m stance stats
    """
    with database(db_path) as db:
        for name, n in queries.counts(db).items():
            click.echo(f"{name:>17}: {n}")
        summary = queries.issue_summary(db)
    if len(summary):
        click.echo("")
        click.echo(summary.to_string(index=False))


@cli.command()
@click.argument("names", nargs=-1, required=True)
def actor(names: tuple[str, ...]) -> None:
    """Show how names resolve to actor codes (exit status 1 if any does not).

    \b
    Example:
      python -m stance actor DPRK "the Kremlin" "Republic of Korea"
    """
    reg = registry()
    failed = False
    for name in names:
        try:
            code = reg.resolve(name)
            click.echo(f"{name} -> {reg.explain(code)}")
        except StanceError as exc:
            failed = True
            click.echo(f"{name} -> {str(exc).removeprefix('actor: ')}", err=True)
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--fresh", is_flag=True, help="Delete the database first and build it anew.")
@click.option("--sample-only", is_flag=True,
              help="Only the hand-coded sample (about a second), not the General Assembly record (about 15 s).")
@db_option
def sample(fresh: bool, sample_only: bool, db_path: str | None) -> None:
    """Build the database from data/: the hand-coded sample and the General Assembly record.

    \b
    Example:
      python -m stance sample --fresh
    """
    path = resolve_db_path(db_path)
    refuse_in_read_only_mode(path)
    if fresh:
        remove_database(path)
    paths = sample_paths() if sample_only else first_run_paths()
    try:
        with _progress_bar() as bar:
            result = build_sample(path, paths, bar)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from None
    _report(result, dry_run=False)
    click.echo(f"{path}: loaded {', '.join(str(p.relative_to(DATA_DIR)) for p in paths)}")


def main() -> None:
    cli(prog_name="stance")


cli.add_command(check)


from stance.cli_extract import extract, review  # noqa: E402 - registered last, as their own module

cli.add_command(extract)
cli.add_command(review)

from stance.cli_measures import measures  # noqa: E402 - registered last, as its own module

cli.add_command(measures)
from stance.cli_team import reliability  # noqa: E402 - registered last, as its own module

cli.add_command(reliability)
from stance.cli_publish import publish  # noqa: E402 - registered last, as its own module

cli.add_command(publish)
