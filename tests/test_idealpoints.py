"""Ideal points: the model's gradient, a tiny record with two blocs, storage and refits, and the
published Bailey-Strezhnev-Voeten files. The whole-record fit is in benchmarks/bench_measures.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from stance import idealpoints as ip
from stance.queries import idealpoints as ipq
from tests.test_measures import run_cli, unvotes_db

Y, A, N = ip.YES, ip.ABSTAIN, ip.NO


def test_gradient_matches_finite_differences() -> None:
    """The analytic gradient of the negative log posterior, against central differences."""
    rng = np.random.default_rng(1)
    votes = rng.choice([0, Y, A, N], p=[0.1, 0.5, 0.2, 0.2], size=(30, 9)).astype(np.int8)
    years = np.sort(rng.integers(2000, 2004, size=30))
    d = ip.prepare(votes, years)
    x = ip._start(votes, d) + rng.normal(0, 0.3, size=len(ip._start(votes, d)))
    settings = ip.Settings()
    numeric = approx_fprime(x, lambda v: ip._objective(v, d, settings)[0], 1e-6)
    assert np.allclose(ip._objective(x, d, settings)[1], numeric, atol=1e-4)


# Two blocs over three years. West: US, GB, FR; East: CN, RU, CU. Each roll call pits them against
# each other, with a few abstentions; one unanimous roll call a year (it must be left out).
WEST, EAST = ("US", "GB", "FR"), ("CN", "RU", "CU")


def bloc_record() -> tuple[list[tuple[int, str, int]], dict[int, dict[str, str]]]:
    calls, votes, rcid = [], {}, 0
    for year in (2001, 2002, 2003):
        for k in range(5):
            rcid += 1
            calls.append((rcid, f"{year}-10-{k + 1:02d}", 0))
            west, east = ("yes", "no") if k % 2 == 0 else ("no", "yes")
            votes[rcid] = {c: west for c in WEST} | {c: east for c in EAST}
            if k == 3:
                votes[rcid]["FR"] = "abstain"
        rcid += 1
        calls.append((rcid, f"{year}-11-01", 0))
        votes[rcid] = {c: "yes" for c in WEST + EAST}
    return calls, votes


@pytest.fixture
def blocs(tmp_path):
    calls, votes = bloc_record()
    return unvotes_db(tmp_path, calls, votes)


def test_two_blocs_fit_apart_with_the_us_positive(blocs) -> None:
    run, fitted = ipq.ensure_fit(blocs)
    assert fitted and run["roll_calls"] == 15  # the three unanimous roll calls are left out
    pts = ipq.points(blocs)
    assert len(pts) == 6 * 3 and set(pts["year"]) == {2001, 2002, 2003}
    west = pts[pts["actor"].isin(["USA", "GBR", "FRA"])]["ideal_point"]
    east = pts[pts["actor"].isin(["CHN", "RUS", "CUB"])]["ideal_point"]
    assert (west > 0).all() and (east < 0).all()
    assert (pts["low"] < pts["ideal_point"]).all() and (pts["ideal_point"] < pts["high"]).all()
    assert set(pts["votes"]) == {5}  # the votes each estimate rests on: five contested roll calls a year
    fra = pts[pts["actor"] == "FRA"]["ideal_point"].mean()
    usa = pts[pts["actor"] == "USA"]["ideal_point"].mean()
    assert 0 < fra < usa  # France's abstentions put it nearer the middle
    settings = json_settings = run["settings"]
    assert '"rho": 0.3' in json_settings and settings


def test_fit_is_stored_and_redone_only_when_the_votes_change(blocs, tmp_path) -> None:
    first, fitted = ipq.ensure_fit(blocs)
    again, refitted = ipq.ensure_fit(blocs)
    assert fitted and not refitted and again["id"] == first["id"]
    blocs.execute("UPDATE votes SET vote = 'abstain' WHERE actor = 'GBR' AND resolution = "
                  "(SELECT id FROM resolutions WHERE rcid = 1)")
    third, refitted = ipq.ensure_fit(blocs)
    assert refitted and third["data_digest"] != first["data_digest"]
    assert blocs.execute("SELECT count(*) FROM ideal_point_runs").fetchone()[0] == 1  # the old run is replaced
    assert blocs.execute("SELECT count(*) FROM ideal_points").fetchone()[0] == 18  # one run's points, no leftovers


def test_votes_that_moved_a_position_most(blocs) -> None:
    ipq.ensure_fit(blocs)
    moved = ipq.moved_most(blocs, "FRA", 2002, n=3)
    assert len(moved) == 3 and list(moved.columns) == ["resolution", "date", "title", "vote", "pull"]
    assert moved["pull"].abs().is_monotonic_decreasing
    assert ipq.moved_most(blocs, "FRA", 1999).empty


def test_cli_idealpoints(blocs, tmp_path) -> None:
    blocs.close()
    db = str(tmp_path / "m.db")
    result = run_cli("measures", "idealpoints", "--actor", "FRA", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "actor,year,ideal_point,low,high,votes" and len(lines) == 4
    assert "fitted now" in result.stderr
    assert "stored fit" in run_cli("measures", "idealpoints", "--db", db).stderr
    refused = run_cli("measures", "idealpoints", "--important", "--db", db)
    assert refused.exit_code == 2 and "do not apply" in refused.output


# --- published estimates -------------------------------------------------------------------------

PUBLISHED_HEADER = "Row,ccode,session,NVotes,IdealPoint,QO%,Q5%,Q10%,Q50%,Q90%,Q95%,Q100%,iso3c,Countryname\n"


def published_file(tmp_path, rows: list[str]):
    path = tmp_path / "IdealpointestimatesAll_Apr2020.csv"
    path.write_bytes((PUBLISHED_HEADER + "".join(r + "\n" for r in rows)).encode("latin-1"))
    return path


def test_published_file_is_latin1_by_session_with_dated_cow_codes(fresh_db, tmp_path) -> None:
    path = published_file(tmp_path, [
        "1,2,40,80,1.9,1.5,1.6,1.7,1.9,2.1,2.2,2.5,USA,United States",
        "2,365,40,80,-1.8,-2.2,-2.1,-2,-1.8,-1.6,-1.5,-1.2,RUS,Russia",
        "3,365,50,70,-0.4,-0.8,-0.7,-0.6,-0.4,-0.2,-0.1,0.1,RUS,Russia",
        "4,437,50,65,0.2,-0.1,0,0.1,0.2,0.3,0.4,0.5,CIV,Côte dIvoire",
    ])
    run, n = ipq.load_published(fresh_db, path)
    assert n == 4 and run["variant"] == "All" and "Bailey" in run["citation"]
    pts = ipq.points(fresh_db, "published", "All").set_index(["actor", "year"])
    assert pts.loc[("SUN", 1985), "ideal_point"] == -1.8  # session 40 (1985): the Soviet Union's seat
    assert pts.loc[("RUS", 1995), "ideal_point"] == -0.4
    assert pts.loc[("CIV", 1995), ["low", "high", "votes"]].tolist() == [0.0, 0.4, 65]
    ipq.load_published(fresh_db, path)  # loading again replaces, never duplicates
    assert fresh_db.execute("SELECT count(*) FROM ideal_points").fetchone()[0] == 4
    assert fresh_db.execute("SELECT count(*) FROM ideal_point_runs").fetchone()[0] == 1


def test_published_file_errors_name_file_line_field(fresh_db, tmp_path) -> None:
    path = published_file(tmp_path, ["1,2,40,80,high,1.5,1.6,1.7,1.9,2.1,2.2,2.5,USA,United States"])
    with pytest.raises(ipq.PublishedFileError, match=r"IdealpointestimatesAll_Apr2020.csv:2: IdealPoint: 'high'"):
        ipq.load_published(fresh_db, path)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(ipq.PublishedFileError, match="missing ccode, session, NVotes, IdealPoint"):
        ipq.read_published(wrong)
    unknown = published_file(tmp_path, ["1,9999,40,80,1,1,1,1,1,1,1,1,XXX,Nowhere"])
    with pytest.raises(ipq.PublishedFileError, match="9999"):
        ipq.load_published(fresh_db, unknown)
    assert fresh_db.execute("SELECT count(*) FROM ideal_point_runs").fetchone()[0] == 0


def test_correlations_pooled_and_by_year() -> None:
    ours = pd.DataFrame({"actor": list("ABCABC"), "year": [1] * 3 + [2] * 3, "ideal_point": [1, 2, 3, 1, 2, 3]})
    theirs = ours.assign(ideal_point=[2, 4, 6, 3, 2, 1])
    pooled, by_year = ipq.correlations(ours, theirs)
    assert by_year["r"].tolist() == pytest.approx([1.0, -1.0]) and by_year["states"].tolist() == [3, 3]
    assert pooled == pytest.approx(np.corrcoef([1, 2, 3, 1, 2, 3], [2, 4, 6, 3, 2, 1])[0, 1])
