"""The large synthetic database: real schema, consistent rows, and blocs that show in the votes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from stance.db import open_db
from stance.errors import StanceError
from stance.synthetic import UN_MEMBERS, SyntheticSummary, build_large_db, choose_countries, main

VOTES, COUNTRIES, STATEMENTS, ISSUES = 20_000, 50, 2_000, 5


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSummary:
    path = tmp_path_factory.mktemp("synthetic") / "small.db"
    return build_large_db(path, votes=VOTES, statements=STATEMENTS, countries=COUNTRIES, issues=ISSUES,
                          progress=None)


@pytest.fixture
def db(small: SyntheticSummary):
    db = open_db(small.path, read_only=True)
    yield db
    db.close()


def scalar(db, sql: str, params: tuple = ()) -> object:
    return db.execute(sql, params).fetchone()[0]


def test_counts(small: SyntheticSummary, db) -> None:
    resolutions = round(VOTES / COUNTRIES)
    assert (small.resolutions, small.votes) == (resolutions, resolutions * COUNTRIES)
    assert scalar(db, "SELECT count(*) FROM votes") == resolutions * COUNTRIES
    assert scalar(db, "SELECT count(*) FROM resolutions WHERE body = 'UNGA'") == resolutions
    assert scalar(db, "SELECT count(*) FROM statements WHERE coder = 'synthetic'") == STATEMENTS
    assert scalar(db, "SELECT count(*) FROM issues WHERE slug LIKE 'synthetic-issue-%'") == ISSUES
    assert scalar(db, "SELECT count(DISTINCT actor) FROM votes") == COUNTRIES
    # every country votes once on every resolution
    assert scalar(db, "SELECT count(*) FROM (SELECT resolution FROM votes GROUP BY resolution "
                      "HAVING count(*) != ? OR count(DISTINCT actor) != ?)", (COUNTRIES, COUNTRIES)) == 0


def test_integrity_and_foreign_keys(db) -> None:
    assert scalar(db, "PRAGMA integrity_check") == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_everything_says_synthetic(db) -> None:
    assert scalar(db, "SELECT count(*) FROM issues WHERE title NOT LIKE 'Synthetic issue %' "
                      "OR description NOT LIKE '%synthetic%'") == 0
    assert scalar(db, "SELECT count(*) FROM statements WHERE quote NOT LIKE 'Synthetic statement %'") == 0
    assert scalar(db, "SELECT count(*) FROM sources WHERE url NOT LIKE 'https://example.org/synthetic/%'") == 0


def test_values_are_realistic(db) -> None:
    assert scalar(db, "SELECT min(date) >= '1990-01-01' AND max(date) <= '2024-12-31' FROM resolutions") == 1
    assert scalar(db, "SELECT count(*) FROM resolutions WHERE polarity NOT IN (-1, 1)") == 0
    tally = dict(db.execute("SELECT vote, count(*) FROM votes GROUP BY vote").fetchall())
    assert set(tally) == {"yes", "no", "abstain", "absent"}
    assert tally["yes"] == max(tally.values())
    stances = {row[0] for row in db.execute("SELECT DISTINCT stance FROM statements")}
    assert stances <= {-2, -1, 0, 1, 2} and len(stances) >= 4
    # the full-text index was filled by the triggers
    assert scalar(db, "SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'synthetic'") == STATEMENTS


def agreement(db, a: str, b: str) -> float:
    """Share of resolutions on which two countries cast the same vote."""
    return scalar(db, "SELECT avg(x.vote = y.vote) FROM votes x JOIN votes y ON y.resolution = x.resolution "
                      "WHERE x.actor = ? AND y.actor = ?", (a, b))


def test_blocs_show_in_the_votes(small: SyntheticSummary, db) -> None:
    members: dict[int, list[str]] = {}
    for code, bloc in small.blocs.items():
        members.setdefault(bloc, []).append(code)
    assert len(members) == 4 and all(len(m) >= 2 for m in members.values())
    same = [agreement(db, *pair) for m in members.values() for pair in itertools.combinations(m[:4], 2)]
    apart = [agreement(db, m1[0], m2[0]) for m1, m2 in itertools.combinations(members.values(), 2)]
    assert min(same) > max(apart)


def test_statements_follow_the_bloc(small: SyntheticSummary, db) -> None:
    """On some issue, the blocs' average stances differ by more than a point on the scale."""
    rows = db.execute("SELECT actor, issue, avg(stance) FROM statements GROUP BY actor, issue").fetchall()
    by_issue: dict[str, dict[int, list[float]]] = {}
    for actor, issue, mean in rows:
        by_issue.setdefault(issue, {}).setdefault(small.blocs[actor], []).append(mean)
    spreads = [max(sum(v) / len(v) for v in blocs.values()) - min(sum(v) / len(v) for v in blocs.values())
               for blocs in by_issue.values()]
    assert max(spreads) > 1


def test_same_seed_same_database(tmp_path: Path) -> None:
    args = {"votes": 600, "statements": 50, "countries": 12, "issues": 2, "progress": None}
    a, b = build_large_db(tmp_path / "a.db", **args), build_large_db(tmp_path / "b.db", **args)
    dumps = []
    for summary in (a, b):
        db = open_db(summary.path, read_only=True)
        dumps.append(db.execute("SELECT group_concat(resolution || actor || vote) FROM votes").fetchone()[0]
                     + db.execute("SELECT group_concat(id) FROM statements").fetchone()[0])
        db.close()
    assert dumps[0] == dumps[1]


def test_countries_are_un_members_in_every_bloc() -> None:
    chosen = choose_countries(len(UN_MEMBERS))
    assert set(chosen) == set(UN_MEMBERS)
    assert {chosen["USA"], chosen["RUS"], chosen["IND"], chosen["SAU"]} == {0, 1, 2, 3}
    assert set(choose_countries(8).values()) == {0, 1, 2, 3}
    with pytest.raises(StanceError):
        choose_countries(len(UN_MEMBERS) + 1)


def test_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "existing.db"
    path.write_bytes(b"")
    with pytest.raises(StanceError, match="exists"):
        build_large_db(path, votes=100, statements=10, countries=10, issues=1, progress=None)
    with pytest.raises(SystemExit) as stop:
        main([str(path), "--votes", "100", "--statements", "10", "--countries", "10", "--issues", "1"])
    assert stop.value.code == 1 and "exists" in capsys.readouterr().err
    main([str(path), "--votes", "100", "--statements", "10", "--countries", "10", "--issues", "1", "--force"])
    db = open_db(path, read_only=True)
    assert scalar(db, "SELECT count(*) FROM votes") == 100
    db.close()
