"""Issue 11, views that behave: votes summed up per year, the position rule, one colour per actor,
groups that add, pickers that find aliases, and the polish (axes, labels, dates, scope notes)."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from stance import charts
from stance.db import PROJECT_DIR
from tests.helpers import load_rows, statement, vote
from tests.pages import decode, figures, page_app, point_traces

ISSUE = "dprk-sanctions"
MANY = ["AFG", "AGO", "ALB", "ARG", "AUS", "AUT", "BEL", "CHN", "USA"]  # A..B come first by name


@pytest.fixture
def assembly(fresh_db, tmp_path: Path) -> Path:
    """A General Assembly pattern: 12 roll calls a year, 2015-2017, every actor voting on each;
    China votes no on every third. One statement by China, so statements exist too."""
    votes = []
    for year in (2015, 2016, 2017):
        for i in range(12):
            rid = f"UNGA test {year}-{i:02d}"
            for actor in MANY:
                v = "no" if actor == "CHN" and i % 3 == 0 else "abstain" if actor == "AGO" else "yes"
                votes.append(vote(resolution=rid, body="UNGA", date=f"{year}-{1 + i % 12:02d}-15", actor=actor,
                                  vote=v, issue=ISSUE, polarity="+1"))
    load_rows(fresh_db, tmp_path, [statement(actor="CHN", issue=ISSUE, date="2016-05-01", stance="-1")], votes)
    return Path(fresh_db.conn.execute("PRAGMA database_list").fetchone()[2])


# --- Item 3: votes shown as what they mean ---------------------------------------------------

def test_many_votes_are_drawn_per_year_with_each_vote_listed(assembly: Path, monkeypatch) -> None:
    at = page_app("timeline", assembly, monkeypatch, issue=ISSUE, actors="CHN,USA")
    assert not at.exception
    fig = figures(at)[0]
    years = {t["meta"]: t for t in fig["data"] if str(t.get("meta", "")).startswith("year:")}
    assert set(years) == {"year:CHN", "year:USA"}
    china = years["year:CHN"]["customdata"]
    # [name, year, votes, yes, abstain, no, mean]: 12 votes a year, 4 of them no
    assert [row[1:6] for row in china] == [[y, 12, 8, 0, 4] for y in (2015, 2016, 2017)]
    assert all("diamond" not in t["marker"]["symbol"] for t in point_traces(fig))  # no marker per vote
    year = at.selectbox(key="vote_year")
    year.set_value(2016).run()
    table = next(d.value for d in at.dataframe if "Vote" in d.value.columns)
    assert len(table) == 24 and set(table["Actor"]) == {"China", "United States"}


def test_default_actors_are_the_permanent_five_not_the_first_by_name(assembly: Path, monkeypatch) -> None:
    at = page_app("timeline", assembly, monkeypatch, issue=ISSUE)
    chosen = at.multiselect(key="actors").value
    assert chosen[:2] == ["CHN", "USA"] and "AFG" not in chosen[:2]


# --- Item 4: the position rule, and the choice of evidence ------------------------------------

def test_timeline_says_its_rule_and_shows_statements_only_when_asked(sample_db: Path, monkeypatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors="CHN,RUS,USA")
    assert any("latest statement or UN vote up to that date" in c.value for c in at.caption)
    at.radio(key="evidence").set_value("statements").run()
    traces = point_traces(figures(at)[0])
    assert traces and all(set(t["marker"]["symbol"]) == {"circle"} for t in traces)
    assert at.query_params["evidence"] == "statements"
    assert any("latest statement up to that date (votes left out)" in c.value for c in at.caption)


def test_map_and_compare_follow_the_choice_of_evidence(sample_db: Path, monkeypatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE, year="2024", evidence="statements")
    drawn = set(figures(at)[0]["data"][0]["locations"])
    with sqlite3.connect(sample_db) as conn:
        said = {r[0] for r in conn.execute(
            "SELECT DISTINCT s.actor FROM statements s JOIN actors a ON a.code = s.actor "
            "WHERE s.issue = ? AND a.kind = 'state'", [ISSUE])}
    assert drawn == said and any("votes left out" in c.value for c in at.caption)
    both = page_app("compare", sample_db, monkeypatch, actors="CHN,RUS,USA")
    votes = page_app("compare", sample_db, monkeypatch, actors="CHN,RUS,USA", evidence="votes")
    z_both, z_votes = (decode(next(t for t in figures(a)[0]["data"] if t["type"] == "heatmap")["z"])
                       for a in (both, votes))
    assert not pd.isna(z_both).all() and z_both.tolist() != z_votes.tolist()


def test_lines_stop_at_gaps_without_evidence() -> None:
    days = pd.Series(pd.to_datetime(["2010-01-01", "2010-06-01", "2013-01-01", "2013-02-01"]))
    x, y = charts._broken_steps(days, pd.Series([1, -1, 0, 2]))
    assert None in x and x.index(None) == 3  # the step to June 2010, then a break before 2013
    assert y[:4] == [1, 1, -1, None]


# --- Item 9: one colour per actor, one stance scale -----------------------------------------

def test_an_actor_keeps_its_colour_and_no_two_share_one(sample_db: Path, monkeypatch) -> None:
    def colours(actors: str) -> dict[str, str]:
        fig = figures(page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors=actors))[0]
        return {t["meta"]: t["marker"]["color"] for t in point_traces(fig)}

    from stance.charts.colours import PALETTE, actor_colours

    first, second = colours("CHN,RUS,USA"), colours("USA,PRK,CHN")
    assert first["CHN"] == second["CHN"] and first["USA"] == second["USA"]
    many = actor_colours([f"X{i:02d}" for i in range(len(PALETTE))] + ["USA", "CHN"])
    assert len(set(many.values())) == len(many) - 2  # 26 actors, 24 colours: only the excess repeat
    assert len(set(actor_colours([f"X{i:02d}" for i in range(20)]).values())) == 20


def test_map_and_compare_share_one_stance_scale() -> None:
    from stance.charts.colours import STANCE_COLOURS
    from stance.charts.heatmap import STANCE_COLOURSCALE

    assert [c for _, c in STANCE_COLOURSCALE] == list(STANCE_COLOURS.values())
    from stance.charts.map import stepped_colorscale

    assert [c for _, c in stepped_colorscale()][::2] == list(STANCE_COLOURS.values())


# --- Items 10 and 11: groups add; pickers find codes and aliases ------------------------------

def test_a_group_adds_to_the_selection(sample_db: Path, monkeypatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors="JPN,KOR")
    at.selectbox(key="actors_group").set_value("Permanent five (P5)").run()
    chosen = at.multiselect(key="actors").value
    assert chosen[:2] == ["JPN", "KOR"] and set(chosen[2:]) == {"CHN", "FRA", "GBR", "RUS", "USA"}
    assert at.selectbox(key="actors_group").value == ""  # ready for the next group
    at.selectbox(key="actors_group").set_value("Security Council 2017").run()
    chosen = at.multiselect(key="actors").value
    assert chosen[:7] == ["JPN", "KOR", *chosen[2:7]] and len(chosen) > 8 and len(set(chosen)) == len(chosen)
    assert any(c.value.startswith(f"{len(chosen)} actors: Japan, South Korea") for c in at.caption)  # listed


def test_pickers_find_codes_and_aliases(sample_db: Path, monkeypatch) -> None:
    from stance.views.common import actor_label

    assert "DPRK" in actor_label("PRK", "North Korea") and "(PRK)" in actor_label("PRK", "North Korea")
    assert "Deutschland" in actor_label("DEU", "Germany")
    at = page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors="DPRK,ROK,usa")
    assert at.multiselect(key="actors").value == ["PRK", "KOR", "USA"] and not at.warning
    labels = list(at.multiselect(key="actors").proto.options)  # what the picker's search matches against
    assert "North Korea (PRK) · DPRK" in labels


# --- Item 12: polish -----------------------------------------------------------------------

def test_x_axis_follows_the_years_with_no_tick_twice(sample_db: Path, monkeypatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors="CHN,USA", **{"from": "2016", "to": "2017"})
    axis = figures(at)[0]["layout"]["xaxis"]
    assert axis["range"] == ["2016-01-01", "2017-12-31"]
    for first, last in ((2017, 2017), (2016, 2017), (2006, 2024), (1946, 2020)):
        ax = charts.time_axis((first, last))
        step = int(ax["dtick"][1:])
        ticks = pd.date_range(ax["tick0"], ax["range"][1], freq=pd.DateOffset(months=step))
        labels = [t.strftime(ax["tickformat"]) for t in ticks]
        assert len(labels) == len(set(labels)) and len(labels) <= 24


def test_resolution_labels_do_not_overprint() -> None:
    days = pd.to_datetime(["2017-06-02", "2017-08-05", "2017-09-11", "2017-12-22", "2018-01-10", "2016-03-02",
                           "2016-11-30"])
    events = pd.DataFrame({"id": [f"S/RES/{2300 + i} (2017)" for i in range(len(days))], "date": days,
                           "adopted": 1})
    fig = go.Figure()
    charts._mark_events(fig, events, (2006, 2024))
    room = pd.Timedelta(days=19 * 365.25 * charts.LABEL_ROOM)
    placed = [(a.yanchor, pd.Timestamp(a.x)) for a in fig.layout.annotations]
    for i, (side, x) in enumerate(placed):
        for other_side, other_x in placed[i + 1:]:
            assert side != other_side or abs(x - other_x) >= room


def test_one_date_format_in_the_timeline(sample_db: Path, monkeypatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue=ISSUE, actors="CHN")
    dates = at.dataframe(key="timeline_table").value["Date"]
    assert dates.str.fullmatch(r"(\d{1,2} )?([A-Z][a-z]{2} )?\d{4}").all()
    hover = point_traces(figures(at)[0])[0]["customdata"]
    assert all(not str(row[1])[:4].isdigit() or len(str(row[1])) == 4 for row in hover)  # '22 Dec 2017', not ISO


def test_streamlit_toolbar_is_for_viewers() -> None:
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"


def test_map_slider_names_its_ends_and_the_map_is_not_cut(sample_db: Path, monkeypatch) -> None:
    at = page_app("map", sample_db, monkeypatch, issue=ISSUE)
    assert at.slider(key="year").label.endswith("(2006–2024)")
    geo = figures(at)[0]["layout"]["geo"]
    assert geo["showocean"] is False  # a cut ocean left a flat edge across the bottom of the globe


def test_votes_most_like_states_its_scope(sample_db: Path, monkeypatch) -> None:
    at = page_app("alignment", sample_db, monkeypatch)
    note = next(c.value for c in at.caption if "countries closest to" in c.value)
    assert "roll calls of the Security Council" in note and "2006–2024" in note and "n = the resolutions" in note
