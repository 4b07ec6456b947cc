"""A snapshot anyone can serve: an immutable, compacted copy of the database and Datasette metadata.

`make_snapshot` copies the database with `VACUUM INTO` from a read connection: the copy is one
consistent read of the file (a load running meanwhile is either wholly in it or not at all), with
no free pages. The copy is then checked (`PRAGMA integrity_check`), set to the rollback journal
(`journal_mode=DELETE`) so that reading it never needs a -wal or -shm file beside it, made
read-only and only then given its name, so a reader never sees half a snapshot.

`datasette_metadata` describes it for `datasette serve --immutable`: where the data come from and
under which licence, what every table and column means, and stored ("canned") queries that
researchers reuse, each with named parameters (:a, :b, :actor, :issue).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stance import __version__
from stance.citations import SOURCES
from stance.db import VOTE_LABEL_SQL, VOTE_URL_SQL, DatabaseError, open_db, unusable
from stance.errors import StanceError
from stance.ingest.stream import file_sha256

SNAPSHOT_NAME = "stance.db"
METADATA_NAME = "metadata.json"
READ_ONLY_FILE = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0o444


class PublishError(StanceError):
    "The snapshot could not be written; nothing was left in the output folder under its name."


@dataclass(frozen=True)
class Snapshot:
    """What `publish` wrote: the copy, its SHA-256 (for a citation) and its size."""

    path: Path
    sha256: str
    size: int


def check_out_dir(out_dir: Path, source: Path, force: bool) -> None:
    """Refuse a file, a non-empty folder (unless `force`), and a folder holding the source itself."""
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(f"{out_dir}: is a file, not a folder; nothing was written")
    target = out_dir / SNAPSHOT_NAME
    if target.exists() and source.exists() and os.path.samefile(target, source):
        raise PublishError(f"{out_dir}: holds the database being published ({source.name}); "
                           "choose another folder; nothing was written")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise PublishError(f"{out_dir}: folder is not empty; pass --force to replace {SNAPSHOT_NAME}, "
                           f"{METADATA_NAME} and stance-data.zip in it (nothing else there is touched); "
                           "nothing was written")


def make_snapshot(source: Path, out_dir: Path) -> Snapshot:
    """Copy `source` into `out_dir`/stance.db: compacted, checked, rollback-journal, read-only.

    Written under a private name and renamed at the end (a rename replaces atomically), so
    anyone serving the old snapshot from this folder keeps a whole file."""
    problem = unusable(source)
    if problem:
        raise PublishError(f"{source}: {problem}; nothing was written")
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".{SNAPSHOT_NAME}.{secrets.token_hex(6)}.partial"
    try:
        _vacuum_into(source, partial)
        _settle(partial)
        os.chmod(partial, READ_ONLY_FILE)
        digest = file_sha256(partial)
        os.replace(partial, out_dir / SNAPSHOT_NAME)
    finally:
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    target = out_dir / SNAPSHOT_NAME
    return Snapshot(target, digest, target.stat().st_size)


def _vacuum_into(source: Path, partial: Path) -> None:
    """One read transaction copies every page in use: consistent even while a load writes."""
    try:
        db = open_db(source, read_only=True)
    except DatabaseError as exc:
        raise PublishError(f"{exc}; nothing was written") from None
    try:
        db.conn.execute("VACUUM INTO ?", [str(partial)])
    except sqlite3.DatabaseError as exc:
        raise PublishError(f"{source}: cannot copy ({exc}); nothing was written") from None
    finally:
        db.close()


def _settle(partial: Path) -> None:
    """Rollback journal (no -wal/-shm needed to read), then SQLite's own check of every page."""
    conn = sqlite3.connect(partial)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise PublishError(f"{partial.parent}: the copy cannot be checked ({exc}); nothing was written") from None
    finally:
        conn.close()
    if mode.lower() != "delete":
        raise PublishError(f"{partial.parent}: the copy stayed in journal mode {mode}; nothing was written")
    if problems != ["ok"]:
        raise PublishError(f"{partial.parent}: the copy failed SQLite's integrity check ({'; '.join(problems[:3])}); "
                           "the database itself may be damaged: run `python -m stance check`; nothing was written")


def write_metadata(snapshot: Snapshot, out_dir: Path) -> Path:
    """metadata.json beside the snapshot, written whole under another name and renamed."""
    target = out_dir / METADATA_NAME
    partial = out_dir / f".{METADATA_NAME}.{secrets.token_hex(6)}.partial"
    try:
        partial.write_text(json.dumps(datasette_metadata(snapshot), indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


# --- Datasette metadata --------------------------------------------------------------------------

GA_RECORD = SOURCES["unvotes"]  # the citation facts live in one table, stance.citations
GA_RECORD_CITATION = GA_RECORD.citation
GA_RECORD_SOURCE_URL = GA_RECORD.url
CC0_URL = GA_RECORD.licence_url

_VOTE_CODING = "yes, no, abstain, absent or non-voting; only yes, no and abstain count in agreement"
_STANCE_SCALE = ("-2 strongly against, -1 against, 0 neutral or ambiguous, +1 for, +2 strongly for "
                 "(what +2 and -2 mean is defined per issue in issues.plus_2 / issues.minus_2)")

TABLES: dict[str, dict] = {
    "actors": {
        "description": "States, organisations and other actors; one row per code (ISO 3166-1 alpha-3 for current "
                       "states, ISO 3166-3 for former ones).",
        "columns": {"code": "Actor code, used in every other table", "name": "Display name",
                    "kind": "state, organisation or other", "iso2": "ISO 3166-1 alpha-2 code",
                    "region": "World region", "start": "First day the state existed (former states)",
                    "end": "Last day the state existed (former states)"}},
    "actor_aliases": {
        "description": "Other names an actor is known by (DPRK, the Kremlin, ...), resolved to its code.",
        "columns": {"alias": "The name as written in sources", "code": "The actor it means"}},
    "actor_groups": {
        "description": "Membership of groups over time (e.g. elected Security Council members), with a source.",
        "columns": {"group_code": "Group", "actor": "Member actor code", "start": "Membership from",
                    "end": "Membership to (empty: still a member)", "source_url": "Where membership is recorded"}},
    "successions": {
        "description": "Which state continued, merged into or dissolved into which (the Soviet Union's UN seat "
                       "passing to Russia, the two Germanys, ...).",
        "columns": {"predecessor": "Former actor code", "successor": "Actor that followed",
                    "date": "Date of the change", "kind": "continuation, merger or dissolution",
                    "note": "What happened", "source_url": "Where it is recorded"}},
    "issues": {
        "description": "Diplomatic issues; each defines its stance scale.",
        "columns": {"slug": "Issue id, used in every other table", "title": "Issue name",
                    "description": "What the issue covers", "plus_2": "What a +2 stance means",
                    "minus_2": "What a -2 stance means", "parent": "Broader issue, if any"}},
    "statements": {
        "description": "What actors said, hand-coded: one row per statement on an issue, with its source. "
                       "Licence: as published by this database's coders; each row cites its source.",
        "columns": {"id": "Content-derived id (a changed stance is a new id)", "actor": "Who said it (actors.code)",
                    "issue": "On which issue (issues.slug)", "date": "Date as coded (YYYY, YYYY-MM or YYYY-MM-DD)",
                    "date_precision": "year, month or day", "day": "The date as a full day, for sorting",
                    "stance": f"Stance on the issue: {_STANCE_SCALE}", "quote": "Words quoted from the source",
                    "speaker": "Who spoke for the actor", "source_id": "The source (sources.id)",
                    "coder": "Who coded the row", "confidence": "Coder's confidence, 0 to 1",
                    "notes": "Paraphrase or coding note", "import_id": "The load that wrote it (imports.id)",
                    "line": "Line in the loaded file"}},
    "sources": {
        "description": "Where statements and roll calls come from: one row per cited page.",
        "columns": {"id": "Source id", "url": "The page", "title": "Its title", "outlet": "Publisher",
                    "kind": "Kind of source (UN record, news, government, ...)"}},
    "resolutions": {
        "description": "Roll calls of the UN Security Council (hand-coded) and General Assembly (Voeten et al., "
                       "CC0, via the unvotes package: cite it).",
        "source": "Voeten, Strezhnev and Bailey, UN General Assembly Voting Data (CC0)",
        "source_url": GA_RECORD_SOURCE_URL, "license": "CC0 1.0 (General Assembly rows)", "license_url": CC0_URL,
        "columns": {"id": "Roll-call id", "body": "UNSC or UNGA", "date": "Date of the vote",
                    "title": "Short title", "issue": "Issue it counts towards (empty: none)",
                    "polarity": "+1 if a yes supports the issue's +2 side, -1 if it opposes it",
                    "adopted": "1 adopted, 0 not adopted, empty when the source does not say",
                    "source_id": "The source (sources.id)", "coded_by": "hand or rules (issue mapping)",
                    "symbol": "UN document symbol (A/RES/..., S/RES/...)", "session": "General Assembly session",
                    "draft": "Draft symbol", "meeting": "Meeting record", "agenda": "Agenda item",
                    "description": "Longer description from the source", "subjects": "Subjects from the source",
                    "issue_codes": "The source's own issue codes", "important": "1 on the US State Department's "
                    "list of important votes", "rcid": "Roll-call id in Voeten's data",
                    "import_id": "The load that wrote it (imports.id)"}},
    "votes": {
        "description": "How each state voted on each roll call. General Assembly votes: Voeten et al. (CC0), "
                       "via unvotes; cite them.",
        "source": "Voeten, Strezhnev and Bailey, UN General Assembly Voting Data (CC0)",
        "source_url": GA_RECORD_SOURCE_URL, "license": "CC0 1.0 (General Assembly rows)", "license_url": CC0_URL,
        "columns": {"resolution": "The roll call (resolutions.id)",
                    "actor": "The state that cast the vote on that day (actors.code)",
                    "vote": _VOTE_CODING, "import_id": "The load that wrote it (imports.id)",
                    "line": "Line in the loaded file"}},
    "stance_points": {
        "description": "Statements and votes on one scale: every vote on a roll call with an issue becomes a "
                       "stance (yes = the resolution's polarity, no = its opposite, abstain = 0).",
        "columns": {"kind": "statement or vote", "ref": "statements.id or resolutions.id",
                    "actor": "Actor code", "issue": "Issue slug", "date": "Date as recorded",
                    "date_precision": "year, month or day", "day": "Full day, for sorting",
                    "stance": f"Stance: {_STANCE_SCALE}", "text": "Quote, or the vote with its resolution",
                    "speaker": "Who spoke", "source_url": "Where to check it", "source_title": "Source title",
                    "notes": "Coding note"}},
    "relations": {
        "description": "Events between actors from GDELT (its own terms of use apply: https://www.gdeltproject.org/"
                       "about.html#termsofuse).",
        "columns": {"id": "Event id", "dataset": "Which dataset", "source_actor": "Actor who acted",
                    "target_actor": "Actor acted upon", "day": "Date", "event_code": "CAMEO event code",
                    "base_code": "CAMEO base code", "root_code": "CAMEO root code",
                    "quad_class": "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
                                  "4 material conflict",
                    "goldstein": "Goldstein scale, -10 to +10", "mentions": "Mentions", "sources": "Sources",
                    "articles": "Articles", "avg_tone": "Average tone", "url": "A source article"}},
    "imports": {
        "description": "Every load: file, its SHA-256, how many rows were read, loaded and rejected.",
        "columns": {"file": "File loaded", "sha256": "Its SHA-256", "kind": "What it held",
                    "status": "How the load ended"}},
    "rejects": {"description": "Rows a load left out, with the reason (why a country may be missing)."},
    "codebook": {"description": "Every version of every issue's definition, dated: statements record the "
                                "version they were coded under (statement_codebook)."},
    "ideal_points": {"description": "Ideal points per actor and year, by run (ideal_point_runs says how each "
                                    "set was made or where it was published)."},
    "ideal_point_runs": {"description": "How each set of ideal points was made: model, settings, the SHA-256 of "
                                        "the votes used; or the published file and its citation."},
}

QUERIES: dict[str, dict] = {
    "pair_agreement_by_year": {
        "title": "Two states' agreement, year by year",
        "description": "Share of the roll calls both :a and :b voted on (yes, no or abstain) where they voted "
                       "alike, per calendar year, Security Council and General Assembly together. Codes as in "
                       "actors (e.g. CHN, USA; the Soviet Union is SUN). The same figures as Stance's "
                       "pair_by_year (the Alignment page's pair over time, seats not followed).",
        "sql": """SELECT CAST(substr(r.date, 1, 4) AS INTEGER) AS year,
       count(*) AS common,
       sum(va.vote = vb.vote) AS same,
       1.0 * sum(va.vote = vb.vote) / count(*) AS agree
FROM votes va
JOIN votes vb ON vb.resolution = va.resolution
JOIN resolutions r ON r.id = va.resolution
WHERE va.actor = :a AND vb.actor = :b
  AND va.vote IN ('yes', 'no', 'abstain') AND vb.vote IN ('yes', 'no', 'abstain')
GROUP BY year
ORDER BY year"""},
    "state_votes_on_issue": {
        "title": "A state's votes on an issue",
        "description": "Every roll call on issue :issue (issues.slug) and how :actor voted, with the link to "
                       "check it.",
        "sql": f"""SELECT r.date, r.body, {VOTE_LABEL_SQL} AS resolution, r.title, v.vote, r.adopted,
       {VOTE_URL_SQL} AS source_url
FROM votes v
JOIN resolutions r ON r.id = v.resolution
LEFT JOIN sources src ON src.id = r.source_id
WHERE v.actor = :actor AND r.issue = :issue
ORDER BY r.date, r.id"""},
    "statements_by_actor": {
        "title": "What an actor said, with sources",
        "description": "Every coded statement of :actor (actors.code), newest first, with its stance, words, "
                       "speaker and the source to check it.",
        "sql": """SELECT s.date, s.issue, i.title AS issue_title, s.stance, s.quote, s.speaker, s.notes,
       src.title AS source_title, src.outlet, src.url AS source_url, s.coder, s.confidence
FROM statements s
JOIN issues i ON i.slug = s.issue
LEFT JOIN sources src ON src.id = s.source_id
WHERE s.actor = :actor
ORDER BY s.day DESC, s.id"""},
    "roll_call": {
        "title": "How every state voted on one roll call",
        "description": "The votes on roll call :resolution (resolutions.id, e.g. S/RES/2397(2017)).",
        "sql": """SELECT v.actor, a.name, v.vote
FROM votes v LEFT JOIN actors a ON a.code = v.actor
WHERE v.resolution = :resolution
ORDER BY v.vote, a.name"""},
}


def datasette_metadata(snapshot: Snapshot) -> dict:
    """Datasette's metadata.json for the snapshot (database name = file stem, `stance`)."""
    published = datetime.now(UTC).strftime("%Y-%m-%d")
    return {
        "title": "Stance: what states say and how they vote",
        "description": (f"A read-only snapshot of a Stance database, published {published} with Stance "
                        f"{__version__}. SHA-256 of {SNAPSHOT_NAME}: {snapshot.sha256}. Cite that digest with the "
                        "sources below."),
        "license": "Mixed: General Assembly votes CC0 1.0; hand-coded rows as published by their coders; "
                   "GDELT rows under GDELT's terms",
        "source": GA_RECORD_CITATION,
        "source_url": GA_RECORD_SOURCE_URL,
        "about": "Stance",
        "databases": {
            Path(SNAPSHOT_NAME).stem: {
                "description": "Statements (hand-coded, each with its source), UN roll calls and votes, issues.",
                "tables": {**TABLES, "_sqlite_migrations": {"hidden": True}},
                "queries": QUERIES,
            }
        },
    }
