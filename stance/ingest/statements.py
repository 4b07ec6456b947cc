"""Hand-coded statements: one row per thing an actor said on an issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stance.ingest.reader import Row
from stance.ingest.records import Context, RowChecker, Source, actor_field, issue_field, stable_id
from stance.model import PartialDate, parse_confidence, parse_date, parse_stance, parse_url

KIND = "statements"
REQUIRED = ("actor", "issue", "date", "stance")
OPTIONAL = ("quote", "speaker", "source_url", "source_title", "outlet", "coder", "confidence", "notes")
COLUMNS = REQUIRED + OPTIONAL
TABLE = "statements"
TABLE_COLUMNS = ("id", "actor", "issue", "date", "date_precision", "day", "stance", "quote", "speaker",
                 "source_id", "coder", "confidence", "notes", "import_id", "line")


@dataclass
class Statement:
    actor: str
    issue: str
    date: PartialDate
    stance: int
    quote: str | None
    speaker: str | None
    source: Source | None
    coder: str | None
    confidence: float | None
    notes: str | None
    line: int
    id: str = field(init=False)

    def __post_init__(self) -> None:
        # Identity is what was said, by whom, when, where: editing notes or coder keeps the id.
        self.id = stable_id(self.actor, self.issue, self.date.text, self.stance, self.quote,
                            self.speaker, self.source.url if self.source else None)

    @property
    def key(self) -> str:
        return self.id

    def row(self, import_id: int) -> tuple[Any, ...]:
        """Values in `TABLE_COLUMNS` order: sqlite-utils' list mode skips a dict per row."""
        return (self.id, self.actor, self.issue, self.date.text, self.date.precision, self.date.day,
                self.stance, self.quote, self.speaker, self.source.id if self.source else None,
                self.coder, self.confidence, self.notes, import_id, self.line)

    def comparable(self) -> tuple:
        """The stored values outside the id (a corrected source title or outlet included):
        a difference there is an update, not a new row."""
        return (self.coder, self.confidence, self.notes,
                self.source.title if self.source else None, self.source.outlet if self.source else None)


def parse_row(file: str, row: Row, ctx: Context) -> Statement | None:
    c = RowChecker(file, row)
    actor = c.check("actor", actor_field(ctx))
    issue = c.check("issue", issue_field(ctx))
    date = c.check("date", parse_date)
    stance = c.check("stance", parse_stance)
    url = c.check("source_url", parse_url)
    confidence = c.check("confidence", parse_confidence)
    if not c.ok:
        return None
    source = Source(url, c.text("source_title") or None, c.text("outlet") or None) if url else None
    return Statement(actor, issue, date, stance, c.text("quote") or None, c.text("speaker") or None,
                     source, c.text("coder") or None, confidence, c.text("notes") or None, row.line)
