"""The Positions page under AppTest, on a tiny two-bloc record fitted for real (tests/test_idealpoints.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stance.db import open_db
from stance.queries import idealpoints as ipq
from tests.pages import figures, page_app
from tests.test_idealpoints import bloc_record, published_file
from tests.test_measures import unvotes_db


@pytest.fixture
def fitted(tmp_path: Path) -> Path:
    calls, votes = bloc_record()
    db = unvotes_db(tmp_path, calls, votes)
    ipq.ensure_fit(db)
    db.close()
    return tmp_path / "m.db"


def test_without_a_fit_the_page_says_how_to_make_one(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("positions", sample_db, monkeypatch)
    assert not at.exception
    assert "python -m stance measures idealpoints" in at.info[0].value


def test_the_page_fits_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, votes = bloc_record()
    unvotes_db(tmp_path, calls, votes).close()
    at = page_app("positions", tmp_path / "m.db", monkeypatch, actors="USA,CHN")
    assert not figures(at)
    at.button(key="ip_fit").click().run()
    assert not at.exception
    assert len(figures(at)) == 3
    db = open_db(tmp_path / "m.db")
    assert db.execute("SELECT count(*) FROM ideal_points").fetchone()[0] == 18
    db.close()


def test_read_only_offers_no_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, votes = bloc_record()
    unvotes_db(tmp_path, calls, votes).close()
    at = page_app("positions", tmp_path / "m.db", monkeypatch, env={"STANCE_READ_ONLY": "1"})
    assert not at.exception and not at.button and "No ideal points stored yet" in at.info[0].value


def test_positions_over_time_spread_distance_and_votes(fitted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("positions", fitted, monkeypatch, actors="USA,CHN,FRA", year="2002")
    assert not at.exception
    over_time, spread, distance = figures(at)
    names = {t.get("name") for t in over_time["data"]}
    assert {"United States", "China", "France"} <= names
    assert "Every state in 2002" in spread["layout"]["title"]["text"]
    assert "Distance between United States and China" in distance["layout"]["title"]["text"]
    table = at.dataframe[0].value
    assert len(table) == 5 and set(table["Vote"]) <= {"yes", "no", "abstain"}  # USA's five contested 2002 votes
    assert at.query_params["year"] == "2002" and at.query_params["dist_b"] == "CHN"


def test_published_estimates_beside_with_their_correlation(fitted: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [f"{i},{cc},{year - 1945},5,{v},0,{v - 0.3},0,0,0,{v + 0.3},0,X,X"
            for i, (cc, v) in enumerate(((2, 1.5), (200, 1.2), (220, 0.6), (710, -1.0), (365, -1.3), (40, -1.6)))
            for year in (2001, 2002, 2003)]
    db = open_db(fitted)
    ipq.load_published(db, published_file(tmp_path, rows))
    db.close()
    at = page_app("positions", fitted, monkeypatch, actors="USA,CHN")
    assert not at.exception
    dashed = [t for t in figures(at)[0]["data"] if "Bailey-Strezhnev-Voeten" in (t.get("name") or "")]
    assert len(dashed) == 2
    note = re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption))  # as markdown shows it
    assert "Bailey, Michael A." in note and "pooled r = " in note and "18 common state-years" in note
    at.checkbox(key="ip_published").uncheck().run()
    assert not [t for t in figures(at)[0]["data"] if "Bailey" in (t.get("name") or "")]
    assert at.query_params["published"] == "0"
