"""Recall-first: a sentence that names (or describes) an issue and an actor is a candidate even when
no rule ties a stance cue to the actor.

An assistant whose misses a coder never sees is worse than none, so such sentences are proposed
with a low confidence and the reason "issue and actor, no stance cue", after the confident proposals;
the review queue is where a false alarm costs a click. The sign is a guess and says so: the sign the
same actor took on the same issue in a confident proposal of the same article, else the sign of a
cue elsewhere in the sentence, else support. (The article first: a cue not tied to the actor is as
often about someone else - "13 votes in favour, but Moscow and Beijing vetoed" - as about them.)

Not proposed: an actor the issue is about (data/extract/targets.csv: North Korea in "sanctions on North
Korea"), an actor inside the description of the issue ("... while Seoul and Washington pause their
exercises"), and a pair a confident rule already read from the sentence.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

from stance.extract.lexicon import EXTRACT_DIR, Person, Title
from stance.extract.rules import (
    PREPOSITIONS,
    SPEECH_VERBS,
    Analysis,
    Finding,
    bare_quote_speaker,
    governed,
    procedural,
    stance_of_cue,
)

RULE = "recall"
REASON = "issue and actor, no stance cue"
CONFIDENCE = 0.2


@cache
def _target_rows(path: Path = EXTRACT_DIR / "targets.csv") -> tuple[tuple[str, str, str], ...]:
    if not path.exists():
        return ()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return tuple((r["issue"].strip(), r["actor"].strip().upper(), (r.get("confident") or "").strip())
                     for r in csv.DictReader(line for line in fh if not line.startswith("#")))


def targets() -> frozenset[tuple[str, str]]:
    """(issue, actor) pairs where the actor is what the issue is about: never a recall-first candidate."""
    return frozenset((issue, actor) for issue, actor, _ in _target_rows())


def misread(f: Finding) -> bool:
    """A confident finding no coder would accept: the target taking the sign targets.csv rules out
    (North Korea supporting the sanctions on it)."""
    sign = "+" if f.stance > 0 else "-"
    return any(issue == f.issue and actor == f.actor and sign in never for issue, actor, never in _target_rows())


def candidates(an: Analysis, found: list[Finding]) -> list[Finding]:
    """Low-confidence findings for every (actor, issue) of the sentence no rule produced."""
    if not an.issues or an.text.rstrip(" \"”’')").endswith("?") or procedural(an):
        return []
    if not an.text.rstrip(" \"”’')]").endswith((".", "!", ":", ";")) and not an.cues:
        return []  # a heading ("Minister's statement on the new sanctions resolution"): no one speaks
    have = {(f.actor, f.issue) for f in found}
    actors: list[str] = []
    for g in an.groups:
        actor = g.actor or (an.speaker_actor if g.kind == "first-person" else None)
        if not actor or g.kind == "blocker" or _part_of_description(an, g) or _incidental(an, g) \
                or _un_as_modifier(g) or _abstains(an, g):
            continue
        if actor not in actors:
            actors.append(actor)
    if not actors and an.quotes:
        speaker = bare_quote_speaker(an, an.quotes[0])
        actors = [speaker.actor] if speaker is not None and speaker.actor else []
    if not actors and an.speaker_actor and an.cues and not found \
            and not _issue_subject(an):
        actors = [an.speaker_actor]  # a press release's unattributed cue: "Every state now has to apply ..."
    out = []
    sign, note = _sentence_sign(an) if actors and not found else (0, None)  # once per sentence
    for issue in dict.fromkeys(h.issue for h in an.issues):
        for actor in actors:
            if (actor, issue) in have or (issue, actor) in targets():
                continue
            out.append(Finding(actor, issue, 0, None, RULE, CONFIDENCE, notes=[REASON],
                               hint=(sign, note) if sign and note else None))
    return out


def _part_of_description(an: Analysis, g) -> bool:
    """Inside a described issue, or its subject right before it ("Seoul and Washington pause ...")."""
    for h in an.issues:
        if h.end <= g.start and h.issue in an.proposals and _opens_content(an.tokens[h.end:g.start]):
            return True  # "a dual suspension, whereby North Korea would suspend ... and the United States ..."
        if not h.described:  # a name, however long ("suspension-for-suspension"), holds no actors
            continue
        if h.start <= g.start and g.end <= h.end:
            return True
        if g.end <= h.start and h.start - g.end <= 4 and not any(c.start < h.start and c.end > g.end for c in an.cues):
            return True
        between = an.tokens[h.end:g.start]
        if h.end <= g.start <= h.end + 8 and "by" in {t.norm for t in between} and all(t.is_word for t in between):
            return True  # "... military exercises (conducted) by the United States and South Korea"
    return False


CONTENT_OPENERS = {"whereby", "urging", "requiring", "asking", "under_which", "in_which", "that_would"}


def _opens_content(tokens) -> bool:
    """The words between a proposal's name and an actor open the proposal's content, with no new speaker."""
    words = [t.norm for t in tokens]
    pairs = {"_".join(p) for p in zip(words, words[1:], strict=False)}
    return bool((set(words) | pairs) & CONTENT_OPENERS) and not any(w in SPEECH_VERBS for w in words)


ABSTAIN = {"abstain", "abstained", "abstains", "abstaining", "abstention"}


def _abstains(an: Analysis, g) -> bool:
    """'China chose to abstain', 'China abstained in the vote': an abstention is coded as no position."""
    return any(t.norm in ABSTAIN for t in an.tokens[g.end:g.end + 4])


def _issue_subject(an: Analysis) -> bool:
    """The sentence opens with the issue ("Resolution 2270 contains the toughest set of sanctions"): it
    says what the resolution does, not what the publisher thinks of it."""
    return bool(an.issues) and an.issues[0].start <= 1


def _un_as_modifier(g) -> bool:
    """"the United Nations (UN) Security Council", "the United Nations' renewal", "new UN measures": the
    UN named as a body's or a measure's owner. The UN speaks through its Secretary-General or a
    spokesman: without a title or a person in the phrase it holds no stance of its own."""
    return g.actor == "UN" and not any(isinstance(m.payload, (Title, Person)) for m in g.items)


def _incidental(an: Analysis, g) -> bool:
    """The object of a preposition other than 'by'/'from' ('of the United Nations', 'including the United
    States, Japan, China and Russia', 'between Pyongyang and Washington'): named
    in passing, not holding a stance. A list counts as one, as in rules.governed."""
    if not governed(an, g):
        return False
    j = g.start - 1
    while j >= 0:
        tok = an.tokens[j]
        if tok.norm in {"the", "a", "an", "'s"} or tok.kind == "quote":
            j -= 1
            continue
        if tok.norm in {",", "and", "or"}:
            left = next((h for h in an.groups if h.end == j and h.kind != "first-person"), None)
            j = left.start - 1 if left is not None else j - 1
            continue
        break
    return j < 0 or an.tokens[j].norm in PREPOSITIONS - {"by", "from"}


def _sentence_sign(an: Analysis) -> tuple[int, str | None]:
    """The sign of the stance cue nearest an issue mention (one before it first), if any (0: none,
    decided later): in "Japan condemns the launch and believes ... time for the Council to pass a
    new sanctions resolution", "adopt", not "condemns"."""
    def distance(cue) -> tuple[int, int]:
        gaps = [(0 if cue.end <= h.start else 1, abs(h.start - cue.end)) for h in an.issues]
        return min(gaps) if gaps else (2, 0)
    for cue in sorted(an.cues, key=distance):
        if any(h.start <= cue.start < h.end for h in an.issues):
            continue  # "the draft resolution": part of the issue's name, no cue
        stance = stance_of_cue(an, cue)
        if stance:
            words = an.text[an.tokens[cue.start].start:an.tokens[cue.end - 1].end]
            return (1 if stance > 0 else -1), f"sign from the cue “{words}”, not tied to the actor"
    return 0, None


def settle_signs(found: list[Finding], confident: list[Finding]) -> None:
    """Give a sign to candidates without one: the actor's sign on the issue in the article's confident
    findings, else support; the note says it is a guess."""
    signs: dict[tuple[str, str], Counter] = {}
    for f in confident:
        signs.setdefault((f.actor, f.issue), Counter())[(f.stance > 0) - (f.stance < 0)] += 1
    for f in found:
        if f.stance:
            continue
        votes = signs.get((f.actor, f.issue))
        if votes:
            f.stance = votes.most_common(1)[0][0] or 1
            f.notes.append("sign guessed from this actor's other statements in the article")
        elif f.hint:
            f.stance, note = f.hint
            f.notes.append(note)
        else:
            f.stance = 1
            f.notes.append("sign unknown: support assumed, check it")
