"""Rows a `load --skip-invalid` left out, kept in the database's `rejects` table (migration m009_h11a).

The rejects CSV tells the person who ran the load; the table tells everyone who opens the
database, so the dashboard's Data page can say which rows (and so which countries or years)
are missing, and why. One table row per problem: the file line, the field, its value, the
reason, the year the row is about (when it says, or its roll call does) and the row as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import sqlite_utils

from stance.errors import Problem

MAX_STORED = 100_000  # rows per file: a wrong file loaded with --skip-invalid must not bloat the database
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_YEAR_FIELDS = ("date", "ms_date", "vote_date", "year", "sqldate", "day")


class RejectStore:
    """Writes rejected rows inside the load's transaction, so they exist exactly when the load does."""

    def __init__(self, db: sqlite_utils.Database, roll_call_days: Mapping[int, object] | None = None):
        self.db = db
        self.enabled = "rejects" in db.table_names()
        self.roll_call_days = roll_call_days if roll_call_days is not None else {}  # filled as the load goes
        self.stored: dict[int, int] = {}
        self._days: dict[int, str | None] = {}

    def add(self, import_id: int, line: int, problems: Sequence[Problem], values: Mapping[str, str | None]) -> None:
        if not self.enabled or self.stored.get(import_id, 0) >= MAX_STORED:
            return
        self.stored[import_id] = self.stored.get(import_id, 0) + 1
        year = self._year(values)
        row = json.dumps({k: v for k, v in values.items() if v not in (None, "")}, ensure_ascii=False)
        self.db.conn.executemany(
            "INSERT INTO rejects (import_id, line, field, value, reason, year, row) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(import_id, line, p.field, _value(values, p.field), p.reason, year, row) for p in problems])

    def _year(self, values: Mapping[str, str | None]) -> int | None:
        for name in _YEAR_FIELDS:
            found = _YEAR.search(values.get(name) or "")
            if found:
                return int(found.group(1))
        rcid = (values.get("rcid") or "").split(".")[0].strip()
        if rcid.isascii() and rcid.isdigit():
            day = self._roll_call_day(int(rcid))
            return int(day[:4]) if day else None
        return None

    def _roll_call_day(self, rcid: int) -> str | None:
        """The day of a roll call of this load (parsed already) or of the database."""
        known = self.roll_call_days.get(rcid)
        if known is not None:
            return getattr(known, "date", None)
        if rcid not in self._days:
            row = self.db.execute("SELECT date FROM resolutions WHERE rcid = ?", [rcid]).fetchone()
            self._days[rcid] = row[0] if row else None
        return self._days[rcid]


def _value(values: Mapping[str, str | None], field: str) -> str | None:
    value = values.get(field)
    return value[:200] if isinstance(value, str) else None
