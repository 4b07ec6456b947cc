"""`python -m stance reliability ...`: coders, drawing a sample for second coding, the report.

Registered on the group in stance/cli.py, like cli_check and cli_extract.
"""

from __future__ import annotations

import math

import click

from stance import codebook, team
from stance import reliability as rel
from stance.cli_common import database
from stance.errors import StanceError
from stance.queries import team as team_queries

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                         help="Database file. Default: $STANCE_DB, else data/stance.db.")


@click.group()
def reliability() -> None:
    """Coding as a team: register coders, draw units for blind second coding, report agreement.

    \b
    Example:
      python -m stance reliability coder "Ana Bell" AB
      python -m stance reliability draw --share 0.2 --issue double-freeze --coder AB --seed 7 --by lead
      python -m stance reliability report
    """


@reliability.command("coder")
@click.argument("name")
@click.argument("short_id")
@db_option
def add_coder(name: str, short_id: str, db_path: str | None) -> None:
    """Register a coder by name and short id (letters, digits, - or _; at most 12).

    \b
    Example:
      python -m stance reliability coder "Ana Bell" AB
    """
    with database(db_path, write=True) as db:
        try:
            team.add_coder(db, name, short_id)
        except StanceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"coder {short_id} ({name}) registered")


@reliability.command()
@click.option("--share", type=click.FloatRange(0, 1, min_open=True), required=True,
              help="Fraction of the eligible units to draw, e.g. 0.2.")
@click.option("--issue", "issues", multiple=True, help="Only this issue (repeatable). Default: all.")
@click.option("--coder", required=True, help="The second coder (short id or name), registered first.")
@click.option("--seed", type=int, required=True, help="Random seed: the same seed draws the same units.")
@click.option("--kind", type=click.Choice(team.KINDS), default="statement", show_default=True,
              help="Draw recorded statements, or pending proposals from the review queue.")
@click.option("--by", "drawn_by", default="coordinator", show_default=True, help="Who draws (kept on record).")
@db_option
def draw(share: float, issues: tuple[str, ...], coder: str, seed: int, kind: str, drawn_by: str,
         db_path: str | None) -> None:
    """Draw a seeded, reproducible sample of units for a second coder to code blind.

    \b
    Example:
      python -m stance reliability draw --share 0.2 --issue dprk-sanctions --coder AB --seed 7
    """
    with database(db_path, write=True) as db:
        try:
            drawn = team.draw(db, share, coder, seed, drawn_by, issues, kind)
        except StanceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"drew {len(drawn.units)} of {drawn.candidates} eligible {kind}(s) for {coder} ({drawn.sample})")
    for unit in drawn.units:
        click.echo(f"  {unit}")


def _fmt(value: float) -> str:
    return "  n/a" if value is None or math.isnan(value) else f"{value:.3f}"


@reliability.command()
@click.option("--issue", default=None, help="Only this issue.")
@click.option("--reps", type=click.IntRange(min=50), default=rel.BOOTSTRAP_REPS, show_default=True,
              help="Bootstrap resamples for the 95 % interval.")
@db_option
def report(issue: str | None, reps: int, db_path: str | None) -> None:
    """Krippendorff's alpha per issue, per coder pair and overall, with a bootstrap interval.

    \b
    Example:
      python -m stance reliability report --issue double-freeze
    """
    with database(db_path) as db:
        pairs = team_queries.paired(db, issue)
    if pairs.empty:
        click.echo("no unit has been coded twice yet (draw a sample, then code it on the Double-code page)")
        return
    table = rel.report(pairs, reps=reps)
    click.echo(f"{'scope':<8} {'label':<32} {'units':>5} {'agree':>5}  {'ordinal':>7} {'95% interval':>15}  "
               f"{'sign':>6} {'95% interval':>15}  verdict (ordinal)")
    for r in table.itertuples():
        click.echo(f"{r.scope:<8} {r.label[:32]:<32} {r.units:>5} {r.agree:>5}  {_fmt(r.alpha_ordinal):>7} "
                   f"[{_fmt(r.ordinal_low)}, {_fmt(r.ordinal_high)}]  {_fmt(r.alpha_sign):>6} "
                   f"[{_fmt(r.sign_low)}, {_fmt(r.sign_high)}]  {r.verdict_ordinal}")
    click.echo(f"Thresholds: {rel.THRESHOLDS}.")
    click.echo("ordinal: alpha on the -2..+2 scale; sign: nominal alpha on oppose / neutral / support.")


@reliability.command("codebook")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write. Default: standard output.")
@db_option
def codebook_export(output: str, db_path: str | None) -> None:
    """Write the codebook (every issue's current definition and its history) as one Markdown document.

    \b
    Example:
      python -m stance reliability codebook -o appendix_codebook.md
    """
    with database(db_path) as db:
        text = codebook.to_markdown(team_queries.codebook_current(db), team_queries.codebook_history(db))
    with click.open_file(output, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    if output != "-":
        click.echo(f"codebook written to {output}", err=True)
