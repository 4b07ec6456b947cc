"""Published datasets, streamed: a million rows in bounded memory, with the same promises.

Hand-coded files are small and validated whole before anything is written (`load.py`). A
UN voting file has a million rows, so here each row is parsed as it is read and staged in a
TEMP table inside the load's one transaction; then SQL finds duplicates, splits the staged
rows into new, changed and unchanged against what is stored, and upserts them in one
statement. Memory holds a chunk of rows and one entry per roll call, never the file.

Every row read ends in exactly one bucket: loaded (new or changed), unchanged, rejected (with
file, line, field and reason) or filtered (dropped by a rule the user chose or the format
defines, such as Voeten's "not a member" code or GDELT's --min-sources, counted by reason).
A strict load that finds any problem, a dry run, or a rejects file that cannot be written
rolls the whole transaction back.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlite_utils

from stance.actors import ActorRegistry
from stance.errors import Problem
from stance.ingest.records import Source
from stance.ingest.rules import Rules
from stance.ingest.stream import RawRow, RowStream

CHUNK = 10_000
EMPTY_ROWS = "rows with every field empty"
MAX_PROBLEMS_KEPT = 1_000


@dataclass(frozen=True)
class RollCall:
    """A resolution (or draft, or amendment vote) as a published dataset describes it."""

    id: str
    body: str
    date: str
    title: str | None
    issue: str | None
    polarity: int
    adopted: bool | None
    source: Source | None
    symbol: str | None = None
    session: str | None = None
    draft: str | None = None
    meeting: str | None = None
    agenda: str | None = None
    description: str | None = None
    subjects: str | None = None
    issue_codes: str | None = None
    important: bool | None = None
    rcid: int | None = None

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "date": self.date, "title": self.title, "issue": self.issue,
                "polarity": self.polarity, "adopted": _int_or_none(self.adopted),
                "source_id": self.source.id if self.source else None, "coded_by": "rules",
                "symbol": self.symbol, "session": self.session, "draft": self.draft, "meeting": self.meeting,
                "agenda": self.agenda, "description": self.description,
                "subjects": self.subjects, "issue_codes": self.issue_codes,
                "important": _int_or_none(self.important),
                "rcid": self.rcid}


def rule_values(title: str | None, description: str | None, symbol: str | None = None,
                codes: frozenset[str] | None = None) -> dict[str, str | frozenset[str]]:
    """What the issue rules see of a General Assembly roll call: its short and long titles
    together, and its issue codes. One definition, whichever file brings the roll call and in
    whatever order: matching the short title alone on one path and both titles on another gave a
    roll call a different issue depending on load order."""
    parts = [title] + ([description] if description != title else [])
    text = " ".join(p for p in parts if p)
    values: dict[str, str | frozenset[str]] = {"title": text or symbol or ""}
    if codes is not None:
        values["issue_code"] = codes
    return values


def _int_or_none(flag: bool | None) -> int | None:
    return None if flag is None else int(flag)


ROLL_CALL_COLUMNS = tuple(RollCall("", "", "", None, None, 1, None, None).record())
# Descriptive details some files lack (Voeten's raw file has no title or description): a roll
# call stored with them keeps them when such a file describes it again. Stored issue codes are
# kept the same way (un_roll_calls.csv has none: they come with un_roll_call_issues.csv), but the
# issue and polarity are always re-derived by the rules, so editing the rules still re-maps.
KEPT_WHEN_LEFT_OUT = ("title", "symbol", "session", "draft", "meeting", "agenda", "description", "subjects",
                      "important")


@dataclass(frozen=True)
class VoteItem:
    """A vote on `roll_call`; or, when the file does not describe the roll call (un_votes.csv
    names it by rcid only), roll_call None and `resolution` the id of the stored one, whose
    details are then left as they are."""

    roll_call: RollCall | None
    actor: str
    vote: str
    resolution: str | None = None
    day: str | None = None  # the stored roll call's date, when roll_call is None


@dataclass(frozen=True)
class RelationItem:
    values: tuple  # in RELATION_COLUMNS order


@dataclass(frozen=True)
class RollCallItem:
    roll_call: RollCall


@dataclass(frozen=True)
class IssueCodeItem:
    rcid: int
    code: str


@dataclass(frozen=True)
class Filtered:
    reason: str


Item = VoteItem | RelationItem | RollCallItem | IssueCodeItem | Filtered

RELATION_COLUMNS = ("id", "dataset", "source_actor", "target_actor", "day", "event_code", "base_code", "root_code",
                    "quad_class", "goldstein", "mentions", "sources", "articles", "avg_tone", "url")


class RollCallMemo:
    """For parsers of files that repeat a roll call's details on each of its ~193 vote rows:
    parse each distinct set of details once, and give every row its own copy of any problem.

    A subclass sets `file`, `detail_at` (the indexes of the detail fields) and `roll_calls = {}`,
    and defines `_parse_roll_call(fields)`, returning a RollCall or (field, reason) pairs."""

    file: str
    detail_at: list[int]
    roll_calls: dict[tuple, RollCall | list[tuple[str, str]]]

    def _parse_roll_call(self, fields: list[str | None]) -> RollCall | list[tuple[str, str]]:
        raise NotImplementedError

    def _roll_call(self, fields: list[str | None], row: RawRow) -> RollCall | None:
        if not hasattr(self, "_details"):
            self._details = operator.itemgetter(*self.detail_at, self.detail_at[0])  # always a tuple
        key = self._details(fields)
        found = self.roll_calls.get(key)
        if found is None:
            found = self.roll_calls[key] = self._parse_roll_call(fields)
        if isinstance(found, list):
            row.problems.extend(Problem(self.file, row.line, f, reason) for f, reason in found)
            return None
        return found


@dataclass
class BulkContext:
    """What row parsers need beyond the row: names, rules, and what this load and the database
    already hold (roll calls by rcid, so a vote can be matched to its roll call or reported)."""

    registry: ActorRegistry
    rules: Rules | None
    rcids: dict[int, RollCall | None] = field(default_factory=dict)  # None: stored, not in this load
    options: dict[str, Any] = field(default_factory=dict)
    hand_votes: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # this load's, by key
    rcid_days: dict[int, str] = field(default_factory=dict)  # dates of the stored roll calls
    unknown_codes: dict[tuple[str, str, str], list] = field(default_factory=dict)  # (file, field, code) -> tally

    def day_of(self, rcid: int) -> str | None:
        """The date of roll call `rcid`, from this load or the database."""
        roll_call = self.rcids.get(rcid)
        return roll_call.date if roll_call is not None else self.rcid_days.get(rcid)

    def unknown_code(self, file: str, field_name: str, code: str, day: str | None) -> None:
        """Tally a vote rejected for a code no table knows: the load names the code, its votes and years."""
        tally = self.unknown_codes.setdefault((file, field_name, code), [0, None, None])
        tally[0] += 1
        if day:
            tally[1] = day[:4] if tally[1] is None else min(tally[1], day[:4])
            tally[2] = day[:4] if tally[2] is None else max(tally[2], day[:4])


class Format(Protocol):
    KIND: str

    def recognise(self, stream: RowStream) -> str | None: ...

    def describe(self) -> str: ...

    def parser(self, stream: RowStream, variant: str, ctx: BulkContext) -> Callable[[RawRow], Item | None]: ...


@dataclass
class BulkTally:
    """A bulk file's counts and (capped) problems, shared with the hand-coded FileResult."""

    filtered: Counter = field(default_factory=Counter)
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    roll_calls_new: int = 0
    roll_calls_updated: int = 0

    def reject(self, problems: Iterable[Problem]) -> None:
        self.rejected += 1
        for problem in problems:
            if len(self.problems) < MAX_PROBLEMS_KEPT:
                self.problems.append(problem)
            else:
                self.more_problems += 1


class Stage:
    """Rows bound for `votes` or `relations`, staged in a TEMP table of this connection.

    The temp table lives in SQLite's temp file, not in Python memory, and vanishes with the
    transaction's connection; its rows carry the import id and line they came from."""

    def __init__(self, db: sqlite_utils.Database, table: str, key: tuple[str, ...], values: tuple[str, ...]):
        self.db = db
        self.table = table
        self.key = key
        self.values = values
        self.name = f"stage_{table}"
        self.pending: list[tuple] = []
        self.rows = 0
        cols = ", ".join(("import_id", "line") + key + values)
        db.execute(f"DROP TABLE IF EXISTS temp.{self.name}")
        db.execute(f"CREATE TEMP TABLE {self.name} ({cols})")
        self._insert = f"INSERT INTO temp.{self.name} VALUES ({', '.join('?' * (2 + len(key) + len(values)))})"

    def add(self, row: tuple) -> None:
        self.pending.append(row)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.db.conn.executemany(self._insert, self.pending)
            self.rows += len(self.pending)
            self.pending = []

    def duplicates(self) -> list[tuple]:
        """(import_id, line, first import_id, first line, key...) of every staged row whose key
        an earlier row of this load already had; those rows are removed from the stage."""
        self.flush()
        if not self.rows:
            return []
        key = ", ".join(self.key)
        self.db.execute(f"CREATE INDEX temp.{self.name}_key ON {self.name} ({key}, import_id, line)")
        groups = self.db.execute(f"SELECT {key} FROM temp.{self.name} GROUP BY {key} HAVING count(*) > 1").fetchall()
        found = []
        match = " AND ".join(f"{k} = ?" for k in self.key)
        for group in groups:
            rows = self.db.execute(f"SELECT import_id, line FROM temp.{self.name} WHERE {match} "
                                   "ORDER BY import_id, line", group).fetchall()
            first = rows[0]
            for import_id, line in rows[1:]:
                found.append((import_id, line, *first, *group))
                self.db.execute(f"DELETE FROM temp.{self.name} WHERE import_id = ? AND line = ?", (import_id, line))
        return found

    def classify(self) -> dict[int, tuple[int, int]]:
        """Per import id: (rows new to the table, rows whose values differ from what is stored)."""
        if not self.rows:
            return {}
        join = " AND ".join(f"t.{k} = s.{k}" for k in self.key)
        differs = " OR ".join(f"t.{v} IS NOT s.{v}" for v in self.values)
        found = f"t.{self.key[0]}"  # a key column is never NULL in the table: NULL means no match (votes has no rowid)
        sql = (f"SELECT s.import_id, sum({found} IS NULL), sum({found} IS NOT NULL AND ({differs})) "
               f"FROM temp.{self.name} s LEFT JOIN {self.table} t ON {join} GROUP BY s.import_id")
        return {row[0]: (row[1], row[2]) for row in self.db.execute(sql).fetchall()}

    def write(self) -> None:
        """One upsert: new rows inserted, changed rows updated, unchanged rows left untouched
        (so their import id and line still say where they first came from)."""
        if not self.rows:
            return
        columns = self.key + self.values + ("import_id", "line")
        names = ", ".join(columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.values + ("import_id", "line"))
        differs = " OR ".join(f"{self.table}.{v} IS NOT excluded.{v}" for v in self.values)
        self.db.execute(f"INSERT INTO {self.table} ({names}) SELECT {names} FROM temp.{self.name} WHERE true "
                        f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {updates} WHERE {differs}")

    def drop(self) -> None:
        self.db.execute(f"DROP TABLE IF EXISTS temp.{self.name}")


@dataclass
class BulkFile:
    """One published file, opened and recognised, waiting to be streamed."""

    stream: RowStream
    fmt: Any  # a format module (see Format)
    variant: str
    import_id: int | None = None
    read: int = 0
    staged: int = 0  # rows parsed and kept: new + changed + unchanged
    new: int = 0
    changed: int = 0
    tally: BulkTally = field(default_factory=BulkTally)

    @property
    def rows_are_roll_calls(self) -> bool:
        return self.variant == "unvotes-roll-calls"

    @property
    def unchanged(self) -> int:
        return self.staged - self.new - self.changed


class BulkLoad:
    """The published files of one load: streams each into its stage, then settles them all.

    Roll calls are kept in memory (a few thousand, one entry each); votes and relations are
    staged in SQLite. `finish` finds duplicates and classifies; `write` upserts."""

    def __init__(self, db: sqlite_utils.Database, ctx: BulkContext):
        self.db = db
        self.ctx = ctx
        self.roll_calls: dict[str, tuple[RollCall, BulkFile, int]] = {}
        self.codes: dict[int, dict[str, tuple[BulkFile, int]]] = {}
        self.votes = Stage(db, "votes", ("resolution", "actor"), ("vote",))
        self.relations = Stage(db, "relations", ("id",), RELATION_COLUMNS[1:])
        self.by_import: dict[int, BulkFile] = {}
        self.from_rows: set[str] = set()  # roll calls that are rows of a roll-calls file
        self.sources: dict[str, Source] = {}

    # -- streaming -------------------------------------------------------------------------

    def stream(self, bf: BulkFile, on_row: Callable[[BulkFile, RawRow], None],
               progress: Callable[[int], None] | None = None) -> None:
        """Parse every row of `bf`; `on_row` hears of each rejected row (for the rejects file)."""
        self.by_import[bf.import_id] = bf
        parse = bf.fmt.parser(bf.stream, bf.variant, self.ctx)
        reported = 0
        for n, row in enumerate(bf.stream, start=1):
            bf.read += 1
            item = None if row.problems else parse(row)
            if item is not None and not row.problems:
                self._take(bf, row, item)
            if row.problems:
                bf.tally.reject(row.problems)
                on_row(bf, row)
            if progress and n % CHUNK == 0:
                done = bf.stream.bytes_done
                progress(done - reported)
                reported = done
        if bf.stream.empty_rows:
            bf.read += bf.stream.empty_rows
            bf.tally.filtered[EMPTY_ROWS] += bf.stream.empty_rows
        if progress:
            progress(max(bf.stream.total_bytes - reported, 0))

    def _take(self, bf: BulkFile, row: RawRow, item: Item) -> None:
        if isinstance(item, VoteItem):
            item = self._cast_by(item)
            key = (item.roll_call.id if item.roll_call else item.resolution, item.actor)
            hand = self.ctx.hand_votes.get(key) if self.ctx.hand_votes else None
            if hand is not None:
                self._fail(bf, row, "-", f"duplicate of {hand[0]}:{hand[1]}, a hand-coded vote in this load")
            elif item.roll_call is None:
                self.votes.add((bf.import_id, row.line, item.resolution, item.actor, item.vote))
                bf.staged += 1
            elif self._same_roll_call(bf, row, item.roll_call):
                self.votes.add((bf.import_id, row.line, item.roll_call.id, item.actor, item.vote))
                bf.staged += 1
        elif isinstance(item, RelationItem):
            self.relations.add((bf.import_id, row.line, *item.values))
            bf.staged += 1
        elif isinstance(item, Filtered):
            bf.tally.filtered[item.reason] += 1
        elif isinstance(item, RollCallItem):
            first = self.roll_calls.get(item.roll_call.id)
            if first is not None:
                self._fail(bf, row, "rcid", f"duplicate of {_where(first[1], first[2], bf)}")
            else:
                self.roll_calls[item.roll_call.id] = (item.roll_call, bf, row.line)
                self.from_rows.add(item.roll_call.id)
                if item.roll_call.rcid is not None:
                    self.ctx.rcids[item.roll_call.rcid] = item.roll_call
                bf.staged += 1
        elif isinstance(item, IssueCodeItem):
            codes = self.codes.setdefault(item.rcid, {})
            if item.code in codes:
                first_file, first_line = codes[item.code]
                self._fail(bf, row, "short_name", f"duplicate of {_where(first_file, first_line, bf)}")
            else:
                codes[item.code] = (bf, row.line)
                bf.staged += 1

    def _cast_by(self, item: VoteItem) -> VoteItem:
        """The vote stored under the state that held the seat on its day (Russia's 1980 vote is the USSR's)."""
        day = item.roll_call.date if item.roll_call is not None else item.day
        if day is None:
            return item
        holder = self.ctx.registry.seat_holder(item.actor, day)
        return item if holder == item.actor else dataclasses.replace(item, actor=holder)

    def _same_roll_call(self, bf: BulkFile, row: RawRow, roll_call: RollCall) -> bool:
        """Every row of one roll call must describe it the same way (date, title, subjects...)."""
        first = self.roll_calls.get(roll_call.id)
        if first is None:
            self.roll_calls[roll_call.id] = (roll_call, bf, row.line)
            return True
        if first[0] is roll_call or first[0] == roll_call:
            return True
        differing = [name for name in roll_call.__dataclass_fields__
                     if getattr(roll_call, name) != getattr(first[0], name)]
        self._fail(bf, row, ", ".join(differing), f"differs from {_where(first[1], first[2], bf)} "
                                                  f"for the same roll call {roll_call.id}")
        return False

    def _fail(self, bf: BulkFile, row: RawRow, field_name: str, reason: str) -> None:
        row.problems.append(Problem(bf.stream.file, row.line, field_name, reason))

    # -- settling --------------------------------------------------------------------------

    def finish(self, on_duplicate: Callable[[BulkFile, RawRow], None]) -> None:
        """Reject later duplicates, apply issue codes, and count new/changed/unchanged per file."""
        for stage in (self.votes, self.relations):
            duplicates: dict[int, list[RawRow]] = {}
            for import_id, line, first_import, first_line, *key in stage.duplicates():
                bf, first = self.by_import[import_id], self.by_import[first_import]
                row = RawRow(line, [], [])
                self._fail(bf, row, "-", f"duplicate of {_where(first, first_line, bf)} ({' '.join(map(str, key))})")
                bf.staged -= 1
                bf.tally.reject(row.problems)
                duplicates.setdefault(import_id, []).append(row)
            for import_id, rows in duplicates.items():
                _fill_fields(self.by_import[import_id], rows)
                for row in rows:
                    on_duplicate(self.by_import[import_id], row)
            for import_id, (new, changed) in stage.classify().items():
                bf = self.by_import[import_id]
                bf.new, bf.changed = new or 0, changed or 0
        self._settle_roll_calls()

    def _settle_roll_calls(self) -> None:
        """Merge issue codes into roll calls, map them to issues by the rules, compare with
        what is stored. A hand-coded resolution keeps every value it has."""
        self.merged: list[dict[str, Any]] = []
        for rcid, codes in self.codes.items():
            self._apply_codes(rcid, codes)
        stored = self._stored_roll_calls(list(self.roll_calls))
        for rc_id, (roll_call, bf, _line) in self.roll_calls.items():
            record = roll_call.record()
            before = stored.get(rc_id)
            if before is not None and before["coded_by"] == "hand":
                record = {k: (before[k] if before[k] is not None else record[k]) for k in record}
                record["coded_by"] = "hand"
            elif before is not None:  # a file that leaves a detail out keeps the stored one
                record.update({k: before[k] for k in KEPT_WHEN_LEFT_OUT if record[k] is None})
                if record["issue_codes"] is None and before["issue_codes"]:
                    record["issue_codes"] = before["issue_codes"]  # un_roll_calls.csv loaded without its issues
                self._recode_rcid_roll_call(record, bf)
            if before is not None and before == record:
                continue
            if bf.rows_are_roll_calls and roll_call.id in self.from_rows:
                bf.new, bf.changed = bf.new + (before is None), bf.changed + (before is not None)
            elif before is None:
                bf.tally.roll_calls_new += 1
            else:
                bf.tally.roll_calls_updated += 1
            self.merged.append(record)
            if roll_call.source:
                self.sources[roll_call.source.id] = roll_call.source

    def _recode_rcid_roll_call(self, record: dict[str, Any], bf: BulkFile) -> None:
        """Map an unvotes / Voeten roll call by the rules from everything known of it, stored or new:
        Voeten's file has no titles, so mapping from the file's row alone would undo what the
        titles in un_roll_calls.csv decided, and the answer would depend on the order of loads."""
        if self.ctx.rules is None or record["rcid"] is None:
            return
        codes = frozenset((record["issue_codes"] or "").split())
        record["issue"], record["polarity"] = self.ctx.rules.issue_for(bf.fmt.KIND, rule_values(
            record["title"], record["description"], record["symbol"], codes))

    def _apply_codes(self, rcid: int, codes: dict[str, tuple[BulkFile, int]]) -> None:
        roll_call = self.ctx.rcids.get(rcid)
        if roll_call is None:  # stored by an earlier load: re-read it to re-map
            roll_call = self._stored_as_roll_call(rcid)
            if roll_call is None:
                return
            stored_codes = set((roll_call.issue_codes or "").split())
        else:  # described by this load: a code is new only if the stored roll call lacks it
            stored = self.db.execute("SELECT issue_codes FROM resolutions WHERE rcid = ?", [rcid]).fetchone()
            stored_codes = set((stored[0] or "").split()) if stored else set()
        known = set((roll_call.issue_codes or "").split())
        for code, (bf, _line) in codes.items():
            bf.new += code not in stored_codes
        all_codes = " ".join(sorted(known | set(codes)))
        issue, polarity = roll_call.issue, roll_call.polarity
        if self.ctx.rules is not None:
            issue, polarity = self.ctx.rules.issue_for("unvotes", rule_values(
                roll_call.title, roll_call.description, roll_call.symbol, frozenset(all_codes.split())))
        updated = _replace(roll_call, issue_codes=all_codes, issue=issue, polarity=polarity)
        first_bf = next(iter(codes.values()))[0]
        if roll_call.id in self.roll_calls:
            _old, bf, line = self.roll_calls[roll_call.id]
            self.roll_calls[roll_call.id] = (updated, bf, line)
        else:
            self.roll_calls[roll_call.id] = (updated, first_bf, 0)

    def _stored_as_roll_call(self, rcid: int) -> RollCall | None:
        row = self.db.execute(f"SELECT {', '.join(ROLL_CALL_COLUMNS)} FROM resolutions WHERE rcid = ?",
                              [rcid]).fetchone()
        if row is None:
            return None
        r = dict(zip(ROLL_CALL_COLUMNS, row, strict=True))
        source = None
        if r["source_id"]:
            url = self.db.execute("SELECT url FROM sources WHERE id = ?", [r["source_id"]]).fetchone()
            source = Source(url[0], None, None) if url else None
        return RollCall(r["id"], r["body"], r["date"], r["title"], r["issue"], r["polarity"],
                        None if r["adopted"] is None else bool(r["adopted"]), source, r["symbol"], r["session"],
                        r["draft"], r["meeting"], r["agenda"], description=r["description"],
                        subjects=r["subjects"], issue_codes=r["issue_codes"],
                        important=None if r["important"] is None else bool(r["important"]), rcid=r["rcid"])

    def _stored_roll_calls(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {', '.join(ROLL_CALL_COLUMNS)} FROM resolutions "
                                       f"WHERE id IN ({marks})", chunk).fetchall():
                found[row[0]] = dict(zip(ROLL_CALL_COLUMNS, row, strict=True))
        return found

    def write(self) -> None:
        """Sources, then roll calls, then votes and relations (each refers to the one before)."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for source in self.sources.values():
            record = source.record()
            by_columns.setdefault(tuple(record), []).append(record)
        for records in by_columns.values():
            self.db["sources"].upsert_all(records, pk="id")
        if self.merged:
            names = ", ".join(ROLL_CALL_COLUMNS)
            updates = ", ".join(f"{c} = excluded.{c}" for c in ROLL_CALL_COLUMNS[1:])
            sql = (f"INSERT INTO resolutions ({names}) VALUES ({', '.join('?' * len(ROLL_CALL_COLUMNS))}) "
                   f"ON CONFLICT (id) DO UPDATE SET {updates}")
            self.db.conn.executemany(sql, [tuple(r[c] for c in ROLL_CALL_COLUMNS) for r in self.merged])
        self.votes.write()
        self.relations.write()

    def close(self) -> None:
        self.votes.drop()
        self.relations.drop()


def _fill_fields(bf: BulkFile, rows: list[RawRow]) -> None:
    """Give duplicate rows (found in SQL, after streaming) their fields back for the rejects file,
    by reading the file once more; only files with duplicates pay for it."""
    wanted = {row.line: row for row in rows}
    again = RowStream(bf.stream.path, **bf.fmt.stream_options())
    for raw in again:
        row = wanted.pop(raw.line, None)
        if row is not None:
            row.fields = raw.fields
        if not wanted:
            break
    again.close()


def _where(first: BulkFile, line: int, current: BulkFile) -> str:
    return f"line {line}" if first is current else f"{first.stream.file}:{line}"


def _replace(roll_call: RollCall, **changes: Any) -> RollCall:
    return dataclasses.replace(roll_call, **changes)
