"""Which issue a published roll call belongs to: rules a researcher edits as a CSV file.

Published voting files do not know our issue slugs; they carry subjects, agenda titles or
(unvotes, Voeten) six issue codes. `data/issue_rules.csv` maps those to slugs, first matching
rule wins, and a roll call no rule matches keeps no issue: it still counts for alignment but
draws no stance point. A rule whose issue the database does not define is set aside, so the
default rules work before the General Assembly issues (data/unga_issues.csv) are loaded.
Editing the rules and loading the file again re-maps what the rules coded, never a
resolution coded by hand.

Columns: dataset (a kind such as `undl-ga`, `unvotes`, or `*`), field (`subjects`, `agenda`,
`title`, `issue_code`), contains (text found in the field, ignoring case; for `issue_code` the
code itself), issue (a slug), polarity (+1 when a yes vote supports the issue's +2 end, -1 when
it opposes it), note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stance.db import DATA_DIR
from stance.errors import FieldError, Problem
from stance.ingest.reader import read_table
from stance.model import parse_polarity

DEFAULT_RULES = DATA_DIR / "issue_rules.csv"
FIELDS = ("subjects", "agenda", "title", "issue_code")
DATASETS = ("*", "undl-ga", "undl-sc", "unvotes", "voeten")


@dataclass(frozen=True)
class Rule:
    line: int
    dataset: str
    field: str
    contains: str
    issue: str
    polarity: int

    def matches(self, dataset: str, values: Mapping[str, str | frozenset[str]]) -> bool:
        if self.dataset not in ("*", dataset):
            return False
        value = values.get(self.field)
        if not value:
            return False
        if isinstance(value, frozenset):
            return self.contains in value
        return self.contains in value.lower()


@dataclass
class Rules:
    """The rules in force. A rule for an issue the database does not define yet is set aside
    (listed in `unused`), so one rules file serves databases with more or fewer issues."""

    file: str
    rules: list[Rule]
    unused: list[str] = field(default_factory=list)

    def issue_for(self, dataset: str, values: Mapping[str, str | frozenset[str]]) -> tuple[str | None, int]:
        """(issue slug, polarity) of the first rule that matches, else (None, +1)."""
        for rule in self.rules:
            if rule.matches(dataset, values):
                return rule.issue, rule.polarity
        return None, 1


def load_rules(path: str | Path | None, known_issues: set[str]) -> tuple[Rules, list[Problem]]:
    """Read and check a rules file; every problem names its line, and an unknown issue is one."""
    path = Path(path or DEFAULT_RULES)
    table = read_table(path)
    if table.fatal:
        return Rules(str(path), []), table.fatal
    problems = [p for row in table.rows for p in row.problems]
    missing = [c for c in ("dataset", "field", "contains", "issue") if c not in table.columns]
    if missing:
        return Rules(str(path), []), [Problem(str(path), 1, ", ".join(missing), "missing column(s) in the rules file")]
    rules, unused = [], set()
    for row in table.rows:
        try:
            rule = _rule(row.line, row.values)
        except FieldError as exc:
            problems.append(Problem(str(path), row.line, exc.field, exc.reason))
            continue
        if rule.issue in known_issues:
            rules.append(rule)
        else:
            unused.add(rule.issue)
    return Rules(str(path), rules, sorted(unused)), problems


def _rule(line: int, values: Mapping[str, str]) -> Rule:
    dataset = (values.get("dataset") or "*").strip().lower()
    if dataset not in DATASETS:
        raise FieldError("dataset", f"{dataset!r} is not one of {', '.join(DATASETS)}")
    field = (values.get("field") or "").strip().lower()
    if field not in FIELDS:
        raise FieldError("field", f"{field!r} is not one of {', '.join(FIELDS)}")
    contains = (values.get("contains") or "").strip().lower()
    if not contains:
        raise FieldError("contains", "missing: a rule that matches everything would hide the others")
    issue = (values.get("issue") or "").strip().lower()
    if not issue:
        raise FieldError("issue", "missing (expected an issue slug)")
    polarity = parse_polarity(values.get("polarity") or "+1")
    return Rule(line, dataset, field, contains, issue, polarity)
