"""Grammar words the rules read from data: speech verbs, light verbs and object verbs.

They live in data/extract/verbs.csv (word, kind, notes) so a researcher can add "hailed" or "issued"
without touching the rules; the rules still decide what a kind of verb does.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from stance.extract.lexicon import EXTRACT_DIR, LexiconError

KINDS = {"speech", "light", "object"}


@cache
def _table(path: Path = EXTRACT_DIR / "verbs.csv") -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for n, row in enumerate(csv.DictReader(line for line in fh if not line.startswith("#")), start=2):
            kind = (row.get("kind") or "").strip()
            if kind not in KINDS:
                raise LexiconError(f"{path}:{n}: kind {kind!r} must be one of {', '.join(sorted(KINDS))}")
            out[kind].add((row.get("word") or "").strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def verbs(kind: str) -> frozenset[str]:
    """The words of one kind (speech, light or object)."""
    return _table()[kind]
