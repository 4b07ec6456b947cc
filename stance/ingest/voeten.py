"""Erik Voeten's raw UN General Assembly voting file: one row per country per roll call.

Header `rcid, session, vote, ccode, member, importantvote, date, unres, me, nu, di, hr, co, ec,
year` (the combined release adds short and descr, which are used when present). Countries are
Correlates of War numbers, mapped by `data/cow_codes.csv`; votes are 1 yes, 2 abstain, 3 no,
8 absent, and 9 for a state that was not a UN member then (filtered out, not an error). Dates
are M/D/YYYY (or YYYY-MM-DD). A roll call is the resolution `UNGA rcid N`, the same one the
unvotes tables give, so loading both files does not count a roll call twice; when this load's
un_roll_calls.csv describes the roll call, its votes here refer to that description.

The file may come from R or Stata: a bare NA and an empty field are both missing.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from stance.db import DATA_DIR
from stance.errors import FieldError, Problem
from stance.ingest.bulk import BulkContext, Filtered, Item, RollCall, RollCallMemo, VoteItem, rule_values
from stance.ingest.stream import RawRow, RowStream
from stance.ingest.unvotes import DATASET, ISSUE_CODES, parse_flag, parse_rcid, roll_call_id
from stance.model import ga_symbol, parse_date

KIND = "voeten"
COLUMNS = ("rcid", "session", "vote", "ccode", "member", "importantvote", "date", "unres",
           "me", "nu", "di", "hr", "co", "ec", "year")
NEEDED = ("rcid", "vote", "ccode", "date", "unres", "importantvote", "session") + ISSUE_CODES
COW_CODES = DATA_DIR / "cow_codes.csv"
_VOTES = {"1": "yes", "2": "abstain", "3": "no", "8": "absent"}
NOT_A_MEMBER = "not a UN member then (vote 9)"
_DETAIL = ("rcid", "session", "importantvote", "date", "unres", "short", "descr") + ISSUE_CODES


@dataclass(frozen=True)
class CowState:
    ccode: int
    name: str
    actor: str | None
    note: str


@lru_cache(maxsize=4)
def cow_states(path: Path = COW_CODES) -> dict[int, CowState]:
    """COW state number -> state, as data/cow_codes.csv maps them (read once)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return {int(r["ccode"]): CowState(int(r["ccode"]), r["name"].strip(), (r["actor"] or "").strip().upper()
                                          or None, (r.get("note") or "").strip())
                for r in csv.DictReader(fh) if (r.get("ccode") or "").strip()}


def describe() -> str:
    return ("Erik Voeten's raw UN General Assembly voting file (header rcid, session, vote, ccode, member, "
            "importantvote, date, unres, me, nu, di, hr, co, ec, year)")


def recognise(stream: RowStream) -> str | None:
    columns = set(stream.columns)
    return KIND if {"rcid", "ccode", "vote"} <= columns else None


def missing(stream: RowStream, variant: str) -> list[str]:
    return [c for c in NEEDED if c not in stream.columns]


class Parser(RollCallMemo):
    """Rows into votes; a roll call's details are parsed once and shared by its rows."""

    def __init__(self, stream: RowStream, variant: str, ctx: BulkContext):
        self.file = stream.file
        self.ctx = ctx
        self.at = {name: i for i, name in enumerate(stream.columns)}
        self.width = len(stream.columns)
        self.detail_at = [self.at[c] for c in _DETAIL if c in self.at]
        self.name_at = next((self.at[c] for c in ("countryname", "country", "member_name") if c in self.at), None)
        self.states = cow_states()
        self.roll_calls: dict[tuple, RollCall | list[tuple[str, str]]] = {}
        self.actors: dict[str, str | tuple[str, str]] = {}

    def get(self, fields: list[str | None], column: str) -> str:
        i = self.at.get(column)
        return (fields[i] or "").strip() if i is not None else ""

    def __call__(self, row: RawRow) -> Item | None:
        fields = row.fields
        if len(fields) != self.width:
            row.problems.append(Problem(self.file, row.line, "-", f"has {len(fields)} fields, the header has "
                                        f"{self.width} (a stray delimiter or quote, or the file is cut short?)"))
            return None
        raw_vote = self.get(fields, "vote").removesuffix(".0")
        if raw_vote == "9":  # not a member: whatever the rest says, nothing to store
            return Filtered(NOT_A_MEMBER)
        vote = _VOTES.get(raw_vote)
        if vote is None:
            row.problems.append(Problem(self.file, row.line, "vote", f"{raw_vote!r} is not a vote (expected 1 yes, "
                                        "2 abstain, 3 no, 8 absent or 9 not a member)" if raw_vote
                                        else "missing (expected 1, 2, 3, 8 or 9)"))
        roll_call = self._roll_call(fields, row)
        actor = self._actor(fields, row, roll_call.date if roll_call is not None else None)
        if row.problems or roll_call is None or actor is None or vote is None:
            return None
        return VoteItem(roll_call, actor, vote)

    def _actor(self, fields: list[str | None], row: RawRow, day: str | None) -> str | None:
        code = self.get(fields, "ccode")
        dated = self.ctx.registry.dated_code("cow", code.removesuffix(".0"), day) if code and day else None
        if dated is not None:
            return dated
        found = self.actors.get(code)
        if found is None:
            name = (fields[self.name_at] or "").strip() if self.name_at is not None else ""
            found = self.actors[code] = self._resolve_actor(code, name)
        if isinstance(found, tuple):
            row.problems.append(Problem(self.file, row.line, *found))
            self.ctx.unknown_code(self.file, "ccode", code or "missing", day)
            return None
        return found

    def _resolve_actor(self, code: str, name: str) -> str | tuple[str, str]:
        named = f" ({name!r})" if name else ""
        if not code:
            return ("ccode", "missing (expected a Correlates of War country number)")
        try:
            number = int(code.removesuffix(".0"))
        except ValueError:
            return ("ccode", f"{code!r} is not a Correlates of War country number")
        state = self.states.get(number)
        if state is None:
            return ("ccode", f"no country for COW code {number}{named}; add it to data/cow_codes.csv")
        if state.actor is None:
            return ("ccode", f"COW code {number} ({state.name}) has no actor in data/cow_codes.csv"
                             + (f": {state.note}" if state.note else ""))
        if state.actor not in self.ctx.registry.actors:
            return ("ccode", f"COW code {number} ({state.name}) maps to {state.actor}, which is not a known actor; "
                             "add it to data/actors.csv")
        return state.actor

    def _parse_roll_call(self, fields: list[str | None]) -> RollCall | list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        rcid = important = day = None
        try:
            rcid = parse_rcid(self.get(fields, "rcid"))
        except FieldError as exc:
            problems.append((exc.field, exc.reason))
        day = _day(self.get(fields, "date"), problems)
        try:
            important = parse_flag(self.get(fields, "importantvote"), "importantvote")
        except FieldError as exc:
            problems.append((exc.field, exc.reason))
        codes = []
        for code in ISSUE_CODES:
            try:
                if parse_flag(self.get(fields, code), code):
                    codes.append(code)
            except FieldError as exc:
                problems.append((exc.field, exc.reason))
        if problems or rcid is None or day is None:
            return problems
        described = self.ctx.rcids.get(rcid)
        if described is not None:  # this load's un_roll_calls.csv describes it: refer to that
            return described
        unres = self.get(fields, "unres") or None
        short, descr = self.get(fields, "short") or None, self.get(fields, "descr") or None
        issue_codes = " ".join(sorted(codes)) or None
        issue, polarity = None, 1
        if self.ctx.rules is not None:
            issue, polarity = self.ctx.rules.issue_for(KIND, rule_values(short or descr, descr, unres,
                                                                         frozenset(codes)))
        return RollCall(roll_call_id(rcid), "UNGA", day, short or descr, issue, polarity, None, DATASET,
                        symbol=ga_symbol(unres), session=self.get(fields, "session") or None, description=descr,
                        issue_codes=issue_codes, important=important, rcid=rcid)


def _day(text: str, problems: list[tuple[str, str]]) -> str | None:
    """M/D/YYYY as Voeten writes it, or YYYY-MM-DD."""
    iso = text
    parts = text.split("/")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):  # '²'.isdigit(), but int('²') fails
        month, day, year = parts
        iso = f"{year}-{int(month):02d}-{int(day):02d}" if len(year) == 4 else text
    try:
        date = parse_date(iso, "date")
    except FieldError as exc:
        reason = exc.reason.replace(repr(iso), repr(text))
        problems.append(("date", reason.replace("(expected YYYY, YYYY-MM or YYYY-MM-DD)",
                                                "(expected M/D/YYYY or YYYY-MM-DD)")))
        return None
    if date.precision != "day":
        problems.append(("date", f"{text!r}: a vote needs the full date (M/D/YYYY or YYYY-MM-DD)"))
        return None
    return date.day


def parser(stream: RowStream, variant: str, ctx: BulkContext) -> Callable[[RawRow], Item | None]:
    return Parser(stream, variant, ctx)


def stream_options() -> dict[str, Any]:
    return {"header": True, "r_na": True}
