"""Downloads as data packages: the rows of a view as CSV, described so a paper can cite them.

A package is a zip holding one CSV per table (UTF-8 with a byte-order mark, as Explore's CSV,
so it opens in Excel and in pandas alike), a Frictionless Data Package v2 `datapackage.json`
(a Table Schema per file: types, descriptions, the -2..+2 stance scale, the vote coding; the
licence and source of each kind of row; the Stance version; a digest of the database; the
filters and the link that reopens the view) and a README.md that says how to cite it.

Plain functions, no Streamlit: the pages (stance.views.common.package_button), the command line
(`stance measures --package`) and `write_package` (a whole database, for `stance publish`) share
them. A table's rows may be a frame or a function yielding frames: Explore's million votes
stream through the zip one batch at a time.

The database digest is of its content, not its file: a SHA-256 over every row of the tables a
user cares about, read through SQL in primary-key order. Reading the file with open() while this
process holds SQLite connections to it drops their POSIX locks (see stance.db.held_open_here),
and a file digest changes on a checkpoint or VACUUM that changes no row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd
import sqlite_utils

import stance
from stance.citations import SOURCES
from stance.model import STANCE_LABELS

PROFILE = "https://datapackage.org/profiles/2.0/"
SCALE = "; ".join(f"{v:+d} {label}" if v else f"0 {label}" for v, label in sorted(STANCE_LABELS.items()))
STANCE_TEXT = (f"Stance on the issue, -2..+2 ({SCALE}). What the two ends mean is defined per issue (issues.csv: "
               "plus_2, minus_2). A UN vote counts as a stance: yes = the resolution's polarity (+1 or -1), "
               "no = its opposite, abstain = 0.")
VOTES = ("yes", "no", "abstain", "absent", "non-voting")
VOTE_TEXT = ("How the state voted: yes, no, abstain; absent and non-voting where the record says so. Only yes, "
             "no and abstain become stance points and count in agreement.")

# --- Sources and licences of each kind of row ------------------------------------------------

# The repository declares no licence yet (no LICENSE file): hand-coded rows say so rather than guess one.
# When it does, put its SPDX id here (and a path to its text); every package then carries it.
PROJECT_LICENCE = {"name": "LicenseRef-Stance-undeclared",
                   "title": "The Stance project's licence, not yet declared (the repository has no LICENSE file): "
                            "ask the maintainers and the coders named here before republishing hand-coded rows"}


@dataclass(frozen=True)
class Source:
    """One kind of row: where it comes from, under what licence, and how to cite it."""

    key: str
    title: str
    path: str | None
    licence: Mapping[str, str]
    citation: str


def _published(key: str, package_key: str, licence_name: str) -> Source:
    """A published dataset's facts from the one table of them, stance.citations.SOURCES (the chart
    footers, the Data page and publish read it too), in the package's terms."""
    cited = SOURCES[key]
    return Source(package_key, cited.name, cited.url,
                  {"name": cited.licence_id or licence_name, "path": cited.licence_url or "", "title": cited.licence},
                  cited.citation)


GA_RECORD = _published("unvotes", "ga-record", "CC0-1.0")
UNDL = _published("undl", "undl", "UN-terms")
GDELT = _published("gdelt", "gdelt", "GDELT-terms")
HAND = Source(
    "hand-coded", "Statements and votes coded by hand for Stance (each row names its source)", None,
    PROJECT_LICENCE,
    "Stance hand-coded data; coders as listed. Cite each quoted source as well.")
DERIVED = Source(
    "stance", "Figures computed by Stance from the rows above (stance.measures, stance.idealpoints)", None,
    PROJECT_LICENCE,
    "Cite Stance and the data the figures were computed from.")

# import kinds (the imports table) -> the source of their rows
IMPORT_SOURCES = {"unvotes": GA_RECORD, "voeten": GA_RECORD, "undl": UNDL, "gdelt": GDELT,
                  "statements": HAND, "votes": HAND}
# what a table holds -> which import kinds can have made it
EVIDENCE = {"statements": ("statements",), "votes": ("unvotes", "voeten", "undl", "votes"),
            "relations": ("gdelt",), "derived": ()}


# --- Table Schemas -----------------------------------------------------------------------------

def _f(kind: str, text: str, **more: object) -> dict[str, object]:
    return {"type": kind, "description": text, **more}


STANCE_FIELD = _f("integer", STANCE_TEXT, constraints={"minimum": -2, "maximum": 2})
VOTE_FIELD = _f("string", VOTE_TEXT, constraints={"enum": list(VOTES)})
ACTOR = "Actor code: ISO 3166-1 alpha-3 for states, ISO 3166-3 for former states, else an organisation code."
DATE = ("Date as coded: YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no day (the precision is kept).")
FIELDS: dict[str, dict[str, object]] = {
    # Explore's table (stance.queries.explore.COLUMNS)
    "Date": _f("string", DATE), "Actor": _f("string", "Actor's name."),
    "Stance": STANCE_FIELD, "Stance meaning": _f("string", f"The stance in words ({SCALE})."),
    "Quote or vote": _f("string", "The words as the source prints them, or the vote: symbol, how the state voted "
                                  "(yes / no / abstain), the outcome and the resolution's title."),
    "Speaker": _f("string", "Who spoke."), "Notes": _f("string", "The coder's paraphrase and reason for the value."),
    "Kind": _f("string", "Statement or UN vote.", constraints={"enum": ["Statement", "UN vote"]}),
    "Issue": _f("string", "The issue's title."), "Source title": _f("string", "Title of the supporting page."),
    "Source URL": _f("string", "Link to the supporting page (http or https only)."),
    "Actor code": _f("string", ACTOR), "Record id": _f("string", "Statement id or resolution id in the database."),
    # loader and database columns
    "actor": _f("string", ACTOR), "issue": _f("string", "Issue slug (issues.csv)."), "date": _f("string", DATE),
    "day": _f("date", "The first day the date can mean (2017-03 -> 2017-03-01), for ordering."),
    "date_precision": _f("string", "Precision of the date.", constraints={"enum": ["year", "month", "day"]}),
    "stance": STANCE_FIELD, "vote": VOTE_FIELD,
    "quote": _f("string", "The words as the source prints them; empty when unsure."),
    "speaker": _f("string", "Who spoke."), "source_url": _f("string", "Link to the supporting page."),
    "source_title": _f("string", "Title of the supporting page."), "outlet": _f("string", "Publisher of the page."),
    "coder": _f("string", "Who coded the row."),
    "confidence": _f("number", "How sure the coding is, 0..1.", constraints={"minimum": 0, "maximum": 1}),
    "notes": _f("string", "The coder's paraphrase and reason for the value."),
    "resolution": _f("string", "Resolution id: the UN symbol, or the dataset's roll-call id."),
    "body": _f("string", "UNSC (Security Council) or UNGA (General Assembly)."),
    "polarity": _f("string", "+1 if a yes vote supports the issue's +2 end, -1 if it opposes it."),
    "adopted": _f("string", "true, false (failed or vetoed) or unknown (unvotes and Voeten do not record it)."),
    "title": _f("string", "Title."), "kind": _f("string", "Kind of row."),
    "actor_name": _f("string", "Actor's name."), "name": _f("string", "Name."),
    "text": _f("string", "The quote, or the vote in words."),
    "symbol": _f("string", "The UN document symbol (A/RES/72/188) where the record gives one."),
    "session": _f("string", "General Assembly session."),
    "rcid": _f("integer", "Roll-call id in Voeten's record (unvotes); it does not follow time."),
    "important": _f("integer", "1 if the record marks the roll call an important vote.",
                    constraints={"enum": [0, 1]}),
    "coded_by": _f("string", "hand, or rules: who gave the roll call its issue and polarity.",
                   constraints={"enum": ["hand", "rules"]}),
    "code": _f("string", ACTOR), "slug": _f("string", "Issue slug."),
    "plus_2": _f("string", "What +2 (strongly support) means on this issue."),
    "minus_2": _f("string", "What -2 (strongly oppose) means on this issue."),
    "iso2": _f("string", "ISO 3166-1 alpha-2 code."),
    "start": _f("string", "First day the actor existed (former states and their successors)."),
    "end": _f("string", "Last day the actor existed (former states)."),
    "predecessor": _f("string", ACTOR), "successor": _f("string", ACTOR),
    # page frames
    "ref": _f("string", "Statement id or resolution id in the database."),
    "issue_title": _f("string", "The issue's title."), "period": _f("string", "Year (YYYY) or month (YYYY-MM)."),
    "points": _f("integer", "Statements and votes the figure rests on."),
    "cast_by": _f("string", "Following the UN seat: the state that cast the vote (the Soviet Union for Russia)."),
    "other": _f("string", ACTOR), "common": _f("integer", "Roll calls both states voted on (yes, no or abstain)."),
    "agree": _f("number", "The chosen measure of voting alike (README, Similarity measures): a share 0..1 for "
                          "agreement and graded, -1..1 for s, kappa and pi; empty below the minimum of votes."),
    "mean": _f("number", "Mean stance of the votes, -1..+1 (yes = polarity, no = its opposite, abstain = 0)."),
    "yes": _f("integer", "Yes votes."), "no": _f("integer", "No votes."), "abstain": _f("integer", "Abstentions."),
    # measures (stance measures)
    "actor_a": _f("string", ACTOR), "actor_b": _f("string", ACTOR),
    "year": _f("integer", "Calendar year (empty: the whole window)."),
    "measure": _f("string", "Similarity measure: agreement, graded, s, kappa or pi (README, Similarity measures)."),
    "value": _f("number", "The measure's value; empty below the minimum of common roll calls or where undefined."),
    "n": _f("integer", "Roll calls both states voted on (yes, no or abstain)."),
    "ideal_point": _f("number", "Ideal point: position on the main dimension of UN voting (higher = closer to the "
                                "United States' side)."),
    "low": _f("number", "Lower end of the 95 % interval."), "high": _f("number", "Upper end of the 95 % interval."),
    "votes": _f("integer", "Votes the figure rests on."),
}


def _field(name: str, series: pd.Series) -> dict[str, object]:
    """A Table Schema field: described where Stance knows the column, else typed from its values."""
    known = FIELDS.get(name)
    if known is not None:
        if known["type"] == "integer" and not _whole(series):
            return {"name": name, **known, "type": "number"}  # a mean stance, say: same scale, not whole
        return {"name": name, **known}
    if pd.api.types.is_bool_dtype(series):
        kind = "boolean"
    elif pd.api.types.is_integer_dtype(series):
        kind = "integer"
    elif pd.api.types.is_float_dtype(series):
        kind = "number"
    elif pd.api.types.is_datetime64_any_dtype(series):
        kind = "date"
    else:
        kind = "string"
    return {"name": name, "type": kind}


def _whole(series: pd.Series) -> bool:
    """Integers, or floats that are all whole numbers (an integer column with missing values)."""
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return True
    if pd.api.types.is_float_dtype(series):
        values = series.dropna()
        return bool((values == values.round()).all())
    if series.dtype == object:
        values = series.dropna()
        return bool(values.map(lambda v: isinstance(v, int) and not isinstance(v, bool)).all())
    return False


def table_schema(frame: pd.DataFrame, keys: Sequence[str] = ()) -> dict[str, object]:
    """A Table Schema v2 for the frame's columns, in order; empty cells mean missing."""
    schema: dict[str, object] = {"$schema": PROFILE + "tableschema.json",
                                 "fields": [_field(str(c), frame[c]) for c in frame.columns], "missingValues": [""]}
    if keys:
        schema["primaryKey"] = list(keys)
    return schema


# --- Tables and writing -------------------------------------------------------------------------

@dataclass
class Table:
    """One CSV of the package. `rows` is a frame or a function that yields frames (streamed)."""

    name: str
    rows: pd.DataFrame | Callable[[], Iterable[pd.DataFrame]]
    description: str = ""
    evidence: tuple[str, ...] = ()  # what the rows are made of: statements, votes, relations, derived
    keys: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # the header of a stream that yields no frame

    def frames(self) -> Iterator[pd.DataFrame]:
        if isinstance(self.rows, pd.DataFrame):
            yield self.rows
        else:
            yield from self.rows()


def safe_name(text: str) -> str:
    """A resource name as Data Package v2 wants it: lower case, digits, - _ and . only."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "rows"


class _Digest(io.RawIOBase):
    """Passes bytes to a stream, counting them and hashing them (the resource's `bytes`, `hash`)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.out.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)


def _plain(frame: pd.DataFrame, defuse: bool) -> pd.DataFrame:
    """Datetimes as ISO dates; for a spreadsheet reader, text that would run as a formula gets a '."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[column]) and FIELDS.get(str(column), {}).get("type") == "integer" \
                and _whole(out[column]):
            out[column] = out[column].round().astype("Int64")  # 12, not 12.0, where NaN made a float
    if defuse:
        from stance.queries.explore import _defused
        out = _defused(out)
    return out


def write_table(table: Table, out: IO[bytes], defuse: bool) -> tuple[dict[str, object], int, str, int]:
    """The table's CSV into `out`: (its schema, rows, sha256, bytes). The schema is taken from the
    first frame (a stream's later frames have the same columns)."""
    digest = _Digest(out)
    text = io.TextIOWrapper(digest, encoding="utf-8-sig", newline="", write_through=True)
    schema: dict[str, object] | None = None
    written = 0
    for frame in table.frames():
        _plain(frame, defuse).to_csv(text, index=False, header=schema is None, quoting=csv.QUOTE_MINIMAL,
                                     lineterminator="\r\n")
        if schema is None:
            schema = table_schema(frame, table.keys)
        written += len(frame)
    if schema is None:
        empty = pd.DataFrame(columns=list(table.columns))
        empty.to_csv(text, index=False, lineterminator="\r\n")
        schema = table_schema(empty, table.keys)
    text.flush()
    text.detach()
    return schema, written, digest.sha.hexdigest(), digest.size


# --- What the package says about the data -----------------------------------------------------

DIGEST_TABLES = ("actors", "actor_aliases", "actor_groups", "successions", "issues", "sources", "statements",
                 "resolutions", "votes", "relations")
DIGEST_BATCH = 50_000


def _order(db: sqlite_utils.Database, table: str) -> str:
    """The table's primary key columns, quoted, for a stable row order (rowid for a table without one)."""
    keys = db.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table]).fetchall()
    return ", ".join('"' + name.replace('"', '""') + '"' for (name,) in keys) or "rowid"


def database_digest(db: sqlite_utils.Database) -> dict[str, object]:
    """SHA-256 of the database's content: every row of DIGEST_TABLES in primary-key order, each
    row as the JSON array of its values (table name first), one per line. Two databases with the
    same rows have the same digest, whatever their files' layout; read through SQL, never open()."""
    sha = hashlib.sha256()
    existing = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables = [t for t in DIGEST_TABLES if t in existing]
    rows = 0
    for table in tables:  # a name of DIGEST_TABLES (fixed here), ordered by its key columns, quoted
        cursor = db.conn.execute(f'SELECT * FROM "{table}" ORDER BY {_order(db, table)}')
        while chunk := cursor.fetchmany(DIGEST_BATCH):
            sha.update("".join(json.dumps([table, *row], ensure_ascii=False, separators=(",", ":")) + "\n"
                               for row in chunk).encode())
            rows += len(chunk)
    return {"algorithm": "sha256", "value": sha.hexdigest(), "rows": rows, "tables": tables,
            "of": "the database's content, not its file: every row of these tables in primary-key order, each "
                  "row the JSON array [table, value, ...] on its own line (stance.package.database_digest)"}


def _dataset(kind: object) -> str:
    """unvotes-votes, undl-ga, gdelt2 -> unvotes, undl, gdelt: the dataset is the leading letters of a load's kind."""
    return re.match(r"[a-z]*", str(kind)).group()


VOTE_LOADS_OF_ISSUE = """
    SELECT DISTINCT i.kind FROM imports i WHERE i.id IN (
        SELECT (SELECT v.import_id FROM votes v WHERE v.resolution = r.id LIMIT 1) FROM resolutions r
        WHERE r.issue = ?)"""  # one vote per roll call names its load: 6,000 lookups, not a million


def sources_present(db: sqlite_utils.Database, evidence: Iterable[str], issue: str | None = None) -> list[Source]:
    """The sources of the kinds of row a package holds: hand-coded statements; for votes, the
    datasets they were loaded from (those of the issue's roll calls when the view has one: the
    Security Council votes of the sample do not cite the General Assembly record); GDELT for
    relations; Stance for figures it computed."""
    evidence = set(evidence)
    wanted = {kind for e in evidence for kind in EVIDENCE.get(e, ())}
    loaded = {_dataset(row[0]) for row in db.execute("SELECT DISTINCT kind FROM imports")}
    if issue and "votes" in evidence:
        of_issue = {_dataset(row[0]) for row in db.execute(VOTE_LOADS_OF_ISSUE, [issue])}
        loaded = (loaded - set(EVIDENCE["votes"])) | of_issue
    if "statements" in evidence:
        loaded.add("statements")  # statements typed in the dashboard have no load
    found: list[Source] = []
    for kind, source in IMPORT_SOURCES.items():
        if kind in wanted and kind in loaded and source not in found:
            found.append(source)
    if "derived" in evidence:
        found.append(DERIVED)
    return found


def _sources_of(evidence: Iterable[str], present: Sequence[Source]) -> list[Source]:
    """Which of the package's sources one table's rows come from."""
    keys = {IMPORT_SOURCES[k].key for e in evidence for k in EVIDENCE.get(e, ())}
    keys |= {DERIVED.key} if "derived" in evidence else set()
    return [s for s in present if s.key in keys]


def coders(db: sqlite_utils.Database) -> list[str]:
    """Who coded the hand-coded statements (the `coder` column; the team's names where known)."""
    names = dict(db.execute("SELECT id, name FROM coders").fetchall()) if "coders" in db.table_names() else {}
    found = [row[0] for row in db.execute("SELECT DISTINCT coder FROM statements WHERE coder IS NOT NULL "
                                          "ORDER BY coder")]
    return [f"{names[c]} ({c})" if c in names else c for c in found]


@dataclass
class About:
    """What a package says besides its rows: the view, its filters and link, the data's version."""

    view: str
    filters: Mapping[str, object]
    url: str | None
    version: str  # stance.queries.explore.data_version: software, loads, edits
    digest: Mapping[str, object]
    sources: Sequence[Source]
    coders: Sequence[str] = ()
    today: str = field(default_factory=lambda: dt.date.today().isoformat())

    def citation(self) -> str:
        from stance.queries.explore import citation
        line = citation(self.version, dict(self.filters), self.today)
        return line.replace(", filters: ", f", {self.view}, filters: ") if self.filters else \
            line.replace(", filters: ", f", {self.view}")


def describe(db: sqlite_utils.Database, view: str, filters: Mapping[str, object], url: str | None,
             evidence: Iterable[str], digest: Mapping[str, object] | None = None, issue: str | None = None) -> About:
    """The About of a package built from `db` (the digest computed unless given: it reads every row);
    `issue` narrows the sources of votes to those of its roll calls."""
    from stance.queries.explore import data_version
    evidence = tuple(evidence)
    return About(view, dict(filters), url, data_version(db), digest or database_digest(db),
                 sources_present(db, evidence, issue), coders(db) if "statements" in evidence else ())


def _licence(source: Source) -> dict[str, str]:
    return dict(source.licence)


def _source(source: Source) -> dict[str, str]:
    return {"title": source.title, **({"path": source.path} if source.path else {})}


def descriptor(tables: Sequence[Table], results: Sequence[tuple[dict, int, str, int]], about: About) -> dict:
    """The datapackage.json of the written tables."""
    licences = list({s.licence["name"]: _licence(s) for s in about.sources}.values())
    resources = []
    for table, (schema, rows, sha, size) in zip(tables, results, strict=True):
        own = _sources_of(table.evidence, about.sources)
        resource = {"$schema": PROFILE + "dataresource.json", "name": table.name, "path": f"{table.name}.csv",
                    "type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                    "description": (table.description + f" {rows:,} rows.").strip(),
                    "bytes": size, "hash": f"sha256:{sha}",
                    "dialect": {"$schema": PROFILE + "tabledialect.json", "delimiter": ",", "header": True},
                    "schema": schema}
        if own:
            resource["sources"] = [_source(s) for s in own]
            resource["licenses"] = list({s.licence["name"]: _licence(s) for s in own}.values())
        resources.append(resource)
    name = safe_name(f"stance-{about.view}-{about.today}")
    return {
        "$schema": PROFILE + "datapackage.json", "name": name,
        "title": f"Stance: {about.view}, exported {about.today}",
        "description": about.citation(), "version": stance.__version__, "created": _now(),
        "contributors": [{"title": "Stance", "roles": ["publisher"]}]
                        + [{"title": c, "roles": ["coder"]} for c in about.coders],
        "keywords": ["United Nations", "stance", "votes", "diplomacy"],
        "licenses": licences, "sources": [_source(s) for s in about.sources], "resources": resources,
        "stance": {"version": stance.__version__, "data_version": about.version, "view": about.view,
                   "filters": {k: _jsonable(v) for k, v in about.filters.items()}, "url": about.url,
                   "database_digest": dict(about.digest),
                   "citations": {s.key: s.citation for s in about.sources}},
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _jsonable(value: object) -> object:
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def _one_line(value: object) -> str:
    """A filter as typed (it may come from a URL) on one line: a line break must not start a heading."""
    return " ".join(str(_jsonable(value)).split())


def readme(tables: Sequence[Table], results: Sequence[tuple[dict, int, str, int]], about: About) -> str:
    """README.md of the zip: what it holds, how to cite it, how to open it again."""
    shown = "\n".join(f"- `{_one_line(k)}`: {_one_line(v) if v not in (None, '', (), []) else 'all'}"
                      for k, v in about.filters.items()) or "- none"
    files = "\n".join(f"- `{t.name}.csv`: {r[1]:,} rows. {t.description}" for t, r in zip(tables, results, strict=True))
    cites = "\n".join(f"- **{s.title}** ({s.licence['title']}): {s.citation}" for s in about.sources)
    parts = [f"# Stance: {about.view}, exported {about.today}", "",
             "## How to cite", "", about.citation(), "", "And the data it rests on:", "", cites or "- (no rows)", ""]
    if about.coders:
        parts += [f"Hand-coded statements by: {', '.join(about.coders)}.", ""]
    parts += ["## What is here", "", files, "- `datapackage.json`: a Frictionless Data Package v2 "
              "(https://datapackage.org/) describing every file: column types and meanings, licences, sources.", "",
              "The stance scale: " + SCALE + ". What the ends mean is defined per issue. A UN vote counts as a "
              "stance: yes = the resolution's polarity, no = its opposite, abstain = 0.", "",
              "## The view", "", f"Filters:\n\n{shown}", ""]
    if about.url:
        how = "Compute it again" if about.url.startswith("python ") else "Reopen it in the dashboard"
        parts += [f"{how}: {about.url}", ""]
    parts += [f"Stance {stance.__version__}; data: {about.version}.",
              f"Database digest ({about.digest.get('algorithm')}, of its content over {about.digest.get('rows', 0):,} "
              f"rows, see datapackage.json): `{about.digest.get('value')}`.", "",
              "## Opening the files", "",
              "UTF-8 with a byte-order mark, comma-separated, one header row: they open as they are in Excel and "
              "with a plain `pandas.read_csv`. In the page downloads, text a spreadsheet would read as a formula "
              "starts with a `'`. Check the package with `frictionless validate datapackage.json`.", ""]
    return "\n".join(parts)


def write_zip(tables: Sequence[Table], about: About, out: IO[bytes], defuse: bool = True) -> None:
    """The package as a zip into a binary stream: the CSVs (streamed), datapackage.json, README.md."""
    results = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            with archive.open(_member(f"{table.name}.csv"), "w", force_zip64=True) as member:
                results.append(write_table(table, member, defuse))
        archive.writestr(_member("datapackage.json"), json.dumps(descriptor(tables, results, about), indent=2,
                                                                 ensure_ascii=False) + "\n")
        archive.writestr(_member("README.md"), readme(tables, results, about))


def _member(name: str) -> zipfile.ZipInfo:
    """A file of the zip dated now and readable by all (zipfile's default is 1980 and owner-only)."""
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def package_bytes(tables: Sequence[Table], about: About, defuse: bool = True) -> bytes:
    """The zip as bytes (what a download button sends), spooled to disk past 8 MB while written."""
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        write_zip(tables, about, spool, defuse)
        spool.seek(0)
        return spool.read()


# --- A whole database ------------------------------------------------------------------------

def _query(db: sqlite_utils.Database, sql: str) -> Callable[[], Iterator[pd.DataFrame]]:
    def frames() -> Iterator[pd.DataFrame]:
        cursor = db.conn.execute(sql)
        columns = [d[0] for d in cursor.description]
        first = True
        while (chunk := cursor.fetchmany(DIGEST_BATCH)) or first:
            yield pd.DataFrame.from_records(chunk, columns=columns)
            first = False
    return frames


def database_tables(db: sqlite_utils.Database) -> list[Table]:
    """Every table a user of the data cares about. Statements in the loader's own columns, so
    `python -m stance load statements.csv` reads them back; votes as stored (resolution, actor,
    vote), their roll calls in resolutions."""
    from stance.queries import export_statements
    have = set(db.table_names())

    def table(name: str, sql: str, text: str, evidence: tuple[str, ...] = (), keys: tuple[str, ...] = ()) -> None:
        if name in have or name == "statements":
            out.append(Table(name, _query(db, sql), text, evidence, keys))

    out: list[Table] = []
    table("actors", 'SELECT code, name, kind, iso2, region, start, "end" FROM actors ORDER BY code',
          "States, former states and organisations.", keys=("code",))
    table("issues", "SELECT slug, title, description, plus_2, minus_2, parent FROM issues ORDER BY slug",
          "Issues and what their +2 and -2 ends mean.", keys=("slug",))
    out.append(Table("statements", lambda: iter([export_statements(db)]),
                     "Hand-coded statements in the loader's columns: `python -m stance load statements.csv`.",
                     ("statements",)))
    table("resolutions", "SELECT id, body, date, symbol, title, issue, "
          "CASE polarity WHEN 1 THEN '+1' ELSE '-1' END AS polarity, "
          "CASE adopted WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'unknown' END AS adopted, "
          "session, rcid, important, coded_by FROM resolutions ORDER BY id",
          "Roll calls and resolutions, with their issue and polarity.",
          ("votes",), ("id",))
    table("votes", "SELECT resolution, actor, vote FROM votes ORDER BY resolution, actor",
          "One row per state per roll call.", ("votes",), ("resolution", "actor"))
    table("sources", "SELECT id, url, title, outlet, kind FROM sources ORDER BY id", "Pages rows cite.",
          keys=("id",))
    table("successions", "SELECT predecessor, successor, date, kind, note, source_url FROM successions "
          "ORDER BY predecessor, successor", "Which state continued which UN seat.")
    if "relations" in have and db.execute("SELECT 1 FROM relations LIMIT 1").fetchone():
        table("relations", "SELECT * FROM relations ORDER BY id", "GDELT event records between states.",
              ("relations",), ("id",))
    return out


def write_package(db: sqlite_utils.Database, out_dir: Path) -> Path:
    """The data package of a whole database, written into `out_dir` as `stance-data.zip`; returns its path.

    Called by `stance publish`. The CSVs are not defused (no leading '): they are data for
    programs, and the statements must load back exactly."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = database_tables(db)
    evidence = {e for t in tables for e in t.evidence}
    about = describe(db, "whole database", {}, None, evidence)
    path = out_dir / "stance-data.zip"
    partial = out_dir / ".stance-data.zip.partial"
    with open(partial, "wb") as fh:
        write_zip(tables, about, fh, defuse=False)
    partial.replace(path)
    return path
