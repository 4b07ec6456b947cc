"""Open, create and upgrade the Stance database. The only place the schema is defined.

Every schema change is a new function registered on `MIGRATIONS`, never an edit of an old
one: sqlite-utils records which ones a database has, so old files upgrade in place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from stance.errors import StanceError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DB = DATA_DIR / "stance.db"
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS = Migrations("stance")


class DatabaseError(StanceError):
    "The database file cannot be opened or written."


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """`--db`, else `STANCE_DB`, else `data/stance.db` in the project."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get("STANCE_DB"):
        return Path(os.environ["STANCE_DB"])
    return DEFAULT_DB


def read_only_mode() -> bool:
    """Public deployments set STANCE_READ_ONLY=1: the file is then opened read-only."""
    return os.environ.get("STANCE_READ_ONLY", "").strip().lower() in {"1", "true", "yes"}


SQLITE_HEADER = b"SQLite format 3\x00"


def unusable(path: str | os.PathLike, for_writing: bool = False) -> str | None:
    """Why the file at `path` cannot serve as a Stance database, in plain words; None if it can.

    Cheap enough for every dashboard run (the 100-byte header and the schema table): a folder,
    random bytes, a truncated file, an empty or foreign SQLite file, or one made by a newer
    Stance. For writing, a missing or 0-byte file, or a SQLite file with no tables at all, is
    fine: that is a new database. A newer schema is refused for reading too: its tables may
    mean what this version does not know, and its pages would fail with SQL errors."""
    path = Path(path)
    if path.is_dir():
        return "is a folder, not a database file"
    if not path.exists():
        return None if for_writing else "does not exist"
    if not path.is_file():
        return "is not a regular file"
    size = path.stat().st_size
    if size == 0:
        return None if for_writing else ("is an empty file (0 bytes), not yet a Stance database: build one with "
                                         "`python -m stance sample` or `python -m stance init`")
    problem = _header_problem(path, size)
    if problem:
        return problem
    return _schema_problem(path, for_writing)


def held_open_here(path: Path) -> bool:
    """Does this process already hold `path` open (a SQLite connection to it, most likely)?

    Opening and closing the file with Python's open() would then drop every POSIX lock this
    process holds on it: the locks by which SQLite's other connections here tell the world
    they are reading. Another process, seeing no reader, may then checkpoint and delete the
    WAL under them ("disk I/O error" in a dashboard reading during a load). Linux answers from
    /proc/self/fd; elsewhere a -shm file beside the database stands for "may be open"."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return Path(f"{path}-shm").exists()
    target = os.path.realpath(path)
    for fd in os.listdir(fds):
        try:
            if os.readlink(fds / fd) == target:
                return True
        except OSError:
            continue  # closed since listing
    return False


def _header_problem(path: Path, size: int) -> str | None:
    """Random bytes and truncated copies, told from the header alone; not read while this
    process holds the file open (see held_open_here: it was checked when that was opened)."""
    if held_open_here(path):
        return None
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not header.startswith(SQLITE_HEADER):
        return "is not a SQLite database (it does not start with SQLite's header)"
    if len(header) < 100:
        return f"is truncated: {size} bytes, shorter than SQLite's 100-byte header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]  # SQLite's rule for trusting the size field
    if header_valid and pages and size < pages * page_size:
        return (f"is truncated: its header says {pages * page_size} bytes, the file has {size} "
                "(a copy cut short? restore a full copy)")
    return None


def _schema_problem(path: Path, for_writing: bool) -> str | None:
    """An empty, foreign or newer-than-this-Stance schema, or a file SQLite cannot read."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = set()
            if "_sqlite_migrations" in tables:
                applied = {row[0] for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name])}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"cannot be read: {plain_sqlite_error(exc)}"
    if not tables:
        return None if for_writing else ("holds no tables, not yet a Stance database: build one with "
                                          "`python -m stance sample` or `python -m stance init`")
    if "actors" not in tables and "_sqlite_migrations" not in tables:
        return (f"is a SQLite database but not a Stance one (it has no actors table; its tables: "
                f"{', '.join(sorted(tables)[:5])}{', ...' if len(tables) > 5 else ''})")
    newer = sorted(applied - {m.name for m in MIGRATIONS._migrations})
    if newer:
        return (f"was made by a newer version of Stance (schema {', '.join(newer[:3])} is unknown here): "
                "upgrade Stance to use it")
    return None


def open_db(path: str | os.PathLike, read_only: bool = False, migrate: bool = True) -> sqlite_utils.Database:
    """Open (and create or upgrade) the database with WAL and a busy timeout.

    WAL lets the dashboard read while a load writes; the busy timeout makes a second writer
    wait instead of failing at once with "database is locked".
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file; nothing was written" if not read_only
                            else f"{path}: is a folder, not a database file")
    if read_only:
        if not path.exists():
            raise DatabaseError(f"{path}: no such database (read-only mode cannot create one)")
        conn = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return sqlite_utils.Database(conn)
    if not path.parent.exists():
        raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    problem = unusable(path, for_writing=True) if str(path) != ":memory:" else None
    if problem:
        raise DatabaseError(f"{path}: {problem}; nothing was written")
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        if "unable to open" in str(exc) and path.exists() and not os.access(path.parent, os.W_OK):
            raise DatabaseError(f"{path}: cannot open: its folder {path.parent} is read-only, and SQLite needs to "
                                f"create {path.name}-wal and {path.name}-shm beside the database") from None
        raise DatabaseError(f"{path}: cannot open as a SQLite database ({exc})") from None
    db = sqlite_utils.Database(conn)
    if migrate:
        try:
            MIGRATIONS.apply(db)
        except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
            raise DatabaseError(f"{path}: cannot create or upgrade the schema ({exc}); "
                                "nothing was changed") from None
    return db


def plain_sqlite_error(exc: Exception) -> str:
    """SQLite's failure in words a user can act on, for the CLI and the dashboard alike."""
    text = str(exc)
    if "readonly" in text:
        return "the database file is read-only"
    if "disk is full" in text:
        return "the disk is full"
    if "disk I/O" in text:
        return "the file could not be read or written (disk I/O error)"
    if "unable to open" in text:
        return ("cannot open the database file: if its folder is read-only, SQLite cannot create the -wal "
                "and -shm files it needs beside it")
    if "not a database" in text:
        return "this file is not a SQLite database"
    if "locked" in text:
        return f"the database is locked by another writer (tried for {BUSY_TIMEOUT_MS / 1000:g} s)"
    return f"SQLite error: {text}"


def private_sibling(path: Path) -> Path:
    """A new empty file beside `path` that no other process knows of (random name, O_EXCL).

    A new database is built here and named only once it holds a commit (`publish_database`), so
    another process can never open, load into, or have deleted a half-made file at `path`."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(8)}.new")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return candidate


def publish_database(built: Path, path: Path) -> bool:
    """Give a database built in a private file its real name, unless a file got there first.

    A hard link never replaces an existing file (a rename would, and lose another process's
    database): False means `path` appeared meanwhile and the caller should load into it. The
    builder's connection must be closed first, so its WAL has been folded into the file. A file
    system without hard links also gives False: the caller then loads into `path` directly."""
    wal = Path(f"{built}-wal")
    if wal.exists() and wal.stat().st_size:  # a connection still open elsewhere: fold the WAL in now
        conn = sqlite3.connect(built)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    try:
        os.link(built, path)
    except OSError:
        return False
    return True


def remove_private(built: Path) -> None:
    """Delete a private build file and SQLite's companions; only ever for `private_sibling` files."""
    for leftover in (built, Path(f"{built}-wal"), Path(f"{built}-shm"), Path(f"{built}-journal")):
        leftover.unlink(missing_ok=True)


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI; immutable when nothing can write the file.

    A database in WAL mode needs its -shm (and -wal) beside it even to read; on read-only media
    (a read-only mount, a CD, a folder we may not write) SQLite cannot make them and the open
    fails. `immutable=1` tells SQLite the file cannot change, so it reads without them and
    creates nothing. It is used only when neither the file nor its folder is writable (no
    writer can exist through this path) and no WAL with unmerged commits lies beside it (an
    immutable read would ignore them: then the plain read-only open is tried and may fail)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = Path(f"{path}-wal")
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if not writable and not (wal.exists() and wal.stat().st_size > 0):
        uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Like `db.atomic()`, but takes the write lock first (BEGIN IMMEDIATE).

    After a plain BEGIN the first statement that reads starts a snapshot; when the first write
    then finds another writer busy, SQLite cannot wait (the snapshot will be stale once the other
    commits) and fails at once with "database is locked", ignoring the busy timeout. BEGIN
    IMMEDIATE waits up to BUSY_TIMEOUT_MS for the lock and then reads the current state.
    Inside an open transaction it is a savepoint, as `atomic()` is."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        db.rollback()  # a no-op when the error already ended the transaction
        raise


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema: reference tables, evidence tables and the import log."""
    for sql in _INITIAL_SCHEMA.split(";\n\n"):
        if sql.strip():
            db.execute(sql)


_INITIAL_SCHEMA = """
CREATE TABLE actors (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation', 'other')),
    iso2 TEXT,
    region TEXT
);

CREATE TABLE actor_aliases (
    alias TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES actors(code)
);

CREATE TABLE actor_groups (
    group_code TEXT NOT NULL,
    actor TEXT NOT NULL REFERENCES actors(code),
    start TEXT NOT NULL,
    "end" TEXT,
    source_url TEXT,
    PRIMARY KEY (group_code, actor, start)
);

CREATE TABLE issues (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    plus_2 TEXT,
    minus_2 TEXT,
    parent TEXT REFERENCES issues(slug)
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    rows_read INTEGER,
    rows_loaded INTEGER,
    rows_unchanged INTEGER,
    rows_rejected INTEGER,
    status TEXT NOT NULL
);

CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    outlet TEXT,
    kind TEXT
);

CREATE TABLE statements (
    id TEXT PRIMARY KEY,
    actor TEXT NOT NULL REFERENCES actors(code),
    issue TEXT NOT NULL REFERENCES issues(slug),
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('year', 'month', 'day')),
    day TEXT NOT NULL,
    stance INTEGER NOT NULL CHECK (stance BETWEEN -2 AND 2),
    quote TEXT,
    speaker TEXT,
    source_id TEXT REFERENCES sources(id),
    coder TEXT,
    confidence REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
    notes TEXT,
    import_id INTEGER REFERENCES imports(id),
    line INTEGER
);

CREATE INDEX statements_issue_actor_day ON statements (issue, actor, day, stance);

CREATE TABLE resolutions (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL CHECK (body IN ('UNSC', 'UNGA')),
    date TEXT NOT NULL,
    title TEXT,
    issue TEXT NOT NULL REFERENCES issues(slug),
    polarity INTEGER NOT NULL CHECK (polarity IN (-1, 1)),
    adopted INTEGER NOT NULL CHECK (adopted IN (0, 1)),
    source_id TEXT REFERENCES sources(id)
);

CREATE INDEX resolutions_issue_date ON resolutions (issue, date);

CREATE TABLE votes (
    resolution TEXT NOT NULL REFERENCES resolutions(id),
    actor TEXT NOT NULL REFERENCES actors(code),
    vote TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain', 'absent', 'non-voting')),
    import_id INTEGER REFERENCES imports(id),
    line INTEGER,
    PRIMARY KEY (resolution, actor)
);

CREATE INDEX votes_actor ON votes (actor, resolution);

CREATE VIEW stance_points AS
SELECT 'statement' AS kind, s.id AS ref, s.actor, s.issue, s.date, s.date_precision, s.day,
       s.stance, s.quote AS text, s.speaker, src.url AS source_url, src.title AS source_title,
       s.notes
FROM statements s LEFT JOIN sources src ON src.id = s.source_id
UNION ALL
SELECT 'vote', v.resolution, v.actor, r.issue, r.date, 'day', r.date,
       CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END,
       v.resolution || ': voted ' || v.vote || CASE r.adopted WHEN 1 THEN ' (adopted)' ELSE ' (not adopted)' END
           || COALESCE(' - ' || r.title, ''),
       NULL, src.url, src.title, NULL
FROM votes v JOIN resolutions r ON r.id = v.resolution LEFT JOIN sources src ON src.id = r.source_id
WHERE v.vote IN ('yes', 'no', 'abstain')
"""


@MIGRATIONS()
def m002_search_and_audit(db: sqlite_utils.Database) -> None:
    """Full-text search over what was said, and an audit trail for edits made in the dashboard.

    The FTS index is external-content (no second copy of the text), kept in step by triggers;
    sqlite-utils turns on recursive_triggers, so INSERT OR REPLACE fires the delete trigger too.
    """
    for sql in _SEARCH_AND_AUDIT.split(";\n\n"):
        if sql.strip():
            db.execute(sql)


_SEARCH_AND_AUDIT = """
CREATE VIRTUAL TABLE statements_fts USING fts5(
    quote, speaker, notes, content='statements', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts (rowid, quote, speaker, notes) VALUES (new.rowid, new.quote, new.speaker, new.notes);
END;

CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, quote, speaker, notes)
    VALUES ('delete', old.rowid, old.quote, old.speaker, old.notes);
END;

CREATE TRIGGER statements_fts_update AFTER UPDATE ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, quote, speaker, notes)
    VALUES ('delete', old.rowid, old.quote, old.speaker, old.notes);
    INSERT INTO statements_fts (rowid, quote, speaker, notes) VALUES (new.rowid, new.quote, new.speaker, new.notes);
END;

INSERT INTO statements_fts (statements_fts) VALUES ('rebuild');

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add', 'edit', 'delete')),
    statement_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT
);

CREATE INDEX audit_statement ON audit (statement_id, at)
"""


@MIGRATIONS(transactional=False)
def m003_datasets(db: sqlite_utils.Database) -> None:
    """Room for published datasets: roll calls of the General Assembly and GDELT event records.

    A General Assembly roll call need not belong to any issue (alignment still counts it), and
    unvotes and Voeten's file do not say whether a resolution was adopted, so `issue` and
    `adopted` may now be NULL. `coded_by` keeps a hand-coded issue and polarity from being
    overwritten by the mapping rules when a published file holds the same resolution.

    SQLite cannot relax NOT NULL in place, so the table is rebuilt, following SQLite's own
    recipe: foreign keys off (only possible outside a transaction), rebuild in one transaction,
    check the keys, keys back on. Deferring the keys instead fails at COMMIT: the DROP counts
    every vote as a violation and the rename does not uncount them. Because the record that the
    migration ran is written after this commit, a rerun finds `coded_by` and does nothing.
    """
    if "coded_by" in db["resolutions"].columns_dict:
        return
    broken_before = len(db.execute("PRAGMA foreign_key_check").fetchall())  # e.g. a hand edit; `stance check`
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            for sql in _DATASETS.split(";\n\n"):
                if sql.strip():
                    db.execute(sql)
            if len(db.execute("PRAGMA foreign_key_check").fetchall()) > broken_before:
                raise sqlite3.IntegrityError("foreign keys broken by the resolutions rebuild")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


_RESOLUTION_COLUMNS = "id, body, date, title, issue, polarity, adopted, source_id"

_DATASETS = f"""
DROP VIEW stance_points;

CREATE TABLE resolutions_new (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL CHECK (body IN ('UNSC', 'UNGA')),
    date TEXT NOT NULL,
    title TEXT,
    issue TEXT REFERENCES issues(slug),
    polarity INTEGER NOT NULL CHECK (polarity IN (-1, 1)),
    adopted INTEGER CHECK (adopted IS NULL OR adopted IN (0, 1)),
    source_id TEXT REFERENCES sources(id),
    coded_by TEXT NOT NULL DEFAULT 'hand' CHECK (coded_by IN ('hand', 'rules')),
    symbol TEXT,
    session TEXT,
    draft TEXT,
    meeting TEXT,
    agenda TEXT,
    description TEXT,
    subjects TEXT,
    issue_codes TEXT,
    important INTEGER CHECK (important IS NULL OR important IN (0, 1)),
    rcid INTEGER,
    import_id INTEGER REFERENCES imports(id)
);

INSERT INTO resolutions_new ({_RESOLUTION_COLUMNS}, symbol)
SELECT {_RESOLUTION_COLUMNS}, id FROM resolutions;

DROP TABLE resolutions;

ALTER TABLE resolutions_new RENAME TO resolutions;

CREATE INDEX resolutions_issue_date ON resolutions (issue, date);

CREATE INDEX resolutions_body_date ON resolutions (body, date);

CREATE UNIQUE INDEX resolutions_rcid ON resolutions (rcid) WHERE rcid IS NOT NULL;

CREATE VIEW stance_points AS
SELECT 'statement' AS kind, s.id AS ref, s.actor, s.issue, s.date, s.date_precision, s.day,
       s.stance, s.quote AS text, s.speaker, src.url AS source_url, src.title AS source_title,
       s.notes
FROM statements s LEFT JOIN sources src ON src.id = s.source_id
UNION ALL
SELECT 'vote', v.resolution, v.actor, r.issue, r.date, 'day', r.date,
       CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END,
       v.resolution || ': voted ' || v.vote
           || CASE r.adopted WHEN 1 THEN ' (adopted)' WHEN 0 THEN ' (not adopted)' ELSE '' END
           || COALESCE(' - ' || r.title, ''),
       NULL, src.url, src.title, NULL
FROM votes v JOIN resolutions r ON r.id = v.resolution LEFT JOIN sources src ON src.id = r.source_id
WHERE v.vote IN ('yes', 'no', 'abstain') AND r.issue IS NOT NULL;

CREATE TABLE relations (
    id TEXT PRIMARY KEY,
    dataset TEXT NOT NULL,
    source_actor TEXT NOT NULL REFERENCES actors(code),
    target_actor TEXT NOT NULL REFERENCES actors(code),
    day TEXT NOT NULL,
    event_code TEXT NOT NULL,
    base_code TEXT,
    root_code TEXT,
    quad_class INTEGER CHECK (quad_class BETWEEN 1 AND 4),
    goldstein REAL CHECK (goldstein IS NULL OR goldstein BETWEEN -10 AND 10),
    mentions INTEGER,
    sources INTEGER,
    articles INTEGER,
    avg_tone REAL,
    url TEXT,
    import_id INTEGER REFERENCES imports(id),
    line INTEGER
);

CREATE INDEX relations_pair_day ON relations (source_actor, target_actor, day)
"""


@MIGRATIONS()
def m004_extraction(db: sqlite_utils.Database) -> None:
    """The extraction assistant's review queue: articles read and the statements proposed from them.

    A proposal is never a statement: accepting one writes a statement through the loader's
    validation (stance.extract.store) and links it here; the proposal row stays, with who decided
    what and why, so precision can be measured on real use. Ids are content hashes, so reading an
    article again adds nothing. If the accepted statement is later deleted (or edited into a new
    id), the link becomes NULL rather than blocking the edit.
    """
    for sql in _EXTRACTION.split(";\n\n"):
        if sql.strip():
            db.execute(sql)


_EXTRACTION = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    path TEXT,
    url TEXT,
    outlet TEXT,
    title TEXT,
    date TEXT,
    date_precision TEXT CHECK (date_precision IS NULL OR date_precision IN ('year', 'month', 'day')),
    sha256 TEXT NOT NULL,
    extracted_at TEXT NOT NULL
);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    article TEXT NOT NULL REFERENCES articles(id),
    actor TEXT NOT NULL,
    issue TEXT NOT NULL,
    stance INTEGER NOT NULL CHECK (stance BETWEEN -2 AND 2),
    date TEXT,
    date_precision TEXT CHECK (date_precision IS NULL OR date_precision IN ('year', 'month', 'day')),
    sentence TEXT NOT NULL,
    sentence_index INTEGER,
    speaker TEXT,
    quote TEXT,
    cues TEXT,
    cue_spans TEXT,
    rule TEXT NOT NULL,
    confidence REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
    notes TEXT,
    proposed_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    edited INTEGER CHECK (edited IS NULL OR edited IN (0, 1)),
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    statement_id TEXT REFERENCES statements(id) ON DELETE SET NULL,
    CHECK (status = 'pending' OR (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'rejected' OR reason IS NOT NULL)
);

CREATE INDEX proposals_status_issue_actor ON proposals (status, issue, actor, confidence);

CREATE INDEX proposals_article ON proposals (article, sentence_index)
"""


@MIGRATIONS()
def m005_votes_without_rowid(db: sqlite_utils.Database) -> None:
    """Votes as a WITHOUT ROWID table: the (resolution, actor) key is the table itself.

    The alignment matrix, the Data page's issue summary and Explore's tallies read every vote's
    value by resolution; with a rowid table each of a million index entries needed a second
    lookup into the table for `vote`. Measured on a 1M-vote General Assembly database, median of
    5: the alignment matrix 627 -> 413 ms, the issue summary 337 -> 151 ms; the file is about
    30 % smaller (benchmarks/README.md). Upgrading that database took 3.3 s.
    Nothing references votes, so the rebuild needs no foreign-key dance; the view over it is
    dropped and recreated around the rename, which would otherwise refuse the dangling view.
    """
    view = db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'stance_points'").fetchone()[0]
    for sql in _VOTES_WITHOUT_ROWID.split(";\n\n"):
        if sql.strip():
            db.execute(sql)
    db.execute(view)


_VOTES_WITHOUT_ROWID = """
DROP VIEW stance_points;

CREATE TABLE votes_new (
    resolution TEXT NOT NULL REFERENCES resolutions(id),
    actor TEXT NOT NULL REFERENCES actors(code),
    vote TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain', 'absent', 'non-voting')),
    import_id INTEGER REFERENCES imports(id),
    line INTEGER,
    PRIMARY KEY (resolution, actor)
) WITHOUT ROWID;

INSERT INTO votes_new (resolution, actor, vote, import_id, line)
SELECT resolution, actor, vote, import_id, line FROM votes ORDER BY resolution, actor;

DROP TABLE votes;

ALTER TABLE votes_new RENAME TO votes;

CREATE INDEX votes_actor ON votes (actor, resolution)
"""


@MIGRATIONS()
def m006_historic_states(db: sqlite_utils.Database) -> None:
    """States that no longer exist are actors with dates, and who succeeded whom is data.

    The General Assembly record holds votes of the Soviet Union, both Germanys, both Yemens,
    Yugoslavia and Czechoslovakia: each is stored under the state that cast it on that day, and
    `successions` says which state continued which UN seat (so a chart can follow the seat from
    the Soviet Union to Russia) and which ended in a merger or a dissolution. Mirrored from
    data/actors.csv and data/successions.csv like the other reference tables."""
    db.execute("ALTER TABLE actors ADD COLUMN start TEXT")
    db.execute('ALTER TABLE actors ADD COLUMN "end" TEXT')
    db.execute("""
        CREATE TABLE successions (
            predecessor TEXT NOT NULL REFERENCES actors(code),
            successor TEXT NOT NULL REFERENCES actors(code),
            date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('continuation', 'merger', 'dissolution')),
            note TEXT,
            source_url TEXT,
            PRIMARY KEY (predecessor, successor)
        )""")


@MIGRATIONS()
def m007_h12_idealpoints(db: sqlite_utils.Database) -> None:
    """Ideal points: Stance's own estimates and published ones, each set with how it was made.

    A run is one set of estimates: `source` 'stance' (stance.idealpoints, with the model's
    settings as JSON and the SHA-256 of the votes it used, so a fit is redone only when the
    votes change) or 'published' (a loaded file, e.g. Bailey, Strezhnev and Voeten's, with its
    citation and the file's SHA-256). Points are per actor and year (the published files are by
    session; `session` keeps it). Items are the roll-call parameters of a Stance fit, kept so a
    page can say which votes moved a position. Actor codes are as stored, no foreign key: a
    published file may name a state the actor list does not hold yet.
    """
    for sql in _IDEAL_POINTS.split(";\n\n"):
        if sql.strip():
            db.execute(sql)


_IDEAL_POINTS = """
CREATE TABLE ideal_point_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('stance', 'published')),
    variant TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL,
    settings TEXT NOT NULL,
    data_digest TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    roll_calls INTEGER,
    votes INTEGER,
    iterations INTEGER,
    seconds REAL,
    log_posterior REAL,
    notes TEXT,
    citation TEXT,
    file TEXT
);

CREATE TABLE ideal_points (
    run INTEGER NOT NULL REFERENCES ideal_point_runs(id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    year INTEGER NOT NULL,
    session INTEGER,
    ideal_point REAL NOT NULL,
    low REAL,
    high REAL,
    votes INTEGER,
    PRIMARY KEY (run, actor, year)
) WITHOUT ROWID;

CREATE TABLE ideal_point_items (
    run INTEGER NOT NULL REFERENCES ideal_point_runs(id) ON DELETE CASCADE,
    resolution TEXT NOT NULL,
    discrimination REAL NOT NULL,
    cut1 REAL NOT NULL,
    cut2 REAL NOT NULL,
    PRIMARY KEY (run, resolution)
) WITHOUT ROWID
"""


@MIGRATIONS()
def m008_h13_team_coding(db: sqlite_utils.Database) -> None:
    """Coding as a team: coders, blind second codings, adjudications and a versioned codebook.

    Nothing here has a foreign key to statements: a statements file reloaded (INSERT OR REPLACE
    deletes and re-inserts a row) must never cascade into second codings or adjudications. A
    statement edited into a new id (a changed stance is a new id) carries its codings along:
    a trigger on the audit trail, the one write path's record of every edit, follows the rename.

    The codebook keeps every version of an issue's definition. Triggers keep it in step with
    `issues` whatever writes there (an issues file loaded, the Codebook page), so a definition
    changed by a reload is a dated version too. `statement_codebook` records the version each
    statement was coded under, set when it is first inserted and kept across reloads (INSERT OR
    IGNORE); a statement whose version is older than its issue's current one is flagged for review.
    """
    for sql in _TEAM_CODING.split(";\n\n"):
        if sql.strip():
            db.execute(sql)


_TEAM_CODING = """
CREATE TABLE coders (
    id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 12),
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    since TEXT NOT NULL
);

CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    unit_kind TEXT NOT NULL CHECK (unit_kind IN ('statement', 'proposal')),
    unit_id TEXT NOT NULL,
    issue TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('first', 'second')),
    coder TEXT NOT NULL,
    stance INTEGER CHECK (stance IS NULL OR stance BETWEEN -2 AND 2),
    codebook_version INTEGER,
    sample TEXT,
    drawn_at TEXT NOT NULL,
    drawn_by TEXT NOT NULL,
    coded_at TEXT,
    note TEXT,
    CHECK ((stance IS NULL) = (coded_at IS NULL)),
    UNIQUE (unit_kind, unit_id, role, coder)
);

CREATE INDEX codings_coder ON codings (coder, stance);

CREATE INDEX codings_issue ON codings (issue, unit_kind, unit_id);

CREATE TRIGGER codings_are_final BEFORE UPDATE OF stance, coder, role ON codings
WHEN old.stance IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'a coding, once made, is kept as it was: adjudicate instead');
END;

CREATE TRIGGER codings_are_kept BEFORE DELETE ON codings BEGIN
    SELECT RAISE(ABORT, 'codings are never deleted');
END;

CREATE TRIGGER codings_follow_statement AFTER INSERT ON audit
WHEN new.action = 'edit' AND json_extract(new.before, '$.id') IS NOT json_extract(new.after, '$.id') BEGIN
    UPDATE codings SET unit_id = json_extract(new.after, '$.id')
    WHERE unit_kind = 'statement' AND unit_id = json_extract(new.before, '$.id');
END;

CREATE TABLE adjudications (
    id INTEGER PRIMARY KEY,
    unit_kind TEXT NOT NULL CHECK (unit_kind IN ('statement', 'proposal')),
    unit_id TEXT NOT NULL,
    issue TEXT NOT NULL,
    first_stance INTEGER,
    second_stance INTEGER,
    decided INTEGER NOT NULL CHECK (decided BETWEEN -2 AND 2),
    who TEXT NOT NULL CHECK (length(trim(who)) > 0),
    why TEXT NOT NULL CHECK (length(trim(why)) > 0),
    at TEXT NOT NULL,
    before_id TEXT,
    after_id TEXT
);

CREATE INDEX adjudications_unit ON adjudications (unit_kind, unit_id);

CREATE TRIGGER adjudications_are_kept BEFORE DELETE ON adjudications BEGIN
    SELECT RAISE(ABORT, 'adjudications are never deleted');
END;

CREATE TRIGGER adjudications_follow_statement AFTER INSERT ON audit
WHEN new.action = 'edit' AND json_extract(new.before, '$.id') IS NOT json_extract(new.after, '$.id') BEGIN
    UPDATE adjudications SET unit_id = json_extract(new.after, '$.id')
    WHERE unit_kind = 'statement' AND unit_id = json_extract(new.before, '$.id');
END;

CREATE TABLE codebook (
    issue TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    title TEXT NOT NULL,
    description TEXT,
    plus_2 TEXT,
    minus_2 TEXT,
    rules TEXT,
    examples TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (issue, version)
);

CREATE TRIGGER codebook_is_kept BEFORE DELETE ON codebook BEGIN
    SELECT RAISE(ABORT, 'codebook versions are never deleted');
END;

CREATE TRIGGER codebook_versions_are_final BEFORE UPDATE ON codebook BEGIN
    SELECT RAISE(ABORT, 'a codebook version is never changed: add a new one');
END;

INSERT INTO codebook (issue, version, title, description, plus_2, minus_2, changed_at, changed_by, note)
SELECT slug, 1, title, description, plus_2, minus_2, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'stance',
       'the definition found when team coding was set up'
FROM issues;

CREATE TRIGGER codebook_on_new_issue AFTER INSERT ON issues BEGIN
    INSERT OR IGNORE INTO codebook (issue, version, title, description, plus_2, minus_2, changed_at, changed_by, note)
    VALUES (new.slug, 1, new.title, new.description, new.plus_2, new.minus_2,
            strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'stance', 'loaded');
END;

CREATE TRIGGER codebook_on_changed_issue AFTER UPDATE ON issues
WHEN NOT EXISTS (
    SELECT 1 FROM codebook c WHERE c.issue = new.slug
      AND c.version = (SELECT max(version) FROM codebook WHERE issue = new.slug)
      AND c.title IS new.title AND c.description IS new.description
      AND c.plus_2 IS new.plus_2 AND c.minus_2 IS new.minus_2) BEGIN
    INSERT INTO codebook (issue, version, title, description, plus_2, minus_2, rules, examples,
                          changed_at, changed_by, note)
    SELECT new.slug, COALESCE(max(c.version), 0) + 1, new.title, new.description, new.plus_2, new.minus_2,
           (SELECT rules FROM codebook WHERE issue = new.slug ORDER BY version DESC LIMIT 1),
           (SELECT examples FROM codebook WHERE issue = new.slug ORDER BY version DESC LIMIT 1),
           strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'stance', 'changed by loading an issues file'
    FROM codebook c WHERE c.issue = new.slug;
END;

CREATE TABLE statement_codebook (
    statement_id TEXT PRIMARY KEY,
    issue TEXT NOT NULL,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT
);

INSERT INTO statement_codebook (statement_id, issue, version, recorded_at)
SELECT s.id, s.issue, 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') FROM statements s;

CREATE TRIGGER statement_codebook_on_insert AFTER INSERT ON statements BEGIN
    INSERT OR IGNORE INTO statement_codebook (statement_id, issue, version, recorded_at)
    VALUES (new.id, new.issue, COALESCE((SELECT max(version) FROM codebook WHERE issue = new.issue), 1),
            strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
END
"""


@MIGRATIONS()
def m009_h11a_rejects_and_symbols(db: sqlite_utils.Database) -> None:
    """Rejected rows kept in the database, and General Assembly votes shown by their UN symbol.

    `rejects` holds, per problem, the row a `load --skip-invalid` left out (file line, field, the
    offending value, the reason, the year when the row says, and the row's fields as JSON): the
    dashboard's Data page shows them, so a country missing from "votes most like" is explained.

    unvotes and Voeten write a symbol as `R/72/188`; stored roll calls get the UN's form
    (`A/RES/72/188`, stance.model.ga_symbol), as loads now store it. The stance_points view then
    names a vote by its symbol rather than `UNGA rcid 5394`, and links a roll call known by rcid
    to its resolution on undocs.org instead of the dataset's landing page.
    """
    from stance.model import ga_symbol

    db.execute(_REJECTS)
    db.execute("CREATE INDEX IF NOT EXISTS rejects_import ON rejects (import_id)")
    if "rcid" in db["resolutions"].columns_dict:
        rows = db.execute("SELECT id, symbol FROM resolutions WHERE rcid IS NOT NULL AND symbol IS NOT NULL").fetchall()
        db.conn.executemany("UPDATE resolutions SET symbol = ? WHERE id = ?",
                            [(ga_symbol(symbol), rid) for rid, symbol in rows if ga_symbol(symbol) != symbol])
    db.execute("DROP VIEW stance_points")
    db.execute(_STANCE_POINTS_WITH_SYMBOLS)


_REJECTS = """
CREATE TABLE IF NOT EXISTS rejects (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    line INTEGER,
    field TEXT NOT NULL,
    value TEXT,
    reason TEXT NOT NULL,
    year INTEGER,
    row TEXT
)"""

# A vote's text names the resolution by its UN symbol when it has one; a roll call known by rcid
# (unvotes, Voeten) links to that symbol on undocs.org, its source (the dataset) named beside it.
# Symbols the datasets write in other forms (ESS/1/34, SS/2/33 for special sessions) are not UN
# symbols: such a roll call keeps its id and the dataset's link rather than a link that fails.
_UN_SYMBOL = "r.symbol LIKE 'A/%'"
VOTE_LABEL_SQL = f"CASE WHEN r.rcid IS NULL OR {_UN_SYMBOL} THEN COALESCE(r.symbol, v.resolution) ELSE v.resolution END"
VOTE_URL_SQL = (f"CASE WHEN r.rcid IS NOT NULL AND {_UN_SYMBOL} "
                "THEN 'https://undocs.org/' || replace(r.symbol, ' ', '') ELSE src.url END")
VOTE_SOURCE_TITLE_SQL = (f"CASE WHEN r.rcid IS NOT NULL AND {_UN_SYMBOL} "
                         "THEN r.symbol || ' on undocs.org' || COALESCE('; votes from ' || src.title, '') "
                         "ELSE src.title END")

_STANCE_POINTS_WITH_SYMBOLS = f"""
CREATE VIEW stance_points AS
SELECT 'statement' AS kind, s.id AS ref, s.actor, s.issue, s.date, s.date_precision, s.day,
       s.stance, s.quote AS text, s.speaker, src.url AS source_url, src.title AS source_title,
       s.notes
FROM statements s LEFT JOIN sources src ON src.id = s.source_id
UNION ALL
SELECT 'vote', v.resolution, v.actor, r.issue, r.date, 'day', r.date,
       CASE v.vote WHEN 'yes' THEN r.polarity WHEN 'no' THEN -r.polarity ELSE 0 END,
       {VOTE_LABEL_SQL} || ': voted ' || v.vote
           || CASE r.adopted WHEN 1 THEN ' (adopted)' WHEN 0 THEN ' (not adopted)' ELSE '' END
           || COALESCE(' - ' || r.title, ''),
       NULL, {VOTE_URL_SQL}, {VOTE_SOURCE_TITLE_SQL}, NULL
FROM votes v JOIN resolutions r ON r.id = v.resolution LEFT JOIN sources src ON src.id = r.source_id
WHERE v.vote IN ('yes', 'no', 'abstain') AND r.issue IS NOT NULL"""
