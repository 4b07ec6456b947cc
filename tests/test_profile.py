"""The Actor profile page: positions, votes, statements and stance changes of one actor."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from stance.charts.map import STANCE_COLOURS
from stance.charts.profile import positions_chart
from stance.db import open_db
from stance.model import STANCE_LABELS
from stance.queries import frame, profile
from stance.queries.geo import LATEST_FIRST
from stance.synthetic import build_large_db
from tests.helpers import load_rows, statement, vote
from tests.pages import figures, page_app
from tests.test_compare import add_edge_cases

ISSUE = "dprk-sanctions"

# China's hand-coded record on the sanctions (a vote's stance = polarity x yes/no):
#   2010-05     statement +1
#   2012-01-01  statement +1, and R1 (polarity +1) voted no = -1 the same day: the statement holds the day
#   2015-06-01  R2 (polarity -1) voted yes = -1              -> change +1 -> -1 (the vote is the evidence)
#   2016        statement +2 (year precision)                -> change -1 -> +2
#   and on the double freeze: 2017-03-08 statement +2.  USA: R1 yes, R2 absent.
R1 = {"resolution": "S/RES/9001 (2012)", "date": "2012-01-01", "polarity": "+1", "adopted": "true"}
R2 = {"resolution": "S/2015/1", "date": "2015-06-01", "polarity": "-1", "adopted": "false"}
STATEMENTS = [
    statement(actor="CHN", issue=ISSUE, date="2010-05", stance="1", quote="first words", speaker="A"),
    statement(actor="CHN", issue=ISSUE, date="2012-01-01", stance="1", quote="explains the no", speaker="B"),
    statement(actor="CHN", issue=ISSUE, date="2016", stance="2", quote="", notes="a paraphrase", speaker="C"),
    statement(actor="CHN", issue="double-freeze", date="2017-03-08", stance="2", quote="freeze words"),
]
VOTES = [vote(actor="CHN", vote="no", **R1), vote(actor="USA", vote="yes", **R1),
         vote(actor="CHN", vote="yes", **R2), vote(actor="USA", vote="absent", **R2)]


@pytest.fixture
def small(fresh_db, tmp_path: Path):
    return load_rows(fresh_db, tmp_path, STATEMENTS, VOTES)


def test_positions_latest_mean_and_range(small) -> None:
    pos = profile.positions(small, "CHN").set_index("issue")
    assert list(pos.index) == [ISSUE, "double-freeze"]  # most evidence first
    sanctions = pos.loc[ISSUE]
    assert (sanctions["latest"], sanctions["latest_date"], sanctions["latest_kind"]) == (2, "2016", "statement")
    assert sanctions["mean"] == pytest.approx((1 + 1 - 1 - 1 + 2) / 5)
    assert (sanctions["low"], sanctions["high"], sanctions["points"]) == (-1, 2, 5)
    assert (sanctions["statements"], sanctions["votes"]) == (3, 2)
    assert pos.loc["double-freeze", "latest"] == 2


def test_stance_changes_are_moves_between_years(small) -> None:
    changes = profile.stance_changes(small, "CHN")
    got = list(zip(changes["year"], changes["from_year"], changes["from_side"], changes["to_side"], changes["kind"],
                   strict=True))
    # 2012: the statement stands for the no vote of its day, so 2012 is still support
    assert got == [(2015, 2012, 1, -1, "vote"), (2016, 2015, -1, 1, "statement")]
    assert changes["evidence"].iloc[1] == "a paraphrase"  # no quote: the coder's note is the evidence
    assert changes["to_mean"].tolist() == [-1, 2]


def test_a_vote_beside_a_statement_of_the_same_side_is_no_change(sample_db: Path) -> None:
    """The sample's United States: +2 statements and +1 votes on the sanctions. Counting from one
    point to the next reported 5 "stance changes"; it has held one side throughout."""
    db = open_db(sample_db, read_only=True)
    assert profile.stance_changes(db, "USA").empty
    db.close()


def test_many_votes_a_year_move_only_when_the_year_moves(fresh_db, tmp_path: Path) -> None:
    """A General Assembly pattern: yes and no votes alternate within each year (a change at every
    other vote when counted point to point); the yearly mean stays near -0.5, then turns to support."""
    plan = {2001: "nnynnnnynn", 2002: "nynnynnynn", 2003: "nnynnnnynn", 2004: "yyyyyyyyyy"}  # -0.6 -0.4 -0.6 +1
    votes = [vote(resolution=f"UNGA test {year}-{i}", body="UNGA", date=f"{year}-12-{10 + i}", actor="USA",
                  vote={"y": "yes", "n": "no"}[v], polarity="+1")
             for year, pattern in plan.items() for i, v in enumerate(pattern)]
    db = load_rows(fresh_db, tmp_path, [statement(actor="CHN")], votes)
    changes = profile.stance_changes(db, "USA")
    assert list(zip(changes["year"], changes["from_side"], changes["to_side"], strict=True)) == [(2004, -1, 1)]
    assert changes["points"].tolist() == [10]


@pytest.mark.parametrize(("current", "mean", "expected"), [
    (-1, -0.45, -1), (-1, -0.2, 0), (0, -0.6, 0), (0, -0.8, -1), (1, 0.3, 1), (1, 0.2, 0), (-1, 0.8, 1),
    (0, 0.75, 1), (1, -0.8, -1)])
def test_a_side_is_left_only_well_past_its_boundary(current: int, mean: float, expected: int) -> None:
    assert profile.next_side(current, mean) == expected


def test_votes_include_absences_and_outcomes(small) -> None:
    usa = profile.votes_cast(small, "USA")
    assert list(zip(usa["resolution"], usa["vote"], usa["adopted"], strict=True)) == [
        (R1["resolution"], "yes", 1), (R2["resolution"], "absent", 0)]
    assert usa["source_url"].str.startswith("https://undocs.org/").all()


def test_statements_and_actor_counts(small) -> None:
    made = profile.statements_made(small, "CHN")
    assert made["date"].tolist() == ["2010-05", "2012-01-01", "2016", "2017-03-08"]
    counts = profile.actors(small).set_index("code")
    assert (counts.loc["CHN", "statements"], counts.loc["CHN", "votes"]) == (4, 2)
    assert (counts.loc["USA", "statements"], counts.loc["USA", "votes"]) == (0, 2)
    with_data = (counts["statements"] + counts["votes"] > 0).tolist()
    assert with_data == sorted(with_data, reverse=True)  # actors with data come first
    assert profile.positions(small, "FJI").empty and profile.stance_changes(small, "FJI").empty


def changes_by_hand(db_path: Path, actor: str) -> list[tuple[int, str, int, int]]:
    """Stance changes restated as plain loops over the raw view, for the sample: per issue and year,
    the mean of the points (a day with a statement: its last statement instead of that day's votes),
    and a move when the mean passes a side's boundary (+-0.5) by 0.25."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT issue, day, kind, ref, stance FROM stance_points WHERE actor = ?",
                            [actor]).fetchall()
    said: dict[tuple[str, str], int] = {}
    for issue, day, kind, _ref, stance in sorted(rows, key=lambda r: (r[0], r[1], r[3])):
        if kind == "statement":
            said[(issue, day)] = stance
    per_year: dict[tuple[str, int], list[int]] = {}
    for (issue, day), stance in said.items():
        per_year.setdefault((issue, int(day[:4])), []).append(stance)
    for issue, day, kind, _ref, stance in rows:
        if kind == "vote" and (issue, day) not in said:
            per_year.setdefault((issue, int(day[:4])), []).append(stance)

    def side(m: float) -> int:
        return 1 if m >= 0.5 else -1 if m <= -0.5 else 0

    out, current = [], {}
    for (issue, year), values in sorted(per_year.items()):
        mean = sum(values) / len(values)
        if issue not in current:
            current[issue] = side(mean)
            continue
        new = side(mean - 0.25) if side(mean - 0.25) > current[issue] else side(mean + 0.25)
        if new != current[issue] and (new > current[issue]) == (side(mean - 0.25) > current[issue]):
            out.append((year, issue, current[issue], new))
            current[issue] = new
    return sorted(out)


@pytest.mark.parametrize("actor", ["CHN", "RUS", "USA", "PRK"])
def test_sample_changes_match_a_plain_loop(sample_db: Path, actor: str) -> None:
    db = open_db(sample_db, read_only=True)
    changes = profile.stance_changes(db, actor)
    db.close()
    got = sorted(zip(changes["year"], changes["issue"], changes["from_side"], changes["to_side"], strict=True))
    assert got == changes_by_hand(sample_db, actor)


# The formulations these queries had before they were rewritten for speed on a large database:
# counts per actor by correlated subqueries, positions through the stance_points view.
OLD_ACTORS = """
    SELECT a.code, a.name, a.kind,
           (SELECT count(*) FROM statements s WHERE s.actor = a.code) AS statements,
           (SELECT count(*) FROM votes v WHERE v.actor = a.code) AS votes
    FROM actors a
    ORDER BY (statements + votes) = 0, a.name"""
VIEW_POSITIONS = f"""
    WITH ranked AS (
        SELECT p.*, row_number() OVER (PARTITION BY p.issue ORDER BY {LATEST_FIRST}) AS rank
        FROM stance_points p WHERE p.actor = ?)
    SELECT r.issue, i.title, r.stance AS latest, r.date AS latest_date, r.date_precision AS latest_precision,
           r.kind AS latest_kind, agg.mean, agg.low, agg.high, agg.points, agg.statements, agg.votes
    FROM ranked r JOIN issues i ON i.slug = r.issue
    JOIN (SELECT issue, avg(stance) AS mean, min(stance) AS low, max(stance) AS high, count(*) AS points,
                 sum(kind = 'statement') AS statements, sum(kind = 'vote') AS votes
          FROM stance_points WHERE actor = ? GROUP BY issue) agg ON agg.issue = r.issue
    WHERE r.rank = 1 ORDER BY agg.points DESC, i.title"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic database, plus an actor only ever absent (ZZA) and a vote not cast."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5, progress=None)
    add_edge_cases(path)
    return path


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_table_queries_equal_the_old_formulation(which: str, sample_db: Path, synthetic: Path) -> None:
    db = open_db({"sample": sample_db, "synthetic": synthetic}[which], read_only=True)
    everyone = profile.actors(db)
    pd.testing.assert_frame_equal(everyone, frame(db, OLD_ACTORS))
    with_data = everyone[everyone["statements"] + everyone["votes"] > 0]["code"].tolist()
    assert len(with_data) > 5
    only_absent = "ZZA" if which == "synthetic" else "FJI"  # no stance point: no positions at all
    for actor in [*with_data, only_absent]:
        pd.testing.assert_frame_equal(profile.positions(db, actor), frame(db, VIEW_POSITIONS, [actor, actor]))
    db.close()


# --- chart ----------------------------------------------------------------------------------------

def test_positions_chart_draws_latest_mean_and_range(small) -> None:
    pos = profile.positions(small, "CHN")
    fig = positions_chart(pos, "China")
    latest = next(t for t in fig.data if t.name == "Latest stance")
    mean = next(t for t in fig.data if t.name == "Mean of all points")
    ranges = [t for t in fig.data if t.name == "Range of all points"]
    assert list(latest.x) == pos["latest"].tolist() and list(mean.x) == pos["mean"].tolist()
    assert list(latest.marker.color) == [STANCE_COLOURS[v] for v in pos["latest"]]
    assert [tuple(t.x) for t in ranges] == list(zip(pos["low"], pos["high"], strict=True))
    assert list(fig.layout.xaxis.ticktext) == [w.capitalize() for w in STANCE_LABELS.values()]
    assert "China" in fig.layout.title.text and "2016" in latest.hovertext[0]


# --- page -----------------------------------------------------------------------------------------

def metrics(at) -> dict[str, str]:  # noqa: ANN001
    return {m.label: m.value for m in at.metric}


def sample_counts(db_path: Path, actor: str) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        one = lambda sql: f"{conn.execute(sql, [actor]).fetchone()[0]:,}"  # noqa: E731 - shown with separators
        return {"Issues": one("SELECT count(DISTINCT issue) FROM stance_points WHERE actor = ?"),
                "Statements": one("SELECT count(*) FROM statements WHERE actor = ?"),
                "Votes cast": one("SELECT count(*) FROM votes WHERE actor = ?")}


def test_page_on_sample_shows_counts_chart_and_tables(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("profile", sample_db, monkeypatch, actor="CHN")
    assert not at.exception
    shown = metrics(at)
    assert {k: shown[k] for k in ("Issues", "Statements", "Votes cast")} == sample_counts(sample_db, "CHN")
    assert shown["Stance changes"] == str(len(changes_by_hand(sample_db, "CHN")))
    (fig,) = figures(at)
    assert fig["layout"]["title"]["text"].startswith("China")
    tables = [t.value for t in at.dataframe]
    assert [len(t) for t in tables] == [int(shown[k].replace(",", "")) for k in
                                        ("Stance changes", "Votes cast", "Statements")]
    assert set(tables[1]["Vote"]) <= {"yes", "no", "abstain", "absent", "non-voting"}
    assert all(pd.isna(u) or u.startswith(("http://", "https://")) for t in tables for u in t["Source"])


@pytest.mark.parametrize(("given", "code"), [("RUS", "RUS"), ("rus", "RUS"), ("Russia", "RUS"),
                                             ("the Kremlin", "RUS"), ("DPRK", "PRK")])
def test_names_and_aliases_resolve_to_the_code(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                               given: str, code: str) -> None:
    at = page_app("profile", sample_db, monkeypatch, actor=given)
    assert not at.exception and not at.warning
    assert at.query_params["actor"] == code and at.selectbox(key="actor").value == code


def test_actor_without_data_gets_a_clear_message(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("profile", sample_db, monkeypatch, actor="Fiji")
    assert not at.exception
    assert "Fiji has no statements or votes" in at.info[0].value
    assert not figures(at) and not at.dataframe


def test_page_on_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("profile", tmp_path / "e.db", monkeypatch, actor="CHN")
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value


@pytest.mark.parametrize("params", [{"actor": "Nortth Korea"}, {"actor": "%%%<b>"}, {"actor": "", "x": "1"}])
def test_malformed_url_falls_back_to_the_best_documented_actor(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                               params: dict[str, str]) -> None:
    at = page_app("profile", sample_db, monkeypatch, **params)
    assert not at.exception
    with sqlite3.connect(sample_db) as conn:
        best = conn.execute("SELECT actor FROM statements GROUP BY actor ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    assert at.selectbox(key="actor").value == best and len(figures(at)) == 1
    if params["actor"]:
        assert any("Ignored" in w.value for w in at.warning)


def test_picking_another_actor_changes_chart_and_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("profile", sample_db, monkeypatch, actor="CHN")
    before = figures(at)[0]["data"]
    at.selectbox(key="actor").set_value("USA").run()
    assert not at.exception and at.query_params["actor"] == "USA"
    after = figures(at)[0]
    assert after["data"] != before and after["layout"]["title"]["text"].startswith("United States")


def test_url_round_trip(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("profile", sample_db, monkeypatch)
    at.selectbox(key="actor").set_value("PRK").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params == {"actor": "PRK"}
    again = page_app("profile", sample_db, monkeypatch, **params)
    assert not again.exception and not again.warning
    assert figures(again) == figures(at)
    assert [m.value for m in again.metric] == [m.value for m in at.metric]


def test_positions_chart_shows_html_in_titles_as_text() -> None:
    """Issue titles and actor names come from data files: plotly must not render them as links."""
    link = '<a href="https://evil.example/x">click</a>'
    pos = pd.DataFrame({
        "title": [f"Sanctions {link}", "<b>bold</b> issue"], "latest": [1, -2], "latest_kind": ["statement", "vote"],
        "latest_date": ["2016", "2015-06-01"], "latest_precision": ["year", "day"], "mean": [0.5, -2.0],
        "points": [2, 1], "statements": [2, 0], "votes": [0, 1], "low": [0, -2], "high": [1, -2],
    })
    fig = positions_chart(pos, f"China {link}")
    shown = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)  # to_json writes < as \u003c
    assert "&lt;a href=" in shown and "&lt;b&gt;bold" in shown
    assert "<a href=" not in shown and "<b>bold" not in shown
    latest = next(t for t in fig.data if t.name == "Latest stance")
    assert "<b>Sanctions &lt;a href=" in latest.hovertext[0]  # the chart's own markup still works
    assert "China &lt;a href=" in fig.layout.title.text and "&amp;lt;" not in shown  # escaped once, not twice
