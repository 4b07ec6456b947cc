"""The dashboard under streamlit.testing.v1.AppTest, against real database files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from stance.db import PROJECT_DIR
from stance.views.common import shown
from tests.pages import decode, figures, page_app, point_traces

APP = str(PROJECT_DIR / "dashboard.py")


def app(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("STANCE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_one_trace_per_chosen_actor(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_db, monkeypatch, issue="dprk-sanctions", actors="CHN,RUS,USA")
    assert not at.exception
    (fig,) = figures(at)
    assert [trace["name"] for trace in point_traces(fig)] == ["China", "Russia", "United States"]
    russia = fig["data"][1]
    expected = sqlite3.connect(sample_db).execute(
        "SELECT count(*) FROM stance_points WHERE issue = 'dprk-sanctions' AND actor = 'RUS'").fetchone()[0]
    assert len(decode(russia["y"])) == expected
    assert set(russia["marker"]["symbol"]) == {"circle", "diamond"}


def test_default_view_builds_missing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "new.db"
    at = app(db, monkeypatch)
    assert not at.exception and db.exists()
    (fig,) = figures(at)
    assert len(point_traces(fig)) == len(at.multiselect[0].value) > 0
    assert at.query_params["issue"] == at.selectbox[0].value


def test_changing_issue_keeps_actors_and_updates_the_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_db, monkeypatch, issue="dprk-sanctions", actors="CHN,USA")
    at.selectbox(key="issue").set_value("double-freeze").run()
    assert not at.exception
    assert at.query_params["issue"] == "double-freeze"
    assert [t["name"] for t in point_traces(figures(at)[0])] == ["China", "United States"]


def test_unknown_url_values_give_a_notice(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_db, monkeypatch, issue="no-such-issue", actors="XXX,CHN")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert f"Ignored issue={shown('no-such-issue')}" in notices and shown("XXX", 20) in notices
    assert [t["name"] for t in point_traces(figures(at)[0])] == ["China"]


def test_empty_database_gives_guidance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stance.db import open_db

    open_db(tmp_path / "empty.db").close()
    at = app(tmp_path / "empty.db", monkeypatch)
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value


def test_timeline_page_alone(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue="double-freeze", actors="CHN,USA")
    assert not at.exception
    assert [t["name"] for t in point_traces(figures(at)[0])] == ["China", "United States"]


def test_timeline_filter_change_changes_traces(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("timeline", sample_db, monkeypatch, issue="dprk-sanctions", actors="CHN,USA")
    at.multiselect(key="actors").set_value(["CHN", "RUS", "PRK"]).run()
    assert not at.exception
    assert [t["name"] for t in point_traces(figures(at)[0])] == ["China", "Russia", "North Korea"]
    assert at.query_params["actors"] == "CHN,RUS,PRK"


def test_timeline_url_round_trips(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = page_app("timeline", sample_db, monkeypatch, issue="dprk-sanctions", actors="JPN,KOR", **{"from": "2016"})
    params = {key: first.query_params[key] for key in ("issue", "actors", "from", "to")}
    again = page_app("timeline", sample_db, monkeypatch, **params)
    assert figures(again) == figures(first)
    days = figures(again)[0]["data"][0]["x"]
    assert isinstance(days, list) and days and min(days) >= "2016-01-01"
