"""The Alignment page on a General Assembly dataset loaded in the UN Digital Library format:
a pair's agreement by year since 1971 and the ten countries voting most like a chosen one,
checked against figures computed straight from the CSV (not through Stance's queries)."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import pytest

from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths
from stance.ingest.undl import GA_COLUMNS
from tests.pages import decode, figures, page_app

COUNTRIES = ["USA", "CHN", "RUS", "GBR", "FRA", "IND", "BRA", "ZAF", "DEU", "JPN", "NGA", "MEX", "IDN", "EGY"]
YEARS = range(1971, 1981)
COUNTED = {"Y": "yes", "N": "no", "A": "abstain"}


def write_ga(path: Path) -> list[dict[str, str]]:
    """12 roll calls a year; each country's vote random but seeded; some non-voting."""
    rng = random.Random(11)
    rows = []
    for year in YEARS:
        for k in range(12):
            rc = f"A/RES/{year - 1945}/{k + 1}"
            for code in COUNTRIES:
                rows.append({"undl_id": f"{year}{k:02d}", "ms_code": code, "ms_name": code,
                             "ms_vote": rng.choice("YYYNAX"), "date": f"{year}-{k + 1:02d}-15",
                             "session": str(year - 1945), "resolution": rc, "draft": "", "committee_report": "",
                             "meeting": "", "title": f"Test resolution {rc}", "agenda_title": "", "subjects": "",
                             "vote_note": "", "total_yes": "", "total_no": "", "total_abstentions": "",
                             "total_non_voting": "", "total_ms": "", "undl_link": ""})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=GA_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def expected_agreement(rows: list[dict[str, str]], a: str, b: str) -> dict[int, tuple[float, int]]:
    by_resolution: dict[str, dict[str, str]] = defaultdict(dict)
    year_of = {}
    for r in rows:
        by_resolution[r["resolution"]][r["ms_code"]] = r["ms_vote"]
        year_of[r["resolution"]] = int(r["date"][:4])
    alike: dict[int, list[bool]] = defaultdict(list)
    for res, votes in by_resolution.items():
        if votes.get(a) in COUNTED and votes.get(b) in COUNTED:
            alike[year_of[res]].append(votes[a] == votes[b])
    return {year: (sum(v) / len(v), len(v)) for year, v in alike.items()}


@pytest.fixture(scope="module")
def ga_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    folder = tmp_path_factory.mktemp("ga")
    rows = write_ga(folder / "UNGA_voting.csv")
    db = open_db(folder / "ga.db")
    result = load_paths(db, [DATA_DIR / "issues.csv", folder / "UNGA_voting.csv"])
    assert result.written and result.files[-1].inserted == len(rows)
    db.close()
    return folder / "ga.db", rows


def test_pair_agreement_by_year_matches_the_file(ga_db, monkeypatch: pytest.MonkeyPatch) -> None:
    path, rows = ga_db
    at = page_app("alignment", path, monkeypatch, body="UNGA", pair_a="USA", pair_b="CHN", **{"from": "1971"})
    assert not at.exception
    pair = next(f for f in figures(at) if "United States and China" in f["layout"]["title"]["text"])
    line = next(t for t in pair["data"] if t.get("name") == "Voted alike (%)")
    bars = next(t for t in pair["data"] if t.get("name") == "Common votes")
    years = [int(x) for x in decode(line["x"])]
    got = {y: s for y, s in zip(years, decode(line["y"]), strict=True) if s == s}  # NaN: no common vote
    common = dict(zip([int(x) for x in decode(bars["x"])], decode(bars["y"]), strict=True))
    want = expected_agreement(rows, "USA", "CHN")
    assert sorted(got) == list(YEARS) == sorted(want)
    for year, (share, n) in want.items():
        assert got[year] == pytest.approx(share * 100) and common[year] == n


def test_ten_countries_voting_most_like_a_chosen_one(ga_db, monkeypatch: pytest.MonkeyPatch) -> None:
    path, rows = ga_db
    at = page_app("alignment", path, monkeypatch, body="UNGA", like="USA", min_votes="1")
    assert not at.exception
    table = at.dataframe[0].value  # "votes most like"; [1] is who moved
    assert len(table) == 10
    by_resolution: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        by_resolution[r["resolution"]][r["ms_code"]] = r["ms_vote"]
    shares = {}
    for other in COUNTRIES:
        if other == "USA":
            continue
        pairs = [(v["USA"], v[other]) for v in by_resolution.values() if v["USA"] in COUNTED and v[other] in COUNTED]
        shares[other] = (sum(x == y for x, y in pairs) / len(pairs), len(pairs))
    expected = sorted(shares.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))[:10]
    assert table["Voted alike"].round(6).tolist() == [round(s * 100, 6) for _, (s, _n) in expected]
    assert table["Common votes"].tolist() == [n for _, (_s, n) in expected]
