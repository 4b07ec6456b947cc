"""The Relations page, its queries and its chart, on a database holding the GDELT fixtures."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from stance.charts.relations import CAVEAT, relations_chart
from stance.db import open_db
from stance.ingest.load import load_paths
from stance.queries import relations as q
from tests.pages import decode, figures, page_app

RAW = Path(__file__).parent / "fixtures" / "raw"
FILES = [RAW / "20240105120000.export.CSV", RAW / "20130401.export.CSV", RAW / "200601.csv"]
BANNER = "GDELT events are machine-coded from news reports, not verified facts"
LOAD_HINT = "python -m stance load FILE.export.CSV --actors USA,CHN"


@pytest.fixture(scope="module")
def gdelt_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gdelt") / "stance.db"
    db = open_db(path)
    result = load_paths(db, FILES)
    assert result.written and not result.problems
    db.close()
    return path


def monthly_values(fig: dict) -> dict[str, dict[str, float]]:
    """Trace name -> {YYYY-MM: value}, from the figure as the browser gets it."""
    out = {}
    for trace in fig["data"]:
        months = [str(x)[:7] for x in trace["x"]]
        out[trace["name"]] = dict(zip(months, decode(trace["y"]).tolist(), strict=True))
    return out


# --- queries -----------------------------------------------------------------------------

def test_relation_pairs_counts_each_direction(gdelt_db: Path) -> None:
    db = open_db(gdelt_db, read_only=True)
    pairs = q.relation_pairs(db).set_index(["source_actor", "target_actor"])
    assert pairs.loc[("USA", "PRK"), "events"] == 3 and pairs.loc[("PRK", "USA"), "events"] == 1
    assert pairs.loc[("USA", "PRK"), ["first_day", "last_day"]].tolist() == ["2006-01-15", "2024-01-05"]
    assert pairs.loc[("PRK", "USA"), "source_name"] == "North Korea"
    assert int(pairs["events"].sum()) == db["relations"].count


def test_relations_monthly_both_and_one_direction(gdelt_db: Path) -> None:
    db = open_db(gdelt_db, read_only=True)
    both = q.relations_monthly(db, "USA", "PRK")
    assert list(both.columns) == q.MONTHLY_COLUMNS
    assert both[["month", "events", "mean_goldstein", "quad3"]].values.tolist() == [
        ["2006-01", 2, -4.5, 2], ["2013-04", 1, -2.0, 1], ["2024-01", 1, -2.0, 1]]
    assert set(both["direction"]) == {"USA<->PRK"}
    back = q.relations_monthly(db, "PRK", "USA", both_directions=False)
    assert back[["month", "direction", "events", "mean_goldstein"]].values.tolist() == [
        ["2006-01", "PRK->USA", 1, -7.0]]
    years = q.relations_monthly(db, "USA", "PRK", first="2010-01-01", last="2013-12-31")
    assert years["month"].tolist() == ["2013-04"]
    coop = q.relations_monthly(db, "CHN", "PRK")
    assert coop[["month", "quad1", "quad2", "quad3", "quad4"]].values.tolist() == [
        ["2006-01", 1, 0, 0, 0], ["2013-04", 1, 0, 0, 0], ["2024-01", 1, 0, 0, 0]]


def test_relation_events_are_the_evidence_of_one_month(gdelt_db: Path) -> None:
    db = open_db(gdelt_db, read_only=True)
    events = q.relation_events(db, "USA", "PRK", "2006-01")
    assert events["id"].tolist() == ["gdelt:100000001", "gdelt:100000002"]
    assert events["event_code"].tolist() == ["112", "138"] and events["url"].isna().all()
    assert q.relation_events(db, "USA", "PRK", "2006-01", both_directions=False)["id"].tolist() == [
        "gdelt:100000001"]


def test_queries_read_the_pair_index(gdelt_db: Path) -> None:
    db = open_db(gdelt_db, read_only=True)
    sql, params = q._pair_rows("USA", "PRK", True, "2006-01-01", "2024-12-31", "day")
    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert plan.count("USING COVERING INDEX relations_pair_day") == 2 and "SCAN" not in plan


def test_a_database_without_the_relations_table(tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "old.db").execute("CREATE TABLE actors (code TEXT)").connection.close()
    db = open_db(tmp_path / "old.db", read_only=True)
    assert q.relation_pairs(db).empty and q.relations_monthly(db, "USA", "CHN").empty


# --- chart -------------------------------------------------------------------------------

def test_chart_names_the_caveat_and_escapes_names() -> None:
    monthly = pd.DataFrame({"month": ["2020-01", "2020-03"], "direction": "X<->Y", "events": [2, 1],
                              "mean_goldstein": [1.5, -3.0], "quad1": [2, 0], "quad2": [0, 0], "quad3": [0, 1],
                              "quad4": [0, 0]})
    fig = relations_chart(monthly, "<b>A</b>", "B & C")
    title = fig.layout.title.text
    assert CAVEAT in title and "&lt;b&gt;A&lt;/b&gt;" in title and "B &amp; C" in title
    line = fig.data[0]
    assert list(line.y[:3])[0] == 1.5 and math.isnan(line.y[1]) and line.y[2] == -3.0  # February: a gap
    assert [t.name for t in fig.data[1:]] == ["Verbal cooperation", "Material cooperation", "Verbal conflict",
                                              "Material conflict"]


# --- page --------------------------------------------------------------------------------

def test_page_shows_the_banner_and_the_monthly_values(gdelt_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("relations", gdelt_db, monkeypatch, a="USA", b="PRK")
    assert not at.exception
    assert any(BANNER in w.value for w in at.warning)
    (fig,) = figures(at)
    assert CAVEAT in fig["layout"]["title"]["text"]
    values = monthly_values(fig)
    line = values["Mean Goldstein score"]
    assert len(line) == 12 * 18 + 1  # every month from January 2006 to January 2024
    assert (line["2006-01"], line["2013-04"], line["2024-01"]) == (-4.5, -2.0, -2.0)
    assert math.isnan(line["2006-02"])
    conflict = values["Verbal conflict"]
    assert (conflict["2006-01"], conflict["2013-04"], conflict["2024-01"], conflict["2006-02"]) == (2, 1, 1, 0)
    assert sum(values["Verbal cooperation"].values()) == 0
    assert at.query_params["a"] == "USA" and at.query_params["b"] == "PRK"


def test_page_one_direction_and_the_events_of_a_month(gdelt_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("relations", gdelt_db, monkeypatch, a="USA", b="PRK", dir="b->a", month="2006-01")
    assert not at.exception
    line = monthly_values(figures(at)[0])["Mean Goldstein score"]
    assert line == {"2006-01": -7.0}
    (table,) = at.dataframe
    df = table.value
    assert df["GDELT id"].tolist() == ["100000002"] and df["From"].tolist() == ["North Korea"]
    assert df["Category"].tolist() == ["13 threaten"] and df["Event code"].tolist() == ["138"]


def test_page_links_the_reports(gdelt_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("relations", gdelt_db, monkeypatch, a="USA", b="CHN", month="2024-01")
    assert not at.exception
    df = at.dataframe[0].value
    assert df["Event code"].tolist() == ["010", "0231"]
    assert df["Report"].tolist() == ["https://news.example.com/2024/01/05/us-china-statement",
                                     "https://news.example.com/2024/01/05/china-appeal"]


def test_page_year_range_and_direction_widgets(gdelt_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("relations", gdelt_db, monkeypatch, a="USA", b="PRK")
    at.radio(key="rel_dir").set_value("a->b").run()
    assert not at.exception and at.query_params["dir"] == "a->b"
    assert set(monthly_values(figures(at)[0])["Mean Goldstein score"]) >= {"2006-01", "2013-04", "2024-01"}
    at.slider(key="rel_years").set_value((2010, 2024)).run()
    line = monthly_values(figures(at)[0])["Mean Goldstein score"]
    assert min(line) == "2013-04" and at.query_params["from"] == "2010"


def test_unknown_url_actor_gives_a_notice(gdelt_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("relations", gdelt_db, monkeypatch, a="XXX")
    assert not at.exception
    assert any("Ignored a=" in w.value for w in at.warning)
    assert figures(at)


@pytest.mark.parametrize("which", ["empty", "sample"])
def test_no_gdelt_events_gives_loading_instructions(which: str, tmp_path: Path, sample_db: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db = sample_db
    if which == "empty":
        db = tmp_path / "empty.db"
        open_db(db).close()
    at = page_app("relations", db, monkeypatch)
    assert not at.exception
    assert any(BANNER in w.value for w in at.warning)
    assert any(LOAD_HINT in i.value for i in at.info)
    assert not figures(at)
