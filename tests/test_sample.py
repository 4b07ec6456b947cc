"""The bundled sample is real data: it loads clean, cites sources, and its tallies add up."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stance.actors import registry
from stance.db import DATA_DIR, open_db


@pytest.fixture
def db(sample_db: Path):
    db = open_db(sample_db)
    yield db
    db.close()


def tally(db, resolution: str) -> dict[str, int]:
    return dict(db.execute("SELECT vote, count(*) FROM votes WHERE resolution = ? GROUP BY vote",
                           [resolution]).fetchall())


def test_failed_draft_of_26_may_2022(db) -> None:
    assert tally(db, "S/2022/431") == {"yes": 13, "no": 2}
    no = db.execute("SELECT actor FROM votes WHERE resolution = 'S/2022/431' AND vote = 'no' ORDER BY actor")
    assert [r[0] for r in no.fetchall()] == ["CHN", "RUS"]


def test_failed_draft_of_28_march_2024(db) -> None:
    assert tally(db, "S/2024/255") == {"yes": 13, "no": 1, "abstain": 1}


def test_sanctions_resolutions_1718_to_2397_were_unanimous(db) -> None:
    adopted = db.execute("SELECT id FROM resolutions WHERE adopted = 1 ORDER BY date").fetchall()
    assert [r[0].split(" ")[0] for r in adopted] == [f"S/RES/{n}" for n in
                                                      (1718, 1874, 2087, 2094, 2270, 2321, 2356, 2371, 2375, 2397)]
    for (resolution,) in adopted:
        assert tally(db, resolution) == {"yes": 15}, resolution


def test_each_vote_is_cast_by_that_years_council(db) -> None:
    for resolution, date in db.execute("SELECT id, date FROM resolutions").fetchall():
        voters = {r[0] for r in db.execute("SELECT actor FROM votes WHERE resolution = ?", [resolution])}
        assert voters == set(registry().members("UNSC", date)), resolution


def test_every_statement_cites_a_source_and_says_something() -> None:
    with open(DATA_DIR / "statements.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 30
    for line, row in enumerate(rows, start=2):
        assert row["source_url"].startswith(("http://", "https://")), line
        assert row["quote"].strip() or row["notes"].strip(), f"line {line}: no quote and no paraphrase"


def test_issue_acceptance_actors_are_covered(db) -> None:
    have = {r[0] for r in db.execute("SELECT DISTINCT actor FROM statements WHERE issue = 'double-freeze'")}
    assert {"CHN", "RUS", "USA", "DEU", "KOR"} <= have
