"""Does extraction grow with the article's length? python benchmarks/bench_extract.py [RUNS]

Four shapes of article, each at three sizes (characters grow 10x per step): one sentence of many
clauses joined by ", and"; many clauses joined by semicolons; a bulleted list; ordinary
sentences. Prints the median seconds of RUNS runs (default 3) and characters per second; a flat
chars/s column means linear. Before issue 16 the same shapes took 135 s (500 clauses) and did
not finish in 120 s (500 bullets, 20,000 sentences): the rules compared every clause with every
other inside one sentence, and newlines and semicolons did not end one.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance.extract.propose import extract  # noqa: E402
from stance.extract.text import article_from_text  # noqa: E402

CLAUSE = "China supports the double freeze proposal while Russia opposes new sanctions on North Korea"
SHAPES = {
    "clauses in one sentence": lambda n: "Officials said that " + ", and ".join([CLAUSE] * n) + ".",
    "clauses joined by ;": lambda n: "; ".join([CLAUSE] * n) + ".",
    "bulleted lines": lambda n: "Positions:\n" + "\n".join(f"- {CLAUSE}" for _ in range(n)),
    "ordinary sentences": lambda n: " ".join(CLAUSE + "." for _ in range(n)),
}
SIZES = {"clauses in one sentence": (50, 500, 5000), "clauses joined by ;": (50, 500, 5000),
         "bulleted lines": (50, 500, 5000), "ordinary sentences": (200, 2000, 20000)}


def seconds(text: str, runs: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(runs):
        article = article_from_text(text)
        start = time.perf_counter()
        found = len(extract(article).proposals)
        times.append(time.perf_counter() - start)
    return statistics.median(times), found


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, median of {runs}")
    print(f"{'shape':<26} {'items':>6} {'chars':>10} {'seconds':>8} {'chars/s':>10} {'proposals':>9}")
    for shape, make in SHAPES.items():
        for n in SIZES[shape]:
            text = make(n)
            took, found = seconds(text, runs)
            print(f"{shape:<26} {n:>6} {len(text):>10,} {took:>8.2f} {len(text) / took:>10,.0f} {found:>9}")


if __name__ == "__main__":
    main()
