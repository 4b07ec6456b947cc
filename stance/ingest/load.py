"""The one load path every format goes through: read, validate everything, then write atomically.

Recipe: read each file -> parse and validate every row -> stop if anything is wrong (strict) or
set bad rows aside (skip-invalid) -> one transaction: reference data, sources, records, import
log. Nothing is written until every file has been read, so a bad third file cannot leave the
first two half-loaded, and a killed process leaves SQLite's journal to undo the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import sqlite_utils

from stance.actors import ActorRegistry, registry
from stance.db import write_transaction
from stance.errors import Problem
from stance.ingest import gdelt, issues, statements, undl, unvotes, voeten, votes
from stance.ingest.bulk import EMPTY_ROWS, BulkContext, BulkFile, BulkLoad
from stance.ingest.reader import Row, Table, column_key, read_table
from stance.ingest.records import Context, missing_columns
from stance.ingest.rejects import RejectStore
from stance.ingest.rules import load_rules
from stance.ingest.stream import RawRow, RowStream

FORMATS: dict[str, ModuleType] = {m.KIND: m for m in (issues, statements, votes)}
# gdelt first: its files have no header, and another format reading the first event as a header
# finds repeated values there ('column appears twice') and gives up before gdelt is tried.
BULK_FORMATS: dict[str, ModuleType] = {m.KIND: m for m in (gdelt, undl, unvotes, voeten)}
KINDS = tuple(FORMATS) + tuple(BULK_FORMATS)  # load order: issues before what refers to them
CHUNK = 5_000
BULK_ORDER = ("unvotes-roll-calls", "unvotes-issues")  # roll calls before the votes that cite them


class Progress(Protocol):
    """Told the total (rows to write, or bytes to read for a published dataset), then each
    chunk done: drives the CLI's bar."""

    def start(self, total: int, unit: str = "rows") -> None: ...

    def __call__(self, done: int) -> None: ...


@dataclass
class FileResult:
    """What happened to one file's rows: read = loaded + unchanged + rejected."""

    file: str
    kind: str | None
    sha256: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: list[Row] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    # published datasets: rejected rows are counted, not kept; a few problems are kept to show
    streamed_rejected: int = 0
    streamed_problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    filtered: Counter = field(default_factory=Counter)
    roll_calls: tuple[int, int] = (0, 0)  # new, updated: resolutions a votes file brought along
    valid: list[Any] | None = None  # every valid record, kept to classify again under the write lock

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows) + self.streamed_rejected

    @property
    def problems(self) -> list[Problem]:
        return self.fatal + [p for row in self.rejected_rows for p in row.problems] + self.streamed_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def summary(self, outcome: str = "loaded") -> str:
        """One line per file. `outcome` is "loaded", "would load" (a dry run) or "checked"
        (nothing written because of problems: only the split into valid and bad rows is known)."""
        if self.fatal:
            return f"{self.file}: not loaded"
        if outcome == "checked":
            valid = self.read - self.rejected - sum(self.filtered.values())
            return f"{self.file} ({self.kind}): {self.read} read, {valid} valid, {self.rejected} with problems"
        line = (f"{self.file} ({self.kind}): {self.read} read, {self.loaded} {outcome} "
                f"({self.inserted} new, {self.updated} updated), {self.unchanged} unchanged, "
                f"{self.rejected} rejected")
        if self.filtered:
            reasons = "; ".join(f"{n} {reason}" for reason, n in self.filtered.most_common())
            line += f", {sum(self.filtered.values())} filtered out ({reasons})"
        if any(self.roll_calls):
            line += f"; roll calls: {self.roll_calls[0]} new, {self.roll_calls[1]} updated"
        return line


@dataclass
class LoadResult:
    files: list[FileResult]
    written: bool = False
    rejects_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def problem_count(self) -> int:
        return sum(f.problem_count for f in self.files)

    @property
    def fatal(self) -> bool:
        return any(f.fatal for f in self.files)


def detect_kind(path: Path, columns: list[str]) -> str | None:
    """Guess a hand-coded format from the header, falling back to the file name. (A published
    dataset is recognised by its header alone: one named undl_*.csv whose header is not the
    Library's must not be read as a hand-coded file of kind 'undl', which has no parser.)"""
    if "vote" in columns:
        return "votes"
    if "stance" in columns:
        return "statements"
    if "slug" in columns:
        return "issues"
    for kind in FORMATS:
        if kind in path.name.lower():
            return kind
    return None


def plan_file(path: Path, kind: str | None, ctx: Context) -> FileResult:
    """Read and validate one file; nothing touches the database."""
    table = read_table(path)
    result = FileResult(table.file, kind, table.sha256, columns=table.columns)
    if table.fatal:
        result.fatal = table.fatal
        return result
    result.kind = kind or detect_kind(path, table.columns)
    if result.kind is None:
        result.fatal = [Problem(table.file, 1, "-", "cannot tell the kind of file from its header; "
                                f"pass --kind ({'|'.join(KINDS)})")]
        return result
    fmt = FORMATS[result.kind]
    missing = missing_columns(table.columns, fmt.REQUIRED) if table.columns and not _is_jsonl(path) else []
    if missing:
        result.fatal = [Problem(table.file, 1, ", ".join(missing),
                                f"missing column(s) for a {result.kind} file (the header has: "
                                f"{', '.join(table.columns) or 'nothing'})")]
        return result
    result.read = len(table.rows) + table.empty_rows
    if table.empty_rows:
        result.filtered[EMPTY_ROWS] = table.empty_rows
    _validate_rows(table, fmt, ctx, result)
    return result


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in {".jsonl", ".ndjson", ".json"}


def _validate_rows(table: Table, fmt: ModuleType, ctx: Context, result: FileResult) -> None:
    """Parse each row; a record already seen in this load (this file or an earlier one) is a
    duplicate, and every vote of one resolution must describe that resolution the same way."""
    for row in table.rows:
        record = None if row.problems else fmt.parse_row(table.file, row, ctx)
        if record is not None:
            first = ctx.seen.get((fmt.KIND, record.key))
            if first is not None:
                row.problems.append(Problem(table.file, row.line, "-", f"duplicate of {_where(first, table.file)}"))
            elif fmt is votes:
                _check_same_resolution(table.file, row, record, ctx.resolutions)
        if row.problems or record is None:
            result.rejected_rows.append(row)
            continue
        ctx.seen[(fmt.KIND, record.key)] = (table.file, row.line)
        if fmt is issues:
            ctx.issues.add(record.slug)  # a later row may name it as its parent
        result.records.append(record)


def _where(first: tuple[str, int], current_file: str) -> str:
    file, line = first
    return f"line {line}" if file == current_file else f"{file}:{line}"


def _check_same_resolution(file: str, row: Row, vote: votes.Vote,
                           seen: dict[str, tuple[Any, str, int]]) -> None:
    """Every row of one resolution must agree on its date, body, issue, polarity and outcome."""
    first, first_file, line = seen.setdefault(vote.resolution.id, (vote.resolution, file, row.line))
    for name in ("body", "date", "title", "issue", "polarity", "adopted", "source"):
        if getattr(first, name) != getattr(vote.resolution, name):
            shown = "source_url" if name == "source" else name
            row.problems.append(Problem(file, row.line, shown, f"differs from {_where((first_file, line), file)} "
                                                               f"for the same resolution {first.id}"))


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A load makes millions of small acyclic objects; the cyclic collector rescanning them all
    cost 2 of 3.5 s when planning a 100,000-row file. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_paths(db: sqlite_utils.Database, paths: Iterable[str | Path], kind: str | None = None,
               skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
               reg: ActorRegistry | None = None, rejects: str | Path | None = None,
               rules: str | Path | None = None, options: dict[str, Any] | None = None) -> LoadResult:
    """Validate every file and write them all in one transaction (unless dry_run or any error).

    Hand-coded files are read whole and checked before the transaction; published datasets
    (`BULK_FORMATS`) are streamed inside it and the transaction is rolled back if they turn out
    to have problems in a strict load. With skip_invalid and `rejects`, the rejects CSV is
    written beside the load and moved into place just before COMMIT: if it cannot be written,
    nothing is loaded, so no rejected row goes unrecorded. `rules` is the issue-mapping file
    for published roll calls; `options` carries format filters (GDELT's actors, min_sources)."""
    with _cyclic_gc_paused():
        return _load_paths(db, [Path(p) for p in paths], kind, skip_invalid, dry_run, progress, reg or registry(),
                           rejects, rules, options or {})


class _Rollback(Exception):
    "Leave the transaction without writing: a dry run, or problems in a strict load."


def _load_paths(db: sqlite_utils.Database, paths: list[Path], kind: str | None, skip_invalid: bool,
                dry_run: bool, progress: Progress | None, reg: ActorRegistry, rejects: str | Path | None,
                rules_path: str | Path | None, options: dict[str, Any]) -> LoadResult:
    ctx = Context(reg, _existing_issues(db))
    hand, published, unreadable = _sort_out(paths, kind)
    result = LoadResult([plan_file(p, k, ctx) for p, k in sorted(hand, key=lambda pk: _kind_rank(*pk))])
    result.files.extend(unreadable)
    published.sort(key=lambda bf: (BULK_ORDER.index(bf.variant) if bf.variant in BULK_ORDER else len(BULK_ORDER)))
    bctx, rules_problems = _bulk_context(db, reg, ctx, published, rules_path, options)
    bctx.hand_votes = {key: where for (kind, key), where in ctx.seen.items() if kind == "votes"}
    if rules_problems:
        result.files.append(FileResult(rules_problems[0].file, "issue rules", "", fatal=rules_problems))
    if bctx.rules is not None and bctx.rules.unused:
        result.notes.append(f"{bctx.rules.file}: rules for issues this database does not define were set aside "
                            f"({', '.join(bctx.rules.unused)}); load their definitions (data/unga_issues.csv has "
                            "the General Assembly ones) and this file again to use them")
    counted_at = _data_version(db)
    for f in result.files:  # before any early return: every row read is counted somewhere
        _classify(db, f)
    if result.fatal:
        return result
    if not published and (dry_run or (result.problems and not skip_invalid)):
        return result
    writer = _RejectsWriter(rejects, result, published) if skip_invalid and rejects is not None else None
    try:
        _transaction(db, result, published, bctx, writer, skip_invalid, dry_run, progress, reg, counted_at)
    except _Rollback:
        pass
    finally:
        if writer is not None:
            writer.close()
    if writer is not None and writer.committed:
        result.rejects_path = Path(rejects)  # type: ignore[arg-type]
    result.notes.extend(_unknown_code_notes(bctx))
    if result.written and published:
        result.notes.extend(_overlap_warnings(db))
    return result


def _unknown_code_notes(bctx: BulkContext) -> list[str]:
    """Votes rejected because no table knows their country code, one line per code: a state
    missing from a figure is named with its votes and years, not left to a rejects file."""
    return [f"{file}: {count:,} vote(s) rejected for the unknown {field} {code!r}"
            + (f", {lo}-{hi}" if lo and lo != hi else f", {lo}" if lo else "")
            + "; add the code to data/historic_codes.csv (a code of several states over time) or the name to"
              " data/aliases.csv"
            for (file, field, code), (count, lo, hi) in sorted(bctx.unknown_codes.items())]


def _overlap_warnings(db: sqlite_utils.Database) -> list[str]:
    """The UN Digital Library names General Assembly roll calls by symbol, unvotes and Voeten by
    rcid; the two are not matched, so a database holding both for the same years would count
    those votes twice in the Alignment page. Say so rather than guess a matching."""
    row = db.execute("""
        SELECT count(*), min(substr(a.date, 1, 4)), max(substr(a.date, 1, 4))
        FROM resolutions a
        WHERE a.body = 'UNGA' AND a.rcid IS NOT NULL
          AND EXISTS (SELECT 1 FROM resolutions b WHERE b.body = 'UNGA' AND b.rcid IS NULL
                      AND b.coded_by = 'rules' AND b.date = a.date)""").fetchone()
    if not row or not row[0]:
        return []
    return [f"this database now holds General Assembly roll calls from both the UN Digital Library "
            f"(by symbol) and unvotes/Voeten (by rcid) on the same days ({row[0]} rcid roll calls, "
            f"{row[1]}-{row[2]}); they are not matched, so the Alignment page counts those votes twice. "
            "Keep one General Assembly dataset per database."]


def _transaction(db: sqlite_utils.Database, result: LoadResult, published: list[BulkFile], bctx: BulkContext,
                 writer: _RejectsWriter | None, skip_invalid: bool, dry_run: bool, progress: Progress | None,
                 reg: ActorRegistry, counted_at: int | None = None) -> None:
    """Everything a load writes, in one transaction; `_Rollback` (or any error) undoes it all.

    Rows were counted as new, changed or unchanged before the write lock was taken; if another
    connection committed meanwhile (a second load of the same file), they are counted again
    under the lock, so two loads of one file do not both report every row as new."""
    strict_failure = bool(result.problems) and not skip_invalid
    if writer is not None:
        for f in result.files:
            writer.hand_rows(f)
    if progress and not published:
        progress.start(sum(len(f.records) for f in result.files))
    # a load that will write takes the write lock first, so a concurrent writer makes it wait, not fail
    with write_transaction(db) if not dry_run and not strict_failure else db.atomic():
        store = RejectStore(db, bctx.rcids) if skip_invalid and not dry_run and not strict_failure else None
        if not dry_run and not strict_failure:
            if counted_at is not None and _data_version(db) != counted_at:
                for f in result.files:
                    _classify(db, f)
            sync_reference_data(db, reg)
            for f in result.files:
                _write_file(db, f, progress, store)
        if published:
            bulk = BulkLoad(db, bctx)
            try:
                _stream_published(db, bulk, published, writer, progress, dry_run, store)
                result.files.extend(_bulk_result(bf) for bf in published)
                if any(bf.stream.fatal for bf in published):
                    raise _Rollback
                if result.problems and not skip_invalid:
                    raise _Rollback
                if not dry_run:
                    bulk.write()
                    for bf in published:
                        _finish_import(db, bf)
            finally:
                bulk.close()
        if dry_run or strict_failure:
            raise _Rollback
        if writer is not None:
            writer.finish()  # on disk before COMMIT: a load never happens without its rejected rows
    result.written = True
    if writer is not None:  # only now: a COMMIT that failed must not leave rejects of a load that never happened
        moved = writer.publish()
        if moved is not None:
            result.notes.append(f"the load is committed, but its rejects could not be moved to {writer.path} "
                                f"({moved}); they are in {writer.partial}")


def _stream_published(db: sqlite_utils.Database, bulk: BulkLoad, published: list[BulkFile],
                      writer: _RejectsWriter | None, progress: Progress | None, dry_run: bool,
                      store: RejectStore | None = None) -> None:
    if progress:
        progress.start(sum(bf.stream.total_bytes for bf in published), "bytes")

    def on_reject(bf: BulkFile, row: RawRow) -> None:
        """A rejected row goes to the rejects file and, when the load writes, to the rejects table."""
        if writer is not None:
            writer.bulk_row(bf, row)
        if store is not None:
            names = bf.stream.columns
            store.add(bf.import_id, row.line, row.problems,
                      {names[i]: value for i, value in enumerate(row.fields) if i < len(names)})

    for number, bf in enumerate(published, start=1):
        bf.import_id = number if dry_run else _start_import(db, bf)  # in file order either way
        bulk.stream(bf, on_reject, progress)
    bulk.finish(on_reject)


def _bulk_result(bf: BulkFile) -> FileResult:
    t = bf.tally
    return FileResult(bf.stream.file, bf.variant, bf.stream.sha256, read=bf.read, inserted=bf.new,
                      updated=bf.changed, unchanged=bf.unchanged, fatal=list(bf.stream.fatal),
                      columns=bf.stream.columns, streamed_rejected=t.rejected, streamed_problems=t.problems,
                      more_problems=t.more_problems, filtered=t.filtered,
                      roll_calls=(t.roll_calls_new, t.roll_calls_updated))


def _start_import(db: sqlite_utils.Database, bf: BulkFile) -> int:
    now = _now()
    return db["imports"].insert({"file": bf.stream.file, "sha256": "", "kind": bf.variant, "started": now,
                                 "status": "loading"}).last_pk


def _finish_import(db: sqlite_utils.Database, bf: BulkFile) -> None:
    loaded = bf.new + bf.changed
    status = "partial" if bf.tally.rejected else ("loaded" if loaded else "unchanged")
    db["imports"].update(bf.import_id, {
        "sha256": bf.stream.sha256, "finished": _now(), "rows_read": bf.read, "rows_loaded": loaded,
        "rows_unchanged": bf.unchanged, "rows_rejected": bf.tally.rejected, "status": status})


def _sort_out(paths: list[Path], kind: str | None) -> tuple[list[tuple[Path, str | None]], list[BulkFile],
                                                              list[FileResult]]:
    """Split the paths into hand-coded files (read whole) and published datasets (streamed)."""
    hand: list[tuple[Path, str | None]] = []
    published: list[BulkFile] = []
    unreadable: list[FileResult] = []
    for path in paths:
        if kind in FORMATS:
            hand.append((path, kind))
            continue
        opened = _open_published(path, kind)
        if isinstance(opened, BulkFile):
            published.append(opened)
        elif isinstance(opened, FileResult):
            unreadable.append(opened)
        else:
            hand.append((path, kind))
    return hand, published, unreadable


def _open_published(path: Path, kind: str | None) -> BulkFile | FileResult | None:
    """The file as a published dataset of `kind` (or of whatever format its header shows);
    None when it is a hand-coded file; a FileResult holding the reason when it cannot be read
    or is not what --kind said."""
    candidates = [BULK_FORMATS[kind]] if kind else list(BULK_FORMATS.values())
    for fmt in candidates:
        stream = RowStream(path, **fmt.stream_options())
        if stream.fatal:
            if kind and _recognised_as(path):
                break  # a file of another published format: say so below
            return FileResult(stream.file, kind, "", fatal=stream.fatal) if kind or _looks_binary(path) else None
        variant = fmt.recognise(stream)
        if not variant:
            stream.close()
        else:
            missing = fmt.missing(stream, variant)
            if missing:
                stream.close()
                return FileResult(stream.file, variant, "", fatal=[Problem(
                    stream.file, 1, ", ".join(missing), f"missing column(s) for {fmt.describe()}")])
            return BulkFile(stream, fmt, variant)
    if kind:
        stream = RowStream(path)
        stream.close()
        shown = ", ".join(stream.columns[:8]) + (", ..." if len(stream.columns) > 8 else "")
        found = _recognised_as(path) or detect_kind(path, stream.columns)
        what = f"it looks like a {found} file" if found else f"its first line has: {shown or 'nothing'}"
        return FileResult(stream.file, kind, "", fatal=[Problem(
            stream.file, 1, "-", f"expected {BULK_FORMATS[kind].describe()}, but {what}")])
    return None


def _recognised_as(path: Path) -> str | None:
    """The published format a file really is, to name it when --kind said otherwise."""
    for fmt in BULK_FORMATS.values():
        stream = RowStream(path, **fmt.stream_options())
        variant = None if stream.fatal else fmt.recognise(stream)
        stream.close()
        if variant:
            return f"{variant} (--kind {fmt.KIND})"
    return None


def _looks_binary(path: Path) -> bool:
    return path.suffix.lower() in {".gz", ".zip"}


def _bulk_context(db: sqlite_utils.Database, reg: ActorRegistry, ctx: Context, published: list[BulkFile],
                  rules_path: str | Path | None, options: dict[str, Any]) -> tuple[BulkContext, list[Problem]]:
    """Rules (only when a roll-call format is loaded) and the roll calls already stored."""
    rules, problems = None, []
    if any(bf.fmt.KIND != "gdelt" for bf in published):
        rules, problems = load_rules(rules_path, ctx.issues)
    bctx = BulkContext(reg, rules, options=options)
    if published and "resolutions" in db.table_names() and "rcid" in db["resolutions"].columns_dict:
        stored = db.execute("SELECT rcid, date FROM resolutions WHERE rcid IS NOT NULL").fetchall()
        bctx.rcids = {rcid: None for rcid, _day in stored}
        bctx.rcid_days = dict(stored)
    return bctx, problems


class _RejectsWriter:
    """Rejected rows of every file, written as they are found to `<path>.partial`, flushed to
    disk just before the load commits and moved to `path` just after, so a rejects file never
    describes a load that did not happen (a COMMIT can still fail, e.g. on a full disk), and a
    load never happens without its rejected rows on disk (at `<path>.partial` if the process
    dies between the COMMIT and the move)."""

    def __init__(self, path: str | Path, result: LoadResult, published: list[BulkFile]):
        self.path = Path(path)
        self.partial = Path(f"{path}.partial")
        columns = [c for f in result.files for c in f.columns] + [c for bf in published for c in bf.stream.columns]
        self.columns = list(dict.fromkeys(columns))
        self.at = {c: i for i, c in enumerate(self.columns)}
        self.fh = open(self.partial, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._write(["file", "line", "problems"] + self.columns)
        self.committed = False
        self.kept = False

    def _write(self, values: list[str | int | None]) -> None:
        """One row as R's write.csv writes it: every value quoted, a missing one a bare NA. So
        Namibia's code stays the text "NA" and a missing code stays missing, and a fixed rejects
        file reloads as its source would (csv readers and Excel read the quotes as quoting)."""
        self.fh.write(",".join("NA" if v is None else '"' + str(v).replace('"', '""') + '"' for v in values) + "\r\n")

    def hand_rows(self, f: FileResult) -> None:
        for row in f.rejected_rows:
            values = [row.values.get(c, "") for c in self.columns]
            self._write([f.file, row.line, _reasons(row.problems)] + values)

    def bulk_row(self, bf: BulkFile, row: RawRow) -> None:
        values: list[str | None] = [""] * len(self.columns)
        names = bf.stream.columns
        for i, value in enumerate(row.fields):
            if i < len(names):
                values[self.at[names[i]]] = value
        self._write([bf.stream.file, row.line, _reasons(row.problems)] + values)

    def finish(self) -> None:
        """Flush the rows to disk; an error here (a full disk) rolls the load back."""
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def publish(self) -> str | None:
        """Called after the COMMIT: the rows become the rejects file. If that fails, the load has
        happened all the same: the partial file is kept and the reason returned."""
        try:
            os.replace(self.partial, self.path)
        except OSError as exc:
            self.kept = True
            return exc.strerror or str(exc)
        self.committed = True
        return None

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        if not self.committed and not self.kept:
            self.partial.unlink(missing_ok=True)


def _reasons(problems: list[Problem]) -> str:
    return "; ".join(f"{p.field}: {p.reason}" for p in problems)


def _kind_rank(path: Path, kind: str | None) -> int:
    """Issues first: statements and votes refer to them. The header decides, as it does when the
    file is read (detect_kind falls back to the name): issues_china.csv may hold statements."""
    guess = kind or detect_kind(path, _header_guess(path))
    return KINDS.index(guess) if guess in KINDS else len(KINDS)


def _header_guess(path: Path) -> list[str]:
    """The first line's words, enough to tell an issues file from the rest without reading it all."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline(64 * 1024)  # enough for any header; a file without line breaks is not read whole
    except OSError:
        return []
    return [column_key(word) for word in re.split(r"[,;\t\"{}:]+", first) if word.strip()]


def _existing_issues(db: sqlite_utils.Database) -> set[str]:
    if "issues" not in db.table_names():
        return set()
    return {row[0] for row in db.execute("SELECT slug FROM issues").fetchall()}


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_EXISTING_SQL = {
    "issues": "SELECT slug, title, description, plus_2, minus_2, parent FROM issues WHERE slug IN ({})",
    "statements": "SELECT s.id, s.coder, s.confidence, s.notes, src.title, src.outlet FROM statements s "
                  "LEFT JOIN sources src ON src.id = s.source_id WHERE s.id IN ({})",
}


def _data_version(db: sqlite_utils.Database) -> int:
    """Changes whenever another connection commits to the file (SQLite's PRAGMA data_version)."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def _classify(db: sqlite_utils.Database, f: FileResult) -> None:
    """Split valid records into new, changed and unchanged against what the database holds.
    Can run again (under the write lock): it starts from every valid record each time."""
    if f.valid is None:
        f.valid = f.records
    f.records = f.valid
    f.inserted = f.updated = f.unchanged = 0
    existing = _existing_votes(db, f.records) if f.kind == "votes" else _existing_by_key(db, f)
    fresh: list[Any] = []
    for record in f.records:
        before = existing.get(record.key)
        if before is None:
            f.inserted += 1
            fresh.append(record)
        elif before != record.comparable():
            f.updated += 1
            fresh.append(record)
        else:
            f.unchanged += 1
    f.records = fresh


def _existing_by_key(db: sqlite_utils.Database, f: FileResult) -> dict[Any, tuple]:
    if f.kind not in db.table_names():
        return {}
    found: dict[Any, tuple] = {}
    for chunk in _chunks([r.key for r in f.records], 500):
        sql = _EXISTING_SQL[f.kind].format(", ".join("?" * len(chunk)))
        for row in db.execute(sql, chunk).fetchall():
            found[row[0]] = tuple(row[1:])
    return found


def _existing_votes(db: sqlite_utils.Database, records: list[votes.Vote]) -> dict[Any, tuple]:
    """Stored votes; a vote whose resolution's details changed counts as changed."""
    resolutions = {v.resolution.id: v.resolution for v in records}
    found: dict[Any, tuple] = {}
    changed: set[str] = set()
    for chunk in _chunks(list(resolutions), 500):
        marks = ", ".join("?" * len(chunk))
        for row in db.execute("SELECT id, body, date, title, issue, polarity, adopted, source_id "
                              f"FROM resolutions WHERE id IN ({marks})", chunk).fetchall():
            if tuple(row[1:]) != resolutions[row[0]].comparable():
                changed.add(row[0])
        for res, actor, vote in db.execute(
                f"SELECT resolution, actor, vote FROM votes WHERE resolution IN ({marks})", chunk).fetchall():
            found[(res, actor)] = ("<resolution changed>",) if res in changed else (vote,)
    return found


def _write_file(db: sqlite_utils.Database, f: FileResult, progress: Progress | None,
                store: RejectStore | None = None) -> None:
    now = _now()
    import_id = db["imports"].insert({
        "file": f.file, "sha256": f.sha256, "kind": f.kind, "started": now, "finished": now,
        "rows_read": f.read, "rows_loaded": f.loaded, "rows_unchanged": f.unchanged,
        "rows_rejected": f.rejected, "status": _status(f)}).last_pk
    if store is not None:
        for row in f.rejected_rows:
            store.add(import_id, row.line, row.problems, row.values)
    if f.kind == "issues":
        db["issues"].upsert_all([r.record(import_id) for r in f.records], pk="slug")
    else:
        _write_sources(db, f)
        fmt = FORMATS[f.kind]
        sql = _insert_sql(fmt.TABLE, fmt.TABLE_COLUMNS)
        for chunk in _chunks(f.records):
            db.conn.executemany(sql, [r.row(import_id) for r in chunk])
            if progress:
                progress(len(chunk))
    db["imports"].update(import_id, {"finished": _now()})


_PRIMARY_KEYS = {"statements": ("id",), "votes": ("resolution", "actor")}


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An upsert for the bulk tables; names come from the formats' fixed column tuples.

    A changed row is updated in place (ON CONFLICT DO UPDATE), never deleted and re-inserted as
    INSERT OR REPLACE does: the delete fired `ON DELETE SET NULL` and unlinked an accepted
    proposal from its statement. The bulk rows bypass sqlite-utils' insert_all: on 15-column
    rows its per-value checks made a 100,000-row load 2.3x slower (benchmarks/bench_load.py).
    The connection and transaction are still sqlite-utils' own.
    """
    key = _PRIMARY_KEYS[table]
    names = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in key)
    return (f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))}) '
            f'ON CONFLICT ({", ".join(key)}) DO UPDATE SET {updates}')


def _write_sources(db: sqlite_utils.Database, f: FileResult) -> None:
    if f.kind == "statements":
        sources = {r.source.id: r.source for r in f.records if r.source}
    else:
        sources = {r.resolution.source.id: r.resolution.source for r in f.records}
        resolutions = {r.resolution.id: r.resolution.record() for r in f.records}
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for source in sources.values():
        record = source.record()
        by_columns.setdefault(tuple(record), []).append(record)
    for records in by_columns.values():  # one upsert per column set: absent columns stay as stored
        db["sources"].upsert_all(records, pk="id")
    if f.kind == "votes" and resolutions:
        db["resolutions"].upsert_all(list(resolutions.values()), pk="id")
        if "coded_by" in db["resolutions"].columns_dict:  # a later published file must not re-map these
            ids = list(resolutions)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                db.execute(f"UPDATE resolutions SET coded_by = 'hand' WHERE id IN ({', '.join('?' * len(chunk))})",
                           chunk)


def _status(f: FileResult) -> str:
    if f.rejected:
        return "partial"
    return "loaded" if f.loaded else "unchanged"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def sync_reference_data(db: sqlite_utils.Database, reg: ActorRegistry) -> None:
    """Mirror actors, aliases, groups and successions from data/ into the database, so the file
    stands alone. Columns and tables a database of an older schema lacks are left out (a test
    builds such a database to check its upgrade)."""
    has = db["actors"].columns_dict
    db["actors"].upsert_all(
        [{k: v for k, v in {"code": a.code, "name": a.name, "kind": a.kind, "iso2": a.iso2, "start": a.start,
                            "end": a.end}.items() if k in has} for a in reg.actors.values()],
        pk="code")
    db["actor_aliases"].upsert_all(
        [{"alias": alias, "code": code} for alias, code in reg.aliases().items()], pk="alias")
    db["actor_groups"].upsert_all(
        [{"group_code": m.group, "actor": m.actor, "start": m.start, "end": m.end,
          "source_url": m.source_url} for m in reg.groups],
        pk=("group_code", "actor", "start"))
    if "successions" not in db.table_names():
        return
    db["successions"].upsert_all(
        [{"predecessor": s.predecessor, "successor": s.successor, "date": s.date, "kind": s.kind, "note": s.note,
          "source_url": s.source_url} for s in reg.successions],
        pk=("predecessor", "successor"))
