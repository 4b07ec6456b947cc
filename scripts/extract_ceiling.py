"""How far can the extractor's reading go? The recall ceiling of its candidates, and a learned scorer.

    python scripts/extract_ceiling.py [GOLD_FOLDER] [--folds K] [--hold-out PART]

Issue 14 asks for recall >= 0.80 at precision >= 0.75 on real text the rules were not written on.
The blind sets scored 0.43-0.51 recall at 0.59-0.63 precision, and rules drawn from each set's misses
did not carry to the next. This script asks whether a better *choice* among the candidates the rules'
reading can produce would get there, or whether the reading itself is the limit:

1. The ceiling. Wider and wider candidate sets, each counted against the gold labels:
   - `rules`: the proposals `stance extract` makes (confident and recall-first);
   - `+ pairs`: every actor the sentence names with every issue it names, even those recall-first
     leaves out on purpose (an actor inside the proposal's description, the UN as a body's owner,
     an abstainer), and the article's main issue for a sentence with a cue or a quotation that names none;
   - `+ carried`: the page's publisher, and the actors of the last sentence that named any, for every
     such sentence;
   - `+ both signs`: each candidate with the opposite sign too.
   A label no candidate matches is out of reach of any scorer built on this reading.
2. A learned scorer: logistic regression on features of each candidate of the widest set (the rule
   behind it, why recall-first would drop it, where the actor stands, cues, quotations, the actor's
   other statements in the article), cross-validated by article (K folds, default 5, by a hash of the
   file name), so a candidate is scored by a model that never saw its article. Prints precision and
   recall by threshold, overall and per part of the set, and the best recall at precision >= 0.75 (a
   little optimistic: that threshold is picked on the same cross-validated scores). With `--hold-out
   PART` the model is trained on the other parts, its threshold is fixed by their cross-validation, and
   PART is scored once with it - the honest figure.

The gold texts of tests/gold_real/ are not shipped (tests/gold_real/README.md): run it where they are
saved. On the paraphrased sets (tests/gold) it runs anywhere. numpy comes with pandas.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.extract import recall, rules  # noqa: E402
from stance.extract.evaluate import Label, labelled_sentence, load_labels, normalise  # noqa: E402
from stance.extract.lexicon import lexicon  # noqa: E402
from stance.extract.propose import Options, extract_file, publisher_actor  # noqa: E402
from stance.extract.rules import Analysis, Finding  # noqa: E402

LEVELS = ("rules", "+ pairs", "+ carried", "+ both signs")
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
TARGET_PRECISION = 0.75


@dataclass
class Candidate:
    file: str
    part: str
    sentence: str  # normalised, as labels are matched
    actor: str
    issue: str
    sign: int
    level: int  # index into LEVELS: the narrowest candidate set holding it
    features: dict[str, float] = field(default_factory=dict)
    right: bool = False


@dataclass
class Sentence:
    text: str
    an: Analysis
    confident: list[Finding]
    recalled: list[Finding]


def _sign(stance: int) -> int:
    return (stance > 0) - (stance < 0)


def read_article(path: Path, options: Options) -> tuple[list[Sentence], list[str]]:
    """Extract one article: each statement sentence's analysis and findings (signs settled), and every
    sentence of the body, normalised, as labels are found."""
    seen: list[Sentence] = []
    extraction = extract_file(path, options,
                              on_sentence=lambda s, an, c, r: seen.append(Sentence(normalise(s.text), an, c, r)))
    return seen, [normalise(s.text) for s in extraction.sentences]


def _signs(findings: list[Finding]) -> dict[tuple[str, str], Counter]:
    """How often each (actor, issue) took each sign among the findings."""
    out: dict[tuple[str, str], Counter] = {}
    for f in findings:
        out.setdefault((f.actor, f.issue), Counter())[_sign(f.stance)] += 1
    return out


def _actor(an: Analysis, g) -> str | None:
    return g.actor or (an.speaker_actor if g.kind == "first-person" else None)


def _dropped_because(an: Analysis, g) -> set[str]:
    """Why recall-first leaves this actor out (recall.py): kept as features, not as filters."""
    why = {"blocker"} if g.kind == "blocker" else set()
    for name, test in (("description", recall._part_of_description), ("incidental", recall._incidental),
                       ("abstains", recall._abstains)):
        if test(an, g):
            why.add(name)
    if recall._un_as_modifier(g):
        why.add("un-as-owner")
    return why


def candidates(file: str, part: str, sentences: list[Sentence], publisher: str | None) -> list[Candidate]:
    """Every candidate of the widest set for one article, each marked with the narrowest level holding it."""
    named = Counter(h.issue for s in sentences for h in s.an.issues if not h.anaphor)
    main_issue = named.most_common(1)[0][0] if named else None
    said = _signs([f for s in sentences for f in s.confident])  # confident signs in the whole article
    targets = recall.targets()
    actor_mentions = Counter(g.actor for s in sentences for g in s.an.groups if g.actor)
    out: list[Candidate] = []
    previous: list[str] = []
    for s in sentences:
        an = s.an
        issues = list(dict.fromkeys(h.issue for h in an.issues))
        inherited = not issues and bool(an.cues or an.quotes) and main_issue is not None
        if inherited:
            issues = [main_issue]
        have: set[tuple[str, str]] = set()
        found: list[tuple[str, str, int, int, dict[str, float]]] = []
        for f in s.confident + s.recalled:
            have.add((f.actor, f.issue))
            how = {"rule=" + f.rule: 1.0, "confidence": f.confidence} if f.cue is not None else {"recall-first": 1.0}
            if any("other cues" in n for n in f.notes):
                how["cues disagree"] = 1.0
            found.append((f.actor, f.issue, _sign(f.stance), 0, how))
        sentence_sign = recall._sentence_sign(an)[0] or 1
        for g in an.groups:
            actor = _actor(an, g)
            for issue in issues:
                if actor and (actor, issue) not in have and (issue, actor) not in targets:
                    have.add((actor, issue))
                    why = {"dropped: " + w: 1.0 for w in _dropped_because(an, g)}
                    found.append((actor, issue, 0, 1, {"pair": 1.0, **why, "inherited issue": float(inherited)}))
        present = {_actor(an, g) for g in an.groups}
        carried = ([(publisher, "publisher")] if publisher else []) + [(a, "previous sentence") for a in previous]
        for actor, why in carried:
            for issue in issues:
                if actor not in present and (actor, issue) not in have and (issue, actor) not in targets:
                    have.add((actor, issue))
                    how = {"carried from " + why: 1.0, "inherited issue": float(inherited)}
                    found.append((actor, issue, 0, 2, how))
        here = _signs(s.confident)
        elsewhere = {k: v - here.get(k, Counter()) for k, v in said.items()}  # not the candidate's own finding
        for actor, issue, sign, level, how in found:
            if not sign:
                votes = said.get((actor, issue))
                sign = (votes.most_common(1)[0][0] or 1) if votes else sentence_sign
            for flipped in (False, True):
                c = Candidate(file, part, s.text, actor, issue, -sign if flipped else sign, 3 if flipped else level)
                c.features = {**how, **_context(an, c, elsewhere, actor_mentions, publisher, main_issue)}
                if flipped:
                    c.features["opposite sign"] = 1.0
                out.append(c)
        previous = [f.actor for f in s.confident] or \
            [a for g in an.groups if (a := _actor(an, g)) and g.kind != "blocker" and not rules.governed(an, g)] \
            or previous
    return out


def _context(an: Analysis, c: Candidate, said: dict, mentions: Counter, publisher: str | None,
             main_issue: str | None) -> dict[str, float]:
    """Where the actor stands in the sentence and what the article says of it elsewhere."""
    x: dict[str, float] = {"issue=" + c.issue: 1.0, f"sign={c.sign:+d}": 1.0}
    groups = [g for g in an.groups if _actor(an, g) == c.actor]
    for kind in {g.kind for g in groups}:
        x["mention=" + kind] = 1.0
    if groups and all(rules.governed(an, g) for g in groups):
        x["after a preposition"] = 1.0
    x[f"actors={min(len({g.actor for g in an.groups if g.actor}), 4)}"] = 1.0
    x[f"cues={min(len(an.cues), 3)}"] = 1.0
    x["quotation"] = float(bool(an.quotes))
    x["publisher"] = float(c.actor == publisher)
    x["main issue"] = float(c.issue == main_issue)
    votes = said.get((c.actor, c.issue), Counter())
    x["said so elsewhere"] = float(votes[c.sign] > 0)
    x["said the opposite elsewhere"] = float(votes[-c.sign] > 0)
    x[f"mentions={min(mentions[c.actor], 5)}"] = 1.0
    if groups and an.cues:
        first = min(g.start for g in groups)
        x["cue after the actor"] = float(any(cue.start > first for cue in an.cues))
        signs = {_sign(rules.stance_of_cue(an, cue)) for cue in an.cues}
        x["a cue of this sign"] = float(c.sign in signs)
        x["a cue of the other sign"] = float(-c.sign in signs)
    x[f"length={min(len(an.tokens) // 15, 3)}"] = 1.0
    x["no full stop"] = float(not an.text.rstrip(" \"'”’)").endswith((".", "!", ":", ";")))
    return x


def mark(cands: list[Candidate], labels: list[Label], sentences: dict[str, list[str]]) -> None:
    """A candidate is right when a label of its sentence agrees on actor, issue and sign (once each; the
    narrowest candidate first)."""
    waiting: dict[tuple, list[Candidate]] = {}
    for c in sorted(cands, key=lambda c: c.level):
        waiting.setdefault((c.file, c.sentence, c.actor, c.issue, c.sign), []).append(c)
    for label in labels:
        where = labelled_sentence(label, sentences.get(label.file, []))
        queue = waiting.get((label.file, where, label.actor, label.issue, label.sign))
        if queue:
            queue.pop(0).right = True


def fit(x: np.ndarray, y: np.ndarray, ridge: float = 1.0) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method (the bias, last column, unpenalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.diag(np.r_[np.full(x.shape[1] - 1, ridge), 1e-6])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        step = np.linalg.solve((x * (p * (1 - p))[:, None]).T @ x + penalty, x.T @ (p - y) + penalty @ w)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def matrix(cands: list[Candidate], names: list[str]) -> np.ndarray:
    """One row per candidate, one column per feature name, and a bias column of ones."""
    col = {k: i for i, k in enumerate(names)}
    x = np.zeros((len(cands), len(names) + 1))
    x[:, -1] = 1
    for r, c in enumerate(cands):
        for k, v in c.features.items():
            if k in col:
                x[r, col[k]] = v
    return x


def cross_validated(cands: list[Candidate], folds: int) -> np.ndarray:
    """Each candidate's probability from a model trained on the other folds' articles."""
    x = matrix(cands, sorted({k for c in cands for k in c.features}))
    y = np.array([c.right for c in cands], float)
    fold = np.array([int(hashlib.sha1(c.file.encode()).hexdigest(), 16) % folds for c in cands])
    p = np.zeros(len(cands))
    for k in range(folds):
        test = fold == k
        p[test] = 1 / (1 + np.exp(-x[test] @ fit(x[~test], y[~test])))
    return p


def trained_on(train: list[Candidate], test: list[Candidate]) -> np.ndarray:
    """The test candidates' probabilities from a model trained on all the training candidates."""
    names = sorted({k for c in train for k in c.features})
    w = fit(matrix(train, names), np.array([c.right for c in train], float))
    return 1 / (1 + np.exp(-matrix(test, names) @ w))


def sweep(cands: list[Candidate], p: np.ndarray, labels: int) -> list[tuple[float, int, int]]:
    """(threshold, right, kept) for each threshold."""
    out = []
    for t in THRESHOLDS:
        kept = [c for c, q in zip(cands, p, strict=True) if q >= t]
        out.append((t, sum(c.right for c in kept), len(kept)))
    return out


def best_threshold(rows: list[tuple[float, int, int]]) -> tuple[float, int, int] | None:
    """The threshold with the most right candidates at precision >= TARGET_PRECISION."""
    ok = [r for r in rows if r[2] and r[1] / r[2] >= TARGET_PRECISION]
    return max(ok, key=lambda r: (r[1], r[0])) if ok else None


def print_sweep(name: str, rows: list[tuple[float, int, int]], labels: int, best_line: bool = True) -> None:
    print(f"  {name:8} " + " | ".join(f"t={t:.2f} P {right / kept if kept else 0:.3f} R {right / labels:.3f}"
                                      for t, right, kept in rows))
    if not best_line:  # a held-out part: its own best threshold would be chosen on the test
        return
    best = best_threshold(rows)
    if best:
        print(f"  {'':8} best recall at precision >= {TARGET_PRECISION}: {ratio(best[1], labels)} "
              f"(threshold {best[0]}, precision {ratio(best[1], best[2])})")
    else:
        print(f"  {'':8} no threshold reaches precision {TARGET_PRECISION}")


def ratio(hit: int, n: int) -> str:
    return f"{hit / n:.3f} ({hit}/{n})" if n else "-"


def collect(folder: Path) -> tuple[list[Candidate], list[Label], dict[str, str]]:
    """The widest candidate set of every article present, marked against the labels; the part of each article."""
    articles, labels = load_labels(folder)
    cands: list[Candidate] = []
    texts: dict[str, list[str]] = {}
    part: dict[str, str] = {}
    for row in articles:
        path = folder / "articles" / row["file"]
        if not path.is_file():
            continue
        speaker = row["speaker_actor"].upper() or None
        publisher = speaker or publisher_actor(row["outlet"] or None, lexicon())
        options = Options(date=row["date"] or None, url=row["url"] or None, outlet=row["outlet"] or None,
                          speaker_actor=speaker)
        sentences, texts[row["file"]] = read_article(path, options)
        part[row["file"]] = row.get("part") or "-"
        cands += candidates(row["file"], part[row["file"]], sentences, publisher)
    labels = [g for g in labels if g.file in texts]
    mark(cands, labels, texts)
    return cands, labels, part


def print_ceiling(cands: list[Candidate], labels: int) -> None:
    for level, name in enumerate(LEVELS):
        inside = [c for c in cands if c.level <= level]
        right = sum(c.right for c in inside)
        print(f"  {name:14} {len(inside):6} candidates  recall {ratio(right, labels):20} "
              f"precision {ratio(right, len(inside))}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", default=str(ROOT / "tests" / "gold_real"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--hold-out", metavar="PART",
                    help="train on the other parts, fix the threshold by their cross-validation, score PART once")
    args = ap.parse_args(argv)
    folder = Path(args.gold)
    cands, labels, part = collect(folder)
    if args.hold_out:
        train = [c for c in cands if c.part != args.hold_out]
        test = [c for c in cands if c.part == args.hold_out]
        held = [g for g in labels if part[g.file] == args.hold_out]
        if not test:
            raise SystemExit(f"no articles of part {args.hold_out!r} in {folder}")
        n_train = len(labels) - len(held)
        rows = sweep(train, cross_validated(train, args.folds), n_train)
        best = best_threshold(rows)
        n_held = sum(v == args.hold_out for v in part.values())
        print(f"trained on {len(part) - n_held} articles ({n_train} labels); "
              f"threshold fixed by their cross-validation: {best[0] if best else 'none reaches the target'}")
        print_sweep("train cv", rows, n_train)
        print(f"\n{args.hold_out}: {n_held} articles, {len(held)} labels\nceiling")
        print_ceiling(test, len(held))
        rows = sweep(test, trained_on(train, test), len(held))
        print("scored by the trained model")
        print_sweep(args.hold_out, rows, len(held), best_line=False)
        if best:
            t, right, kept = next(r for r in rows if r[0] == best[0])
            print(f"  at the fixed threshold {t}: precision {ratio(right, kept)}, recall {ratio(right, len(held))}")
        return
    print(f"{folder}: {len(part)} articles, {len(labels)} labels\n\nceiling of the candidate sets")
    print_ceiling(cands, len(labels))
    p = cross_validated(cands, args.folds)
    print(f"\nlearned scorer over the widest set, {args.folds}-fold cross-validated by article")
    for name in ["all"] + (sorted(set(part.values())) if len(set(part.values())) > 1 else []):
        pick = [i for i, c in enumerate(cands) if name in ("all", c.part)]
        n = sum(1 for g in labels if name in ("all", part[g.file]))
        print_sweep(name, sweep([cands[i] for i in pick], p[pick], n), n)


if __name__ == "__main__":
    main()
