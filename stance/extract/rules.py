"""From one sentence to stance findings: cues, what they are about, who holds them, and with what sign.

For each cue (from data/extract/cues.csv) the rules decide, in order:

1. **Whether it states a position.** A question, or a hedge before the cue ("whether"), states none.
2. **The issue.** An act cue ("backs", "rejected") looks for an issue phrase after it, up to 15
   words on, stopping at a clause boundary (";", ":", a dash, "but", "while", "which"...), a speech
   verb or a new predicate; if the cue ends its clause ("..., which Washington rejects") or is
   passive ("was rejected by") it looks back instead. A judgement cue ("insulting", "realistic")
   looks back first ("The double freeze is insulting"), then forward. A phrase like "the proposal"
   refers back to the issue last named in this sentence or the two before it.
3. **The sign.** polarity x strength from the cue, an intensifier before it ("firmly opposes") for
   strength 2; a negation before it in the same clause ("did not support", "refused to endorse",
   "not ... accept") turns support into opposition (-1, or -2 after "never") and opposition into
   weak support (+1, lower confidence); a flip before the issue ("easing sanctions", "sanctions
   relief") reverses it; an opposing cue inside the object ("criticised Washington for rejecting the
   double freeze") reverses it too.
4. **The actor** (attribution). A cue inside a direct quotation belongs to a subject named inside the
   quotation before it, else to the quotation's speaker ('"...," Lavrov said', 'Wang said: "..."').
   Outside quotations: the agent of a passive ("rejected by Washington"); for a stance noun ("the
   Chinese proposal", "Moscow's backing", "its support") the owner named in the noun phrase, or the
   subject of a light verb ("expressed support for"); otherwise the nearest actor before the cue
   that is not the object of a preposition or of "urged"/"asked"/"told" (so "urged Washington to
   accept" is the urger's position), with actors joined by "and" taken together. "he"/"she" stand
   for the last person named; "we"/"I" are the quotation's speaker or, in a press release, the
   publisher (--speaker-actor). A judgement without any actor belongs to the sentence's speaker
   ("..., Haley said") or the publisher.

Grammar words (prepositions, speech verbs, light verbs) are kept here; every domain word is data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.extract.actors import Context, Group, find_groups
from stance.extract.describe import described
from stance.extract.grammar import verbs
from stance.extract.lexicon import Cue, IssuePhrase, Lexicon, Match, Modifier
from stance.extract.text import Token, quote_regions, tokenize

PREPOSITIONS = {"with", "to", "against", "on", "from", "at", "for", "of", "toward", "towards", "between", "among",
                "by", "than", "into", "over", "about", "upon", "in", "like", "unlike", "including", "via", "across",
                "after", "before", "during", "under", "without", "through", "amid", "despite", "besides", "beyond",
                "near", "around", "behind", "as", "within"}
OBJECT_VERBS, SPEECH_VERBS, LIGHT_VERBS = verbs("object"), verbs("speech"), verbs("light")
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "my", "this", "that", "these", "those", "any",
               "no", "'s", "such", "'"}
NP_ADJECTIVES = {"full", "strong", "firm", "broad", "continued", "unwavering", "own", "renewed", "clear", "joint",
                 "new", "initial", "earlier", "latest", "tacit", "public", "formal", "explicit", "qualified",
                 "conditional", "active", "consistent", "so-called", "so", "called", "original", "firmest",
                 "strongest", "overwhelming", "staunch", "vocal", "total", "complete", "effective", "strict"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her"}
NOUN_CUES = {"proposal", "endorsement", "rejection", "opposition", "implementation"}
BE_VERBS = {"is", "was", "were", "are", "be", "been", "being", "has", "have", "had", "get", "got"}
HARD_BOUNDARY_WORDS = {"but", "while", "whereas", "although", "though", "however", "yet", "meanwhile"}
RELATIVES = {"which", "who", "whom", "whose"}
COORDINATION = {",", "and", "the", "as", "well", "both", "together"}
SEARCH = 15


@dataclass
class Finding:
    """One actor's stance on one issue read from one cue of a sentence."""

    actor: str
    issue: str
    stance: int
    cue: Match | None  # None: a recall-first candidate, no cue tied to the actor
    rule: str
    confidence: float
    speaker: str | None = None
    quote: str | None = None
    cue_spans: list[tuple[int, int]] = field(default_factory=list)  # character offsets in the sentence
    notes: list[str] = field(default_factory=list)
    hint: tuple[int, str] | None = None  # recall-first: the sign of a cue not tied to the actor, and why


@dataclass
class IssueHit:
    start: int
    end: int
    issue: str
    anaphor: bool
    described: bool = False  # a description (describe.py), not the issue's name


@dataclass
class Analysis:
    """Everything found in one sentence, shared by the rules."""

    text: str
    tokens: list[Token]
    groups: list[Group]
    cues: list[Match]
    intensifiers: list[Match]
    modifiers: list[Match]
    issues: list[IssueHit]
    quotes: list[tuple[int, int]]  # token ranges (open quote index, close quote index) of direct quotations
    speaker_actor: str | None
    recent_issue: str | None = None  # what a bare "voted in favour." at a clause's end is about
    easing_draft: str | None = None  # the issue an earlier sentence's draft eases (Context.easing_draft)
    last_person: Group | None = None  # who spoke last (Context.last_person): the speaker of a quotation left bare
    proposals: frozenset[str] = frozenset()  # issues that are proposals (Lexicon.proposal_issues)

    def quote_of(self, i: int) -> tuple[int, int] | None:
        return next((q for q in self.quotes if q[0] < i < q[1]), None)


# --- Building the analysis --------------------------------------------------------------------

def analyse(text: str, lex: Lexicon, ctx: Context, issue_context: set[str], recent_issue: str | None,
            speaker_actor: str | None) -> Analysis:
    tokens = tokenize(text)
    cue_matches = lex.cues.find(tokens)
    cues = [m for m in cue_matches if m.payload.kind != "intensifier"]
    intensifiers = [m for m in cue_matches if m.payload.kind == "intensifier"]
    groups = find_groups(tokens, lex, ctx, {m.start for m in cues if _noun_form(tokens, m)})
    issues = _issues(tokens, lex, issue_context, recent_issue, ctx.easing_draft)
    return Analysis(text, tokens, groups, cues, intensifiers, lex.modifiers.find(tokens), issues,
                    _direct_quotes(text, tokens), speaker_actor, recent_issue, ctx.easing_draft, ctx.last_person,
                    lex.proposal_issues)


def _noun_form(tokens: list[Token], cue: Match) -> bool:
    """A cue written as a noun ("proposal", "support", "backing"): what a demonym may own."""
    form = tokens[cue.start].norm
    first = cue.payload.text.split("|")[0].split()[0].lower()
    return cue.payload.text in NOUN_CUES or cue.payload.noun or \
        (cue.payload.kind == "act" and (form == first or form.endswith("ing")))


def _issues(tokens: list[Token], lex: Lexicon, issue_context: set[str], recent: str | None,
            easing_draft: str | None = None) -> list[IssueHit]:
    """Issue mentions; '*' phrases refer back to the last issue named (None: left out)."""
    out: list[IssueHit] = []
    for m in lex.issues.find(tokens):
        phrase: IssuePhrase = m.payload
        if phrase.issue == "-":
            continue
        if phrase.context and not (set(phrase.context) & issue_context):
            continue
        if phrase.issue in {"*", "*proposal"}:
            last = out[-1].issue if out else recent
            if phrase.issue == "*proposal":  # "the plan" is a proposal, not the sanctions regime...
                proposals = lex.proposal_issues
                last = next((h.issue for h in reversed(out) if h.issue in proposals), None) or \
                    (recent if recent in proposals else None) or \
                    easing_draft  # ...unless it is the article's plan to ease them
            if last:
                out.append(IssueHit(m.start, m.end, last, True))
            continue
        out.append(IssueHit(m.start, m.end, phrase.issue, False, described="..." in phrase.text))
    return described(tokens, lex, issue_context, _named_after(tokens, out))


def _named_after(tokens: list[Token], hits: list[IssueHit]) -> list[IssueHit]:
    """'a proposal for a dual suspension', 'the plan built on a double freeze': a proposal noun whose
    issue is named right after it (up to four words on, no punctuation between) is that issue, not
    the one named earlier."""
    out = []
    for h in hits:
        named = next((n for n in hits if not n.anaphor and h.end <= n.start <= h.end + 4), None)
        if h.anaphor and named is not None and all(t.is_word for t in tokens[h.end:named.start]):
            h = IssueHit(h.start, h.end, named.issue, True)
        out.append(h)
    return out


def _direct_quotes(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Double-quoted passages of four words or more: what someone said. Shorter ones are names or
    scare quotes ('the so-called "freeze for freeze"')."""
    by_offset = {t.start: i for i, t in enumerate(tokens)}
    out = []
    for a, b in quote_regions(text):
        if a in by_offset and b in by_offset:
            i, j = by_offset[a], by_offset[b]
            if sum(t.is_word for t in tokens[i + 1:j]) >= 4:
                out.append((i, j))
    return out


# --- The rules --------------------------------------------------------------------------------

def findings(an: Analysis) -> list[Finding]:
    """Every (actor, issue, stance) the sentence supports, one per cue and actor."""
    if an.text.rstrip(" \"”’')").endswith("?") or procedural(an):
        return []
    out: list[Finding] = []
    for cue in an.cues:
        if _hedged(an, cue) or _content_of_issue(an, cue):
            continue
        hit, flips, how = _issue_for(an, cue)
        if hit is None:
            continue
        stance, sign_notes, confidence = _stance(an, cue, flips)
        if stance == 0:
            continue
        for group, rule, speaker, quote in _actors_for(an, cue) + _partners(an, cue):
            actor = group.actor if group.kind != "first-person" else None
            actor = actor or (an.speaker_actor if group.kind == "first-person" else None) or \
                (_reported_we(an, group) if group.kind == "first-person" else None)
            if not actor:
                continue
            speaker = speaker or _person_for(an, actor, cue.start)
            conf = confidence + RULE_CONFIDENCE.get(rule, 0.7) - 0.7 - (0.15 if hit.anaphor else 0)
            out.append(Finding(actor, hit.issue, stance, cue, rule, round(max(0.05, min(0.95, conf)), 2),
                               speaker, quote, [(an.tokens[cue.start].start, an.tokens[cue.end - 1].end)],
                               sign_notes + ([how] if how else [])))
    return out + _drafters(an, out)


DRAFT_NOUNS = {"resolution", "resolutions", "draft", "text"}


def _drafters(an: Analysis, found: list[Finding]) -> list[Finding]:
    """'a US resolution', 'Washington's draft': a state named as a resolution's owner drafted it, which
    the codebook counts as support ('a Russian-Chinese draft to ease sanctions': opposition)."""
    out = []
    have = {(f.actor, f.issue) for f in found}
    for h in an.issues:
        if h.anaphor or not any(t.norm in DRAFT_NOUNS for t in an.tokens[h.start:h.end]):
            continue
        owners = [g for g in an.groups if g.actor and g.actor != "UN" and g.kind in {"name", "person", "title"}
                  and (g.end == h.start or g.possessive and g.end + 1 == h.start)]
        if not owners or an.quote_of(h.start):
            continue
        eases = bool(_flip_around(an, h))
        for g in _coordinated_left(an, owners[0]):
            if g.actor and (g.actor, h.issue) not in have:
                span = [(an.tokens[g.start].start, an.tokens[h.end - 1].end)]
                note = "owner of a draft that eases the sanctions" if eases else \
                    "owner of the resolution or draft: drafting counts as support"
                out.append(Finding(g.actor, h.issue, -1 if eases else 1, Match(h.start, h.end, None), "owner", 0.6,
                                   g.speaker, None, span, [note]))
    return out


RULE_CONFIDENCE = {"quote": 0.85, "quote-subject": 0.85, "subject": 0.8, "passive": 0.75, "owner": 0.75,
                   "first-person": 0.8, "speaker": 0.7, "pronoun": 0.65, "light-verb": 0.75}


def procedural(an: Analysis) -> bool:
    """'A resolution needs nine votes in favour and no vetoes by the United States, France, ...': how the
    Council works, nobody's position (negations.csv, kind procedure)."""
    return any(m.payload.kind == "procedure" for m in an.modifiers)


def _content_of_issue(an: Analysis, cue: Match) -> bool:
    """'a US resolution to toughen sanctions', 'the draft to ease them': the cue says what the resolution
    or draft does, not what the sentence's subject wants (the subject may be vetoing it)."""
    j = cue.start - 1
    return j > 0 and an.tokens[j].norm == "to" and any(h.end == j and not h.anaphor for h in an.issues)


def _hedged(an: Analysis, cue: Match) -> bool:
    start = _clause_start(an, cue.start)
    return any(m.payload.kind == "hedge" and start <= m.start < cue.start for m in an.modifiers)


def _clause_start(an: Analysis, i: int) -> int:
    j = i - 1
    while j >= 0 and not _hard_boundary(an.tokens[j]):
        j -= 1
    return j + 1


def _hard_boundary(tok: Token) -> bool:
    return tok.kind == "dash" or tok.text in {";", ":", "(", ")"} or tok.norm in HARD_BOUNDARY_WORDS


def _intervening_cue(an: Analysis, i: int) -> Match | None:
    return next((c for c in an.cues if c.start == i), None)


def _issue_for(an: Analysis, cue: Match) -> tuple[IssueHit | None, int, str]:
    """The issue a cue is about, how many flips lie between them, and a note on how it was found."""
    kind = cue.payload.kind
    own = next((h for h in an.issues if h.start <= cue.start < h.end), None)
    if own is not None and _nominal(an, cue):  # "made a similar suggestion": the noun is the issue mention
        return own, _count_flips(an, _flip_around(an, own)), ""
    antecedent = _relative_antecedent(an, cue) if kind == "judgement" else None
    if antecedent is not None:  # "the programme, which is unacceptable": the judgement is of that noun
        hit = next((h for h in an.issues if h.end in {antecedent, antecedent - 1}), None)
        return hit, _count_flips(an, _flip_around(an, hit)) if hit else 0, ""
    order = ("before", "after") if kind == "judgement" else ("after", "before")
    for direction in order:
        if direction == "before" and kind != "judgement" and not _looks_back(an, cue):
            continue
        hit, flips = (_after(an, cue) if direction == "after" else _before(an, cue, SEARCH))
        if hit:
            return hit, _count_flips(an, flips | _flip_around(an, hit)), ""
    if kind == "judgement" or _looks_back(an, cue):
        hit, flips = _before(an, cue, len(an.tokens))
        if hit:
            return hit, _count_flips(an, flips | _flip_around(an, hit)), "issue named earlier in the sentence"
    if kind == "act" and not an.issues and an.recent_issue and _ends_clause(an, cue):
        # "The other members ... voted in favour.": about what the sentences before were about
        return IssueHit(cue.start, cue.end, an.recent_issue, True), 0, "issue named in the sentence before"
    voted_on = an.recent_issue if not an.issues else next((h.issue for h in an.issues if not h.anaphor), None)
    if voted_on:
        if _is_veto(cue):  # "Russia's veto" in a story about the vote: a veto of what was put to the vote
            return IssueHit(cue.start, cue.end, voted_on, True), 0, "a veto of the text named before"
        veto = _veto_in_object(an, cue)
        if veto is not None:  # "Wood criticised Russia's veto": against the veto, for the vetoed text
            hit = IssueHit(veto.start, veto.end, voted_on, True)
            return hit, 1, "criticises a veto of the text named before"
    return None, 0, ""


def _relative_antecedent(an: Analysis, cue: Match) -> int | None:
    """Where 'which'/'that' stands in '..., which is unacceptable' (up to two words such as 'totally' may
    stand between the verb and the cue), or None when the cue opens no such relative clause."""
    for k in range(cue.start - 1, max(-1, cue.start - 5), -1):
        tok = an.tokens[k]
        if tok.norm in {"which", "that"} and k + 1 < cue.start and an.tokens[k + 1].norm in BE_VERBS:
            return k
        if not tok.is_word:
            return None
    return None


def _is_veto(cue: Match) -> bool:
    return "veto" in cue.payload.text


def _veto_in_object(an: Analysis, cue: Match) -> Match | None:
    """A veto inside the object of an opposing cue, in its clause: 'criticised Russia's veto', 'expressed
    concern about the veto', 'denounced the veto as an admission of guilt'."""
    if cue.payload.polarity >= 0 or _is_veto(cue):
        return None
    for other in an.cues:
        if cue.end <= other.start <= cue.end + 6 and _is_veto(other) and _in_object(an, other) \
                and not any(_hard_boundary(t) for t in an.tokens[cue.end:other.start]):
            return other
    return None


def _ends_clause(an: Analysis, cue: Match) -> bool:
    """'... voted in favour.', '... voted with us.': at most a short object before the clause ends."""
    rest = []
    for tok in an.tokens[cue.end:]:
        if tok.text in {".", ";", "!"}:
            break
        rest.append(tok)
    return len(rest) <= 2 and all(t.is_word for t in rest) and not any(h.start >= cue.end for h in an.issues)


def _looks_back(an: Analysis, cue: Match) -> bool:
    """An act cue is about something before it when it ends its clause ('which Washington rejects'),
    is passive ('was rejected by'), or is a stance noun with the issue inside its noun phrase."""
    tokens = an.tokens
    nxt = tokens[cue.end] if cue.end < len(tokens) else None
    if nxt is None or nxt.kind in {"punct", "dash"} or nxt.norm in {"by", "from", "and", "but", "in", "on", "at"} \
            or nxt.kind == "quote":
        return True
    after = tokens[cue.end + 1] if cue.end + 1 < len(tokens) else None
    if nxt.norm in {"it", "them", "this"} and (after is None or not after.is_word or after.norm in PREPOSITIONS):
        return True
    prev = [t.norm for t in tokens[max(0, cue.start - 3):cue.start]]
    if any(w in BE_VERBS for w in prev):
        return True
    return _nominal(an, cue)


def _after(an: Analysis, cue: Match) -> tuple[IssueHit | None, set[int]]:
    """The first issue after the cue in its clause, and the flips met on the way (by token index; an
    opposing cue inside the object counts as one)."""
    flips: set[int] = set()
    i = cue.end
    limit = min(len(an.tokens), cue.end + SEARCH)
    starts = {h.start: h for h in an.issues}
    while i < limit:
        if i in starts:
            return starts[i], flips
        tok = an.tokens[i]
        if _hard_boundary(tok) or tok.norm in RELATIVES or tok.norm in SPEECH_VERBS or tok.text in ".!?":
            return None, set()
        other = _intervening_cue(an, i)
        if other is not None:
            if not _in_object(an, other):
                return None, set()
            if other.payload.polarity < 0:
                flips.add(i)
            i = other.end
            continue
        if any(m.start == i and m.payload.kind == "flip" for m in an.modifiers):
            flips.add(i)
        i += 1
    return None, set()


def _in_object(an: Analysis, inner: Match) -> bool:
    """A cue inside the object of another ("criticised Washington for rejecting", "brushed aside
    China's call for") rather than a new predicate ("rejected it and called for")."""
    j = inner.start - 1
    while j >= 0 and any(m.start <= j < m.end for m in an.intensifiers):
        j -= 1
    if j < 0:
        return False
    prev = an.tokens[j]
    if prev.kind == "hyphen" and any(g.end == j for g in an.groups):  # "blocked a US-drafted text"
        return True
    if prev.norm in {"for", "of"} | DETERMINERS:
        return True
    return any(g.end == j + 1 for g in an.groups if g.kind != "first-person")


def _before(an: Analysis, cue: Match, reach: int) -> tuple[IssueHit | None, set[int]]:
    lower = max(0, cue.start - reach)
    if reach == SEARCH:
        lower = max(lower, _clause_start(an, cue.start))
    hits = [h for h in an.issues if lower <= h.start and h.end <= cue.start]
    if not hits:
        return None, set()
    return max(hits, key=lambda h: h.end), set()


def _count_flips(an: Analysis, flips: set[int]) -> int:
    """Flips joined by 'or'/'and' are one: 'to lift or ease sanctions' eases them once."""
    starts = sorted(flips)
    flip_ends = {m.start: m.end for m in an.modifiers if m.payload.kind in {"flip", "flip-after"}}
    joined = sum(1 for a, b in zip(starts, starts[1:], strict=False)
                 if a in flip_ends and all(t.norm in {"or", "and", ","} for t in an.tokens[flip_ends[a]:b]))
    return len(starts) - joined


def _flip_around(an: Analysis, hit: IssueHit) -> set[int]:
    """A flip right before the issue ('easing of sanctions') or a flip-after right after it ('relief')."""
    flips = set()
    for m in an.modifiers:
        mod: Modifier = m.payload
        if mod.kind == "flip" and hit.start - 4 <= m.end <= hit.start \
                and not any(t.norm in {",", ";"} for t in an.tokens[m.end:hit.start]):
            flips.add(m.start)
        reach = 4 if mod.text.startswith("to be") else 1  # "sanctions on Pyongyang to be lifted"
        if mod.kind == "flip-after" and hit.end <= m.start <= hit.end + reach \
                and all(t.is_word for t in an.tokens[hit.end:m.start]):
            flips.add(m.start)
    if _draft(an, hit) and (_eases(an, hit) or an.easing_draft == hit.issue and _definite(an, hit)):
        flips.add(hit.end)  # "a draft to ease the sanctions", "a draft resolution that would lift sanctions"
    return flips


def _definite(an: Analysis, hit: IssueHit) -> bool:
    """'the draft', 'their draft resolution': one named before."""
    words = [t.norm for t in an.tokens[max(0, hit.start - 2):hit.start + 1]]
    return any(w in {"the", "their", "its", "this", "that"} for w in words)


def eased_by_a_draft(an: Analysis) -> str | None:
    """The issue a draft or plan the sentence names would ease, if any (for Context.easing_draft)."""
    return next((h.issue for h in an.issues if _draft(an, h) and _eases(an, h)), None)


CONTENT_GLUE = {"that", "which", "would", "will", "to", "calling", "call", "calls", "for", "the", "a", "partial",
                "some", "of", "including", "seeking", "aimed", "at", "proposing", "providing", "on", "be"}


def _eases(an: Analysis, hit: IssueHit) -> bool:
    """What a draft or plan does, right after it: 'that would lift sanctions', 'calling for the partial
    ease of sanctions', 'to lift a raft of sanctions'. A flip reached through such words before a
    sanctions mention makes the draft one against the sanctions. The window stops at a clause boundary."""
    flips = {m.start: m for m in an.modifiers if m.payload.kind == "flip"}
    i, skipped = hit.end, 0
    while i < len(an.tokens) and skipped <= 8:
        if i in flips:
            m = flips[i]
            return any(h.issue == hit.issue and m.end <= h.start <= m.end + 4 for h in an.issues)
        eased = next((h for h in an.issues if h.start == i and h.issue == hit.issue and not _draft(an, h)), None)
        if eased is not None and _flip_around(an, eased):
            return True  # "calling for some of the sanctions on Pyongyang to be lifted"
        tok = an.tokens[i]
        if _hard_boundary(tok) or tok.text in ".!?;":
            return False
        if tok.norm not in CONTENT_GLUE:
            skipped += 1  # "to the Security Council", "earlier this month"
        i += 1
    return False


def _draft(an: Analysis, hit: IssueHit) -> bool:
    return any(t.norm in DRAFT_NOUNS | PLAN_NOUNS for t in an.tokens[hit.start:hit.end])


PLAN_NOUNS = {"proposal", "proposals", "plan", "initiative", "measures", "bill"}


def _stance(an: Analysis, cue: Match, flips: int) -> tuple[int, list[str], float]:
    payload: Cue = cue.payload
    strength = 2 if payload.strength == 2 or _intensified(an, cue) else 1
    polarity = payload.polarity
    notes = []
    confidence = 0.7
    negation = _negation(an, cue)
    if negation is not None and negation.payload.text == "no" and negation.end == cue.start and polarity < 0:
        return 0, notes, confidence  # "needs nine votes in favour and no vetoes": no one's position
    if negation is not None:
        notes.append(f"negated by “{negation.payload.text}”")
        if polarity > 0:
            polarity, strength = -1, negation.payload.strength
            confidence -= 0.05
        else:
            polarity, strength = 1, 1
            confidence -= 0.2
    if flips % 2:
        polarity = -polarity
        notes.append("reversed by what the issue is (easing, rather than, an opposing cue)")
        confidence -= 0.1
    return polarity * strength, notes, confidence


def stance_of_cue(an: Analysis, cue: Match) -> int:
    """A cue's stance on its own (negation and intensity read, no actor or issue): 0 when hedged."""
    if cue.payload.polarity == 0 or _hedged(an, cue):
        return 0
    return _stance(an, cue, 0)[0]


def _intensified(an: Analysis, cue: Match) -> bool:
    for m in an.intensifiers:
        between = an.tokens[m.end:cue.start]
        if m.end <= cue.start and len(between) <= 2 and all(t.is_word for t in between):
            return True
    return False


def _negation(an: Analysis, cue: Match) -> Match | None:
    """A negation up to four words before the cue, in its clause, with no speech verb or 'that'
    between ('did not say it would support' does not negate 'support'); 'not only' is no negation."""
    for m in sorted(an.modifiers, key=lambda m: -m.end):
        if m.payload.kind != "negation" or m.end > cue.start:
            continue
        between = an.tokens[m.end:cue.start]
        if len(between) > 4:
            break
        if any(t.kind in {"punct", "dash"} or t.norm in SPEECH_VERBS or t.norm in {"that", "only", "whether", "but"}
               or t.norm in RELATIVES for t in between):
            continue
        if any(c.start >= m.end and c.end <= cue.start for c in an.cues):
            continue
        return m
    return None


# --- Attribution ---------------------------------------------------------------------------------

Attribution = tuple[Group, str, str | None, str | None]  # group, rule, speaker, quote


def _actors_for(an: Analysis, cue: Match) -> list[Attribution]:
    quote = an.quote_of(cue.start)
    quote_text = _quote_text(an, quote) if quote else None
    if quote and _nominal(an, cue):  # a stance noun needs its owner, inside a quotation too
        owners = _owner(an, cue)
        speaker = _quote_speaker(an, quote)
        out = []
        for g, _rule, spk, _ in owners:
            if g.kind == "first-person" and speaker:  # "our proposal" in the speaker's words
                out.append((speaker, "quote", speaker.speaker, quote_text))
            elif g.kind != "first-person":
                out.append((g, "quote-subject", spk, quote_text))
        return out
    if quote:
        inside = _subject(an, cue, within=quote)
        if not inside and (_nonactor_subject(an, cue, quote) or _unknown_pronoun(an, cue, quote)):
            return []  # '"Others keep asking for it," he said'; '"... that they would support it," he said'
        speaker = _quote_speaker(an, quote)
        if inside and inside[0].kind not in {"first-person", "pronoun"}:
            spk = speaker.speaker if speaker and speaker.actor == inside[0].actor else inside[0].speaker
            return [(g, "quote-subject", spk, quote_text) for g in inside]
        if speaker:
            return [(speaker, "quote", speaker.speaker, quote_text)]
        return []
    agent = _passive_agent(an, cue) or _compound_agent(an, cue)
    if agent:
        return [(g, "passive", g.speaker, None) for g in agent]
    if _nominal(an, cue):
        return _owner(an, cue)
    if _bare_passive(an, cue):
        return []  # "to ensure sanctions are enforced": the sanctions are the subject, the doer unnamed
    subject = _subject(an, cue)
    if subject:
        rule = "pronoun" if subject[0].kind == "pronoun" else "first-person" \
            if subject[0].kind == "first-person" else "subject"
        return [(g, rule, g.speaker, None) for g in subject]
    if cue.payload.kind == "judgement":
        speaker = _sentence_speaker(an)
        if speaker:
            return [(speaker, "speaker", speaker.speaker, None)]
        if an.speaker_actor:
            return [(Group(cue.start, cue.start, None, "", kind="first-person"), "first-person", None, None)]
    return []


def _bare_passive(an: Analysis, cue: Match) -> bool:
    """'are enforced', 'be implemented', 'was adopted' with an issue right before the verb and no agent."""
    if cue.payload.kind != "act" or cue.start < 2 or an.tokens[cue.start - 1].norm not in BE_VERBS - {"has", "have",
                                                                                                      "had"}:
        return False
    be = cue.start - 1
    return any(h.end <= be and be - h.end <= 4 and all(t.is_word for t in an.tokens[h.end:be]) for h in an.issues)


def _partners(an: Analysis, cue: Match) -> list[Attribution]:
    """'Kono agreed with the Chinese and Russian ministers to implement the resolutions': those agreed with
    hold the stance too (the subject is found as usual)."""
    if cue.start < 4 or an.tokens[cue.start - 1].norm != "to":
        return []
    with_at = next((j for j in range(cue.start - 2, max(0, cue.start - 10), -1) if an.tokens[j].norm == "with"
                    and an.tokens[j - 1].norm in {"agreed", "agree", "agrees", "agreeing"}), None)
    if with_at is None:
        return []
    return [(g, "subject", g.speaker, None) for g in an.groups
            if with_at < g.start and g.end < cue.start and g.actor and g.kind != "first-person"]


def _quote_text(an: Analysis, quote: tuple[int, int]) -> str:
    a, b = an.tokens[quote[0]].end, an.tokens[quote[1]].start
    return an.text[a:b].strip().rstrip(",").strip()


def _eligible(an: Analysis, g: Group, i: int, within: tuple[int, int] | None) -> bool:
    if g.end > i or g.kind == "title" and g.actor is None or g.possessive and g.kind == "blocker":
        return False
    q = an.quote_of(g.start)
    if within is not None:
        if not (within[0] < g.start and g.end <= within[1]):
            return False
    elif q is not None:
        return False
    if g.kind not in {"first-person"} and governed(an, g):
        return False
    if g.kind == "first-person" and g.possessive or _parenthetical(an, g, i):
        return False
    return not _blocked(an, g, i)


def _parenthetical(an: Analysis, g: Group, i: int) -> bool:
    """'(US time)', '(ROK)': an aside in brackets closed before the cue is never its subject."""
    before = [t.text for t in an.tokens[max(0, g.start - 3):g.start]]
    return "(" in before and any(t.text == ")" for t in an.tokens[g.end:i])


def governed(an: Analysis, g: Group) -> bool:
    """The object of a preposition or of 'urged'/'told': 'talks with Russia', 'urged Washington to'.
    A list counts as one: in 'with the United States, China, Russia and others', none is a subject."""
    j = g.start - 1
    while j >= 0:
        tok = an.tokens[j]
        if tok.norm in {"the", "a", "an"} or tok.kind == "quote":
            j -= 1
            continue
        if tok.norm in {",", "and", "or"}:
            left = next((h for h in an.groups if h.end == j and h.kind != "first-person"), None)
            if left is None:
                return False
            j = left.start - 1
            continue
        if tok.norm == "as" and j >= 2 and [t.norm for t in an.tokens[j - 2:j]] == ["as", "well"]:
            j -= 3  # "Ghana, as well as Gabon": a list, not the preposition "as"
            continue
        break
    if j < 0:
        return False
    word = an.tokens[j].norm
    if word == "by":
        return True
    if word == "of" and j > 0 and an.tokens[j - 1].norm in QUANTIFIERS:
        return False  # "some of our partners do not want ...": a part of them is the subject
    if word == "with" and _participle_after(an, g):
        return False  # "adopted unanimously, with China and Russia voting for it": they vote
    return word in PREPOSITIONS or word in OBJECT_VERBS


def _participle_after(an: Analysis, g: Group) -> bool:
    """The list that starts at g is followed by a cue in its -ing form ('with Russia voting against')."""
    end = max(h.end for h in _coordinated_right(an, g)) if g.actor else g.end
    return any(c.start == end and an.tokens[c.start].norm.endswith("ing") for c in an.cues)


QUANTIFIERS = {"some", "many", "most", "all", "none", "one", "two", "three", "several", "each", "both", "few"}


def _blocked(an: Analysis, g: Group, i: int) -> bool:
    """A relative clause whose antecedent is not this actor ('the countries which raised their hands in
    favour') has its own subject: an actor before it is not the one taking the stance."""
    for j in range(g.end, i):
        if an.tokens[j].norm in RELATIVES:
            k = j - 1
            if k >= 0 and an.tokens[k].norm == ",":
                k -= 1
            if k != g.end - 1 and not any(h.end == k + 1 for h in an.groups):
                return True
    return False


def _subject(an: Analysis, cue: Match, within: tuple[int, int] | None = None) -> list[Group]:
    """The nearest eligible actor before the cue, with the actors coordinated with it; in a relative clause
    opening right before the cue ('the veto by Russia, which blocked ...'), the relative's antecedent."""
    antecedent = _antecedent(an, cue)
    if antecedent is not None:
        return _coordinated_left(an, antecedent) if antecedent.actor else []
    candidates = [g for g in an.groups if _eligible(an, g, cue.start, within)]
    if not candidates:
        return []
    nearest = max(candidates, key=lambda g: g.end)
    if nearest.kind == "blocker":  # "the sanctions the Security Council imposed": not the earlier actor's act
        return []
    if nearest.kind == "pronoun":  # "they" may stand for several actors, all on its one word
        return [g for g in candidates if (g.start, g.end) == (nearest.start, nearest.end) and g.actor]
    return _coordinated_left(an, nearest)


def _antecedent(an: Analysis, cue: Match) -> Group | None:
    """The group a 'which'/'who' right before the cue (an adverb may stand between) refers to."""
    k = cue.start - 1
    if k >= 0 and an.tokens[k].norm.endswith("ly"):
        k -= 1
    if k < 1 or an.tokens[k].norm not in {"which", "who"}:
        return None
    k -= 1
    if an.tokens[k].norm == ",":
        k -= 1
    return next((g for g in an.groups if g.end == k + 1 and g.kind != "first-person"), None)


def joint_subject(an: Analysis) -> list[str]:
    """The actors of a sentence's joint subject ("Russia and China", "Wang and Lavrov"): two or more
    coordinated actors that are nobody's object. What "they" in the next sentence stands for."""
    for g in an.groups:
        if not g.actor or g.kind in {"blocker", "pronoun"} or governed(an, g) and not _agent(an, g):
            continue
        run = _coordinated_right(an, g)
        actors = list(dict.fromkeys(x.actor for x in run if x.actor))
        if len(actors) >= 2:
            return actors
    return []


def _agent(an: Analysis, g: Group) -> bool:
    """'submitted by China and Russia': the doers, though after a preposition."""
    j = g.start - 1
    while j >= 0 and an.tokens[j].norm in {"the", "a", "an"}:
        j -= 1
    return j >= 0 and an.tokens[j].norm == "by"


def _nonactor_subject(an: Analysis, cue: Match, within: tuple[int, int]) -> bool:
    """The nearest subject before the cue inside the quotation is no actor of ours ("others", "the
    Council"): the speaker is quoting someone else's position."""
    candidates = [g for g in an.groups if _eligible(an, g, cue.start, within)]
    return bool(candidates) and max(candidates, key=lambda g: g.end).kind == "blocker"


def _unknown_pronoun(an: Analysis, cue: Match, within: tuple[int, int]) -> bool:
    """'they'/'he'/'she' before the cue inside the quotation, standing for nobody we know: the speaker
    reports a third party's position, not their own."""
    known = {g.start for g in an.groups}
    return any(an.tokens[k].norm in {"they", "he", "she"} and k not in known for k in range(within[0] + 1, cue.start))


def _coordinated_left(an: Analysis, g: Group) -> list[Group]:
    out = [g]
    current = g
    while True:
        left = [h for h in an.groups if h.end <= current.start and h.kind != "first-person"]
        if not left:
            break
        h = max(left, key=lambda h: h.end)
        between = [t.norm for t in an.tokens[h.end:current.start]]
        if not between or not set(between) <= COORDINATION or "and" not in between and "," not in between:
            break
        if h.possessive:
            break
        out.insert(0, h)
        current = h
    return [x for x in out if x.actor or x.kind == "first-person"]


def _coordinated_right(an: Analysis, g: Group) -> list[Group]:
    out = [g]
    current = g
    while True:
        right = [h for h in an.groups if h.start >= current.end]
        if not right:
            break
        h = min(right, key=lambda h: h.start)
        between = [t.norm for t in an.tokens[current.end:h.start]]
        if not between or not set(between) <= COORDINATION or "and" not in between and "," not in between:
            break
        out.append(h)
        current = h
    return [x for x in out if x.actor]


def _passive_agent(an: Analysis, cue: Match) -> list[Group]:
    """'was rejected by Washington', 'proposed by Russia and China', 'support from Moscow'."""
    agents = {"by", "from", "of"} if _nominal(an, cue) else {"by", "from"}  # "with the support of HMG"
    for j in range(cue.end, min(cue.end + 3, len(an.tokens))):
        if an.tokens[j].norm in agents:
            near = {j + 1, j + 2} if an.tokens[j].norm != "of" or an.tokens[j + 1].norm == "the" else {j + 1}
            g = next((g for g in an.groups if g.start in near and g.actor), None) or _named_members(an, j + 1)
            if g is None:
                return []
            passive = any(t.norm in BE_VERBS for t in an.tokens[max(0, cue.start - 3):cue.start]) \
                or _nominal(an, cue) or (cue.start > 0 and an.tokens[cue.start - 1].norm not in {"to"}
                                         and an.tokens[j].norm == "by")
            return _coordinated_right(an, g) if passive else []
        if not an.tokens[j].is_word:
            return []
    return []


def _named_members(an: Analysis, i: int) -> Group | None:
    """'by all members of the Council, including Russia and China', 'by two permanent members, Russia
    and China': an agent named by its members, the states listed after 'including' or a comma."""
    for j in range(i, min(i + 10, len(an.tokens) - 1)):
        tok = an.tokens[j]
        if _hard_boundary(tok) or tok.text in ".!?" or tok.norm in RELATIVES:
            return None
        if tok.norm in {"including", ","}:
            g = next((g for g in an.groups if g.start == j + 1 and g.actor and g.kind != "first-person"), None)
            if g is not None:
                return g
    return None


def _hyphen_joined(an: Analysis, g: Group) -> bool:
    """The second of two owners joined by a hyphen: 'a Russian-Chinese plan'."""
    return g.start > 0 and an.tokens[g.start - 1].kind == "hyphen"


def _compound_agent(an: Analysis, cue: Match) -> list[Group]:
    """'a US-drafted text', 'the China-proposed approach': the actor joined to the cue by a hyphen."""
    j = cue.start - 1
    if j < 1 or an.tokens[j].kind != "hyphen":
        return []
    return [g for g in an.groups if g.end == j and g.actor][:1]


def _nominal(an: Analysis, cue: Match) -> bool:
    """A stance noun ('the Chinese proposal', 'its support for', 'Moscow's backing') rather than a verb
    ('China proposed'): a noun cue, or a verb cue in its base or -ing form opening with a determiner
    or an owner's 's."""
    if cue.payload.text in NOUN_CUES or cue.payload.noun:
        return True
    if cue.payload.kind != "act":
        return False
    form = an.tokens[cue.start].norm
    first = cue.payload.text.split("|")[0].split()[0].lower()
    if form != first and not form.endswith("ing"):
        return False
    return _np_start(an, cue)[1]


def _np_start(an: Analysis, cue: Match) -> tuple[int, bool]:
    """Walk back over the noun phrase before a cue (adjectives, intensifiers, issue words, demonyms);
    returns where it starts and whether it is one: it must open with a determiner or an owner's 's."""
    j = cue.start - 1
    while j >= 0:
        tok = an.tokens[j]
        if tok.norm in {"'s", "'"}:
            owner = next((g for g in an.groups if g.end == j and g.kind != "first-person"), None)
            return (owner.start if owner else j), True
        if tok.norm in DETERMINERS:
            return j, True
        group = next((g for g in an.groups if g.start <= j < g.end and g.kind != "first-person"), None)
        issue = next((h for h in an.issues if h.start <= j < h.end), None)
        if group is not None:
            j = group.start - 1
            continue
        if issue is not None:
            j = issue.start - 1
            continue
        if tok.norm in NP_ADJECTIVES or tok.kind in {"hyphen", "quote"} or \
                any(m.start <= j < m.end for m in an.intensifiers):
            j -= 1
            continue
        if tok.norm == "and" and any(g.end == j and g.kind != "first-person" for g in an.groups):
            j -= 1  # "a Russian and Chinese proposal"
            continue
        return j + 1, False
    return 0, False


def _owner(an: Analysis, cue: Match) -> list[Attribution]:
    """Who holds a stance noun: an actor inside the noun phrase, a possessive pronoun's antecedent,
    'by/from X' after it, or the subject of a light verb before it."""
    start = _np_start(an, cue)[0]
    inside = [g for g in an.groups if start <= g.start and g.end <= cue.start and g.kind != "first-person"]
    if inside:
        first = inside[0]
        owners = [g for g in _coordinated_right(an, first) if g.end <= cue.start] or [first]
        owners += [g for g in inside if g not in owners and g.actor and _hyphen_joined(an, g)]
        return [(g, "owner", g.speaker, None) for g in owners]
    pronoun = next((t for t in an.tokens[start:cue.start] if t.norm in POSSESSIVE_PRONOUNS | {"our", "my"}), None)
    before = an.tokens[start - 1].norm if start > 0 else ""
    if pronoun is not None and pronoun.norm in {"our", "my"}:
        g = Group(start, start + 1, None, pronoun.text, kind="first-person")
        return [(g, "first-person", None, None)]
    if pronoun is not None or before in LIGHT_VERBS:
        pseudo = Match(start, start + 1, cue.phrase)
        subject = _subject(an, pseudo)
        rule = "light-verb" if before in LIGHT_VERBS else "owner"
        return [(g, rule, g.speaker, None) for g in subject]
    return []


def _quote_speaker(an: Analysis, quote: tuple[int, int]) -> Group | None:
    """'"...," Wang said' / '"...," said Peskov' / 'Wang told reporters: "..."' / 'X called it "..."'."""
    after = [g for g in an.groups if quote[1] < g.start <= quote[1] + 8]
    window = [t.norm for t in an.tokens[quote[1] + 1:quote[1] + 10]]
    if after and any(w in SPEECH_VERBS for w in window):
        g = after[0]
        return g if g.actor or g.kind == "first-person" else None
    before = [g for g in an.groups if g.end <= quote[0] and an.quote_of(g.start) is None
              and g.kind != "first-person" and not governed(an, g)]
    if before:
        g = max(before, key=lambda g: g.end)
        return g if g.actor else None
    if an.speaker_actor:
        return Group(quote[0], quote[0], None, "", kind="first-person")
    return bare_quote_speaker(an, quote)


def _reported_we(an: Analysis, group: Group) -> str | None:
    """'We do not accept freeze-for-freeze' in a news story, outside quotation marks (a block quotation,
    or marks lost in copying): the words of whoever spoke last. A press release's 'we' is its publisher."""
    if an.speaker_actor or an.quote_of(group.start) or group.surface.lower() not in {"we", "i"}:
        return None
    return an.last_person.actor if an.last_person is not None else None


def bare_quote_speaker(an: Analysis, quote: tuple[int, int]) -> Group | None:
    """A sentence that is a quotation and nothing else ('"This suspension for suspension can help us,"'
    after 'Wang said:'): the person who spoke last."""
    rest = [t for t in an.tokens[quote[1] + 1:] if t.is_word]
    if quote[0] == 0 and not rest and an.last_person is not None and an.last_person.actor:
        return an.last_person
    return None


def _sentence_speaker(an: Analysis) -> Group | None:
    """Who the sentence reports: ', Haley said.' at its end, or 'X said (that) ...' at its start."""
    n = len(an.tokens)
    for g in an.groups:
        following = [t.norm for t in an.tokens[g.end:g.end + 3]]
        preceding = [t.norm for t in an.tokens[max(0, g.start - 2):g.start]]
        near_end = g.start >= n - 10
        if g.actor and any(w in SPEECH_VERBS for w in following + (preceding if near_end else [])):
            return g
    return None


def _person_for(an: Analysis, actor: str, before: int) -> str | None:
    """The named person of that actor who speaks in the sentence ("Wang also said China would..."),
    as the speaker of a stance attributed to the state."""
    people = [g for g in an.groups if g.kind in {"person", "pronoun"} and g.actor == actor and g.start < before
              and g.speaker]
    return people[-1].speaker if people else None
