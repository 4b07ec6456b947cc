"""An article in, proposed statements out: the sentence, the rule and cues behind each, a confidence.

Proposals are suggestions for a coder, never statements: they go to the review queue. Their ids
are hashes of (article, sentence, actor, issue, stance), so reading the same article again proposes
nothing new, and a rejected proposal stays rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stance.extract import dates, recall
from stance.extract.actors import Context, find_groups
from stance.extract.lexicon import Lexicon, lexicon
from stance.extract.rules import Analysis, Finding, analyse, eased_by_a_draft, findings, governed, joint_subject
from stance.extract.text import Article, Sentence, read_article, sentences_of, tokenize
from stance.ingest.records import stable_id

RECENT_SENTENCES = 2  # "the proposal" refers back this far


@dataclass(frozen=True)
class Options:
    """What the command line knows about an article that the text may not say."""

    date: str | None = None
    url: str | None = None
    outlet: str | None = None
    speaker_actor: str | None = None
    recall_first: bool = True  # also propose every sentence naming an issue and an actor (stance/extract/recall.py)


@dataclass
class Proposal:
    id: str
    article: str
    actor: str
    issue: str
    stance: int
    date: str | None
    date_precision: str | None
    sentence: str
    sentence_index: int
    speaker: str | None
    quote: str | None
    cues: str
    cue_spans: list[tuple[int, int]]
    rule: str
    confidence: float
    notes: str

    @property
    def sign(self) -> int:
        return (self.stance > 0) - (self.stance < 0)


@dataclass
class Extraction:
    article: Article
    article_id: str
    options: Options
    date: dates.When | None
    proposals: list[Proposal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


SentenceHook = Callable[[Sentence, Analysis, list[Finding], list[Finding]], None]


def extract_file(path: str | Path, options: Options = Options(), lex: Lexicon | None = None,
                 on_sentence: SentenceHook | None = None) -> Extraction:
    return extract(read_article(path), options, lex, on_sentence)


def extract(article: Article, options: Options = Options(), lex: Lexicon | None = None,
            on_sentence: SentenceHook | None = None) -> Extraction:
    """Every proposal in an article, in reading order. `on_sentence` sees each statement sentence's
    analysis, confident findings and recall-first candidates as they are made (the candidates' signs
    are settled after the last sentence): how scripts/extract_ceiling.py measures what the rules could
    reach without copying this loop."""
    lex = lex or lexicon()
    paragraphs, dateline = _strip_dateline(article.paragraphs)
    when = dates.article_date(paragraphs, dateline, options.date, article.meta_date, article.text, article.title)
    article_id = stable_id(article.sha256)
    result = Extraction(article, article_id, options, when)
    context = _issue_context(lex, article.text)
    speaker_actor = options.speaker_actor or publisher_actor(options.outlet, lex)
    ctx = Context()
    recent: list[tuple[int, str]] = []
    named: set[str] = set()
    confident: list[Finding] = []
    candidates: list[tuple[Sentence, Finding, dates.When | None]] = []
    result.sentences = sentences_of(paragraphs)
    for sentence in result.sentences:
        sentence_when = dates.sentence_date(sentence.text, when)
        ctx.date = sentence_when.date if sentence_when else None
        an = analyse(sentence.text, lex, ctx, context, _recent_issue(recent, named, sentence.index), speaker_actor)
        if not sentence.question:
            merged = [f for f in _merge(findings(an)) if not recall.misread(f)]
            for f in merged:
                result.proposals.append(_proposal(article_id, sentence, f, sentence_when))
            confident += merged
            found = recall.candidates(an, merged) if options.recall_first else []
            candidates += [(sentence, f, sentence_when) for f in found]
            if on_sentence is not None:
                on_sentence(sentence, an, merged, found)
        recent += [(sentence.index, h.issue) for h in an.issues]
        named.update(h.issue for h in an.issues)
        people = [g for g in an.groups if g.kind == "person" and g.person]
        ctx.seen_people |= {g.person.name for g in people if g.person}
        subjects = [g for g in people if not governed(an, g)]  # "He" is Lavrov in "Lavrov met Wang. He..."
        if people:
            ctx.last_person = (subjects or people)[-1]
        ctx.easing_draft = ctx.easing_draft or eased_by_a_draft(an)
        plural = joint_subject(an)
        if plural or an.groups and not any(g.kind == "pronoun" and g.actor in ctx.last_plural for g in an.groups):
            ctx.last_plural = plural  # kept while the sentences go on about 'the two countries'
    recall.settle_signs([f for _, f, _ in candidates], confident)
    result.proposals += [_proposal(article_id, s, f, w) for s, f, w in candidates]  # after the confident ones
    return result


def _recent_issue(recent: list[tuple[int, str]], named: set[str], index: int) -> str | None:
    """What "the proposal" or "the resolution" refers back to: the issue named last in the two
    sentences before, else the only issue the article has named so far (`named`, kept as the
    article is read: rebuilding it for every sentence made long articles quadratic)."""
    last = recent[-1] if recent else None
    if last is not None and index - last[0] <= RECENT_SENTENCES:
        return last[1]
    return next(iter(named)) if len(named) == 1 else None


def _strip_dateline(paragraphs: list[str]) -> tuple[list[str], dates.Dateline | None]:
    out = list(paragraphs)
    for i, paragraph in enumerate(out[:4]):
        rest, dateline = dates.strip_dateline(paragraph)
        if dateline:
            out[i] = rest
            return [p for p in out if p.strip()], dateline
    return out, None


def _issue_context(lex: Lexicon, text: str) -> set[str]:
    """The context words (from issue_phrases.csv) the article contains."""
    lowered = text.lower()
    words = {w for m in lex.issues.phrases for w in m.payload.context}
    return {w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", lowered)}


def publisher_actor(outlet: str | None, lex: Lexicon) -> str | None:
    """The state behind a government publisher ("Ministry of Foreign Affairs of Japan" -> JPN); a news
    outlet ("Reuters", "The Japan Times") is nobody's voice, so only an outlet naming an institution
    (a title or agent noun from titles.csv) and a state counts."""
    if not outlet:
        return None
    tokens = tokenize(outlet)
    if not lex.titles.find(tokens):
        return None
    groups = find_groups(tokens, lex, Context(), set())
    return next((g.actor for g in groups if g.actor), None)


def _merge(found: list[Finding]) -> list[Finding]:
    """One finding per actor and issue in a sentence: agreeing cues strengthen it; when cues disagree
    the more confident one stands."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in found:
        by_key.setdefault((f.actor, f.issue), []).append(f)
    out = []
    for group in by_key.values():
        signs = {(f.stance > 0) - (f.stance < 0) for f in group}
        best = max(group, key=lambda f: (f.confidence, abs(f.stance)))
        if len(signs) == 1 and len(group) > 1:
            strongest = max(group, key=lambda f: abs(f.stance))
            best.stance = strongest.stance
            best.confidence = round(min(0.95, best.confidence + 0.05), 2)
            best.cue_spans = sorted({s for f in group for s in f.cue_spans})
            best.notes = list(dict.fromkeys(n for f in group for n in f.notes))
            best.speaker = best.speaker or next((f.speaker for f in group if f.speaker), None)
            best.quote = best.quote or next((f.quote for f in group if f.quote), None)
        elif len(signs) > 1:
            best.notes = best.notes + ["other cues in the sentence point the other way"]
            best.confidence = round(max(0.05, best.confidence - 0.2), 2)
        out.append(best)
    return out


def _proposal(article_id: str, sentence: Sentence, f: Finding, when: dates.When | None) -> Proposal:
    cues = "; ".join(dict.fromkeys(sentence.text[a:b] for a, b in f.cue_spans))
    confidence = f.confidence if when else round(max(0.05, f.confidence - 0.1), 2)
    notes = list(f.notes)
    if when and when.how:
        notes.append(f"date from {when.how}")
    elif not when:
        notes.append("no date found: give one when accepting")
    return Proposal(
        id=stable_id(article_id, sentence.text, f.actor, f.issue, f.stance), article=article_id, actor=f.actor,
        issue=f.issue, stance=f.stance, date=when.date if when else None,
        date_precision=when.precision if when else None, sentence=sentence.text, sentence_index=sentence.index,
        speaker=f.speaker, quote=f.quote, cues=cues, cue_spans=f.cue_spans, rule=f.rule, confidence=confidence,
        notes="; ".join(notes))
