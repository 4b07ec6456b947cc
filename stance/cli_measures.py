"""`stance measures MEASURE`: similarity and ideal points from the stored roll calls, as CSV.

Its own module, registered by stance/cli.py, so the measures can grow without touching the
loader's commands. The formulas live in stance.measures; this only checks options and writes.
"""

from __future__ import annotations

import click
import pandas as pd

from stance import measures as m
from stance.actors import registry
from stance.cli_common import database
from stance.errors import StanceError
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
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="CSV file to write. Default: standard output.")
@db_option
def measures(measure: str, actor_name: str | None, first: int | None, last: int | None, by: str, issue: str,
             important: bool, drop_unanimous: bool, min_votes: int, body: str, output: str,
             db_path: str | None) -> None:
    """Similarity of states' UN votes (agreement, graded, s, kappa, pi) or ideal points, as CSV.

    Dyadic rows: actor_a, actor_b, year, measure, value, n (year empty with --by window; value
    empty when n < --min-votes or the measure is undefined). Definitions and sources: README,
    "Similarity measures", and stance/measures.py.

    \b
    Examples:
      python -m stance measures kappa --actor USA --from 1991 --to 2020 -o usa_kappa.csv
      python -m stance measures agreement --by window --from 2010 --to 2019 --drop-unanimous
      python -m stance measures s --issue unga-human-rights --important --min-votes 5
    """
    measure = measure.lower()
    if first is not None and last is not None and first > last:
        raise click.BadParameter(f"--from {first} is after --to {last}", param_hint="--from")
    sel = Selection(body=body, issue=issue, first=first, last=last,
                    important=important, drop_unanimous=drop_unanimous)
    with database(db_path) as db:
        check_issue(db, issue)
        actor = actor_code(db, actor_name) if actor_name else None
        if measure == "idealpoints":
            raise click.ClickException("idealpoints: not available in this version")
        wide = dyadic(db, sel, (measure,), by=by, actor=actor, min_n=min_votes)
    long = m.long_form(wide, (measure,))
    write_csv(long, output)
    figures = int(long["value"].notna().sum())
    click.echo(f"{measure}: {len(long)} rows ({figures} with a figure, {len(long) - figures} below "
               f"{min_votes} common votes or undefined); {sel.describe()}"
               + (f"; written to {output}" if output != "-" else ""), err=True)
