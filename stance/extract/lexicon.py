"""The extraction lexicons: data files a researcher extends, compiled into phrase matchers.

Everything the extractor knows about words lives in `data/extract/*.csv` (see the README section
"Extraction assistant"): cues with polarity and strength, negations and other modifiers, issue
phrases, metonyms and demonyms, titles, and people with their roles and dates. Country names come
from the actor registry's own sources (pycountry, data/actors.csv, data/aliases.csv), so a name the
loader accepts is a name the extractor finds.

Phrase syntax, shared by every file: words separated by spaces, matched case-insensitively over
tokens (a hyphen between words is ignored, so "freeze-for-freeze" matches "freeze for freeze");
`a|b` offers alternatives for one position, `_` joins a multi-word alternative ("in_exchange_for|
while"); `...` is a gap of up to 8 words inside the sentence.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pycountry

from stance.db import DATA_DIR
from stance.errors import StanceError
from stance.extract.text import Token, tokenize

EXTRACT_DIR = DATA_DIR / "extract"
GAP = None  # a slot that is a gap
WIDE_GAP = ()  # "....": a gap that may cross commas and brackets ("halt its tests, while the US ... exercises")
MAX_GAP = 12
GAP_TOKENS = {"word", "abbr", "num", "poss", "hyphen", "quote"}


class LexiconError(StanceError):
    "A lexicon file is missing a column or holds a value the extractor cannot use."


# --- Phrases ---------------------------------------------------------------------------------

def inflections(word: str) -> set[str]:
    """Regular English forms of a verb (and plural of a noun): support -> supports, supported,
    supporting; oppose -> opposed, opposing; slam -> slammed; rely -> relies, relied. Irregular
    forms are listed in the data with `|` instead. Over-generation is harmless: a form that is not
    a word never occurs in text."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing", word + "d"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


@dataclass(frozen=True)
class Phrase:
    """One compiled entry: slots of alternatives (tuples of words) or gaps, and what it stands for."""

    text: str
    slots: tuple[tuple[tuple[str, ...], ...] | None, ...]
    payload: Any
    exact_case: bool = False  # acronyms: "US" is not "us"
    proper: bool = False  # names: the text must be capitalised ("Turkey", not "turkey")
    loose: bool = False  # cues: an adverb may stand between the words ("comply fully with")


def compile_phrase(text: str, payload: Any, verb: bool = False, exact_case: bool = False,
                   proper: bool = False, loose: bool = False) -> Phrase:
    slots: list[tuple[tuple[str, ...], ...] | None] = []
    for i, part in enumerate(text.split()):
        if part in {"...", "...."}:
            slots.append(GAP if part == "..." else WIDE_GAP)
            continue
        alternatives: set[tuple[str, ...]] = set()
        for alt in part.split("|"):
            toks = [t for t in tokenize(alt.replace("_", " ")) if t.kind != "hyphen"]
            words = tuple(t.text if exact_case else t.norm for t in toks)
            if not words:
                raise LexiconError(f"phrase {text!r}: empty alternative in {part!r}")
            if verb and i == 0:
                alternatives |= {(form,) + words[1:] for form in inflections(words[0])}
            else:
                alternatives.add(words)
        slots.append(tuple(sorted(alternatives)))
    if not slots or slots[0] in (GAP, WIDE_GAP) or slots[-1] in (GAP, WIDE_GAP):
        raise LexiconError(f"phrase {text!r}: a phrase cannot start or end with '...'")
    return Phrase(text, tuple(slots), payload, exact_case, proper, loose)


ADVERBS = {"again", "also", "still", "once", "further", "even", "then", "now", "not"}


def _adverb(tok: Token) -> bool:
    return tok.kind == "word" and (tok.norm.endswith("ly") or tok.norm in ADVERBS) and tok.norm != "not"


@dataclass(frozen=True)
class Match:
    start: int  # token index of the first token
    end: int  # token index after the last token
    phrase: Phrase

    @property
    def payload(self) -> Any:
        return self.phrase.payload


class PhraseSet:
    """Phrases indexed by their first word; `find` returns the longest match at each position."""

    def __init__(self, phrases: list[Phrase] | None = None):
        self.phrases: list[Phrase] = []
        self._first: dict[str, list[Phrase]] = defaultdict(list)
        for p in phrases or []:
            self.add(p)

    def add(self, phrase: Phrase) -> None:
        self.phrases.append(phrase)
        first = phrase.slots[0]
        assert first is not GAP and first != WIDE_GAP
        for alt in first:
            self._first[alt[0]].append(phrase)

    def __len__(self) -> int:
        return len(self.phrases)

    def matches_at(self, tokens: list[Token], i: int) -> Iterator[Match]:
        tok = tokens[i]
        if tok.kind == "hyphen":
            return
        seen: set[int] = set()
        for key in (tok.text, tok.norm):
            for phrase in self._first.get(key, ()):
                if id(phrase) in seen or (phrase.proper and not tok.capitalised):
                    continue
                seen.add(id(phrase))
                end = _match_slots(tokens, i, phrase.slots, phrase.exact_case, phrase.loose)
                if end is not None:
                    yield Match(i, end, phrase)

    def find(self, tokens: list[Token]) -> list[Match]:
        """Non-overlapping matches, left to right, the longest (then the first listed) at each start."""
        out: list[Match] = []
        first = self._first
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.text not in first and tok.norm not in first:  # most words start no phrase: skip them fast
                i += 1
                continue
            best = max(self.matches_at(tokens, i), key=lambda m: m.end - m.start, default=None)
            if best:
                out.append(best)
                i = best.end
            else:
                i += 1
        return out


def _match_slots(tokens: list[Token], i: int, slots: tuple, exact: bool, loose: bool = False,
                 first: bool = True) -> int | None:
    """Token index after the match of `slots` starting at `i`, or None. Hyphen tokens are skipped;
    with `loose`, up to two adverbs ("fully", "again", "also") may stand before each later word."""
    if not slots:
        return i
    slot, rest = slots[0], slots[1:]
    if slot is GAP or slot == WIDE_GAP:
        j, skipped = i, 0
        while j < len(tokens) and skipped <= MAX_GAP:
            end = _match_slots(tokens, j, rest, exact, loose, False)
            if end is not None:
                return end
            if tokens[j].kind not in GAP_TOKENS and not (slot == WIDE_GAP and tokens[j].text in {",", "(", ")"}):
                return None
            skipped += tokens[j].kind != "hyphen"
            j += 1
        return None
    best = None
    for alt in slot:
        j = i
        ok = True
        for k, word in enumerate(alt):
            j = _skip(tokens, j, word, exact, loose and not (first and k == 0))
            if j >= len(tokens) or (tokens[j].text if exact else tokens[j].norm) != word:
                ok = False
                break
            j += 1
        if ok:
            end = _match_slots(tokens, j, rest, exact, loose, False)
            if end is not None and (best is None or end > best):
                best = end
    return best


def _skip(tokens: list[Token], j: int, word: str, exact: bool, loose: bool) -> int:
    """Past hyphens, and (loose) up to two adverbs that are not the word looked for."""
    while j < len(tokens) and tokens[j].kind == "hyphen":
        j += 1
    if loose:
        for _ in range(2):
            if j < len(tokens) - 1 and _adverb(tokens[j]) and (tokens[j].text if exact else tokens[j].norm) != word:
                j += 1
    return j


# --- The data files ------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    text: str
    polarity: int  # +1 supports, -1 opposes, 0 an intensifier
    strength: int  # 1 or 2
    kind: str  # act | judgement | intensifier
    noun: bool = False  # match "noun": a stance noun that needs an owner ("proposal", "suggestion")


@dataclass(frozen=True)
class Modifier:
    text: str
    kind: str  # negation | flip | flip-after | hedge | procedure
    strength: int


@dataclass(frozen=True)
class IssuePhrase:
    text: str
    issue: str  # a slug; "*" refers back to the issue last named ("*proposal": the last proposal, an issue
    # descriptions.csv describes); "-" is not an issue mention
    context: tuple[str, ...]


@dataclass(frozen=True)
class Name:
    text: str
    actor: str
    kind: str  # country | capital | institution | demonym | media | organisation | none (actor "-")


@dataclass(frozen=True)
class Person:
    name: str
    actor: str
    role: str
    start: str
    end: str | None
    source_url: str
    short: str | None
    alone: bool = False  # the short name may stand alone when the date lies in this office's window


@dataclass(frozen=True)
class Title:
    text: str
    role: str | None  # None: an agent noun ("officials", "side"), no office to look up
    actor: str | None  # titles that name their state ("Kremlin spokesman", "Secretary of State")


@dataclass
class Lexicon:
    cues: PhraseSet = field(default_factory=PhraseSet)
    modifiers: PhraseSet = field(default_factory=PhraseSet)
    issues: PhraseSet = field(default_factory=PhraseSet)
    names: PhraseSet = field(default_factory=PhraseSet)
    people: PhraseSet = field(default_factory=PhraseSet)
    short_names: PhraseSet = field(default_factory=PhraseSet)
    titles: PhraseSet = field(default_factory=PhraseSet)
    persons: list[Person] = field(default_factory=list)
    descriptions: PhraseSet = field(default_factory=PhraseSet)  # an issue described, not named
    carriers: PhraseSet = field(default_factory=PhraseSet)  # nouns a description hangs on ("a proposal that ...")

    @cached_property
    def proposal_issues(self) -> frozenset[str]:
        """Issues that are proposals (descriptions.csv describes them): what 'the plan' may refer to.
        Read once per lexicon, not per sentence."""
        return frozenset(p.payload.issue for p in self.descriptions.phrases)

    def people_in_office(self, actor: str | None, role: str, on: str | None) -> list[Person]:
        """Who held `role` for `actor` on a date (ISO, any precision): the date window decides."""
        return [p for p in self.persons if p.role == role and (actor is None or p.actor == actor)
                and in_window(on, p.start, p.end)]

    def stands_alone(self, name: str, on: str | None) -> bool:
        """Whether a person's short name alone ("Haley said") names them on a date: only for a
        distinctive surname (`alone` in people.csv) and only inside that office's window; never
        without a date."""
        return bool(on) and any(p.alone and p.name == name and in_window(on, p.start, p.end)
                                for p in self.persons)


def in_window(on: str | None, start: str, end: str | None) -> bool:
    """Whether a date (YYYY, YYYY-MM or YYYY-MM-DD) falls in [start, end], each of any precision.
    An unknown date is in every window; a partial date counts if its period overlaps."""
    if not on:
        return True
    first, last = _span(on)
    s_first, _ = _span(start)
    e_last = _span(end)[1] if end else "9999-12-31"
    return first <= e_last and s_first <= last


def _span(date: str) -> tuple[str, str]:
    parts = date.split("-")
    if len(parts) == 3:
        return date, date
    if len(parts) == 2:
        return f"{date}-01", f"{date}-31"
    return f"{date}-01-01", f"{date}-12-31"


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a lexicon CSV; lines starting with '#' are comments."""
    if not path.exists():
        raise LexiconError(f"{path}: missing lexicon file")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.lstrip().startswith("#")))
    if rows:
        missing = [c for c in required if c not in rows[0]]
        if missing:
            raise LexiconError(f"{path}: missing column(s) {', '.join(missing)}")
    return [{k: (v or "").strip() for k, v in r.items() if k} for r in rows]


def _int(path: Path, row: dict[str, str], column: str, allowed: set[int]) -> int:
    try:
        value = int(row[column].lstrip("+"))
    except ValueError:
        value = None
    if value not in allowed:
        raise LexiconError(f"{path}: {column} {row[column]!r} for {row.get('cue') or row.get('phrase')!r} "
                           f"must be one of {sorted(allowed)}")
    return value


def load(data_dir: Path = EXTRACT_DIR, registry_dir: Path = DATA_DIR) -> Lexicon:
    """Compile every lexicon file; a bad row is a LexiconError naming the file and the value."""
    lex = Lexicon()
    path = data_dir / "cues.csv"
    for row in _rows(path, ("cue", "polarity", "strength", "kind", "match")):
        kind = row["kind"]
        if kind not in {"act", "judgement", "intensifier"}:
            raise LexiconError(f"{path}: kind {kind!r} for {row['cue']!r} must be act, judgement or intensifier")
        if row["match"] not in {"verb", "exact", "noun"}:
            raise LexiconError(f"{path}: match {row['match']!r} for {row['cue']!r} must be verb, exact or noun")
        cue = Cue(row["cue"], _int(path, row, "polarity", {-1, 0, 1}), _int(path, row, "strength", {1, 2}), kind,
                  noun=row["match"] == "noun")
        lex.cues.add(compile_phrase(row["cue"], cue, verb=row["match"] == "verb", loose=True))
    path = data_dir / "negations.csv"
    for row in _rows(path, ("phrase", "kind", "match", "strength")):
        if row["kind"] not in {"negation", "flip", "flip-after", "hedge", "procedure"}:
            raise LexiconError(f"{path}: kind {row['kind']!r} for {row['phrase']!r} must be negation, flip, "
                               "flip-after, hedge or procedure")
        mod = Modifier(row["phrase"], row["kind"], _int(path, row, "strength", {1, 2}))
        lex.modifiers.add(compile_phrase(row["phrase"], mod, verb=row["match"] == "verb"))
    path = data_dir / "issue_phrases.csv"
    for row in _rows(path, ("issue", "phrase", "context")):
        context = tuple(c.strip().lower() for c in row["context"].split("|") if c.strip())
        lex.issues.add(compile_phrase(row["phrase"], IssuePhrase(row["phrase"], row["issue"], context)))
    _load_descriptions(lex, data_dir)
    for name in country_names(registry_dir):
        lex.names.add(compile_phrase(name.text, name, exact_case=_acronym(name.text), proper=True))
    path = data_dir / "metonyms.csv"
    for row in _rows(path, ("name", "actor", "kind")):
        name = Name(row["name"], row["actor"].upper(), row["kind"])
        text = row["name"][4:] if row["name"].lower().startswith("the ") else row["name"]
        lex.names.add(compile_phrase(text, name, exact_case=_acronym(text), proper=name.actor != "-"))
    path = data_dir / "titles.csv"
    for row in _rows(path, ("title", "role", "actor")):
        lex.titles.add(compile_phrase(row["title"], Title(row["title"], row["role"] or None,
                                                          row["actor"].upper() or None)))
    path = data_dir / "people.csv"
    for row in _rows(path, ("name", "also", "short", "actor", "role", "start", "end", "source_url")):
        if not row["source_url"].startswith(("http://", "https://")):
            raise LexiconError(f"{path}: {row['name']!r} needs a source_url (http or https)")
        alone = row.get("alone", "").lower()
        if alone not in {"", "yes"}:
            raise LexiconError(f"{path}: alone {row['alone']!r} for {row['name']!r} must be yes or empty")
        if alone and not row["short"]:
            raise LexiconError(f"{path}: {row['name']!r} is marked alone but has no short name")
        person = Person(row["name"], row["actor"].upper(), row["role"], row["start"], row["end"] or None,
                        row["source_url"], row["short"] or None, alone == "yes")
        lex.persons.append(person)
        for variant in [row["name"]] + [v for v in row["also"].split("|") if v.strip()]:
            lex.people.add(compile_phrase(variant.strip().replace(" ", "_"), person, proper=True))
        if person.short:
            lex.short_names.add(compile_phrase(person.short, person, proper=True))
    return lex


def _load_descriptions(lex: Lexicon, data_dir: Path) -> None:
    """descriptions.csv: an issue described in words ("testing stopped in return for the drills
    stopped"); carriers.csv: the nouns such a description hangs on ("a proposal that ..."), where the
    issue is taken to be named, so "turned down a plan by Beijing and Moscow under which the allies
    ... pause their drills in return for ..." reads as rejecting the double freeze."""
    path = data_dir / "descriptions.csv"
    if path.exists():
        for row in _rows(path, ("issue", "description", "context")):
            context = tuple(c.strip().lower() for c in row["context"].split("|") if c.strip())
            lex.descriptions.add(compile_phrase(row["description"],
                                                IssuePhrase(row["description"], row["issue"], context)))
    path = data_dir / "carriers.csv"
    if path.exists():
        for row in _rows(path, ("noun",)):
            lex.carriers.add(compile_phrase(row["noun"], row["noun"]))


def _acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def country_names(data_dir: Path = DATA_DIR) -> list[Name]:
    """The names the actor registry resolves, as they are written: pycountry's names, the display
    names of data/actors.csv (and the codes of organisations such as NATO), and data/aliases.csv."""
    names: dict[str, Name] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names[value] = Name(value, country.alpha_3, "country")
    with open(data_dir / "actors.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            code = row["code"].strip().upper()
            names[row["name"].strip()] = Name(row["name"].strip(), code, row["kind"].strip())
            if row["kind"].strip() == "organisation" and code.isalpha() and len(code) >= 3:
                names[code] = Name(code, code, "organisation")
    with open(data_dir / "aliases.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            alias = row["alias"].strip()
            names[alias] = Name(alias, row["code"].strip().upper(), "alias")
    return list(names.values())


@lru_cache(maxsize=4)
def lexicon(data_dir: Path = EXTRACT_DIR) -> Lexicon:
    """The compiled lexicons, read once per process (per folder)."""
    return load(data_dir)
