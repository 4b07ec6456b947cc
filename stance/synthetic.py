"""Synthetic input files for benchmarks and fault tests. Clearly fake: never mixed with data/."""

from __future__ import annotations

import csv
from pathlib import Path

from stance.ingest.statements import COLUMNS

ACTORS = ["CHN", "RUS", "USA", "DEU", "JPN", "KOR", "PRK", "FRA", "GBR"]
ISSUES = ["double-freeze", "dprk-sanctions"]


def statements_csv(path: Path, n: int) -> Path:
    """n distinct valid statements on the sample's issues; the quote carries the row number."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for i in range(n):
            writer.writerow([ACTORS[i % len(ACTORS)], ISSUES[i % 2],
                             f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}", i % 5 - 2,
                             f"Synthetic statement number {i}", f"Speaker {i % 50}",
                             f"https://example.org/news/{i % 2000}", f"Story {i % 2000}", "Example Wire",
                             "bench", "0.8", ""])
    return path
