"""GDELT event files, as downloaded: one event per line, tab-separated, no header, no quoting.

Variants, told apart by the number of fields on the first line:

- 61 fields, "gdelt2": a GDELT 2.0 export (`20240105120000.export.CSV`); each geography block has
  an ADM2 code and DATEADDED is YYYYMMDDHHMMSS.
- 58 fields, "gdelt1": a GDELT 1.0 daily file (`20130401.export.CSV`), with SOURCEURL last.
- 57 fields, "gdelt1": a GDELT 1.0 historical file (`200601.csv`, `1979.csv`): no SOURCEURL.

A file is taken for GDELT only if its first field (GLOBALEVENTID) is all digits and its second
(SQLDATE) is 8 digits, so an unrelated tab-separated file is not. The files have no header, so
`recognise` sets `stream.columns` to the official column names, lower-cased (`GDELT2_COLUMNS`,
`GDELT1_COLUMNS`, `GDELT1_HISTORICAL_COLUMNS`; the first date is `sqldate` in every variant,
which the 2.0 codebook calls `Day`): the rejects file and `missing` use them.

Each event becomes one row of `relations`, id `gdelt:GLOBALEVENTID`. The source actor is
Actor1CountryCode and the target Actor2CountryCode, CAMEO country codes read through
data/cameo_countries.csv; Actor1Code (which may carry a role, `USAGOV`) and the geography
blocks (FIPS 10-4 codes: `CH` is China there) are not used. The day is SQLDATE, never DATEADDED.
Event codes stay text, so `010` keeps its leading zero.

Rows that are valid but not wanted are filtered (counted by reason, never silently dropped), each
under the first reason that applies, in this order:

1. an actor with no country code (a person, a group, or no second actor at all);
2. a CAMEO code that is a region, city or sub-national area, not a country (`EUR`, `BAG`, `GZS`);
3. the same country on both sides ("an event within one country");
4. `options["actors"]`: an event is kept only if both of its actors are in the list. With a
   single actor listed, "both" could never hold between two countries, so then an event is kept
   if that actor is on either side;
5. `options["root_only"]`: events with IsRootEvent 0 are dropped;
6. `options["min_sources"]`: events with fewer NumSources are dropped.

The filters come before the values are checked: a row that would be dropped anyway is counted as
filtered even if, say, its GoldsteinScale is bad, so a strict load of a large file is not stopped
by rows the user excluded. Two faults are problems whatever the filters say: a wrong number of
fields (such as a cut-short last line) and a CAMEO country code that is not in the table (it
could be any country, including a wanted one: add it to data/cameo_countries.csv if it is one).
Other problems: a bad SQLDATE, GLOBALEVENTID or event code; a non-numeric or out-of-range
GoldsteinScale (-10..10); QuadClass outside 1-4; non-numeric counts or AvgTone.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from stance.db import DATA_DIR
from stance.errors import Problem
from stance.ingest.bulk import BulkContext, Filtered, Item, RelationItem
from stance.ingest.stream import RawRow, RowStream

KIND = "gdelt"

_ACTOR = ("code", "name", "countrycode", "knowngroupcode", "ethniccode", "religion1code", "religion2code",
          "type1code", "type2code", "type3code")
_EVENT = ("isrootevent", "eventcode", "eventbasecode", "eventrootcode", "quadclass", "goldsteinscale",
          "nummentions", "numsources", "numarticles", "avgtone")


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    names = ("type", "fullname", "countrycode", "adm1code") + (("adm2code",) if adm2 else ()) + (
        "lat", "long", "featureid")
    return tuple(f"{prefix}_{n}" for n in names)


def _columns(adm2: bool, url: bool) -> tuple[str, ...]:
    return (("globaleventid", "sqldate", "monthyear", "year", "fractiondate")
            + tuple(f"actor1{n}" for n in _ACTOR) + tuple(f"actor2{n}" for n in _ACTOR) + _EVENT
            + _geo("actor1geo", adm2) + _geo("actor2geo", adm2) + _geo("actiongeo", adm2)
            + ("dateadded",) + (("sourceurl",) if url else ()))


GDELT2_COLUMNS = _columns(adm2=True, url=True)
GDELT1_COLUMNS = _columns(adm2=False, url=True)
GDELT1_HISTORICAL_COLUMNS = _columns(adm2=False, url=False)
COLUMNS_BY_WIDTH = {61: GDELT2_COLUMNS, 58: GDELT1_COLUMNS, 57: GDELT1_HISTORICAL_COLUMNS}
VARIANT_BY_WIDTH = {61: "gdelt2", 58: "gdelt1", 57: "gdelt1"}
LAYOUT_NAMES = {61: "a GDELT 2.0 export", 58: "a GDELT 1.0 daily file", 57: "a GDELT 1.0 historical file"}

# Where the fields this loader reads are: the same in every variant (the layouts differ only
# after AvgTone, in the geography blocks and the SOURCEURL at the end).
_AT = {name: GDELT2_COLUMNS.index(name) for name in (
    "globaleventid", "sqldate", "actor1code", "actor1countrycode", "actor2code", "actor2countrycode",
    *_EVENT)}
assert all(GDELT1_HISTORICAL_COLUMNS[i] == name for name, i in _AT.items())

CAMEO_TABLE = DATA_DIR / "cameo_countries.csv"


def describe() -> str:
    return ("a GDELT event file (tab-separated, no header: 61 columns for a 2.0 export, 58 for a 1.0 daily file, "
            "57 for a 1.0 historical file; GLOBALEVENTID first, then SQLDATE as YYYYMMDD)")


def stream_options() -> dict[str, Any]:
    return {"header": False, "delimiter": "\t", "quoting": False}


def recognise(stream: RowStream) -> str | None:
    """The variant, from the first line's field count; sets `stream.columns` to its column names
    (the file has no header, and the rejects file names each value by its column)."""
    first = stream.first_fields
    width = len(first)
    if width not in VARIANT_BY_WIDTH or stream.delimiter != "\t":
        return None
    event_id, day = first[0].strip(), first[1].strip()
    if not (event_id.isascii() and event_id.isdigit() and day.isascii() and day.isdigit() and len(day) == 8):
        return None
    stream.columns = list(COLUMNS_BY_WIDTH[width])
    return VARIANT_BY_WIDTH[width]


def missing(stream: RowStream, variant: str) -> list[str]:
    """Columns the layout has and the first line lacks: none, since the count chose the layout."""
    names = COLUMNS_BY_WIDTH.get(len(stream.first_fields), GDELT2_COLUMNS)
    return list(names[len(stream.first_fields):])


@lru_cache(maxsize=4)
def cameo_countries(path: str = str(CAMEO_TABLE)) -> dict[str, tuple[str, str]]:
    """CAMEO code -> (actor code or "", what it is when not a country: 'region', 'city', ...)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = {}
    for row in rows:
        note = (row.get("note") or "").strip()
        what = note.split(" (")[0].split(",")[0].split(";")[0].strip() or "not a country"
        table[row["cameo"].strip().upper()] = (row["actor"].strip(), what)
    return table


class Parser:
    """Turns event lines into relations; actor codes and days are resolved once and remembered."""

    def __init__(self, stream: RowStream, variant: str, ctx: BulkContext):
        self.file = stream.file
        self.variant = variant
        self.width = len(stream.columns) or len(stream.first_fields)
        self.layout = LAYOUT_NAMES.get(self.width, "a GDELT file")
        self.url_at = self.width - 1 if self.width in (61, 58) else None
        self.known_actors = set(ctx.registry.actors)
        self.table = cameo_countries()
        options = ctx.options or {}
        self.wanted = frozenset(options.get("actors") or ())
        self.root_only = bool(options.get("root_only"))
        self.min_sources = int(options.get("min_sources") or 1)
        self.countries: dict[tuple[str, int], str | Filtered | tuple[str, str]] = {}
        self.days: dict[str, str | None] = {}

    def __call__(self, row: RawRow) -> Item | None:
        f = row.fields
        if len(f) != self.width:
            row.problems.append(Problem(self.file, row.line, "-", f"has {len(f)} fields, {self.layout} has "
                                        f"{self.width} (a cut-short line, or a stray tab?)"))
            return None
        source = self._country(f, 1, row)
        target = self._country(f, 2, row)
        if row.problems:
            return None
        for side in (source, target):
            if isinstance(side, Filtered):
                return side
        assert isinstance(source, str) and isinstance(target, str)
        if source == target:
            return Filtered("an event within one country")
        if self.wanted:
            if len(self.wanted) == 1:
                if source not in self.wanted and target not in self.wanted:
                    return Filtered("does not involve the chosen actor (--actors)")
            elif source not in self.wanted or target not in self.wanted:
                return Filtered("not between the chosen actors (--actors)")
        if self.root_only and _text(f, "isrootevent") != "1":
            return Filtered("not a root event (--root-only)")
        sources = self._count(f, "numsources", row)
        if row.problems:
            return None
        if self.min_sources > 1 and (sources is None or sources < self.min_sources):
            return Filtered(f"reported by fewer than {self.min_sources} sources (--min-sources)")
        return self._relation(f, row, source, target, sources)

    def _relation(self, f: list[str | None], row: RawRow, source: str, target: str,
                  sources: int | None) -> Item | None:
        event_id = _text(f, "globaleventid")
        if not (event_id.isascii() and event_id.isdigit()):
            self._problem(row, "globaleventid", f"{event_id[:40]!r} is not an event id (expected digits)")
        day = self._day(_text(f, "sqldate"), row)
        event_code = _text(f, "eventcode")
        if not _is_code(event_code):
            self._problem(row, "eventcode", f"{event_code[:20]!r} is not a CAMEO event code (2 to 4 digits, "
                                            "kept as text: 010)")
        base_code, root_code = _text(f, "eventbasecode"), _text(f, "eventrootcode")
        for name, code in (("eventbasecode", base_code), ("eventrootcode", root_code)):
            if code and not _is_code(code):
                self._problem(row, name, f"{code[:20]!r} is not a CAMEO event code (2 to 4 digits)")
        quad = _text(f, "quadclass")
        if quad not in ("1", "2", "3", "4"):
            self._problem(row, "quadclass", f"{quad[:20]!r} is not a QuadClass (1 to 4)")
        goldstein = self._number(f, "goldsteinscale", row, low=-10.0, high=10.0)
        mentions = self._count(f, "nummentions", row)
        articles = self._count(f, "numarticles", row)
        tone = self._number(f, "avgtone", row)
        if row.problems or day is None:
            return None
        url = None
        if self.url_at is not None:
            text = (f[self.url_at] or "").strip()
            if text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
                url = text
        return RelationItem((f"gdelt:{event_id}", self.variant, source, target, day, event_code,
                             base_code or None, root_code or None, int(quad), goldstein, mentions, sources,
                             articles, tone, url))

    def _problem(self, row: RawRow, field: str, reason: str) -> None:
        row.problems.append(Problem(self.file, row.line, field, reason))

    def _country(self, f: list[str | None], n: int, row: RawRow) -> str | Filtered | None:
        """Actor n's country as a Stance actor code, a Filtered reason, or None (a problem)."""
        code = _text(f, f"actor{n}countrycode").upper()
        if not code:
            if _text(f, f"actor{n}code"):
                return Filtered(f"actor{n} has no country code")
            return Filtered(f"actor{n} has no country code (a one-actor event)")
        found = self.countries.get((code, n))
        if found is None:
            found = self.countries[(code, n)] = self._resolve(code, n)
        if isinstance(found, tuple):
            self._problem(row, *found)
            return None
        return found

    def _resolve(self, code: str, n: int) -> str | Filtered | tuple[str, str]:
        entry = self.table.get(code)
        field = f"actor{n}countrycode"
        if entry is None:
            return (field, f"no country for CAMEO code {code[:20]!r} in data/cameo_countries.csv "
                           "(add it there if it is a country)")
        actor, what = entry
        if not actor:
            return Filtered(f"actor{n} {code!r} is a {what}, not a country")
        if actor not in self.known_actors:
            return (field, f"CAMEO code {code!r} maps to {actor!r}, which the actor registry does not know")
        return actor

    def _day(self, text: str, row: RawRow) -> str | None:
        if text in self.days:
            day = self.days[text]
        else:
            day = self.days[text] = _iso_day(text)
        if day is None:
            self._problem(row, "sqldate", f"{text[:20]!r} is not a date (expected YYYYMMDD)")
        return day

    def _count(self, f: list[str | None], name: str, row: RawRow) -> int | None:
        text = _text(f, name)
        if not text:
            return None
        if text.isascii() and text.isdigit() and int(text) <= 2**63 - 1:  # SQLite's INTEGER
            return int(text)
        self._problem(row, name, f"{text[:20]!r} is not a whole number of 0 or more that SQLite can store")
        return None

    def _number(self, f: list[str | None], name: str, row: RawRow, low: float | None = None,
                high: float | None = None) -> float | None:
        text = _text(f, name)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._problem(row, name, f"{text[:20]!r} is not a number")
            return None
        if low is not None and high is not None and not low <= value <= high:
            self._problem(row, name, f"{text[:20]} is outside {low:g} to {high:g}")
            return None
        return value


def _text(fields: list[str | None], name: str) -> str:
    return (fields[_AT[name]] or "").strip()


def _is_code(text: str) -> bool:
    return text.isascii() and text.isdigit() and 2 <= len(text) <= 4


def _iso_day(text: str) -> str | None:
    if not (len(text) == 8 and text.isascii() and text.isdigit()):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def parser(stream: RowStream, variant: str, ctx: BulkContext) -> Callable[[RawRow], Item | None]:
    return Parser(stream, variant, ctx)
