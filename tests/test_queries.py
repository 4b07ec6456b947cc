"""The shared read queries ask the base tables for speed; the stance_points view is the definition.

Each test restates a query through the view and checks both agree, on the sample and on a
small synthetic database with absent and non-voting votes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stance import queries
from stance.db import open_db
from stance.synthetic import build_large_db


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("syn") / "syn.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5, progress=lambda *a: None)
    return path


@pytest.fixture(params=["sample", "synthetic"])
def db(request: pytest.FixtureRequest, sample_db: Path, synthetic_db: Path):
    db = open_db(sample_db if request.param == "sample" else synthetic_db)
    yield db
    db.close()


def test_actors_on_issue_matches_the_view(db) -> None:
    for issue in queries.issues(db)["slug"]:
        via_view = queries.frame(db, """
            SELECT p.actor AS code, a.name, count(*) AS points,
                   sum(p.kind = 'statement') AS statements, sum(p.kind = 'vote') AS votes
            FROM stance_points p JOIN actors a ON a.code = p.actor WHERE p.issue = ?
            GROUP BY p.actor ORDER BY statements DESC, points DESC, a.name""", [issue])
        pd.testing.assert_frame_equal(queries.actors_on_issue(db, issue), via_view, check_dtype=False)


def test_issue_years_matches_the_view(db) -> None:
    for issue in queries.issues(db)["slug"]:
        lo, hi = db.execute("SELECT min(day), max(day) FROM stance_points WHERE issue = ?", [issue]).fetchone()
        assert queries.issue_years(db, issue) == (int(lo[:4]), int(hi[:4]))


def test_issue_summary_and_counts_match_the_view(db) -> None:
    via_view = queries.frame(db, """
        SELECT issue, sum(kind = 'statement') AS statements, sum(kind = 'vote') AS votes,
               count(DISTINCT actor) AS actors, min(day) AS first, max(day) AS last
        FROM stance_points GROUP BY issue ORDER BY issue""")
    pd.testing.assert_frame_equal(queries.issue_summary(db), via_view, check_dtype=False)
    actors = db.execute("SELECT count(DISTINCT actor) FROM stance_points").fetchone()[0]
    assert queries.counts(db)["actors with data"] == actors


def test_issues_counts_statements_and_every_recorded_vote(db) -> None:
    df = queries.issues(db).set_index("slug")
    for slug, row in df.iterrows():
        s = db.execute("SELECT count(*) FROM stance_points WHERE issue = ? AND kind = 'statement'", [slug]).fetchone()
        v = db.execute("SELECT count(*) FROM votes WHERE resolution IN (SELECT id FROM resolutions WHERE issue = ?)",
                       [slug]).fetchone()
        assert (row["statements"], row["votes"]) == (s[0], v[0])


def test_many_events_draw_fast_and_label_only_failures() -> None:
    from stance import charts

    events = pd.DataFrame({"id": [f"A/RES/{i}" for i in range(300)],
                           "date": pd.date_range("1990-01-01", periods=300, freq="30D"),
                           "adopted": [i % 50 != 0 for i in range(300)]})
    points = pd.DataFrame({"actor": ["USA"], "actor_name": ["United States"], "day": [pd.Timestamp("2000-01-01")],
                           "date": ["2000-01-01"], "stance": [1], "kind": ["vote"], "speaker": [None],
                           "text": ["x"], "source_title": [None], "source_url": [None], "ref": ["A/RES/10"]})
    fig = charts.timeline(points, "T", events)
    assert len(fig.layout.shapes) == 6  # 300 lines were a grey wall: only the failed drafts get one
    assert len(fig.layout.annotations) == 6  # the failed drafts only
