"""Roll-call votes of UN bodies: one row per country per resolution (or failed draft)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stance.errors import FieldError
from stance.ingest.reader import Row
from stance.ingest.records import Context, RowChecker, Source, actor_field, issue_field
from stance.model import BODIES, parse_bool, parse_date, parse_polarity, parse_url, parse_vote

KIND = "votes"
REQUIRED = ("resolution", "body", "date", "issue", "polarity", "adopted", "actor", "vote")
OPTIONAL = ("title", "source_url", "source_title", "outlet")
COLUMNS = REQUIRED + OPTIONAL
TABLE = "votes"
TABLE_COLUMNS = ("resolution", "actor", "vote", "import_id", "line")


@dataclass(frozen=True)
class Resolution:
    id: str
    body: str
    date: str
    title: str | None
    issue: str
    polarity: int
    adopted: bool | None  # None: not recorded (unvotes and Voeten roll calls, exported as 'unknown')
    source: Source

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "date": self.date, "title": self.title,
                "issue": self.issue, "polarity": self.polarity, "adopted": _flag(self.adopted),
                "source_id": self.source.id}

    def comparable(self) -> tuple:
        return (self.body, self.date, self.title, self.issue, self.polarity, _flag(self.adopted), self.source.id)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _adopted(value: str, column: str) -> bool | None:
    """true / false, or 'unknown' for a roll call whose outcome was not recorded (what `stance
    export` writes for unvotes and Voeten roll calls, so an export loads back). Empty is an error:
    a coder who left it out should say so."""
    if (value or "").strip().lower() == "unknown":
        return None
    try:
        return parse_bool(value, column)
    except FieldError:
        raise FieldError(column, f"{value!r} is not true, false or unknown") from None


@dataclass
class Vote:
    resolution: Resolution
    actor: str
    vote: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.resolution.id, self.actor)

    def row(self, import_id: int) -> tuple[Any, ...]:
        return (self.resolution.id, self.actor, self.vote, import_id, self.line)

    def comparable(self) -> tuple:
        return (self.vote,)


def _body(value: str, column: str) -> str:
    body = value.strip().upper()
    if body not in BODIES:
        raise FieldError(column, f"{value!r} is not a UN body (expected {' or '.join(BODIES)})")
    return body


def _day(value: str, column: str) -> str:
    date = parse_date(value, column)
    if date.precision != "day":
        raise FieldError(column, f"{value!r}: a vote needs the full date (YYYY-MM-DD)")
    return date.day


def undocs_url(symbol: str) -> str:
    """The UN's permanent link for a document symbol, e.g. https://undocs.org/S/RES/2397(2017)."""
    return "https://undocs.org/" + symbol.replace(" ", "")


def parse_row(file: str, row: Row, ctx: Context) -> Vote | None:
    c = RowChecker(file, row)
    symbol = c.text("resolution")
    if not symbol:
        c.fail("resolution", "missing (expected a symbol such as 'S/RES/2397 (2017)')")
    body = c.check("body", _body)
    day = c.check("date", _day)
    issue = c.check("issue", issue_field(ctx))
    polarity = c.check("polarity", parse_polarity)
    adopted = c.check("adopted", _adopted)
    actor = c.check("actor", actor_field(ctx))
    vote = c.check("vote", parse_vote)
    url = c.check("source_url", parse_url)
    if not c.ok:
        return None
    source = Source(url or undocs_url(symbol), c.text("source_title") or None, c.text("outlet") or None)
    resolution = Resolution(symbol, body, day, c.text("title") or None, issue, polarity, adopted, source)
    return Vote(resolution, actor, vote, row.line)
