"""The R package unvotes: UN General Assembly roll calls, their issues and the votes, as R writes them.

Three tables, recognised by their headers (a load takes any of them; roll calls are read first):

- `un_roll_calls`: rcid, session, importantvote, date, unres, amend, para, short, descr. One row
  per roll call, stored as the resolution `UNGA rcid N` (Voeten's file uses the same rcids, so
  the two meet). The title is `short` (or `descr` when `short` is missing); `descr` is kept
  as the description. `unres` is the symbol as the dataset writes it (`R/72/188`), stored as the
  UN's (`A/RES/72/188`, see stance.model.ga_symbol); an amendment vote has none.
- `un_roll_call_issues`: rcid, short_name, issue. Each code (me nu di hr co ec) is added to its
  roll call's `issue_codes`, and the rules map the codes to an issue.
- `un_votes`: rcid, country, country_code, vote. `country_code` is ISO 3166-1 alpha-2; the rcid
  must be a roll call of this load or of the database.

R's `write.csv` quotes strings and writes a missing value as a bare NA, so the quoted "NA" is
Namibia and the bare NA is missing (`RowStream(r_na=True)`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stance.errors import FieldError, Problem
from stance.ingest.bulk import BulkContext, IssueCodeItem, Item, RollCall, RollCallItem, VoteItem, rule_values
from stance.ingest.records import Source
from stance.ingest.stream import RawRow, RowStream
from stance.model import ga_symbol, parse_date

KIND = "unvotes"
ROLL_CALL_COLUMNS = ("rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr")
ISSUE_COLUMNS = ("rcid", "short_name", "issue")
VOTE_COLUMNS = ("rcid", "country", "country_code", "vote")
NEEDED = {
    "unvotes-roll-calls": ("rcid", "session", "importantvote", "date", "unres", "short", "descr"),
    "unvotes-issues": ("rcid", "short_name"),
    "unvotes-votes": ("rcid", "country", "country_code", "vote"),
}
ISSUE_CODES = ("me", "nu", "di", "hr", "co", "ec")
_VOTES = ("yes", "no", "abstain")
# Erik Voeten's dataset on Harvard Dataverse, which unvotes repackages: the source of every roll call.
DATASET = Source("https://doi.org/10.7910/DVN/LEJUQZ", "United Nations General Assembly Voting Data (Voeten)", None)
MAX_INTEGER = 2**63 - 1  # SQLite's INTEGER
_RCID = re.compile(r"\d+(?:\.0*)?")


def describe() -> str:
    return ("an unvotes table as R writes it (un_roll_calls: rcid, session, importantvote, date, unres, amend, "
            "para, short, descr; un_roll_call_issues: rcid, short_name, issue; "
            "un_votes: rcid, country, country_code, vote)")


def roll_call_id(rcid: int) -> str:
    """The resolution id of a General Assembly roll call known only by its rcid (unvotes and Voeten)."""
    return f"UNGA rcid {rcid}"


def parse_rcid(text: str | None, field: str = "rcid") -> int:
    value = (text or "").strip()
    if not value:
        raise FieldError(field, "missing (expected the roll call's number)")
    if not _RCID.fullmatch(value):
        raise FieldError(field, f"{value!r} is not a roll-call number")
    number = int(value.split(".")[0])
    if number > MAX_INTEGER:
        raise FieldError(field, f"{value[:30]!r} is too large for a roll-call number")
    return number


def parse_flag(text: str | None, field: str) -> bool | None:
    """0/1 (R and Stata may write 1.0); missing is None."""
    value = (text or "").strip()
    if not value:
        return None
    if value in ("0", "1", "0.0", "1.0"):
        return value.startswith("1")
    raise FieldError(field, f"{value!r} is not 0 or 1")


def recognise(stream: RowStream) -> str | None:
    columns = set(stream.columns)
    if "rcid" not in columns or "ccode" in columns:  # a COW-coded file is Voeten's
        return None
    if "short_name" in columns:
        return "unvotes-issues"
    if "country_code" in columns or ("vote" in columns and "country" in columns):
        return "unvotes-votes"
    if columns & {"short", "descr"}:
        return "unvotes-roll-calls"
    return None


def missing(stream: RowStream, variant: str) -> list[str]:
    return [c for c in NEEDED[variant] if c not in stream.columns]


class _Parser:
    def __init__(self, stream: RowStream, variant: str, ctx: BulkContext):
        self.file = stream.file
        self.variant = variant
        self.ctx = ctx
        self.at = {name: i for i, name in enumerate(stream.columns)}
        self.width = len(stream.columns)

    def get(self, fields: list[str | None], column: str) -> str | None:
        """The value, None when missing (a bare NA, an empty field, or no such column)."""
        i = self.at.get(column)
        value = fields[i] if i is not None else None
        return value if value is not None and value.strip() else None

    def fail(self, row: RawRow, field: str, reason: str) -> None:
        row.problems.append(Problem(self.file, row.line, field, reason))

    def width_ok(self, row: RawRow) -> bool:
        if len(row.fields) != self.width:
            self.fail(row, "-", f"has {len(row.fields)} fields, the header has {self.width} "
                                "(a stray delimiter or quote, or the file is cut short?)")
            return False
        return True

    def rcid(self, row: RawRow) -> int | None:
        try:
            return parse_rcid(self.get(row.fields, "rcid"))
        except FieldError as exc:
            self.fail(row, exc.field, exc.reason)
            return None

    def known_rcid(self, row: RawRow) -> int | None:
        """The rcid, if this load or the database has its roll call (else a problem)."""
        rcid = self.rcid(row)
        if rcid is not None and rcid not in self.ctx.rcids:
            self.fail(row, "rcid", f"no roll call rcid {rcid} in this load or the database "
                                   "(load un_roll_calls.csv with it)")
            return None
        return rcid


class RollCallParser(_Parser):
    def __call__(self, row: RawRow) -> Item | None:
        if not self.width_ok(row):
            return None
        fields = row.fields
        rcid = self.rcid(row)
        day = None
        try:
            date = parse_date(self.get(fields, "date") or "", "date")
            if date.precision != "day":
                self.fail(row, "date", f"{date.text!r}: a roll call needs the full date (YYYY-MM-DD)")
            else:
                day = date.day
        except FieldError as exc:
            self.fail(row, exc.field, exc.reason)
        important = None
        try:
            important = parse_flag(self.get(fields, "importantvote"), "importantvote")
        except FieldError as exc:
            self.fail(row, exc.field, exc.reason)
        if row.problems or rcid is None or day is None:
            return None
        short, descr = self.get(fields, "short"), self.get(fields, "descr")
        issue, polarity = None, 1
        if self.ctx.rules is not None:
            issue, polarity = self.ctx.rules.issue_for(KIND, rule_values(short or descr, descr,
                                                                         self.get(fields, "unres")))
        session = self.get(fields, "session")
        return RollCallItem(RollCall(
            roll_call_id(rcid), "UNGA", day, short or descr, issue, polarity, None, DATASET,
            symbol=ga_symbol(self.get(fields, "unres")), session=session.strip() if session else None,
            description=descr, important=important, rcid=rcid))


class IssueParser(_Parser):
    def __call__(self, row: RawRow) -> Item | None:
        if not self.width_ok(row):
            return None
        rcid = self.known_rcid(row)
        code = (self.get(row.fields, "short_name") or "").strip().lower()
        if code not in ISSUE_CODES:
            shown = repr(code) if code else "missing"
            self.fail(row, "short_name", f"{shown} is not an issue code (expected one of {', '.join(ISSUE_CODES)})")
        if row.problems or rcid is None:
            return None
        return IssueCodeItem(rcid, code)


class VoteParser(_Parser):
    """A vote's roll call is this load's (from un_roll_calls.csv) or, when stored, referred to by id
    only, so the stored description is left as it is."""

    def __init__(self, stream: RowStream, variant: str, ctx: BulkContext):
        super().__init__(stream, variant, ctx)
        self.iso2 = {a.iso2.upper(): a.code for a in ctx.registry.actors.values() if a.iso2}
        self.actors: dict[tuple[str | None, str | None], str | tuple[str, str]] = {}

    def __call__(self, row: RawRow) -> Item | None:
        if not self.width_ok(row):
            return None
        rcid = self.known_rcid(row)
        day = self.ctx.day_of(rcid) if rcid is not None else None
        actor = self._actor(row, day)
        raw = (self.get(row.fields, "vote") or "").strip().lower()
        if raw not in _VOTES:
            self.fail(row, "vote", f"{raw!r} is not a vote (expected yes, no or abstain)" if raw
                      else "missing (expected yes, no or abstain)")
        if row.problems or rcid is None or actor is None:
            return None
        roll_call = self.ctx.rcids[rcid]
        if roll_call is None:
            return VoteItem(None, actor, raw, resolution=roll_call_id(rcid), day=day)
        return VoteItem(roll_call, actor, raw)

    def _actor(self, row: RawRow, day: str | None) -> str | None:
        code, name = self.get(row.fields, "country_code"), self.get(row.fields, "country")
        dated = self.ctx.registry.dated_code("iso2", (code or "").strip().upper(), day) if code and day else None
        if dated is not None:
            return dated
        key = (code, name)
        found = self.actors.get(key)
        if found is None:
            found = self.actors[key] = self._resolve(*key)
        if isinstance(found, tuple):
            self.fail(row, *found)
            self.ctx.unknown_code(self.file, "country_code", code or f"missing, country {name!r}", day)
            return None
        return found

    def _resolve(self, code: str | None, name: str | None) -> str | tuple[str, str]:
        """ISO-2 code first; a missing (or unknown) code falls back to the country's name."""
        code = (code or "").strip().upper()
        if code and code in self.iso2:
            return self.iso2[code]
        what = f"unknown ISO 3166-1 alpha-2 code {code!r}" if code else "missing"
        try:
            return self.ctx.registry.resolve(name or "", "country")
        except FieldError as exc:
            return ("country_code", f"{what}, and the country name does not settle it: {exc.reason}; "
                                    "add the code to data/historic_codes.csv or the name to data/aliases.csv")


def parser(stream: RowStream, variant: str, ctx: BulkContext) -> Callable[[RawRow], Item | None]:
    return {"unvotes-roll-calls": RollCallParser, "unvotes-issues": IssueParser,
            "unvotes-votes": VoteParser}[variant](stream, variant, ctx)


def stream_options() -> dict[str, Any]:
    return {"header": True, "r_na": True}
