"""Synthetic input files for benchmarks and fault tests. Clearly fake: never mixed with data/."""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from stance.actors import registry
from stance.db import open_db
from stance.errors import StanceError
from stance.ingest.load import sync_reference_data
from stance.ingest.records import stable_id
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


# --- A large synthetic database: the benchmarks' stand-in for years of real coding -------------

# The 193 UN member states by ISO 3166-1 alpha-3 code: the countries a General Assembly vote has.
UN_MEMBERS = tuple("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU
EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND
IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS
MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE
GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split())

# Countries pinned to a bloc so the familiar ones behave plausibly; the rest are drawn at random.
BLOC_SEEDS: tuple[tuple[str, ...], ...] = (
    ("USA", "GBR", "FRA", "DEU", "JPN", "CAN", "ITA", "AUS", "KOR", "NZL", "NOR", "NLD", "POL", "ESP"),
    ("RUS", "CHN", "PRK", "IRN", "SYR", "BLR", "CUB", "VEN", "NIC", "ERI", "MMR", "LAO"),
    ("IND", "BRA", "ZAF", "MEX", "IDN", "ARG", "TUR", "EGY", "NGA", "PAK"),
    ("SAU", "ARE", "QAT", "KEN", "ETH", "SEN", "MAR", "DZA", "VNM", "THA"),
)
FIRST_YEAR, LAST_YEAR = 1990, 2024
SYNTHETIC_CODER = "synthetic"
_VOTE_NAMES = ("yes", "no", "abstain", "absent")


@dataclass
class SyntheticSummary:
    """What build_large_db wrote, and the latent bloc of every country (bloc structure is testable)."""

    path: Path
    countries: list[str]
    blocs: dict[str, int]
    issues: int
    resolutions: int
    votes: int
    statements: int
    seconds: float


def choose_countries(n: int, seed: int = 0) -> dict[str, int]:
    """`n` UN members (193 at most) -> latent bloc 0..3, taken round-robin so every bloc is represented."""
    if not 2 <= n <= len(UN_MEMBERS):
        raise StanceError(f"countries must be between 2 and {len(UN_MEMBERS)}, not {n}")
    rng = np.random.default_rng(seed)
    pinned = {code: bloc for bloc, codes in enumerate(BLOC_SEEDS) for code in codes}
    rest = [c for c in UN_MEMBERS if c not in pinned]
    drawn = rng.choice(len(BLOC_SEEDS), size=len(rest), p=[0.3, 0.1, 0.3, 0.3])
    blocs = pinned | {code: int(b) for code, b in zip(rest, drawn, strict=True)}
    queues = [[c for c in BLOC_SEEDS[b]] + [c for c in rest if blocs[c] == b] for b in range(len(BLOC_SEEDS))]
    chosen: dict[str, int] = {}
    while len(chosen) < n:
        for bloc, queue in enumerate(queues):
            if queue and len(chosen) < n:
                chosen[queue.pop(0)] = bloc
    return chosen


def build_large_db(path: str | os.PathLike, votes: int = 1_000_000, statements: int = 100_000,
                   countries: int = 193, issues: int = 50, seed: int = 0, overwrite: bool = False,
                   progress: Callable[[str], None] | None = print) -> SyntheticSummary:
    """A database with the real schema and the shape of years of UN votes and coded statements.

    Every country votes on every General Assembly resolution (so resolutions = votes / countries),
    and what it votes and says follows its latent bloc, so alignment charts show blocs.
    Everything is clearly fake: issues, quotes and sources say "synthetic". Bulk rows go in with
    raw executemany inside one transaction: the loader's validation would take minutes here.
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    path = Path(path)
    _make_room(path, overwrite)
    rng = np.random.default_rng(seed)
    blocs = choose_countries(countries, seed)
    codes = list(blocs)
    n_res = max(1, round(votes / len(codes)))
    model = _bloc_model(rng, len(BLOC_SEEDS), issues)
    db = open_db(path)
    try:
        with db.atomic():
            sync_reference_data(db, registry())
            missing = [c for c in codes if not db["actors"].count_where("code = ?", [c])]
            if missing:
                raise StanceError(f"actors table lacks {', '.join(missing)}")
            slugs = _write_issues(db, issues)
            say(f"{_elapsed(started)} actors and {issues} issues")
            res_issue, n_votes = _write_votes(db, rng, codes, blocs, slugs, model, n_res)
            say(f"{_elapsed(started)} {n_res:,} resolutions, {n_votes:,} votes")
            _write_statements(db, rng, codes, blocs, slugs, model, statements)
            say(f"{_elapsed(started)} {statements:,} statements")
    finally:
        db.close()
    seconds = time.perf_counter() - started
    say(f"{_elapsed(started)} done: {path}")
    return SyntheticSummary(path, codes, blocs, issues, n_res, n_votes, statements, seconds)


def _elapsed(started: float) -> str:
    return f"[{time.perf_counter() - started:6.1f} s]"


def _make_room(path: Path, overwrite: bool) -> None:
    """Never silently add synthetic rows to an existing (maybe real) database."""
    if path.exists() and not overwrite:
        raise StanceError(f"{path} exists; pass overwrite=True (--force) to replace it")
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


@dataclass
class _BlocModel:
    """Each bloc's mean stance on each issue, and how it drifts from 1990 to 2024."""

    mean: np.ndarray  # (blocs, issues)
    drift: np.ndarray  # (blocs, issues)

    def at(self, bloc: np.ndarray, issue: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Expected stance for rows of (bloc, issue, t in 0..1)."""
        return self.mean[bloc, issue] + self.drift[bloc, issue] * (t - 0.5)


def _bloc_model(rng: np.random.Generator, blocs: int, issues: int) -> _BlocModel:
    base = rng.normal(1.0, 0.6, size=(1, issues))
    mean = np.clip(base + rng.normal(0, 1.0, size=(blocs, issues)), -2, 2)
    drift = rng.normal(0, 0.8, size=(blocs, issues))
    return _BlocModel(mean, drift)


def _write_issues(db: sqlite_utils.Database, n: int) -> list[str]:
    width = max(2, len(str(n)))
    rows = [{"slug": f"synthetic-issue-{i:0{width}d}", "title": f"Synthetic issue {i}",
             "description": f"Synthetic issue {i}, generated by stance.synthetic for benchmarks: not real data.",
             "plus_2": f"Strongly supports synthetic issue {i}", "minus_2": f"Strongly opposes synthetic issue {i}"}
            for i in range(1, n + 1)]
    db["issues"].insert_all(rows, pk="slug")
    return [r["slug"] for r in rows]


def _dates(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """n ISO days spread over FIRST_YEAR..LAST_YEAR, and their position in that span (0..1)."""
    first = np.datetime64(f"{FIRST_YEAR}-01-01")
    span = (np.datetime64(f"{LAST_YEAR}-12-31") - first).astype(int)
    offsets = rng.integers(0, span + 1, size=n)
    return np.datetime_as_string(first + offsets, unit="D").tolist(), offsets / span


def _weights(rng: np.random.Generator, n: int, skew: float) -> np.ndarray:
    """Uneven shares: some issues and countries get far more attention than others."""
    w = rng.gamma(skew, size=n)
    return w / w.sum()


def _write_votes(db: sqlite_utils.Database, rng: np.random.Generator, codes: list[str], blocs: dict[str, int],
                 slugs: list[str], model: _BlocModel, n_res: int) -> tuple[np.ndarray, int]:
    """General Assembly resolutions tied to issues, and every country's vote on each."""
    res_issue = rng.choice(len(slugs), size=n_res, p=_weights(rng, len(slugs), 2.0))
    polarity = np.where(rng.random(n_res) < 0.8, 1, -1)
    days, t = _dates(rng, n_res)
    order = np.argsort(days, kind="stable")
    res_issue, polarity, t = res_issue[order], polarity[order], t[order]
    days = [days[i] for i in order]
    ids = [_resolution_id(day, k) for k, day in enumerate(days)]
    country_bloc = np.array([blocs[c] for c in codes])
    n_blocs = model.mean.shape[0]
    score = (model.at(np.arange(n_blocs)[None, :], res_issue[:, None], t[:, None]) * polarity[:, None]
             + rng.normal(0, 0.5, size=(n_res, n_blocs)))
    bloc_vote = np.select([score > 0.2, score < -0.9], [0, 1], default=2)  # yes, no, abstain
    follows = rng.random((n_res, len(codes))) < 0.85
    stray = rng.choice(4, size=(n_res, len(codes)), p=[0.55, 0.1, 0.2, 0.15])
    vote = np.where(follows, bloc_vote[:, country_bloc], stray)
    vote[rng.random(vote.shape) < 0.03] = 3  # absent
    adopted = ((vote == 0).sum(axis=1) > (vote == 1).sum(axis=1)).astype(int)
    source_urls = [f"https://example.org/synthetic/resolution/{k + 1}" for k in range(n_res)]
    source_ids = [stable_id(u) for u in source_urls]
    db.conn.executemany("INSERT INTO sources (id, url, title, outlet, kind) VALUES (?, ?, ?, ?, ?)",
                        zip(source_ids, source_urls, [f"Synthetic record of {i}" for i in ids],
                            ["Synthetic"] * n_res, ["other"] * n_res, strict=True))
    titles = [f"Synthetic resolution {k + 1} on synthetic issue {i + 1}" for k, i in enumerate(res_issue.tolist())]
    db.conn.executemany(
        "INSERT INTO resolutions (id, body, date, title, issue, polarity, adopted, source_id) "
        "VALUES (?, 'UNGA', ?, ?, ?, ?, ?, ?)",
        zip(ids, days, titles, [slugs[i] for i in res_issue.tolist()], polarity.tolist(), adopted.tolist(),
            source_ids, strict=True))
    names = np.array(_VOTE_NAMES, dtype=object)[vote].ravel().tolist()
    res_col = np.repeat(np.array(ids, dtype=object), len(codes)).tolist()
    actor_col = codes * n_res
    db.conn.executemany("INSERT INTO votes (resolution, actor, vote) VALUES (?, ?, ?)",
                        zip(res_col, actor_col, names, strict=True))
    return res_issue, len(names)


def _resolution_id(day: str, k: int) -> str:
    """'SYN-A/RES/45/123': General Assembly style (session = year - 1945), marked synthetic."""
    return f"SYN-A/RES/{int(day[:4]) - 1945}/{k + 1}"


def _write_statements(db: sqlite_utils.Database, rng: np.random.Generator, codes: list[str],
                      blocs: dict[str, int], slugs: list[str], model: _BlocModel, n: int) -> None:
    """Statements whose stance follows the speaker's bloc on the issue, drifting over time."""
    pinned = {c for seeds in BLOC_SEEDS for c in seeds}
    weights = _weights(rng, len(codes), 0.7) * np.array([4.0 if c in pinned else 1.0 for c in codes])
    actor = rng.choice(len(codes), size=n, p=weights / weights.sum())
    issue = rng.choice(len(slugs), size=n, p=_weights(rng, len(slugs), 2.0))
    days, t = _dates(rng, n)
    bloc = np.array([blocs[c] for c in codes])[actor]
    stance = np.clip(np.rint(model.at(bloc, issue, t) + rng.normal(0, 0.6, size=n)), -2, 2).astype(int)
    urls = [f"https://example.org/synthetic/{k + 1}" for k in range(n)]
    source_ids = [stable_id(u) for u in urls]
    db.conn.executemany("INSERT INTO sources (id, url, title, outlet, kind) VALUES (?, ?, ?, 'Synthetic', 'other')",
                        zip(source_ids, urls, [f"Synthetic source {k + 1}" for k in range(n)], strict=True))
    rows = []
    for k, (a, i, day, s, src) in enumerate(zip(actor.tolist(), issue.tolist(), days, stance.tolist(), source_ids,
                                                strict=True)):
        quote, speaker = f"Synthetic statement {k + 1}", f"Synthetic speaker {k % 500 + 1}"
        sid = stable_id(codes[a], slugs[i], day, s, quote, speaker, urls[k])
        rows.append((sid, codes[a], slugs[i], day, day, s, quote, speaker, src))
    db.conn.executemany(
        "INSERT INTO statements (id, actor, issue, date, date_precision, day, stance, quote, speaker, source_id,"
        " coder, confidence) VALUES (?, ?, ?, ?, 'day', ?, ?, ?, ?, ?, 'synthetic', 0.8)", rows)


def main(argv: list[str] | None = None) -> None:
    """python -m stance.synthetic PATH [--votes N] [--statements N] [--force]"""
    parser = argparse.ArgumentParser(prog="python -m stance.synthetic",
                                     description="Build a large, clearly fake Stance database for benchmarks.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--countries", type=int, default=len(UN_MEMBERS))
    parser.add_argument("--issues", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    args = parser.parse_args(argv)
    try:
        build_large_db(args.path, args.votes, args.statements, args.countries, args.issues, args.seed,
                       overwrite=args.force)
    except StanceError as exc:
        parser.exit(1, f"Error: {exc}\n")


if __name__ == "__main__":
    main()
