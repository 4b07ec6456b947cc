"""Compare page: stance heat maps, from queries on a hand-built database up to the page under AppTest.

The small database (built by `tiny_db`) was worked out by hand:

    statements                                       votes (dprk-sanctions, polarity +1)
    CHN double-freeze 2017-03-08   +2                R1 2017-12-22: USA yes (+1), CHN abstain (0)
    CHN double-freeze 2017-09-01   +1  } same day    R2 2022-05-26: USA yes (+1), CHN no (-1),
                                                                    FRA absent (no point)
    CHN double-freeze 2017-09-01    0  }
    USA double-freeze 2017-05-01   -2
    USA dprk-sanctions 2016 (year) +2
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stance.charts import heatmap
from stance.db import open_db
from stance.ingest.load import load_paths
from stance.queries import compare, frame
from stance.synthetic import build_large_db
from stance.views.common import md_escape, shown
from tests.helpers import ISSUES_CSV, VOTE_COLUMNS, statement, vote, write_rows
from tests.pages import decode, figures, page_app


@pytest.fixture
def tiny_db(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.db"
    statements = write_rows(tmp_path / "statements.csv", [
        statement(actor="CHN", issue="double-freeze", date="2017-03-08", stance="2", quote="a"),
        statement(actor="CHN", issue="double-freeze", date="2017-09-01", stance="1", quote="b"),
        statement(actor="CHN", issue="double-freeze", date="2017-09-01", stance="0", quote="c"),
        statement(actor="USA", issue="double-freeze", date="2017-05-01", stance="-2", quote="d"),
        statement(actor="USA", issue="dprk-sanctions", date="2016", stance="2", quote="e"),
    ])
    r1 = {"resolution": "S/RES/9001 (2017)", "date": "2017-12-22"}
    r2 = {"resolution": "S/2022/9002", "date": "2022-05-26", "adopted": "false"}
    votes = write_rows(tmp_path / "votes.csv", [
        vote(**r1, actor="USA", vote="yes"), vote(**r1, actor="CHN", vote="abstain"),
        vote(**r2, actor="USA", vote="yes"), vote(**r2, actor="CHN", vote="no"),
        vote(**r2, actor="FRA", vote="absent"),  # an absence is no stance point: FRA has no data
    ], VOTE_COLUMNS)
    db = open_db(path)
    result = load_paths(db, [ISSUES_CSV, statements, votes])
    db.close()
    assert result.written, result.problems
    return path


def cells_by_key(df) -> dict[tuple[str, str], dict]:
    return {(r["actor"], r["issue"]): r for r in df.to_dict("records")}


# --- queries ---------------------------------------------------------------------------------

def test_latest_as_of_takes_the_last_day_and_averages_its_points(tiny_db: Path) -> None:
    db = open_db(tiny_db)
    cells = cells_by_key(compare.latest_as_of(db, ["CHN", "USA"], "2017-10-01"))
    # CHN's last day before the date has two statements (+1 and 0): the cell is their mean.
    assert cells["CHN", "double-freeze"]["stance"] == 0.5
    assert (cells["CHN", "double-freeze"]["points"], cells["CHN", "double-freeze"]["total"]) == (2, 3)
    assert cells["CHN", "double-freeze"]["last_day"] == "2017-09-01"
    assert cells["USA", "double-freeze"]["stance"] == -2
    assert cells["USA", "dprk-sanctions"]["stance"] == 2  # the 2016 statement; the votes come later
    assert ("CHN", "dprk-sanctions") not in cells  # nothing yet: no cell, not a 0
    later = cells_by_key(compare.latest_as_of(db, ["CHN", "USA"], "2017-12-22"))  # the day itself counts
    assert later["CHN", "dprk-sanctions"]["stance"] == 0  # the abstention
    assert (later["USA", "dprk-sanctions"]["stance"], later["USA", "dprk-sanctions"]["total"]) == (1, 2)
    db.close()


def test_mean_over_a_window_counts_statements_and_votes(tiny_db: Path) -> None:
    db = open_db(tiny_db)
    cells = cells_by_key(compare.mean_over(db, ["CHN", "USA"], "2017-01-01", "2024-12-31"))
    assert cells["CHN", "double-freeze"]["stance"] == 1.0 and cells["CHN", "double-freeze"]["points"] == 3
    assert cells["CHN", "dprk-sanctions"]["stance"] == -0.5 and cells["CHN", "dprk-sanctions"]["points"] == 2
    assert cells["USA", "dprk-sanctions"]["stance"] == 1.0  # the 2016 statement is outside the window
    narrowed = compare.mean_over(db, ["CHN", "USA"], "2017-01-01", "2024-12-31", ["dprk-sanctions"])
    assert set(narrowed["issue"]) == {"dprk-sanctions"}
    assert compare.mean_over(db, [], "2017-01-01", "2024-12-31").empty
    db.close()


@pytest.mark.parametrize(("period", "expected"), [
    ("year", {("CHN", "2017"): 0.0, ("CHN", "2022"): -1.0, ("USA", "2016"): 2.0, ("USA", "2017"): 1.0,
              ("USA", "2022"): 1.0}),
    ("month", {("CHN", "2017-12"): 0.0, ("CHN", "2022-05"): -1.0, ("USA", "2016-01"): 2.0,
               ("USA", "2017-12"): 1.0, ("USA", "2022-05"): 1.0}),
])
def test_by_period_means(tiny_db: Path, period: str, expected: dict) -> None:
    db = open_db(tiny_db)
    df = compare.by_period(db, "dprk-sanctions", ["CHN", "USA"], period, "2006-01-01", "2024-12-31")
    assert {(r["actor"], r["period"]): r["stance"] for r in df.to_dict("records")} == expected
    with pytest.raises(ValueError):
        compare.by_period(db, "dprk-sanctions", ["CHN"], "week; DROP TABLE votes", "2006-01-01", "2024-12-31")
    db.close()


def test_period_keys_cover_every_period() -> None:
    assert compare.period_keys(2016, 2017, "year") == ["2016", "2017"]
    months = compare.period_keys(2016, 2017, "month")
    assert len(months) == 24 and months[0] == "2016-01" and months[-1] == "2017-12"


def test_actor_list_and_span(tiny_db: Path, tmp_path: Path) -> None:
    db = open_db(tiny_db)
    actors = compare.actors_with_points(db)
    assert actors["code"].tolist() == ["CHN", "USA"]  # CHN: 5 points, USA: 4; FRA was only absent
    assert actors["points"].tolist() == [5, 4]
    assert actors["issues"].tolist() == [2, 2]
    assert compare.data_span(db) == ("2016-01-01", "2022-05-26")
    db.close()
    empty = open_db(tmp_path / "e.db")
    assert compare.data_span(empty) is None and compare.actors_with_points(empty).empty
    empty.close()


# The view-based formulations these queries had before they were rewritten to read the tables
# (for speed on a large database). The rewrites must give identical frames.
VIEW_ACTORS = """
    SELECT p.actor AS code, a.name, count(*) AS points, count(DISTINCT p.issue) AS issues
    FROM stance_points p JOIN actors a ON a.code = p.actor
    GROUP BY p.actor ORDER BY points DESC, a.name"""
VIEW_SPAN = "SELECT min(day), max(day) FROM stance_points"
VIEW_LATEST = """
    WITH p AS (SELECT actor, issue, day, stance FROM stance_points WHERE {where} AND day <= ?),
    last AS (SELECT actor, issue, max(day) AS day, min(day) AS first_day, count(*) AS total
             FROM p GROUP BY actor, issue)
    SELECT l.actor, a.name AS actor_name, l.issue, i.title AS issue_title, avg(p.stance) AS stance,
           count(*) AS points, l.total, l.first_day, l.day AS last_day
    FROM last l JOIN p ON p.actor = l.actor AND p.issue = l.issue AND p.day = l.day
    JOIN actors a ON a.code = l.actor JOIN issues i ON i.slug = l.issue
    GROUP BY l.actor, l.issue ORDER BY l.actor, l.issue"""
VIEW_MEAN = """
    SELECT p.actor, a.name AS actor_name, p.issue, i.title AS issue_title, avg(p.stance) AS stance,
           count(*) AS points, count(*) AS total, min(p.day) AS first_day, max(p.day) AS last_day
    FROM stance_points p JOIN actors a ON a.code = p.actor JOIN issues i ON i.slug = p.issue
    WHERE {where} AND p.day >= ? AND p.day <= ?
    GROUP BY p.actor, p.issue ORDER BY p.actor, p.issue"""
VIEW_BY_PERIOD = """
    SELECT p.actor, a.name AS actor_name, substr(p.day, 1, ?) AS period, avg(p.stance) AS stance,
           count(*) AS points
    FROM stance_points p JOIN actors a ON a.code = p.actor
    WHERE p.issue = ? AND p.actor IN ({marks}) AND p.day >= ? AND p.day <= ?
    GROUP BY p.actor, period ORDER BY p.actor, period"""


def view_where(actors: list[str], issues: list[str], prefix: str = "") -> tuple[str, list[str]]:
    where = f"{prefix}actor IN ({', '.join('?' * len(actors))})"
    if issues:
        where += f" AND {prefix}issue IN ({', '.join('?' * len(issues))})"
    return where, [*actors, *issues]


def add_edge_cases(path: Path) -> None:
    """Rows the view must skip: an actor only ever absent or non-voting, and a resolution (dated
    after everything else) on which no vote counts. Raw SQL, as the synthetic builder writes."""
    with sqlite3.connect(path) as conn:
        issue = conn.execute("SELECT slug FROM issues ORDER BY slug LIMIT 1").fetchone()[0]
        conn.execute("INSERT INTO actors (code, name, kind) VALUES ('ZZA', 'Only absent', 'other')")
        conn.execute("INSERT INTO resolutions (id, body, date, title, issue, polarity, adopted) "
                     "VALUES ('EDGE/1', 'UNGA', '2099-01-01', NULL, ?, 1, 0)", [issue])
        actor = conn.execute("SELECT actor FROM votes LIMIT 1").fetchone()[0]
        conn.executemany("INSERT INTO votes (resolution, actor, vote) VALUES (?, ?, ?)",
                         [("EDGE/1", "ZZA", "absent"), ("EDGE/1", actor, "non-voting")])


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5, progress=None)
    add_edge_cases(path)
    return path


@pytest.mark.parametrize("which", ["sample", "synthetic", "tiny"])
def test_table_queries_equal_the_view_formulation(which: str, sample_db: Path, synthetic_db: Path,
                                                  tiny_db: Path) -> None:
    path = {"sample": sample_db, "synthetic": synthetic_db, "tiny": tiny_db}[which]
    db = open_db(path, read_only=True)
    view = lambda sql, params=(): frame(db, sql, params)  # noqa: E731
    everyone = compare.actors_with_points(db)
    assert len(everyone) > 1
    pd.testing.assert_frame_equal(everyone, view(VIEW_ACTORS))
    assert compare.data_span(db) == tuple(db.execute(VIEW_SPAN).fetchone())
    issues = [r[0] for r in db.execute("SELECT slug FROM issues ORDER BY slug")]
    actors = everyone["code"].tolist()[:8]
    first, last = compare.data_span(db)
    middle = f"{(int(first[:4]) + int(last[:4])) // 2}-06-30"
    for chosen_issues in ([], issues[:3]):
        where, params = view_where(actors, chosen_issues)
        for as_of in (middle, last):
            got = compare.latest_as_of(db, actors, as_of, chosen_issues)
            assert as_of != last or not got.empty  # up to the last day, every actor has a cell
            pd.testing.assert_frame_equal(got, view(VIEW_LATEST.format(where=where), [*params, as_of]))
        where, params = view_where(actors, chosen_issues, "p.")
        for window in ((first, last), (f"{middle[:4]}-01-01", f"{middle[:4]}-12-31")):
            got = compare.mean_over(db, actors, *window, chosen_issues)
            assert window[0] != first or not got.empty
            pd.testing.assert_frame_equal(got, view(VIEW_MEAN.format(where=where), [*params, *window]))
    marks = ", ".join("?" * len(actors))
    for issue in issues:
        for period in compare.PERIODS:
            got = compare.by_period(db, issue, actors, period, first, last)
            expected = view(VIEW_BY_PERIOD.format(marks=marks), [compare.PERIODS[period], issue, *actors, first, last])
            pd.testing.assert_frame_equal(got, expected)
    db.close()


# --- charts ----------------------------------------------------------------------------------

def test_issue_heatmap_keeps_empty_cells_empty_and_labels_by_name(tiny_db: Path) -> None:
    db = open_db(tiny_db)
    cells = compare.latest_as_of(db, ["CHN", "USA"], "2017-10-01")
    db.close()
    fig = heatmap.issue_heatmap(cells, {"CHN": "China", "USA": "United States"},
                                {"double-freeze": "Double freeze", "dprk-sanctions": "Sanctions"}, "asof", "2017-10-01")
    hm = fig.data[0]
    z = np.asarray(hm.z, dtype=float)
    assert z[0, 0] == 0.5 and math.isnan(z[0, 1])  # China has no stance on sanctions yet
    assert (hm.zmin, hm.zmax) == (-2, 2)
    assert list(fig.layout.yaxis.ticktext) == ["China", "United States"]
    assert "Strongly oppose (-2)" in hm.colorbar.ticktext and "Strongly support (+2)" in hm.colorbar.ticktext
    assert "No statement or vote" in hm.text[0][1]
    assert "from 2 points on 1 Sep 2017 (3 points up to then)" in hm.text[0][0]  # the pages' one date format
    hatch = fig.data[1]
    assert hatch.name == heatmap.NO_DATA and list(hatch.x).count(None) == 1  # one hatched square


def test_time_heatmap_has_a_column_per_period_and_hatches_the_gaps(tiny_db: Path) -> None:
    db = open_db(tiny_db)
    cells = compare.by_period(db, "dprk-sanctions", ["CHN", "USA"], "year", "2016-01-01", "2022-12-31")
    db.close()
    periods = compare.period_keys(2016, 2022, "year")
    fig = heatmap.time_heatmap(cells, {"CHN": "China", "USA": "United States"}, periods, "Sanctions", "year")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (2, 7)
    assert np.isnan(z).sum() == 14 - 5  # five cells have data
    assert list(fig.data[1].x).count(None) == 9
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-2, 2)


def test_stance_text_names_halfway_means_honestly() -> None:
    assert heatmap.stance_text(1) == "+1 support"
    assert heatmap.stance_text(-1.5) == "-1.5 (between oppose and strongly oppose)"
    assert heatmap.stance_text(0.8) == "+0.8 (≈ support)"


def test_names_in_labels_are_escaped() -> None:
    assert heatmap.wrap_label("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


# --- the page --------------------------------------------------------------------------------

def heat(at, index: int = 0) -> tuple[np.ndarray, dict]:
    fig = figures(at)[index]
    trace = next(t for t in fig["data"] if t["type"] == "heatmap")
    return decode(trace["z"]), fig


def test_page_on_the_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("compare", sample_db, monkeypatch, actors="CHN,RUS,USA")
    assert not at.exception
    figs = figures(at)
    assert len(figs) == 2
    assert figs[0]["layout"]["yaxis"]["ticktext"] == ["China", "Russia", "United States"]
    _, time_fig = heat(at, 1)
    assert "by year" in time_fig["layout"]["title"]["text"]
    assert at.query_params["actors"] == "CHN,RUS,USA" and "mode" not in at.query_params  # the default: left out
    assert any("not the same as neutral" in c.value for c in at.caption)


def test_page_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("compare", tmp_path / "e.db", monkeypatch)
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value
    assert not figures(at)


def test_page_ignores_a_malformed_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("compare", sample_db, monkeypatch, actors="';DROP", mode="sideways", asof="2017-02-30",
                  issues="nope", period="fortnight", **{"from": "abc", "to": "99999"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for param, value in (("mode", "sideways"), ("asof", "2017-02-30"), ("issues", "nope"), ("period", "fortnight")):
        assert f"Ignored {md_escape(param)}={shown(value)}" in notices
    assert "date range" in notices
    assert len(figures(at)) == 2  # the defaults still draw


def test_changing_the_mode_changes_the_cells(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("compare", sample_db, monkeypatch, actors="CHN,RUS,USA")
    before, _ = heat(at)
    at.radio(key="mode").set_value("mean").run()
    assert not at.exception
    after, fig = heat(at)
    assert not np.array_equal(before, after, equal_nan=True)
    assert fig["layout"]["title"]["text"].startswith("Mean stance, 2006–2024")
    assert at.query_params["mode"] == "mean" and "asof" not in at.query_params


def test_changing_the_period_changes_the_columns(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("compare", sample_db, monkeypatch, actors="CHN,USA", period="year")
    years, _ = heat(at, 1)
    at.radio(key="period").set_value("month").run()
    months, _ = heat(at, 1)
    assert months.size == 12 * years.size


def test_url_round_trip(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("compare", sample_db, monkeypatch, actors="CHN,RUS,USA,JPN")
    at.radio(key="mode").set_value("mean").run()
    at.slider(key="years").set_value((2013, 2020)).run()
    at.selectbox(key="issue").set_value("double-freeze").run()
    at.radio(key="period").set_value("month").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["from"] == "2013" and params["issue"] == "double-freeze" and params["period"] == "month"
    again = page_app("compare", sample_db, monkeypatch, **params)
    assert not again.exception and not again.warning
    assert [f["data"] for f in figures(again)] == [f["data"] for f in figures(at)]
