"""Issue definitions: the slug statements and resolutions point at, and what each end of the scale means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stance.errors import FieldError
from stance.ingest.reader import Row
from stance.ingest.records import Context, RowChecker

KIND = "issues"
REQUIRED = ("slug", "title")
OPTIONAL = ("description", "plus_2", "minus_2", "parent")
COLUMNS = REQUIRED + OPTIONAL

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Issue:
    slug: str
    title: str
    description: str | None
    plus_2: str | None
    minus_2: str | None
    parent: str | None
    line: int

    @property
    def key(self) -> str:
        return self.slug

    def record(self, import_id: int) -> dict[str, Any]:
        return {"slug": self.slug, "title": self.title, "description": self.description,
                "plus_2": self.plus_2, "minus_2": self.minus_2, "parent": self.parent}

    def comparable(self) -> tuple:
        return (self.title, self.description, self.plus_2, self.minus_2, self.parent)


def _slug(value: str, column: str) -> str:
    slug = value.strip()
    if not _SLUG.match(slug):
        raise FieldError(column, f"{slug!r} is not a slug (lower-case letters, digits and hyphens)")
    return slug


def parse_row(file: str, row: Row, ctx: Context) -> Issue | None:
    c = RowChecker(file, row)
    slug = c.check("slug", _slug)
    if not c.text("title"):
        c.fail("title", "missing")
    parent = c.text("parent").lower() or None
    if parent and parent not in ctx.issues:
        c.fail("parent", f"unknown issue {parent!r}; define the parent first")
    if not c.ok:
        return None
    return Issue(slug, c.text("title"), c.text("description") or None, c.text("plus_2") or None,
                 c.text("minus_2") or None, parent, row.line)
