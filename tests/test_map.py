"""The Map page: stance as of a date per country, its choropleth, and the page under AppTest."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from stance.charts.map import (
    NO_DATA_COLOUR,
    STANCE_COLOURS,
    TOPOJSON_DIR,
    format_date,
    outline_codes,
    stance_map,
    stepped_colorscale,
)
from stance.db import open_db
from stance.model import STANCE_LABELS
from stance.queries.geo import stance_as_of
from stance.views.map import as_of_day
from tests.helpers import load_rows, statement, vote
from tests.pages import decode, figures, page_app

ISSUE = "dprk-sanctions"

# A small hand-coded record (stance of a vote = polarity x yes/no):
#   CHN  2010-05     statement +1
#   CHN  2012-01-01  statement +1 and, the same day, R1 (polarity +1) voted no = -1: the statement wins
#   CHN  2015-06-01  R2 (polarity -1) voted yes = -1
#   USA  2012-01-01  R1 voted yes = +1;  R2 absent: no point
#   EU   2012-01-01  statement +2 (an organisation: not on a map)
R1 = {"resolution": "S/RES/9001 (2012)", "date": "2012-01-01", "polarity": "+1"}
R2 = {"resolution": "S/RES/9002 (2015)", "date": "2015-06-01", "polarity": "-1"}
STATEMENTS = [
    statement(actor="CHN", issue=ISSUE, date="2010-05", stance="1", quote="first words", speaker="A"),
    statement(actor="CHN", issue=ISSUE, date="2012-01-01", stance="1", quote="explains the no", speaker="B"),
    statement(actor="EU", issue=ISSUE, date="2012-01-01", stance="2", quote="EU words"),
]
VOTES = [vote(actor="CHN", vote="no", **R1), vote(actor="USA", vote="yes", **R1),
         vote(actor="CHN", vote="yes", **R2), vote(actor="USA", vote="absent", **R2)]


@pytest.fixture
def small(fresh_db, tmp_path: Path):
    return load_rows(fresh_db, tmp_path, STATEMENTS, VOTES)


def by_actor(df: pd.DataFrame) -> dict[str, tuple]:
    return {r.actor: (r.stance, r.kind, r.date, r.points) for r in df.itertuples()}


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2010-04-30", {}),
    ("2011-12-31", {"CHN": (1, "statement", "2010-05", 1)}),
    ("2012-01-01", {"CHN": (1, "statement", "2012-01-01", 3), "USA": (1, "vote", "2012-01-01", 1)}),
    ("2015-12-31", {"CHN": (-1, "vote", "2015-06-01", 4), "USA": (1, "vote", "2012-01-01", 1)}),
])
def test_latest_point_on_or_before_the_date(small, as_of: str, expected: dict) -> None:
    assert by_actor(stance_as_of(small, ISSUE, as_of)) == expected


def test_month_precision_counts_from_the_first_of_the_month(small) -> None:
    assert stance_as_of(small, ISSUE, "2010-05-01")["actor"].tolist() == ["CHN"]


def latest_by_rule(db_path: Path, issue: str, as_of: str) -> dict[str, int]:
    """The rule restated in pandas over the raw view: newest day, then statement over vote, then ref."""
    with sqlite3.connect(db_path) as conn:
        points = pd.read_sql_query(
            "SELECT p.actor, p.day, p.kind, p.ref, p.stance FROM stance_points p JOIN actors a ON a.code = p.actor "
            "WHERE p.issue = ? AND p.day <= ? AND a.kind = 'state'", conn, params=[issue, as_of])
    points["is_statement"] = points["kind"] == "statement"
    last = points.sort_values(["day", "is_statement", "ref"]).groupby("actor").tail(1)
    return dict(zip(last["actor"], last["stance"], strict=True))


@pytest.mark.parametrize("as_of", ["2006-12-31", "2017-12-31", "2022-12-31", "2024-12-31"])
def test_sample_matches_the_rule(sample_db: Path, as_of: str) -> None:
    db = open_db(sample_db, read_only=True)
    got = stance_as_of(db, ISSUE, as_of)
    db.close()
    assert dict(zip(got["actor"], got["stance"], strict=True)) == latest_by_rule(sample_db, ISSUE, as_of)
    assert got["actor"].is_unique and got["day"].max() <= as_of


def test_sample_2022_china_rests_on_its_statement_not_its_vote(sample_db: Path) -> None:
    with sqlite3.connect(sample_db) as conn:
        quote, stance = conn.execute("SELECT quote, stance FROM statements WHERE actor = 'CHN' AND issue = ? "
                                     "AND day = '2022-05-26'", [ISSUE]).fetchone()
    db = open_db(sample_db, read_only=True)
    china = stance_as_of(db, ISSUE, "2022-12-31").set_index("actor").loc["CHN"]
    db.close()
    assert (china["kind"], china["stance"], china["text"]) == ("statement", stance, quote)


# --- chart ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "precision", "shown"), [
    ("2017-12-22", "day", "22 Dec 2017"), ("2017-08", "month", "Aug 2017"), ("2017", "year", "2017"),
    (None, "day", ""), ("not a date", "day", "not a date")])
def test_format_date_keeps_the_coded_precision(text: str | None, precision: str, shown: str) -> None:
    assert format_date(text, precision) == shown


def test_as_of_is_the_year_end_or_today() -> None:
    assert as_of_day(2017) == "2017-12-31"
    assert as_of_day(2026, today=dt.date(2026, 3, 1)) == "2026-03-01"


def test_map_figure_carries_each_country_its_stance_and_evidence(small) -> None:
    df = stance_as_of(small, ISSUE, "2015-12-31")
    fig = stance_map(df, "Sanctions", "31 Dec 2015", "more sanctions", "no sanctions")
    (trace,) = fig.data
    assert trace.type == "choropleth" and trace.locationmode == "ISO-3"
    assert list(trace.locations) == df["actor"].tolist()
    assert list(trace.z) == df["stance"].tolist()
    assert (trace.zmin, trace.zmax) == (-2.5, 2.5)  # fixed scale: colours mean the same on every date
    assert list(trace.colorbar.ticktext) == [w.capitalize() for w in STANCE_LABELS.values()]
    china = list(trace.customdata[df["actor"].tolist().index("CHN")])
    assert china[:4] == ["China", "-1 oppose", "1 Jun 2015", "UN vote"] and "S/RES/9002" in china[4]
    assert fig.layout.geo.landcolor == NO_DATA_COLOUR
    assert "31 Dec 2015" in fig.layout.title.text and "no sanctions" in fig.layout.title.text


def test_colour_scale_has_one_band_per_stance_and_no_data_is_not_neutral() -> None:
    scale = stepped_colorscale()
    bands = [colour for _, colour in scale[::2]]
    assert bands == list(STANCE_COLOURS.values())
    assert scale[0][0] == 0 and scale[-1][0] == 1
    assert NO_DATA_COLOUR not in STANCE_COLOURS.values()


def test_outlines_ship_with_the_project() -> None:
    codes = outline_codes()
    assert (TOPOJSON_DIR / "LICENSE").exists() and (TOPOJSON_DIR / "README.md").exists()
    assert len(codes) > 150 and {"CHN", "USA", "PRK", "KOR", "RUS"} <= codes
    assert all(len(c) == 3 and c.isupper() for c in codes)


# --- page -----------------------------------------------------------------------------------------

def states_with_data(db_path: Path, issue: str, as_of: str) -> set[str]:
    return set(latest_by_rule(db_path, issue, as_of))


def test_page_draws_every_state_with_data(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE, year="2017")
    assert not at.exception
    (fig,) = figures(at)
    assert set(fig["data"][0]["locations"]) == states_with_data(sample_db, ISSUE, "2017-12-31")
    assert json.loads(at.get("plotly_chart")[0].proto.config)["topojsonURL"] == "/app/static/topojson/"
    assert any("no data" in c.value for c in at.caption)


def test_page_names_countries_too_small_to_draw(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE, year="2024")
    hidden = states_with_data(sample_db, ISSUE, "2024-12-31") - outline_codes()
    notes = " ".join(c.value for c in at.caption)
    assert ("Too small to draw" in notes) == bool(hidden)


def test_page_on_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("map", tmp_path / "e.db", monkeypatch)
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value and not figures(at)


@pytest.mark.parametrize("params", [
    {"issue": "no-such-issue", "year": "abc"},
    {"issue": ISSUE, "year": "1900"},
    {"issue": "<script>", "year": "2017-13-45", "junk": "%%%"},
])
def test_malformed_url_gives_a_notice_and_a_map(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                params: dict[str, str]) -> None:
    at = page_app("map", sample_db, monkeypatch, **params)
    assert not at.exception
    assert any("Ignored" in w.value for w in at.warning)
    assert len(figures(at)) == 1
    slider = at.slider(key="year")
    assert at.query_params.get("year", str(int(slider.max))) == str(slider.value)  # the last year (default): left out


def test_moving_the_slider_changes_the_map_and_the_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE, year="2017")
    before = decode(figures(at)[0]["data"][0]["z"]).tolist()
    at.slider(key="year").set_value(2022).run()
    assert not at.exception and at.query_params["year"] == "2022"
    trace = figures(at)[0]["data"][0]
    assert decode(trace["z"]).tolist() != before
    expected = latest_by_rule(sample_db, ISSUE, "2022-12-31")
    assert dict(zip(trace["locations"], decode(trace["z"]).tolist(), strict=True)) == expected


def test_changing_issue_keeps_the_year_in_range(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE, year="2024")
    at.selectbox(key="issue").set_value("double-freeze").run()
    assert not at.exception
    with sqlite3.connect(sample_db) as conn:
        last = int(conn.execute("SELECT max(day) FROM stance_points WHERE issue = 'double-freeze'").fetchone()[0][:4])
    assert at.slider(key="year").value == last and at.query_params["issue"] == "double-freeze"
    assert set(figures(at)[0]["data"][0]["locations"]) == states_with_data(sample_db, "double-freeze", f"{last}-12-31")


def test_url_round_trip(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("map", sample_db, monkeypatch)
    at.selectbox(key="issue").set_value("double-freeze").run()
    at.slider(key="year").set_value(2015).run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params == {"issue": "double-freeze", "year": "2015"}
    again = page_app("map", sample_db, monkeypatch, **params)
    assert not again.exception and not again.warning
    assert figures(again)[0]["data"] == figures(at)[0]["data"]


# --- stance_as_of asks the tables, not the stance_points view: the same answer -------------------

def view_stance_as_of(db, issue: str, as_of: str) -> pd.DataFrame:
    """The former query: rank every point of the view (each vote's text built first)."""
    return pd.read_sql_query("""
        WITH ranked AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.actor
                                           ORDER BY p.day DESC, p.kind = 'statement' DESC, p.ref DESC) AS rank,
                   count(*) OVER (PARTITION BY p.actor) AS points
            FROM stance_points p JOIN actors a ON a.code = p.actor
            WHERE p.issue = ? AND p.day <= ? AND a.kind = 'state')
        SELECT r.actor, a.name AS actor_name, r.stance, r.kind, r.date, r.date_precision, r.day, r.text, r.speaker,
               r.notes, r.source_url, r.source_title, r.points
        FROM ranked r JOIN actors a ON a.code = r.actor
        WHERE r.rank = 1 ORDER BY a.name""", db.conn, params=[issue, as_of])


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stance.synthetic import build_large_db

    path = tmp_path_factory.mktemp("synthetic") / "small.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5)
    return path


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_stance_as_of_equals_the_view_formulation(which: str, sample_db: Path, synthetic_db: Path) -> None:
    db = open_db(sample_db if which == "sample" else synthetic_db, read_only=True)
    days = [r[0] for r in db.execute("SELECT day FROM stance_points GROUP BY day ORDER BY day")]
    # Every year end, plus days that hold points (ties of a statement and a vote, or of two votes).
    year_ends = [f"{y}-12-31" for y in range(int(days[0][:4]) - 1, int(days[-1][:4]) + 1)]
    dates = year_ends + days[:: max(len(days) // 15, 1)]
    for issue in [r[0] for r in db.execute("SELECT slug FROM issues")]:
        for as_of in dates:
            pd.testing.assert_frame_equal(stance_as_of(db, issue, as_of, follow_seat=False),
                                          view_stance_as_of(db, issue, as_of), obj=f"{issue} as of {as_of}")
    db.close()


def test_ties_on_one_day_go_to_the_highest_reference(small) -> None:
    """Two statements on one day, and two votes on one day: the view's order (ref DESC) decides."""
    small["statements"].insert_all([
        {"id": "zz-late", "actor": "RUS", "issue": ISSUE, "date": "2013-02-02", "date_precision": "day",
         "day": "2013-02-02", "stance": -2},
        {"id": "aa-early", "actor": "RUS", "issue": ISSUE, "date": "2013-02-02", "date_precision": "day",
         "day": "2013-02-02", "stance": 2}])
    small["resolutions"].insert_all([
        {"id": "S/RES/9101", "body": "UNSC", "date": "2014-03-03", "issue": ISSUE, "polarity": 1, "adopted": 1},
        {"id": "S/RES/9102", "body": "UNSC", "date": "2014-03-03", "issue": ISSUE, "polarity": -1, "adopted": 1}])
    small["votes"].insert_all([{"resolution": "S/RES/9101", "actor": "USA", "vote": "yes"},
                               {"resolution": "S/RES/9102", "actor": "USA", "vote": "yes"}])
    for as_of in ("2013-12-31", "2014-12-31"):
        got = stance_as_of(small, ISSUE, as_of, follow_seat=False)
        pd.testing.assert_frame_equal(got, view_stance_as_of(small, ISSUE, as_of))
    latest = by_actor(stance_as_of(small, ISSUE, "2014-12-31"))
    assert latest["RUS"] == (-2, "statement", "2013-02-02", 2)
    assert latest["USA"] == (-1, "vote", "2014-03-03", 3)


LINK = '<a href="https://evil.example/x">click</a>'


def test_map_shows_html_in_the_data_as_text() -> None:
    """Quotes, speakers, names and titles come from coders' files: plotly must not render them as links."""
    df = pd.DataFrame({
        "actor": ["CHN"], "stance": [1], "actor_name": [f"China {LINK}"], "date": ["2015-06-01"],
        "date_precision": ["day"], "kind": ["statement"], "text": [f"We say {LINK} and <b>bold</b> <something>"],
        "notes": [None], "speaker": ["<b>bold</b> speaker"], "points": [1],
    })
    fig = stance_map(df, f"Sanctions {LINK}", "31 Dec 2015", "more <b>bold</b>", f"none {LINK}")
    shown = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)  # to_json writes < as \u003c
    assert "&lt;a href=" in shown and "&lt;something&gt;" in shown and "&lt;b&gt;bold" in shown
    assert "China &lt;a href=" in shown and "Sanctions &lt;a href=" in fig.layout.title.text
    assert "<a href=" not in shown and "<b>bold" not in shown
    assert "<br>" in fig.layout.title.text  # the chart's own markup still works
    assert "&amp;lt;" not in shown  # escaped once, not twice
