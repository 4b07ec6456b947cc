"""Extraction speed on real-length articles: how long do 1,000 take?

    python benchmarks/bench_extract_real.py [ARTICLES] [RUNS] [JOIN]

Reads the paraphrased gold texts of tests/gold/ and tests/gold_holdout/ (22 articles written for
the project: wire reports, press releases, a transcript, a saved web page), joins JOIN of them
(default 4) into one article of wire-report length (about 590 words, 30 sentences), and extracts
ARTICLES such articles (default 1,000, cycling through the set, each with the first text's options,
recall-first on, as `stance extract` does), RUNS times (default 3). The published excerpts of
tests/gold_real/ are not used: they are not shipped (tests/gold_real/README.md). The lexicons are
compiled once, before the clock starts, as in one `stance extract` run over many files. Prints the
machine, the words per article, the median time, articles and sentences per second, and the
proposals made. The machine is shared: compare only figures from one run.
Target (issue 14): 1,000 articles in under 30 s.
"""

from __future__ import annotations

import csv
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.extract.lexicon import lexicon  # noqa: E402
from stance.extract.propose import Options, extract  # noqa: E402
from stance.extract.text import Article, read_article  # noqa: E402


def corpus() -> list[tuple[Article, Options]]:
    out = []
    for folder in (ROOT / "tests" / "gold", ROOT / "tests" / "gold_holdout"):
        with open(folder / "articles.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                options = Options(date=row["date"] or None, url=row["url"] or None, outlet=row["outlet"] or None,
                                  speaker_actor=row["speaker_actor"].upper() or None)
                out.append((read_article(folder / "articles" / row["file"]), options))
    return out


def joined(texts: list[tuple[Article, Options]], k: int) -> list[tuple[Article, Options]]:
    """Articles of k texts each: the first one's headline and options, all the paragraphs."""
    out = []
    for i in range(len(texts)):
        parts = [texts[(i + j) % len(texts)] for j in range(k)]
        first, options = parts[0]
        paragraphs = [p for a, _ in parts for p in ([a.title] if a.title and a is not first else []) + a.paragraphs]
        out.append((Article(first.path, first.title, paragraphs), options))
    return out


def run(articles: list[tuple[Article, Options]], n: int) -> tuple[float, int, int]:
    lex = lexicon()
    start = time.perf_counter()
    proposals = sentences = 0
    for i in range(n):
        article, options = articles[i % len(articles)]
        result = extract(article, options, lex)
        proposals += len(result.proposals)
        sentences += len(result.sentences)
    return time.perf_counter() - start, proposals, sentences


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    articles = joined(corpus(), k)
    words = [len(a.text.split()) for a, _ in articles]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} (the machine is shared)")
    print(f"corpus: {len(articles)} articles of {k} texts, {statistics.mean(words):.0f} words on average "
          f"(min {min(words)}, max {max(words)}), cycled to {n}")
    lexicon()  # compile the lexicons before timing
    times = []
    for _ in range(runs):
        seconds, proposals, sentences = run(articles, n)
        times.append(seconds)
    median = statistics.median(times)
    print(f"{n} articles: median {median:.2f} s of {runs} runs ({', '.join(f'{t:.2f}' for t in times)}), "
          f"{n / median:.0f} articles/s, {sentences / median:.0f} sentences/s, {proposals} proposals per run")
    print(f"target: under 30 s -> {'met' if median < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
