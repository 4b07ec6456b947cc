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

    def __init__(self, actors: dict[str, Actor], names: dict[str, str], groups: list[Membership]):
        self.actors = actors
        self._names = names
        self.groups = groups

    @classmethod
    def from_data(cls, data_dir: Path = DATA_DIR) -> ActorRegistry:
        actors, names = _iso_actors()
        for row in _read_csv(data_dir / "actors.csv"):
            code = row["code"].strip().upper()
            iso2 = actors[code].iso2 if code in actors else None
            actors[code] = Actor(code, row["name"].strip(), row["kind"].strip(), iso2)
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
        return cls(actors, names, groups)

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
def registry() -> ActorRegistry:
    """The registry built from the project's data files, read once per process."""
    return ActorRegistry.from_data()
