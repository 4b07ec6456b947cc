"""`stance measures MEASURE`: similarity and ideal points from the stored roll calls, as CSV.

Its own module, registered by stance/cli.py, so the measures can grow without touching the
loader's commands. The formulas live in stance.measures; this only checks options and writes.
"""

from __future__ import annotations

import sys

import click
import pandas as pd

from stance import measures as m
from stance import package
from stance.actors import registry
from stance.cli_common import database
from stance.db import read_only_mode
from stance.errors import StanceError
from stance.idealpoints import Settings
from stance.queries import idealpoints as ipq
from stance.queries.measures import Selection, dyadic

DYADIC = m.MEASURES
db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                         help="Database file. Default: $STANCE_DB, else data/stance.db.")


def actor_code(db, raw: str) -> str:
    """A name, alias or code -> the code as stored; a code the registry does not know (a historic
    state stored under its ISO 3166-3 code, say) is taken as written if it has votes."""
    try:
        return registry().resolve(raw)
    except StanceError:
        code = raw.strip().upper()
        if db.execute("SELECT 1 FROM votes WHERE actor = ? LIMIT 1", [code]).fetchone():
            return code
        raise click.BadParameter(f"no actor {raw!r} with votes in this database", param_hint="--actor") from None


def check_issue(db, slug: str) -> None:
    if slug and not db.execute("SELECT 1 FROM issues WHERE slug = ?", [slug]).fetchone():
        known = [r[0] for r in db.execute("SELECT issue FROM resolutions WHERE issue IS NOT NULL "
                                          "GROUP BY issue ORDER BY issue").fetchall()]
        raise click.BadParameter(f"no issue {slug!r}; issues with roll calls: {', '.join(known) or 'none'}",
                                 param_hint="--issue")


def write_csv(df: pd.DataFrame, output: str) -> None:
    """Empty cells for no figure (NaN) and for the window's missing year; six decimals."""
    with click.open_file(output, "w", encoding="utf-8") as fh:
        df.to_csv(fh, index=False, float_format="%.6f", lineterminator="\n")


@click.command()
@click.argument("measure", type=click.Choice((*DYADIC, "idealpoints"), case_sensitive=False))
@click.option("--actor", "actor_name", default=None, help="Only pairs with this state (name or code). "
              "Default: every pair.")
@click.option("--from", "first", type=int, default=None, help="First year (default: the first on record).")
@click.option("--to", "last", type=int, default=None, help="Last year (default: the last on record).")
@click.option("--by", type=click.Choice(["year", "window"]), default="year", show_default=True,
              help="A figure per calendar year, or one over the whole window.")
@click.option("--issue", default="", help="Only roll calls on this issue (its slug).")
@click.option("--important", is_flag=True, help="Only roll calls marked important (importantvote).")
@click.option("--drop-unanimous", is_flag=True, help="Leave out roll calls on which every state that voted "
              "voted alike.")
@click.option("--min-votes", type=click.IntRange(min=1), default=m.DEFAULT_MIN_N, show_default=True,
              help="Pairs with fewer common roll calls get an empty value (never 0), with their n.")
@click.option("--body", type=click.Choice(["UNGA", "UNSC", "both"]), default="UNGA", show_default=True)
@click.option("--follow-seat", is_flag=True, help="One line per UN seat: the Soviet Union's votes count as "
              "Russia's, West Germany's as Germany's (data/successions.csv). Default: codes as stored.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="CSV file to write. Default: standard output.")
@click.option("--package", "package_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the rows as a data package (zip: CSV, datapackage.json, README with how to cite).")
@click.option("--load-published", type=click.Path(dir_okay=False, exists=True), default=None,
              help="idealpoints: store a published Bailey-Strezhnev-Voeten file (Idealpointestimates*.csv) "
              "beside Stance's own, and print how the two correlate.")
@db_option
def measures(measure: str, actor_name: str | None, first: int | None, last: int | None, by: str, issue: str,
             important: bool, drop_unanimous: bool, min_votes: int, body: str, follow_seat: bool, output: str,
             package_path: str | None, load_published: str | None, db_path: str | None) -> None:
    """Similarity of states' UN votes (agreement, graded, s, kappa, pi) or ideal points, as CSV.

    Dyadic rows: actor_a, actor_b, year, measure, value, n (year empty with --by window; value
    empty when n < --min-votes or the measure is undefined). Definitions and sources: README,
    "Similarity measures", and stance/measures.py.

    idealpoints: actor, year, ideal_point, low, high, votes, from an ordinal item-response model
    of the whole General Assembly record (stance/idealpoints.py). The fit is stored in the
    database and redone only when the votes change (about two minutes for the whole record).

    \b
    Examples:
      python -m stance measures kappa --actor USA --from 1991 --to 2020 -o usa_kappa.csv
      python -m stance measures agreement --by window --from 2010 --to 2019 --drop-unanimous
      python -m stance measures s --issue unga-human-rights --important --min-votes 5
      python -m stance measures idealpoints --actor CHN -o china.csv
      python -m stance measures idealpoints --load-published IdealpointestimatesAll_Apr2020.csv
      python -m stance measures kappa --actor USA --package usa_kappa.zip
    """
    options = {"actor": actor_name, "from": first, "to": last, "by": by, "issue": issue, "important": important,
               "drop_unanimous": drop_unanimous, "min_votes": min_votes, "body": body, "follow_seat": follow_seat}
    measure = measure.lower()
    if first is not None and last is not None and first > last:
        raise click.BadParameter(f"--from {first} is after --to {last}", param_hint="--from")
    sel = Selection(body=body, issue=issue, first=first, last=last,
                    important=important, drop_unanimous=drop_unanimous, follow_seat=follow_seat)
    with database(db_path, write=measure == "idealpoints" and not read_only_mode()) as db:
        check_issue(db, issue)
        actor = actor_code(db, actor_name) if actor_name else None
        if measure == "idealpoints":
            df = _ideal_points(db, actor, first, last, output, load_published, refuse=[
                name for name, given in (("--issue", issue), ("--important", important),
                                         ("--drop-unanimous", drop_unanimous), ("--by window", by == "window"),
                                         ("--body", body != "UNGA")) if given])
            if package_path and df is not None:
                _package(db, measure, df, {k: options[k] for k in ("actor", "from", "to")}, package_path)
            return
        if load_published:
            raise click.BadParameter("only with idealpoints", param_hint="--load-published")
        wide = dyadic(db, sel, (measure,), by=by, actor=actor, min_n=min_votes)
        long = m.long_form(wide, (measure,))
        if package_path:
            _package(db, measure, long, options, package_path)
    write_csv(long, output)
    figures = int(long["value"].notna().sum())
    click.echo(f"{measure}: {len(long)} rows ({figures} with a figure, {len(long) - figures} below "
               f"{min_votes} common votes or undefined); {sel.describe()}"
               + (f"; written to {output}" if output != "-" else ""), err=True)


def _package(db, measure: str, df: pd.DataFrame, options: dict[str, object], path: str) -> None:
    """The computed rows as a data package, with the options that made them as its filters."""
    about = package.describe(db, f"measures {measure}", options, "python -m stance measures " + measure + "".join(
        f" --{k.replace('_', '-')}" + ("" if v is True else f" {v}") for k, v in options.items()
        if v not in (None, False, "")), ("votes", "derived"))
    table = package.Table(measure, df, f"stance measures {measure}: computed from the stored roll calls.",
                          ("votes", "derived"))
    with click.open_file(path, "wb") as fh:
        package.write_zip([table], about, fh, defuse=False)
    click.echo(f"data package written to {path}", err=True)


def _ideal_points(db, actor: str | None, first: int | None, last: int | None, output: str,
                  load_published: str | None, refuse: list[str]) -> pd.DataFrame | None:
    """Fit (only if the votes changed) or read the stored fit; write it (and return it); or load a published file."""
    if refuse:
        raise click.BadParameter(f"{', '.join(refuse)}: ideal points are fitted on every General Assembly roll "
                                 "call; these options do not apply", param_hint="idealpoints")
    if load_published:
        if read_only_mode():
            raise click.ClickException("read-only mode (STANCE_READ_ONLY is set); nothing was loaded")
        try:
            run, n = ipq.load_published(db, load_published)
        except StanceError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{load_published}: {n} state-sessions loaded as published ideal points '{run['variant']}'",
                   err=True)
        ours = ipq.points(db)
        if len(ours):
            pooled, by_year = ipq.correlations(ours, ipq.points(db, "published", run["variant"]))
            click.echo(f"correlation with Stance's ideal points: pooled r = {pooled:.3f} over "
                       f"{int(by_year['states'].sum())} state-years; by year median r = {by_year['r'].median():.3f} "
                       f"(lowest {by_year['r'].min():.3f} in {int(by_year.loc[by_year['r'].idxmin(), 'year'])})",
                       err=True)
        return None
    settings = Settings()
    try:
        if ipq.is_current(db, settings):
            run, fitted = ipq.current_run(db), False
        else:
            click.echo("The votes changed since the last fit (or there is none): fitting ideal points to the "
                       "whole General Assembly record, about two minutes.", err=True)
            with click.progressbar(length=settings.max_iter, label="Fitting (iterations, at most)",
                                   file=sys.stderr) as bar:
                run, fitted = ipq.ensure_fit(db, settings, progress=bar.update, store=not read_only_mode())
    except StanceError as exc:
        raise click.ClickException(str(exc)) from None
    df = run["points"] if "points" in run else ipq.points(db)
    df = df[ipq.POINT_COLUMNS]
    if actor:
        df = df[df["actor"] == actor]
    if first is not None:
        df = df[df["year"] >= first]
    if last is not None:
        df = df[df["year"] <= last]
    write_csv(df, output)
    how = (f"fitted now in {run['seconds']:.0f} s ({run['iterations']} iterations)" if fitted
           else f"stored fit of {run['computed_at']}, the votes unchanged since")
    click.echo(f"idealpoints: {len(df)} rows; {how}; {run['roll_calls']} roll calls, {run['votes']} votes"
               + (f"; note: {run['notes']}" if run.get("notes") else ""), err=True)
    return df
