"""The Data page's questions: what was loaded, how much there is, and what looks unfinished.

Each quality check is a query returning the offending rows (empty when all is well), so the
page can show a count and the list behind it, and tests can build a case and see it caught.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from stance.queries import frame

TABLES = ("issues", "statements", "sources", "resolutions", "votes", "actors", "actor_aliases",
          "actor_groups", "imports", "audit")


def imports(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every load, newest first, with its row accounting (read = loaded + unchanged + rejected)."""
    return frame(db, """
        SELECT id, file, kind, rows_read, rows_loaded, rows_unchanged, rows_rejected, status,
               started, finished, sha256
        FROM imports ORDER BY id DESC""")


def table_counts(db: sqlite_utils.Database) -> pd.DataFrame:
    """Rows per table; names come from the fixed TABLES list, never from input."""
    present = set(db.table_names())
    rows = [(name, db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] if name in present else 0)
            for name in TABLES]
    return pd.DataFrame(rows, columns=["table", "rows"])


COUNTED_VOTES = "v.vote IN ('yes', 'no', 'abstain')"  # the votes the stance_points view counts


def issue_summary(db: sqlite_utils.Database) -> pd.DataFrame:
    """Per issue, including issues with nothing yet: evidence counts and the dates they span.

    The figures of the stance_points view, asked of the tables so that no vote's text is built.
    One pass counts the votes per issue; who voted on an issue is found by asking, for each
    issue and each country that ever voted, whether one vote exists (an index lookup, usually
    the first resolution answers): grouping a million votes by (issue, actor) took a second.
    """
    return frame(db, f"""
        WITH statement_pairs AS (
            SELECT issue, actor, count(*) AS n, min(day) AS first, max(day) AS last
            FROM statements GROUP BY issue, actor),
        statement_issues AS (
            SELECT issue, sum(n) AS n, min(first) AS first, max(last) AS last FROM statement_pairs GROUP BY issue),
        vote_counts AS (
            SELECT r.issue, count(*) AS n FROM resolutions r CROSS JOIN votes v ON v.resolution = r.id
            WHERE {COUNTED_VOTES} GROUP BY r.issue),
        vote_span AS (
            SELECT r.issue, min(r.date) AS first, max(r.date) AS last FROM resolutions r
            WHERE EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id AND {COUNTED_VOTES}) GROUP BY r.issue),
        voters AS (
            SELECT a.code FROM actors a
            WHERE EXISTS (SELECT 1 FROM votes v WHERE v.actor = a.code AND {COUNTED_VOTES})),
        vote_pairs AS (
            SELECT i.slug AS issue, voters.code AS actor FROM issues i CROSS JOIN voters
            WHERE EXISTS (SELECT 1 FROM resolutions r CROSS JOIN votes v ON v.resolution = r.id
                          WHERE r.issue = i.slug AND v.actor = voters.code AND {COUNTED_VOTES})),
        actor_counts AS (
            SELECT issue, count(*) AS n
            FROM (SELECT issue, actor FROM statement_pairs UNION SELECT issue, actor FROM vote_pairs) GROUP BY issue)
        SELECT i.slug, i.title, coalesce(si.n, 0) AS statements, coalesce(vc.n, 0) AS votes,
               coalesce(ac.n, 0) AS actors,
               (SELECT count(*) FROM resolutions r WHERE r.issue = i.slug) AS resolutions,
               min(coalesce(si.first, vs.first), coalesce(vs.first, si.first)) AS first,
               max(coalesce(si.last, vs.last), coalesce(vs.last, si.last)) AS last
        FROM issues i LEFT JOIN statement_issues si ON si.issue = i.slug LEFT JOIN vote_counts vc ON vc.issue = i.slug
        LEFT JOIN vote_span vs ON vs.issue = i.slug LEFT JOIN actor_counts ac ON ac.issue = i.slug
        ORDER BY i.title""")


def statements_without_source(db: sqlite_utils.Database) -> pd.DataFrame:
    """Statements no one can check: no source link."""
    # MATERIALIZED: one plain scan of the table. Left to itself SQLite walks the (issue, ...) index
    # for the ORDER BY and fetches every statement's row from it: 300 ms for 100k statements, not 20.
    return frame(db, """
        WITH s AS MATERIALIZED (
            SELECT id, date, issue, day, actor, speaker, coder FROM statements WHERE source_id IS NULL)
        SELECT s.id, s.date, s.issue, a.name AS actor, s.speaker, s.coder
        FROM s JOIN actors a ON a.code = s.actor ORDER BY s.issue, s.day, a.name""")


def statements_without_text(db: sqlite_utils.Database) -> pd.DataFrame:
    """Statements with neither a quote nor notes: the stance value has nothing to stand on."""
    return frame(db, """
        WITH s AS MATERIALIZED (
            SELECT id, date, issue, day, actor, stance, speaker, coder FROM statements
            WHERE trim(coalesce(quote, '')) = '' AND trim(coalesce(notes, '')) = '')
        SELECT s.id, s.date, s.issue, a.name AS actor, s.stance, s.speaker, s.coder
        FROM s JOIN actors a ON a.code = s.actor ORDER BY s.issue, s.day, a.name""")


def group_actors_without_data(db: sqlite_utils.Database) -> pd.DataFrame:
    """Members of a group (P5, G7, a Security Council term) with no statement or vote at all:
    picking that group on a chart silently leaves them out."""
    # An absence or non-vote is no stance point, so a member who only has those still has no data.
    # NOT EXISTS looks each member up in the votes_actor index; NOT IN (SELECT ... FROM votes) read
    # every vote (400 ms for a million).
    return frame(db, f"""
        SELECT g.actor AS code, coalesce(a.name, g.actor) AS name,
               group_concat(DISTINCT g.group_code) AS groups
        FROM actor_groups g LEFT JOIN actors a ON a.code = g.actor
        WHERE g.actor NOT IN (SELECT actor FROM statements)
          AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.actor = g.actor AND {COUNTED_VOTES})
        GROUP BY g.actor ORDER BY name""")


def issues_without_definitions(db: sqlite_utils.Database) -> pd.DataFrame:
    """Issues whose description or scale ends (+2 / -2) are missing: stance values mean nothing
    without them."""
    df = frame(db, """
        SELECT slug, title,
               trim(coalesce(description, '')) = '' AS no_description,
               trim(coalesce(plus_2, '')) = '' AS no_plus_2,
               trim(coalesce(minus_2, '')) = '' AS no_minus_2
        FROM issues
        WHERE trim(coalesce(description, '')) = '' OR trim(coalesce(plus_2, '')) = ''
           OR trim(coalesce(minus_2, '')) = ''
        ORDER BY slug""")
    labels = {"no_description": "description", "no_plus_2": "+2 meaning", "no_minus_2": "-2 meaning"}
    missing = [", ".join(label for column, label in labels.items() if row[column]) for _, row in df.iterrows()]
    return pd.DataFrame({"slug": df["slug"], "title": df["title"], "missing": missing})


def resolutions_without_votes(db: sqlite_utils.Database) -> pd.DataFrame:
    """Resolutions recorded with no country's vote: they mark the timeline but add no points."""
    return frame(db, """
        SELECT r.id, r.body, r.date, r.issue, r.title
        FROM resolutions r WHERE NOT EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id)
        ORDER BY r.date""")


@dataclass(frozen=True)
class Check:
    """One quality check: the query (a function of this module) and what a hit means."""

    query: str
    title: str
    why: str


CHECKS = (
    Check("statements_without_source", "Statements without a source",
          "No link to the page the statement was coded from, so no reader can check it."),
    Check("statements_without_text", "Statements with neither quote nor notes",
          "Nothing records what was said or why the stance value was chosen."),
    Check("group_actors_without_data", "Actors in groups with no data",
          "Members of P5, G7 or a Security Council term with no statement or vote: choosing the group "
          "on a chart leaves them out."),
    Check("issues_without_definitions", "Issues without a description or scale definitions",
          "Without saying what +2 and -2 mean for the issue, its stance values cannot be read."),
    Check("resolutions_without_votes", "Resolutions without votes",
          "The resolution is known but no vote on it is recorded."),
)


REJECT_COLUMNS = ["file", "kind", "finished", "line", "field", "value", "reason", "year", "row"]


def rejects(db: sqlite_utils.Database) -> pd.DataFrame:
    """The rows the latest load of each file left out (one line per problem), from the `rejects`
    table (migration m009_h11a); empty for a database that predates it."""
    if "rejects" not in db.table_names():
        return pd.DataFrame(columns=REJECT_COLUMNS)
    return frame(db, """
        WITH latest AS (SELECT max(id) AS id FROM imports GROUP BY file)
        SELECT i.file, i.kind, i.finished, x.line, x.field, x.value, x.reason, x.year, x.row
        FROM latest l JOIN rejects x ON x.import_id = l.id JOIN imports i ON i.id = l.id
        ORDER BY i.file, x.line, x.id""")


def _years(years: pd.Series) -> str:
    """'1992-2006 (12 years)', '2017', or '' when the rows do not say."""
    known = sorted({int(y) for y in years.dropna()})
    if not known:
        return ""
    if len(known) == 1:
        return str(known[0])
    return f"{known[0]}-{known[-1]} ({len(known)} years)"


def rejects_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows grouped by what was wrong: file, field, value and reason, with how many
    rows and which years, most rows first. The value is what a reader acts on: a country code
    the actor list lacks, a vote that is not yes, no or abstain."""
    if rows.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    keys = ["file", "field", "value", "reason"]
    grouped = rows.fillna({"value": ""}).groupby(keys, sort=False)
    out = grouped.agg(rows=("line", "nunique"), years=("year", _years)).reset_index()
    return out.sort_values(["rows", "file", "field"], ascending=[False, True, True], kind="stable",
                           ignore_index=True)[SUMMARY_COLUMNS]


SUMMARY_COLUMNS = ["file", "field", "value", "rows", "years", "reason"]  # the long reason last
