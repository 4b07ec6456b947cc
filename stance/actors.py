"""Actor codes and the names people use for them.

States are ISO 3166-1 alpha-3 codes (from pycountry); organisations have short codes from
`data/actors.csv`. Names resolve by exact match only, after normalising case, spacing,
apostrophes and a leading "the": pycountry's fuzzy search maps "Republic of Korea" to North
Korea, so a guess is only ever offered as a suggestion, never accepted.
"""

from __future__ import annotations

import csv
import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from stance.db import DATA_DIR
from stance.errors import StanceError, UnknownActor


@dataclass(frozen=True)
class Actor:
    code: str
    name: str
    kind: str  # "state" | "organisation" | "other"
    iso2: str | None = None
    start: str | None = None  # ISO dates a state existed, where data/actors.csv gives them (historic states)
    end: str | None = None


@dataclass(frozen=True)
class Succession:
    """One state succeeding another (data/successions.csv). Only a `continuation` carries the UN
    seat: a vote is stored under whoever held the seat on its day, and "follow the UN seat" joins
    the two into one line. A `merger` or `dissolution` ends the predecessor's line."""

    predecessor: str
    successor: str
    date: str
    kind: str  # "continuation" | "merger" | "dissolution"
    note: str
    source_url: str | None


@dataclass(frozen=True)
class DatedCode:
    """What a dataset's code meant between two dates (data/historic_codes.csv), for codes that
    one series kept across states: unvotes' YU is the SFR Yugoslavia in 1985 and Serbia and
    Montenegro in 2003."""

    system: str  # "iso2" | "cow"
    code: str
    start: str | None
    end: str | None
    actor: str


SUCCESSION_KINDS = ("continuation", "merger", "dissolution")


@dataclass(frozen=True)
class Membership:
    group: str
    actor: str
    start: str
    end: str | None
    source_url: str | None


def name_key(name: str) -> str:
    """The form names are compared in: NFKC, casefolded, one space, no leading 'the', no final dot."""
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(text.casefold().split()).strip(" .")
    if text.startswith("the "):
        text = text[4:]
    return text


class ActorRegistry:
    """Every known actor and every name that resolves to one."""

    def __init__(self, actors: dict[str, Actor], names: dict[str, str], groups: list[Membership],
                 successions: list[Succession] | None = None, dated_codes: list[DatedCode] | None = None):
        self.actors = actors
        self._names = names
        self.groups = groups
        self.successions = successions or []
        self.dated_codes = dated_codes or []
        self._after = {s.predecessor: s for s in self.successions if s.kind == "continuation"}
        self._before = {s.successor: s for s in self.successions if s.kind == "continuation"}

    @classmethod
    def from_data(cls, data_dir: Path = DATA_DIR) -> ActorRegistry:
        actors, names = _iso_actors()
        for row in _read_csv(data_dir / "actors.csv"):
            code = row["code"].strip().upper()
            iso2 = actors[code].iso2 if code in actors else None
            actors[code] = Actor(code, row["name"].strip(), row["kind"].strip(), iso2,
                                 (row.get("start") or "").strip() or None, (row.get("end") or "").strip() or None)
            names[name_key(row["name"])] = code
        for row in _read_csv(data_dir / "aliases.csv"):
            code = row["code"].strip().upper()
            if code not in actors:
                raise StanceError(f"{data_dir / 'aliases.csv'}: alias {row['alias']!r} names unknown code {code}")
            names[name_key(row["alias"])] = code
        for code, actor in actors.items():
            names[name_key(code)] = code
            if actor.iso2:
                names.setdefault(name_key(actor.iso2), code)
        groups = [
            Membership(r["group"].strip(), r["actor"].strip().upper(), r["start"].strip(),
                       (r.get("end") or "").strip() or None, (r.get("source_url") or "").strip() or None)
            for r in _read_csv(data_dir / "groups.csv")
        ]
        successions = [Succession(r["predecessor"].strip().upper(), r["successor"].strip().upper(), r["date"].strip(),
                                  r["kind"].strip(), (r.get("note") or "").strip(),
                                  (r.get("source_url") or "").strip() or None)
                       for r in _read_csv(data_dir / "successions.csv")]
        dated = [DatedCode(r["system"].strip(), r["code"].strip().upper(), (r.get("start") or "").strip() or None,
                           (r.get("end") or "").strip() or None, r["actor"].strip().upper())
                 for r in _read_csv(data_dir / "historic_codes.csv")]
        _check_references(data_dir, actors, successions, dated)
        return cls(actors, names, groups, successions, dated)

    def resolve(self, name: str, field: str = "actor") -> str:
        """The actor code for a name, code or alias; `UnknownActor` with suggestions otherwise."""
        key = name_key(name or "")
        if not key:
            raise UnknownActor(field, "missing (expected a country name, ISO code or alias)")
        code = self._names.get(key)
        if code is None:
            raise UnknownActor(field, f"unknown actor {name.strip()!r}{self._suggest(key)}")
        return code

    def name(self, code: str) -> str:
        actor = self.actors.get(code)
        return actor.name if actor else code

    def aliases(self) -> dict[str, str]:
        return dict(self._names)

    def members(self, group: str, on: str | None = None) -> list[str]:
        """Codes in `group`, on a date (ISO) if given: membership ranges are inclusive."""
        return sorted({
            m.actor for m in self.groups
            if m.group == group and (on is None or (m.start <= on and (m.end is None or on <= m.end)))
        })

    def dated_code(self, system: str, code: str, day: str) -> str | None:
        """The actor a dataset's code meant on `day`, if data/historic_codes.csv dates that code."""
        for entry in self.dated_codes:
            if entry.system == system and entry.code == code and _within(day, entry.start, entry.end):
                return entry.actor
        return None

    def seat_holder(self, code: str, day: str) -> str:
        """The state that held `code`'s UN seat on `day`, along continuations: a vote the file
        gives to Russia in 1980 was cast by the Soviet Union; one it gives to the Federal Republic
        of Germany in December 1990 was cast by unified Germany. Other actors are returned as they are."""
        for _ in range(len(self.successions) + 1):  # a chain, never a cycle (checked on load)
            earlier, later = self._before.get(code), self._after.get(code)
            if earlier is not None and day < earlier.date:
                code = earlier.predecessor
            elif later is not None and day >= later.date:
                code = later.successor
            else:
                return code
        return code

    def seat_line(self, code: str) -> str:
        """The last state along `code`'s continuations: the line "follow the UN seat" draws it on."""
        while code in self._after:
            code = self._after[code].successor
        return code

    def seat_chain(self, code: str) -> list[Succession]:
        """The continuations that lead to `code`'s line, earliest first (USSR -> Russia)."""
        chain, code = [], self.seat_line(code)
        while code in self._before:
            chain.append(self._before[code])
            code = chain[-1].predecessor
        return chain[::-1]

    def seat_label(self, code: str) -> str:
        """'Russia (Soviet Union to 1991)': the line's name with what it follows back through."""
        chain = self.seat_chain(code)
        if not chain:
            return self.name(code)
        before = ", ".join(f"{self.name(s.predecessor)} to {int(s.date[:4]) - (s.date[5:] <= '01-01')}"
                           for s in reversed(chain))
        return f"{self.name(chain[-1].successor)} ({before})"

    def successions_of(self, code: str) -> list[Succession]:
        """Every succession `code` takes part in, by date."""
        return sorted((s for s in self.successions if code in (s.predecessor, s.successor)), key=lambda s: s.date)

    def explain(self, code: str) -> str:
        """One line on an actor: its dates and every succession it takes part in (for `stance actor`)."""
        actor = self.actors.get(code)
        dates = ""
        if actor and (actor.start or actor.end):
            dates = f", {actor.start} to {actor.end}" if actor.end else f", from {actor.start}"
        parts = [f"{code} ({self.name(code)}{dates})"]
        for s in self.successions_of(code):
            other = s.successor if s.predecessor == code else s.predecessor
            named = f"{self.name(other)} ({other})"
            if s.kind == "continuation":
                parts.append(f"UN seat continued by {named} from {s.date}" if s.predecessor == code
                             else f"continues the UN seat of {named} from {s.date}")
            else:
                parts.append(f"{s.kind} into {named} on {s.date}" if s.predecessor == code
                             else f"successor of {named} by {s.kind} on {s.date}")
        return "; ".join(parts)

    def group_names(self) -> list[str]:
        return sorted({m.group for m in self.groups})

    def _suggest(self, key: str) -> str:
        close = difflib.get_close_matches(key, list(self._names), n=4, cutoff=0.6)
        if not close:
            close = [k for k in self._names if key in k][:4]
        if not close:
            return "; add it to data/aliases.csv if it is a real name"
        shown = dict.fromkeys(f"{self.name(self._names[k])} ({self._names[k]})" for k in close)
        return f"; did you mean {' or '.join(shown)}?"


def _within(day: str, start: str | None, end: str | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _check_references(data_dir: Path, actors: dict[str, Actor], successions: list[Succession],
                      dated: list[DatedCode]) -> None:
    """A succession or dated code naming an unknown actor, or a seat passed on twice, is a data error."""
    for s in successions:
        for code in (s.predecessor, s.successor):
            if code not in actors:
                raise StanceError(f"{data_dir / 'successions.csv'}: unknown actor {code}")
        if s.kind not in SUCCESSION_KINDS:
            raise StanceError(f"{data_dir / 'successions.csv'}: kind {s.kind!r} is not one of {SUCCESSION_KINDS}")
    for key in ("predecessor", "successor"):
        seen = Counter(getattr(s, key) for s in successions if s.kind == "continuation")
        twice = [code for code, n in seen.items() if n > 1]
        if twice:
            raise StanceError(f"{data_dir / 'successions.csv'}: {twice} in more than one continuation as {key}")
    for d in dated:
        if d.actor not in actors:
            raise StanceError(f"{data_dir / 'historic_codes.csv'}: unknown actor {d.actor}")


def _iso_actors() -> tuple[dict[str, Actor], dict[str, str]]:
    actors: dict[str, Actor] = {}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        display = getattr(country, "common_name", None) or country.name
        actors[country.alpha_3] = Actor(country.alpha_3, display, "state", country.alpha_2)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[name_key(value)] = country.alpha_3
    return actors, names


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def display_aliases(data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    """Code -> the other names data/aliases.csv gives it, as written there (for pickers to search).

    Capitals standing for their state are left out: a picker label "France (FRA) · Paris" reads as
    a place, and they are for reading news, not for looking a state up."""
    out: dict[str, list[str]] = {}
    for row in _read_csv(data_dir / "aliases.csv"):
        alias, code = row["alias"].strip(), row["code"].strip().upper()
        if "capital" in (row.get("note") or ""):
            continue
        if alias and alias.upper() != code and alias not in out.setdefault(code, []):
            out[code].append(alias)
    return {code: tuple(names) for code, names in out.items()}


@lru_cache(maxsize=1)
def registry() -> ActorRegistry:
    """The registry built from the project's data files, read once per process."""
    return ActorRegistry.from_data()
