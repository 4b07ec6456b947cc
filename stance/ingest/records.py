"""Shared pieces of the per-format row parsers: collecting field errors, stable ids, sources."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlparse

from stance.actors import ActorRegistry
from stance.errors import FieldError, Problem
from stance.ingest.reader import Row

T = TypeVar("T")


@dataclass
class Context:
    """What a row parser needs to know beyond the row: names and issues that exist, and, across
    every file of one load, where each record and resolution was first seen (file, line)."""

    registry: ActorRegistry
    issues: set[str]
    seen: dict[tuple[str, Any], tuple[str, int]] = field(default_factory=dict)
    resolutions: dict[str, tuple[Any, str, int]] = field(default_factory=dict)


class RowChecker:
    """Runs field parsers over one row, keeping every error instead of stopping at the first."""

    def __init__(self, file: str, row: Row):
        self.file = file
        self.row = row

    def text(self, column: str) -> str:
        return (self.row.values.get(column) or "").strip()

    def check(self, column: str, parse: Callable[..., T], *args: Any) -> T | None:
        try:
            return parse(self.row.values.get(column) or "", column, *args)
        except FieldError as exc:
            self.fail(exc.field, exc.reason)
            return None

    def fail(self, field: str, reason: str) -> None:
        self.row.problems.append(Problem(self.file, self.row.line, field, reason))

    @property
    def ok(self) -> bool:
        return not self.row.problems


def actor_field(ctx: Context) -> Callable[[str, str], str]:
    return lambda value, column: ctx.registry.resolve(value, column)


def issue_field(ctx: Context) -> Callable[[str, str], str]:
    def parse(value: str, column: str) -> str:
        slug = value.strip().lower()
        if not slug:
            raise FieldError(column, "missing (expected an issue slug such as 'dprk-sanctions')")
        if slug not in ctx.issues:
            known = ", ".join(sorted(ctx.issues)) or "none yet"
            raise FieldError(column, f"unknown issue {slug!r} (known: {known}); load an issues file first")
        return slug
    return parse


def stable_id(*parts: object) -> str:
    """An id from content: the same row loaded twice gets the same id, so it is not duplicated."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=65_536)
def _url_id(url: str) -> str:
    """Many rows cite one page: hash each URL once."""
    return stable_id(url)


def source_kind(url: str) -> str:
    host = urlparse(url).hostname or ""
    if host in {"doi.org", "dx.doi.org"} or "dataverse" in host:
        return "dataset"
    if host.endswith("un.org") or host.endswith("undocs.org"):
        return "UN record"
    if ".gov" in host or host.startswith(("mofa.", "www.mofa.", "mid.", "www.mid.")) or "fmprc" in host:
        return "government"
    return "news"


@dataclass(frozen=True)
class Source:
    url: str
    title: str | None
    outlet: str | None

    @property
    def id(self) -> str:
        return _url_id(self.url)

    def record(self) -> dict[str, Any]:
        """Title and outlet only when known: a votes file citing a press release by URL alone
        must not blank the title a statements file gave the same page."""
        out = {"id": self.id, "url": self.url, "kind": source_kind(self.url)}
        out.update({k: v for k, v in (("title", self.title), ("outlet", self.outlet)) if v is not None})
        return out


def missing_columns(columns: list[str], required: tuple[str, ...]) -> list[str]:
    return [c for c in required if c not in columns]
