"""Measure the extractor on a gold set: precision, recall and F1 on (actor, issue, sign of stance).

A gold folder holds `articles.csv` (file, url, outlet, speaker_actor, date: the options each article
is read with), `labels.csv` (file, actor, issue, stance, date, evidence, case, notes: one row per
statement a careful coder codes) and the articles under `articles/`. A proposal matches a label
when they agree on article, actor, issue and the sign of the stance, and the label's evidence (a
few words of the sentence) is in the proposal's sentence: the right stance read from the wrong
sentence is a false alarm and a miss, not a hit. Each label and each proposal matches at most once.
Dates are checked on the matches too, but not scored: a label's date may be less precise than the
proposal's ("2017-07" agrees with "2017-07-05").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceError
from stance.extract.lexicon import Lexicon
from stance.extract.propose import Options, Proposal, extract_file


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


@dataclass
class Score:
    articles: int = 0
    labels: int = 0
    proposals: int = 0
    hits: list[tuple[Label, Proposal]] = field(default_factory=list)
    misses: list[Label] = field(default_factory=list)
    false_alarms: list[tuple[str, Proposal]] = field(default_factory=list)

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


def load_labels(folder: Path) -> tuple[list[dict[str, str]], list[Label]]:
    articles = _read(folder / "articles.csv", ("file", "url", "outlet", "speaker_actor", "date"))
    labels = []
    for row in _read(folder / "labels.csv", ("file", "actor", "issue", "stance", "date", "evidence")):
        stance = int(row["stance"])
        labels.append(Label(row["file"], row["actor"].upper(), row["issue"], (stance > 0) - (stance < 0),
                            row["date"], normalise(row["evidence"]), row.get("case", "")))
    known = {a["file"] for a in articles}
    unknown = sorted({label.file for label in labels} - known)
    if unknown:
        raise GoldError(f"{folder / 'labels.csv'}: labels for articles not in articles.csv: {', '.join(unknown)}")
    return articles, labels


def evaluate(folder: str | Path, lex: Lexicon | None = None) -> Score:
    """Run the extractor over every gold article with its options and compare with the labels."""
    folder = Path(folder)
    articles, labels = load_labels(folder)
    score = Score(articles=len(articles), labels=len(labels))
    unmatched = list(labels)
    for row in articles:
        path = folder / "articles" / row["file"]
        if not path.exists():
            raise GoldError(f"{path}: listed in articles.csv but missing")
        options = Options(date=row["date"] or None, url=row["url"] or None, outlet=row["outlet"] or None,
                          speaker_actor=row["speaker_actor"].upper() or None)
        for proposal in extract_file(path, options, lex).proposals:
            score.proposals += 1
            sentence = normalise(proposal.sentence)
            label = next((g for g in unmatched if g.file == row["file"] and g.actor == proposal.actor
                          and g.issue == proposal.issue and g.sign == proposal.sign and g.evidence in sentence),
                         None)
            if label is None:
                score.false_alarms.append((row["file"], proposal))
            else:
                unmatched.remove(label)
                score.hits.append((label, proposal))
    score.misses = unmatched
    return score


def report(score: Score, folder: str | Path) -> str:
    """The figures, then every miss and false alarm, one per line."""
    hits = len(score.hits)
    lines = [
        f"gold set {folder}: {score.articles} articles, {score.labels} labelled statements, "
        f"{score.proposals} proposals",
        f"precision {score.precision:.3f} ({hits}/{score.proposals})",
        f"recall    {score.recall:.3f} ({hits}/{score.labels})",
        f"F1        {score.f1:.3f}",
        f"dates     {score.dates_right}/{hits} matched proposals carry the labelled date",
    ]
    for label in score.misses:
        lines.append(f"MISS         {label.file}: {label.actor} {label.issue} {label.sign:+d} "
                     f"[{label.case or '-'}] “{label.evidence}”")
    for file, p in score.false_alarms:
        lines.append(f"FALSE ALARM  {file}: {p.actor} {p.issue} {p.stance:+d} rule {p.rule}, cues “{p.cues}” "
                     f"in “{p.sentence[:140]}”")
    return "\n".join(lines)
