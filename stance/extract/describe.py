"""Issues described rather than named: "Pyongyang stops testing while Seoul and Washington pause
their drills" is the double freeze without its name.

The descriptions are data (data/extract/descriptions.csv, phrases with `...` gaps); so are the nouns
a description hangs on (data/extract/carriers.csv: "proposal", "plan", "suggestion"). A description
becomes an issue mention where it stands, and so does the carrier noun before it in the same clause,
because that noun is what the verbs of the sentence act on: in "turned down a plan by Beijing and
Moscow under which the allies pause their drills in return for Pyongyang stopping its tests",
"turned down" takes "plan", and the plan's owners are "Beijing and Moscow".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stance.extract.lexicon import IssuePhrase, Lexicon
from stance.extract.text import Token

if TYPE_CHECKING:
    from stance.extract.rules import IssueHit

CARRIER_REACH = 14  # words between a carrier noun and the description it carries
STOP = {";", ":", "(", ")"}


def described(tokens: list[Token], lex: Lexicon, issue_context: set[str], hits: list[IssueHit]) -> list[IssueHit]:
    """The issue hits of a sentence with its described issues (and their carrier nouns) added."""
    from stance.extract.rules import IssueHit

    if not len(lex.descriptions) or not _may_describe(tokens, lex):
        return hits
    out = list(hits)
    carriers = lex.carriers.find(tokens)
    for m in lex.descriptions.find(tokens):
        phrase: IssuePhrase = m.payload
        if phrase.context and not (set(phrase.context) & issue_context):
            continue
        if any(h.issue == phrase.issue and h.start < m.end and m.start < h.end for h in out):
            continue  # already named inside the description ("the freeze-for-freeze plan that ...")
        out.append(IssueHit(m.start, m.end, phrase.issue, False, described=True))
        carrier = _carrier(tokens, carriers, m.start)
        if carrier is not None:
            # "a plan that would see Pyongyang suspend ... while the allies ...": the plan is the one
            # described, not whatever "the plan" would refer back to
            out = [h for h in out if not (h.anaphor and h.start <= carrier[0] < h.end)]
            if not any(h.start <= carrier[0] < h.end for h in out):
                out.append(IssueHit(carrier[0], carrier[1], phrase.issue, False))
    return sorted(out, key=lambda h: h.start)


def _may_describe(tokens: list[Token], lex: Lexicon) -> bool:
    """A quick test before the slow one: every description ends with one of a few words ("exercises",
    "drills", "tests"...), so a sentence with none of them describes nothing."""
    last = getattr(lex, "_description_ends", None)
    if last is None:
        last = {alt[-1] for p in lex.descriptions.phrases for alt in p.slots[-1]}
        lex._description_ends = last  # type: ignore[attr-defined]
    return any(t.norm in last for t in tokens)


def _carrier(tokens: list[Token], carriers: list, start: int) -> tuple[int, int] | None:
    """The nearest carrier noun before the description, in the same clause."""
    before = [c for c in carriers if c.end <= start and start - c.end <= CARRIER_REACH]
    if not before:
        return None
    c = max(before, key=lambda c: c.end)
    if any(t.text in STOP or t.kind == "dash" for t in tokens[c.end:start]):
        return None
    return c.start, c.end
