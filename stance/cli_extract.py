"""`stance extract` and `stance review`: propose statements from articles, then decide on them.

Kept apart from stance/cli.py (which registers these two commands) so the extraction assistant can
grow without touching the loader's commands. The database is opened by stance.cli_common, as
for every command.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

import click
import sqlite_utils

from stance.actors import registry
from stance.cli_common import database
from stance.errors import FieldError, StanceError, ValidationError
from stance.extract import store
from stance.extract.evaluate import evaluate as run_evaluation
from stance.extract.evaluate import report
from stance.extract.propose import Options, Proposal, extract_file
from stance.model import parse_date, parse_url, stance_text

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                         help="Database file. Default: $STANCE_DB, else data/stance.db.")


def _ensure_reference_data(db: sqlite_utils.Database) -> None:
    """Accepted statements need the actor list in the database (a fresh file has none)."""
    if db.execute("SELECT count(*) FROM actors").fetchone()[0] == 0:
        from stance.ingest.load import sync_reference_data

        with db.atomic():
            sync_reference_data(db, registry())


def _line(p: Proposal | dict, mark: str = "") -> str:
    get = p.get if isinstance(p, dict) else lambda k: getattr(p, k)
    date = get("date") or "no date"
    return (f"{mark}{get('id')[:12]}  {get('actor'):<4} {get('issue'):<15} {stance_text(get('stance')):<20} "
            f"{date:<10}  conf {get('confidence'):.2f}  {get('rule')}: “{get('cues')}”")


def _wrapped(text: str, indent: str = "      ") -> str:
    return textwrap.fill(" ".join(text.split()), width=110, initial_indent=indent, subsequent_indent=indent)


@click.command()
@click.argument("articles", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--date", "date", default=None, help="The articles' date (YYYY, YYYY-MM or YYYY-MM-DD), if the "
              "text does not say it.")
@click.option("--url", default=None, help="The article's http(s) link: the accepted statements' source.")
@click.option("--outlet", default=None, help="Who published it (e.g. 'Reuters', 'Ministry of Foreign Affairs "
              "of Japan').")
@click.option("--speaker-actor", default=None, help="Whose voice a press release's 'we' and 'I' are: an actor "
              "name or code (default: the publisher, if --outlet names a ministry of a state).")
@click.option("--evaluate", "gold", type=click.Path(exists=True, file_okay=False), default=None,
              help="Score the extractor on a gold folder instead (see tests/gold/README.md).")
@click.option("--articles", "articles_dir", type=click.Path(file_okay=False), default=None,
              help="With --evaluate: the folder holding the gold set's article files (default: its articles/). "
              "Articles not there are skipped and counted.")
@click.option("--confident-only", is_flag=True, help="Leave out the recall-first candidates (sentences naming an "
              "issue and an actor with no stance cue tied to them, proposed with confidence 0.2).")
@db_option
def extract(articles: tuple[str, ...], date: str | None, url: str | None, outlet: str | None,
            speaker_actor: str | None, gold: str | None, articles_dir: str | None, confident_only: bool,
            db_path: str | None) -> None:
    """Propose statements from news articles or press releases (plain text or saved HTML).

    Each proposal names the actor, issue, stance and date, with the sentence, the rule and cues
    that produced it, and goes to the review queue (python -m stance review), never straight into
    the statements. Reading an article again proposes nothing new. Every sentence that names (or
    describes) an issue and an actor is proposed too, with confidence 0.2 and the reason "issue and
    actor, no stance cue", after the confident ones (--confident-only leaves them out).

    \b
    Examples:
      python -m stance extract story.txt --url https://example.org/story --outlet Reuters
      python -m stance extract statement.html --speaker-actor JPN --date 2017-12-23
      python -m stance extract --evaluate tests/gold
      python -m stance extract --evaluate tests/gold_real --articles ~/saved-pages
    """
    if gold:
        click.echo(report(run_evaluation(gold, articles_dir=articles_dir), gold))
        return
    if not articles:
        raise click.UsageError("name at least one article file (or use --evaluate GOLD_DIR)")
    options = replace(_options(date, url, outlet, speaker_actor), recall_first=not confident_only)
    total = new = 0
    with database(db_path, write=True) as db:
        _ensure_reference_data(db)
        issues = {r[0] for r in db.execute("SELECT slug FROM issues")}
        for path in articles:
            try:
                result = extract_file(path, options)
                saved = store.save(db, result, path)
            except (OSError, StanceError) as exc:
                raise click.ClickException(f"{path}: {exc}") from None
            known = {p.id for p in saved.known}
            when = f"{result.date.date} ({result.date.how})" if result.date else "no date found (give --date)"
            click.echo(f"{path}: “{result.article.title or '(no headline)'}”, {when}")
            for p in result.proposals:
                click.echo(_line(p, "= " if p.id in known else "+ "))
                click.echo(_wrapped(p.sentence))
                if p.speaker:
                    click.echo(f"      speaker: {p.speaker}")
            missing = sorted({p.issue for p in result.proposals} - issues)
            if missing:
                click.echo(f"  note: issue(s) {', '.join(missing)} are not in the database yet; load an issues "
                           "file before accepting these", err=True)
            click.echo(f"{path}: {len(result.proposals)} proposals, {len(saved.new)} new")
            total += len(result.proposals)
            new += len(saved.new)
    if len(articles) > 1:
        click.echo(f"{len(articles)} articles: {total} proposals, {new} new")
    click.echo("Review them with: python -m stance review --list" + (f" --db {db_path}" if db_path else ""))


def _options(date: str | None, url: str | None, outlet: str | None, speaker_actor: str | None) -> Options:
    try:
        if date:
            parse_date(date, "--date")
        url = parse_url(url or "", "--url") if url else None
    except FieldError as exc:
        raise click.BadParameter(exc.reason, param_hint=exc.field) from None
    code = None
    if speaker_actor:
        try:
            code = registry().resolve(speaker_actor, "--speaker-actor")
        except StanceError as exc:
            raise click.BadParameter(str(exc).removeprefix("--speaker-actor: "), param_hint="--speaker-actor") \
                from None
    return Options(date, url, outlet, code)


@click.command()
@click.option("--list", "show", is_flag=True, help="List proposals (the default).")
@click.option("--accept", "accept_id", default=None, help="Accept this proposal (id or a unique prefix).")
@click.option("--reject", "reject_id", default=None, help="Reject this proposal (id or a unique prefix).")
@click.option("--coder", default=None, help="Your name: the statement's coder and the decision's author.")
@click.option("--reason", default=None, help="Why a proposal is rejected (required with --reject).")
@click.option("--set", "edits", multiple=True, metavar="FIELD=VALUE",
              help="With --accept: change actor, issue, stance or date first (repeatable).")
@click.option("--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="pending",
              show_default=True, help="With --list: which proposals.")
@click.option("--issue", default=None, help="With --list: only this issue.")
@click.option("--actor", "actor_name", default=None, help="With --list: only this actor (name or code).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@db_option
def review(show: bool, accept_id: str | None, reject_id: str | None, coder: str | None, reason: str | None,
           edits: tuple[str, ...], status: str, issue: str | None, actor_name: str | None, limit: int,
           db_path: str | None) -> None:
    """List, accept or reject proposed statements (the dashboard's Review page does the same).

    Accepting writes a statement through the loader's validation, with you as its coder and the
    proposal's provenance in its notes; rejecting keeps the proposal out for good, with your reason.

    \b
    Examples:
      python -m stance review --list --issue double-freeze
      python -m stance review --accept 3f2a9c1b --coder "Ada Lovelace"
      python -m stance review --accept 3f2a9c1b --set stance=1 --set date=2017-03 --coder Ada
      python -m stance review --reject 77c0e1d2 --reason "the object, not the subject" --coder Ada
    """
    if accept_id and reject_id:
        raise click.UsageError("--accept and --reject cannot go together")
    if accept_id or reject_id:
        _decide(accept_id, reject_id, coder, reason, edits, db_path)
        return
    _list(status, issue, actor_name, limit, db_path)


def _decide(accept_id: str | None, reject_id: str | None, coder: str | None, reason: str | None,
            edits: tuple[str, ...], db_path: str | None) -> None:
    changes = {}
    for edit in edits:
        field, sep, value = edit.partition("=")
        if not sep or field.strip() not in store.EDITABLE:
            raise click.BadParameter(f"{edit!r}: expected FIELD=VALUE with FIELD one of {', '.join(store.EDITABLE)}",
                                     param_hint="--set")
        changes[field.strip()] = value.strip()
    if reject_id and changes:
        raise click.UsageError("--set goes with --accept")
    with database(db_path, write=True) as db:
        try:
            pid = store.resolve_id(db, accept_id or reject_id or "")
            if accept_id:
                statement_id = store.accept(db, pid, coder or "", changes)
                click.echo(f"accepted {pid}: statement {statement_id}")
            else:
                store.reject(db, pid, coder or "", reason or "")
                click.echo(f"rejected {pid}")
        except ValidationError as exc:
            raise click.ClickException("; ".join(f"{p.field}: {p.reason}" for p in exc.problems)) from None
        except StanceError as exc:
            raise click.ClickException(str(exc)) from None


def _list(status: str, issue: str | None, actor_name: str | None, limit: int, db_path: str | None) -> None:
    actor = None
    if actor_name:
        try:
            actor = registry().resolve(actor_name)
        except StanceError as exc:
            raise click.BadParameter(str(exc).removeprefix("actor: "), param_hint="--actor") from None
    wanted = None if status == "all" else status
    with database(db_path, write=False) as db:
        rows = store.listing(db, wanted, issue, actor, limit=limit)
        matching = store.count(db, wanted, issue, actor)
        counts = store.tally(db)
    for row in rows.to_dict("records"):
        why = f": {row['reason']}" if isinstance(row["reason"], str) and row["reason"] else ""
        decided = "" if row["status"] == "pending" else f"  [{row['status']} by {row['decided_by']}{why}]"
        click.echo(_line(row) + decided)
        click.echo(_wrapped(row["sentence"]))
        click.echo(f"      source: {row['article_url'] or row['article_path']}")
    precision = store.precision_so_far(counts)
    shown = f"{len(rows)} of {matching} {status}" if status != "all" else f"{len(rows)} of {matching}"
    figure = f"{precision:.2f}" if precision is not None else "n/a (nothing decided yet)"
    click.echo(f"{shown} shown. Queue: {counts['pending']} pending, {counts['accepted']} accepted "
               f"({counts['edited']} after an edit), {counts['rejected']} rejected; precision so far {figure}")
