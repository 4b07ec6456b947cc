"""Who is named in a sentence: countries, capitals and institutions, demonyms, officials, pronouns.

Single mentions are found with the lexicons, then joined into actor phrases ("groups") the way
news writes them: "China's U.N. Ambassador Liu Jieyi", "Kremlin spokesman Dmitry Peskov", "the
Foreign Ministry of the Republic of Korea". A group's actor is its person's state if it names a
person, else its country or metonym, else its title's state ("Secretary of State" -> USA).

A demonym ("Chinese", "Russian") names an actor only before an agent noun or title ("Chinese
officials", "the Russian envoy") or a stance noun ("the Chinese proposal"): "Chinese companies" or
"North Korean workers" are not an actor speaking. A country written as part of a hyphenated
modifier ("U.S.-South Korean drills") names no actor either.

A person's surname alone ("Lavrov said") counts only after the full name appeared in the article,
or right after a title ("President Putin"), as a reader would take it; or, for a distinctive surname
marked `alone` in people.csv ("Haley", never "Wang" or "Power"), when the statement's date lies in
that office's window: excerpts often start mid-story.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from stance.extract.lexicon import Lexicon, Match, Name, Person, Title, in_window
from stance.extract.text import Token

THIRD_PERSON = {"he", "she", "him", "her", "his"}
FIRST_PERSON = {"we", "i", "our", "us", "my"}
GLUE_AFTER_NAME = {"'s", "'"}
GLUE_AFTER_TITLE = {"of", "for", "the"}


@dataclass
class Group:
    """An actor phrase: token span, the actor it names (None if unknown) and the speaker, if any."""

    start: int
    end: int
    actor: str | None
    surface: str
    speaker: str | None = None
    person: Person | None = None
    kind: str = "name"  # name | person | title | pronoun | first-person | blocker
    possessive: bool = False
    items: list[Match] = field(default_factory=list)


@dataclass
class Context:
    """What earlier sentences of the article tell about this one."""

    date: str | None = None
    seen_people: set[str] = field(default_factory=set)
    last_person: Group | None = None
    last_plural: list[str] = field(default_factory=list)  # "Russia and China ...": whom "they" stands for next
    easing_draft: str | None = None  # the issue the article's draft eases: "the draft" later is that one


def find_groups(tokens: list[Token], lex: Lexicon, ctx: Context, cue_starts: set[int]) -> list[Group]:
    """Actor phrases in a sentence, left to right."""
    items = _items(tokens, lex, ctx, cue_starts)
    groups: list[Group] = []
    current: list[Match] = []
    for item in items:
        if current and _joins(tokens, current[-1], item):
            current.append(item)
            continue
        if current:
            groups.append(_group(tokens, current, lex, ctx))
        current = [item]
    if current:
        groups.append(_group(tokens, current, lex, ctx))
    groups += _pronouns(tokens, groups, ctx)
    groups.sort(key=lambda g: g.start)
    return groups


def _items(tokens: list[Token], lex: Lexicon, ctx: Context, cue_starts: set[int]) -> list[Match]:
    """Non-overlapping mentions: the longest wins, then people over titles over names."""
    candidates: list[tuple[int, Match]] = []
    for rank, found in enumerate((lex.people.find(tokens), lex.titles.find(tokens), lex.names.find(tokens))):
        candidates += [(rank, m) for m in found]
    for m in lex.short_names.find(tokens):
        person: Person = _namesake_seen(m.payload, lex, ctx)
        if person is not m.payload:
            m = Match(m.start, m.end, replace(m.phrase, payload=person))
        after_title = any(t.end == m.start for _, t in candidates if isinstance(t.payload, Title))
        if person.name in ctx.seen_people or after_title or _earlier_full_name(candidates, person, m.start) \
                or lex.stands_alone(person.name, ctx.date):
            candidates.append((0, m))
    candidates.sort(key=lambda rm: (-(rm[1].end - rm[1].start), rm[0], rm[1].start))
    taken: set[int] = set()
    chosen: list[Match] = []
    for _, m in candidates:
        span = set(range(m.start, m.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    titles_at = {m.start for m in chosen if isinstance(m.payload, Title)}
    kept = []
    for m in chosen:
        if isinstance(m.payload, Name):
            if _hyphenated(tokens, m, cue_starts):
                continue
            if m.payload.kind == "demonym" and not _demonym_acts(tokens, m, titles_at, cue_starts, chosen):
                continue
        kept.append(m)
    return kept


def _namesake_seen(person: Person, lex: Lexicon, ctx: Context) -> Person:
    """'Zhang' after 'Zhang Jun' is Zhang Jun, not another Zhang who shares the short name."""
    if person.name in ctx.seen_people:
        return person
    return next((p for p in lex.persons if p.short == person.short and p.name in ctx.seen_people), person)


def _earlier_full_name(candidates: list[tuple[int, Match]], person: Person, before: int) -> bool:
    return any(isinstance(m.payload, Person) and m.payload.name == person.name and m.end <= before
               and m.end - m.start > 1 for _, m in candidates)


def _hyphenated(tokens: list[Token], m: Match, cue_starts: set[int] = frozenset()) -> bool:
    """'U.S.-ROK exercises', 'Russia-China roadmap': a modifier, not an actor. But an agent before a
    participle ('a US-drafted text', 'the China-proposed approach') and owners joined before a
    stance noun ('a Russian-Chinese plan') are actors."""
    after = m.end < len(tokens) and tokens[m.end].kind == "hyphen"
    before = m.start > 0 and tokens[m.start - 1].kind == "hyphen"
    if after and m.end + 1 < len(tokens) and tokens[m.end + 1].norm.endswith("ed") and not before:
        return False
    if after and m.end + 2 < len(tokens) and m.end + 2 in cue_starts and not before:
        return False  # "Russian-Chinese plan": the first owner
    if before and not after and m.end in cue_starts and m.start >= 2 and tokens[m.start - 2].kind == "word" \
            and tokens[m.start - 2].capitalised:
        return False  # ... and the second
    return after or before


def _demonym_acts(tokens: list[Token], m: Match, titles_at: set[int], cue_starts: set[int],
                  chosen: list[Match]) -> bool:
    """A demonym before (up to four words on, past 'and Russian' and the like) a title, agent noun or
    stance noun ("the Chinese suspension-for-suspension proposal")."""
    names_at = {c.start: c for c in chosen if isinstance(c.payload, Name)}
    j, words = m.end, 0
    while j < len(tokens) and words <= 4:
        if j in titles_at or j in cue_starts:
            return True
        if j in names_at:
            j = names_at[j].end
            continue
        if tokens[j].kind in {"hyphen", "quote"}:
            j += 1
            continue
        if not tokens[j].is_word:
            return False
        words += 1
        j += 1
    return False


def _joins(tokens: list[Token], left: Match, right: Match) -> bool:
    """Whether two mentions belong to one actor phrase ("Russian" + "Foreign Minister" + "Sergei Lavrov")."""
    between = [t.norm for t in tokens[left.end:right.start]]
    if not between:
        return True
    if isinstance(left.payload, (Name, Person)) and between in (["'s"], ["'"]):
        return True
    if isinstance(left.payload, Title) and between in (["of"], ["for"], ["of", "the"], ["for", "the"],
                                                       ["to", "the"], [","]):
        return not (between == [","] and not isinstance(right.payload, Person))
    if isinstance(left.payload, Name) and between == ["'s"]:
        return True
    return False


def _group(tokens: list[Token], items: list[Match], lex: Lexicon, ctx: Context) -> Group:
    start, end = items[0].start, items[-1].end
    surface = _span_text(tokens, start, end)
    people = [m.payload for m in items if isinstance(m.payload, Person)]
    names = [m.payload for m in items if isinstance(m.payload, Name)]
    titles = [m.payload for m in items if isinstance(m.payload, Title)]
    possessive = end < len(tokens) and tokens[end].norm in GLUE_AFTER_NAME
    if people:
        person = _in_office(people[0], lex, ctx.date, {t.role for t in titles if t.role})
        role = person.role if in_window(ctx.date, person.start, person.end) else None
        speaker = f"{person.name}, {role}" if role else person.name
        return Group(start, end, person.actor, surface, speaker, person, "person", possessive, items)
    actor = names[0].actor if names else next((t.actor for t in titles if t.actor), None)
    if actor == "-":  # "the Security Council": someone acts, but no actor of ours
        return Group(start, end, None, surface, None, None, "blocker", possessive, items)
    speaker = None
    role_title = next((t for t in titles if t.role), None)
    if role_title and actor:
        holders = lex.people_in_office(actor, role_title.role, ctx.date)
        names_found = {p.name for p in holders}
        if len(names_found) == 1 and ctx.date:
            speaker = f"{holders[0].name}, {holders[0].role}"
    if speaker is None and titles:
        speaker = _title_text(tokens, items)
    kind = "name" if names else "title"
    last = ctx.last_person
    if actor is None and not names and start > 0 and tokens[start - 1].norm == "the" and last is not None \
            and last.actor and all(t.text.split("|")[0] in OFFICE_WORDS for t in titles):
        # "the ambassador", "the envoy" after "Ambassador Cho ...": the official named last
        return Group(start, end, last.actor, surface, last.speaker, last.person, "pronoun", possessive, items)
    return Group(start, end, actor, surface, speaker, None, kind, possessive, items)


OFFICE_WORDS = {"envoy", "ambassador", "minister", "spokesman", "premier", "diplomat"}


def _in_office(person: Person, lex: Lexicon, on: str | None, roles: set[str] = frozenset()) -> Person:
    """The row of a person (who may have held several posts) named by the title beside the name ("UN
    Secretary-General Ban Ki-moon"), else whose window holds the date, else the latest."""
    rows = [p for p in lex.persons if p.name == person.name]
    return next((p for p in rows if p.role in roles), None) or \
        next((p for p in rows if in_window(on, p.start, p.end)), None) or max(rows, key=lambda p: p.start)


def _title_text(tokens: list[Token], items: list[Match]) -> str:
    """'Chinese Foreign Ministry spokesman' as written, for the speaker field when no name is known."""
    first = next(m for m in items if isinstance(m.payload, Title))
    text = _span_text(tokens, items[0].start, items[-1].end)
    if first.start == items[0].start:
        text = text[0].upper() + text[1:]
    return text


def _span_text(tokens: list[Token], start: int, end: int) -> str:
    """The words of a span as written (offsets are into one sentence, so spacing is rebuilt)."""
    out = ""
    for k in range(start, end):
        tok = tokens[k]
        if k > start and tokens[k - 1].end < tok.start:
            out += " "
        out += tok.text
    return out


PAIR_NOUNS = {"countries", "sides", "powers", "nations", "governments", "ministers", "leaders", "diplomats",
              "ministries", "envoys", "ambassadors", "presidents", "states"}


def _pair_phrase(tokens: list[Token], i: int) -> int:
    """Length of 'the two countries' / 'the pair' / '(the two) foreign ministries' at i, else 0. Not
    "both sides": in the double freeze that is Pyongyang and the allies."""
    words = [t.norm for t in tokens[i:i + 4]] + ["", "", ""]
    if words[:2] == ["the", "pair"]:
        return 2
    if words[0] != "the":
        return 0
    n = 2 if words[1] == "two" else 1
    if n == 2 and words[2] in PAIR_NOUNS:
        return 3
    if words[n] == "foreign" and words[n + 1] in {"ministries", "ministers"}:
        return n + 2
    return 0


def _pronouns(tokens: list[Token], groups: list[Group], ctx: Context) -> list[Group]:
    """'he'/'she' stand for the last person named (earlier in this sentence, else before it);
    'we'/'I'/'our' are first-person groups whose actor the caller decides (quote speaker or publisher)."""
    out = []
    for i, tok in enumerate(tokens):
        word = tok.norm
        if word in THIRD_PERSON and word not in {"him", "her", "his"}:
            person = next((g for g in reversed(groups) if g.kind == "person" and g.end <= i), None)
            person = person or ctx.last_person
            if person and person.actor:
                out.append(Group(i, i + 1, person.actor, tok.text, person.speaker, person.person, "pronoun"))
        elif word == "they" and ctx.last_plural:
            # "Wang and Lavrov met. They backed ...": the actors of the last joint subject
            out += [Group(i, i + 1, actor, tok.text, None, None, "pronoun") for actor in ctx.last_plural]
        elif ctx.last_plural and (length := _pair_phrase(tokens, i)):
            # "the two countries", "the pair": the last joint subject again
            end = i + length
            surface = _span_text(tokens, i, end)
            out += [Group(i, end, actor, surface, None, None, "pronoun") for actor in ctx.last_plural]
        elif word in FIRST_PERSON and not (tok.text.isupper() and len(tok.text) > 1):  # "US" is a country
            out.append(Group(i, i + 1, None, tok.text, None, None, "first-person", word in {"our", "my"}))
    return out
