"""Which sources a view rests on, for the chart footers and the Data page (see stance.citations)."""

from __future__ import annotations

import sqlite_utils

from stance.citations import Present, database_citation, sources_in, vote_sources

__all__ = ["Present", "database_citation", "sources_in", "vote_sources", "vote_sources_of"]


def vote_sources_of(db: sqlite_utils.Database, issues: tuple[str, ...], body: str | None = None) -> list[str]:
    """The sources of the votes on any of these issues (one figure across issues cites them all)."""
    found: list[str] = []
    for issue in issues:
        found += [k for k in vote_sources(db, body, issue) if k not in found]
    return found
