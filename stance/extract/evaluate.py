"""Measure the extractor on a gold set: precision, recall and F1 on (actor, issue, sign of stance).

A gold folder holds `articles.csv` (file or id, url, outlet, speaker_actor, date: the options each
article is read with; optional kind, part) and `labels.csv` (file or id, actor, issue, stance, date,
case: one row per statement a careful coder codes). The articles are `<file>` (or `<id>.txt`) under
`articles/`, or under another folder given as `articles_dir`. A label says which sentence it is read
from in one of two ways. `evidence`: a few words of the sentence (the paraphrased sets, whose text is
ours). Or `sentence` and `sentence_sha1`: the sentence's number in the body as `sentences_of` splits
it, and the first 12 hex digits of the SHA-1 of the sentence (whitespace and quote marks
normalised) - used for published text the repository may not copy (tests/gold_real/): a fingerprint
finds the sentence again in a re-saved page even when the page keeps more paragraphs, and the
number is the fallback when no sentence has the fingerprint.

A proposal matches a label when they agree on article, actor, issue and the sign of the stance and
the proposal comes from the label's sentence: the right stance read from the wrong sentence is a false
alarm and a miss, not a hit. Each label and each proposal matches at most once. Dates are checked on
the matches too, but not scored: a label's date may be less precise than the proposal's ("2017-07"
agrees with "2017-07-05").

An article that is not present (a published page the user has not saved yet) is skipped with its
labels and reported, never an error: the figures are those of the articles present.

The figures count every proposal, the recall-first ones ("issue and actor, no stance cue") too, as a
coder sees them all; the confident ones alone are reported beside them. The report breaks precision
and recall down by issue, by publisher kind (articles.csv's optional `kind` column: wire, ministry,
UN), by part (the optional `part` column: dev, locked) and by hard case (labels.csv's `case`, several
separated by ";": recall only, since a false alarm has no case), and prints every miss with the
sentence it should have come from.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceError
from stance.extract.lexicon import Lexicon
from stance.extract.propose import Options, Proposal, extract_file
from stance.extract.recall import RULE as RECALL_RULE


class GoldError(StanceError):
    "The gold folder is missing a file or a column, or names an article that is not there."


@dataclass(frozen=True)
class Label:
    file: str
    actor: str
    issue: str
    sign: int
    date: str
    evidence: str
    case: str
    sentence: int = 0  # 1-based number of the labelled sentence (labels without evidence words)
    fingerprint: str = ""  # first 12 hex digits of the SHA-1 of the normalised sentence


@dataclass
class Score:
    articles: int = 0
    labels: int = 0
    proposals: int = 0
    hits: list[tuple[Label, Proposal]] = field(default_factory=list)
    misses: list[Label] = field(default_factory=list)
    false_alarms: list[tuple[str, Proposal]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # article file -> publisher kind
    parts: dict[str, str] = field(default_factory=dict)  # article file -> part of the set (dev, locked)
    absent: list[str] = field(default_factory=list)  # articles listed but not present locally
    listed: int = 0  # articles in articles.csv, present or not
    articles_dir: str = ""
    all_labels: list[Label] = field(default_factory=list)
    miss_sentences: dict[Label, str] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return len(self.hits) / self.proposals if self.proposals else 0.0

    @property
    def recall(self) -> float:
        return len(self.hits) / self.labels if self.labels else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def dates_right(self) -> int:
        return sum(1 for label, p in self.hits if p.date and p.date.startswith(label.date))


def _read(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise GoldError(f"{path}: missing (a gold folder has articles.csv, labels.csv and articles/)")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in required if rows and c not in rows[0]]
    if missing:
        raise GoldError(f"{path}: missing column(s) {', '.join(missing)}")
    for n, row in enumerate(rows, start=2):
        if None in row:
            raise GoldError(f"{path}:{n}: more fields than columns (quote a value that holds a comma)")
    return [{k: (v or "").strip() for k, v in r.items()} for r in rows]


def normalise(text: str) -> str:
    """Whitespace and quote marks as the comparison sees them."""
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(a, b)
    return " ".join(text.split())


def fingerprint(sentence: str) -> str:
    """What labels.csv's `sentence_sha1` holds: a sentence identified without copying its words."""
    return hashlib.sha1(normalise(sentence).encode("utf-8")).hexdigest()[:12]


def _file(row: dict[str, str], path: Path) -> str:
    if row.get("file"):
        return row["file"]
    if row.get("id"):
        return row["id"] + ".txt"
    raise GoldError(f"{path}: a row without file or id")


def _label(row: dict[str, str], path: Path, n: int) -> Label:
    try:
        stance = int(row["stance"])
        number = int(row.get("sentence") or 0)
    except ValueError:
        raise GoldError(f"{path}:{n}: stance and sentence must be whole numbers") from None
    if not row.get("evidence") and not (number or row.get("sentence_sha1")):
        raise GoldError(f"{path}:{n}: a label needs evidence words or a sentence number / sentence_sha1")
    return Label(_file(row, path), row["actor"].upper(), row["issue"], (stance > 0) - (stance < 0), row["date"],
                 normalise(row.get("evidence", "")), row.get("case", ""), number, row.get("sentence_sha1", ""))


def load_labels(folder: Path) -> tuple[list[dict[str, str]], list[Label]]:
    articles = _read(folder / "articles.csv", ("url", "outlet", "speaker_actor", "date"))
    for row in articles:
        row["file"] = _file(row, folder / "articles.csv")
    path = folder / "labels.csv"
    labels = [_label(row, path, n) for n, row in enumerate(_read(path, ("actor", "issue", "stance", "date")), 2)]
    known = {a["file"] for a in articles}
    unknown = sorted({label.file for label in labels} - known)
    if unknown:
        raise GoldError(f"{folder / 'labels.csv'}: labels for articles not in articles.csv: {', '.join(unknown)}")
    return articles, labels


def labelled_sentence(label: Label, sentences: list[str]) -> str | None:
    """The sentence a label is read from: by fingerprint, else by number (None: not found)."""
    if label.evidence:
        return next((x for x in sentences if label.evidence in x), None)
    if label.fingerprint:
        found = next((x for x in sentences if fingerprint(x) == label.fingerprint), None)
        if found is not None:
            return found
    return sentences[label.sentence - 1] if 0 < label.sentence <= len(sentences) else None


def evaluate(folder: str | Path, lex: Lexicon | None = None, articles_dir: str | Path | None = None) -> Score:
    """Run the extractor over every gold article present with its options and compare with the labels."""
    folder = Path(folder)
    where = Path(articles_dir) if articles_dir else folder / "articles"
    articles, labels = load_labels(folder)
    absent = [a["file"] for a in articles if not (where / a["file"]).is_file()]
    present = [a for a in articles if a["file"] not in absent]
    labels = [g for g in labels if g.file not in absent]
    score = Score(articles=len(present), labels=len(labels), all_labels=list(labels), absent=absent,
                  listed=len(articles), articles_dir=str(where),
                  kinds={a["file"]: a.get("kind") or "-" for a in articles},
                  parts={a["file"]: a.get("part") or "-" for a in articles})
    unmatched = list(labels)
    sentences: dict[str, list[str]] = {}
    for row in present:
        options = Options(date=row["date"] or None, url=row["url"] or None, outlet=row["outlet"] or None,
                          speaker_actor=row["speaker_actor"].upper() or None)
        extraction = extract_file(where / row["file"], options, lex)
        sentences[row["file"]] = [normalise(x.text) for x in extraction.sentences]
        wanted = {id(g): labelled_sentence(g, sentences[row["file"]]) for g in unmatched if g.file == row["file"]}
        for proposal in extraction.proposals:
            score.proposals += 1
            sentence = normalise(proposal.sentence)
            label = next((g for g in unmatched if g.file == row["file"] and g.actor == proposal.actor
                          and g.issue == proposal.issue and g.sign == proposal.sign and wanted[id(g)] == sentence),
                         None)
            if label is None:
                score.false_alarms.append((row["file"], proposal))
            else:
                unmatched.remove(label)
                score.hits.append((label, proposal))
    score.misses = unmatched
    for label in unmatched:
        score.miss_sentences[label] = (labelled_sentence(label, sentences.get(label.file, [])) or
                                       "(no sentence matches the label: check the label or the saved text)")
    return score


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "  -   (0/0)"


def breakdown(score: Score) -> list[str]:
    """Precision and recall per issue and per publisher kind; recall per hard case."""
    lines = []
    hit_labels = {id(label) for label, _ in score.hits}
    proposals = [(label.file, p) for label, p in score.hits] + score.false_alarms
    for title, label_key, proposal_key in (
            ("issue", lambda g: g.issue, lambda f, p: p.issue),
            ("publisher kind", lambda g: score.kinds.get(g.file, "-"), lambda f, p: score.kinds.get(f, "-")),
            ("part", lambda g: score.parts.get(g.file, "-"), lambda f, p: score.parts.get(f, "-"))):
        keys = sorted({label_key(g) for g in score.all_labels} | {proposal_key(f, p) for f, p in proposals})
        if title == "part" and keys in ([], ["-"]):
            continue  # a set without parts
        lines.append(f"by {title}:")
        for key in keys:
            labels = [g for g in score.all_labels if label_key(g) == key]
            hits = sum(1 for g in labels if id(g) in hit_labels)
            made = sum(1 for f, p in proposals if proposal_key(f, p) == key)
            lines.append(f"  {key:<16} precision {_ratio(hits, made):<18} recall {_ratio(hits, len(labels))}")
    cases: dict[str, list[Label]] = {}
    for g in score.all_labels:
        for case in filter(None, (c.split("(")[0].strip() for c in (g.case or "-").split(";"))):
            cases.setdefault(case, []).append(g)
    lines.append("by hard case (recall):")
    for case, labels in sorted(cases.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        hits = sum(1 for g in labels if id(g) in hit_labels)
        lines.append(f"  {case[:60]:<60} {_ratio(hits, len(labels))}")
    return lines


def _where(label: Label) -> str:
    return f"“{label.evidence}”" if label.evidence else f"sentence {label.sentence}"


def report(score: Score, folder: str | Path) -> str:
    """The figures (all proposals, then the confident ones alone), the breakdowns, then every miss
    with its sentence and every false alarm, one per line."""
    hits = len(score.hits)
    confident_hits = sum(1 for _, p in score.hits if p.rule != RECALL_RULE)
    confident = confident_hits + sum(1 for _, p in score.false_alarms if p.rule != RECALL_RULE)
    lines = [
        f"gold set {folder}: {score.articles} articles, {score.labels} labelled statements, "
        f"{score.proposals} proposals ({score.proposals - confident} recall-first: issue and actor, no stance cue)",
        f"precision {score.precision:.3f} ({hits}/{score.proposals})",
        f"recall    {score.recall:.3f} ({hits}/{score.labels})",
        f"F1        {score.f1:.3f}",
        f"confident proposals alone: precision {_ratio(confident_hits, confident)}, "
        f"recall {_ratio(confident_hits, score.labels)}",
        f"dates     {score.dates_right}/{hits} matched proposals carry the labelled date",
    ]
    if score.absent:
        lines.insert(0, f"note: {len(score.absent)} of {score.listed} articles not present locally; saved copies go "
                        f"in {score.articles_dir}/ (as <id>.txt: see the set's README.md); the figures are those "
                        "of the articles present")
    if not score.articles:
        return "\n".join(lines[:2] + ["nothing to score: no article of the set is present"])
    lines += breakdown(score)
    for label in score.misses:
        lines.append(f"MISS         {label.file}: {label.actor} {label.issue} {label.sign:+d} "
                     f"[{label.case or '-'}] {_where(label)} in “{score.miss_sentences.get(label, '')}”")
    for file, p in score.false_alarms:
        lines.append(f"FALSE ALARM  {file}: {p.actor} {p.issue} {p.stance:+d} rule {p.rule}, cues “{p.cues}” "
                     f"in “{p.sentence[:140]}”")
    return "\n".join(lines)
