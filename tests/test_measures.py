"""stance.measures: each formula against hand-computed cases, including the degenerate ones.

The main case, worked by hand (yes 1, abstain 2, no 3):

    roll call   1    2        3        4     5
    a           yes  yes      abstain  no    -      (a did not vote on 5)
    b           yes  abstain  abstain  yes   no

    common roll calls n = 4 (1-4); alike on 1 and 3 -> agreement 2/4 = 0.5
    |a - b| = 0, 1, 0, 2 (sum 3): graded = 1 - 3/8 = 0.625; S = 1 - 2 (3/4) / 2 = 0.25
    (a - b)^2 = 0, 1, 0, 4: D_o = 5/4
    a: mean 7/4, mean of squares 15/4; b (on 1-4): mean 3/2, mean of squares 10/4
    kappa: D_e = 15/4 + 10/4 - 2 (7/4)(3/2) = 1 -> kappa = 1 - 5/4 = -1/4
    pi: pooled mean 13/8, mean of squares 25/8, variance 31/64, D_e = 31/32 -> pi = 1 - 40/31 = -9/31
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stance import measures as m

Y, A, N = m.YES, m.ABSTAIN, m.NO
MAIN = np.array([[Y, Y], [Y, A], [A, A], [N, Y], [0, N]], dtype=np.int8)
EXPECTED = {"agreement": 0.5, "graded": 0.625, "s": 0.25, "kappa": -0.25, "pi": -9 / 31}


def one_pair(votes: np.ndarray, measure: str, min_n: int = 1) -> float:
    s = m.pair_sums(votes[:, [0]], votes[:, [1]])
    return float(m.figure(s, measure, min_n)[0, 0])


@pytest.mark.parametrize("measure", m.MEASURES)
def test_main_case_by_hand(measure: str) -> None:
    assert one_pair(MAIN, measure) == pytest.approx(EXPECTED[measure])
    assert m.pair_sums(MAIN).n[0, 1] == 4


@pytest.mark.parametrize("measure", m.MEASURES)
def test_symmetric(measure: str) -> None:
    assert one_pair(MAIN[:, ::-1], measure) == pytest.approx(EXPECTED[measure])


def weighted_kappa_textbook(a: np.ndarray, b: np.ndarray, pooled: bool) -> float:
    """Cohen's/Scott's weighted index written the textbook way: a 3x3 table of proportions,
    weights (i - j)^2, expected table from the marginals. An independent check of the sums."""
    cats = np.array([Y, A, N])
    w = (cats[:, None] - cats[None, :]) ** 2
    both = (a > 0) & (b > 0)
    a, b = a[both], b[both]
    observed = np.array([[np.mean((a == i) & (b == j)) for j in cats] for i in cats])
    pa, pb = observed.sum(axis=1), observed.sum(axis=0)
    if pooled:
        pa = pb = (pa + pb) / 2
    return 1 - (w * observed).sum() / (w * np.outer(pa, pb)).sum()


def test_kappa_and_pi_match_the_textbook_tables_on_random_votes() -> None:
    rng = np.random.default_rng(7)
    votes = rng.choice([0, Y, A, N], p=[0.1, 0.6, 0.15, 0.15], size=(200, 6)).astype(np.int8)
    s = m.pair_sums(votes)
    kappa, pi = m.figure(s, "kappa"), m.figure(s, "pi")
    for i in range(6):
        for j in range(6):
            assert kappa[i, j] == pytest.approx(weighted_kappa_textbook(votes[:, i], votes[:, j], False))
            assert pi[i, j] == pytest.approx(weighted_kappa_textbook(votes[:, i], votes[:, j], True))


def test_agreement_matches_the_alignment_page() -> None:
    """The page's own count (stance.queries.alignment, codes 1 yes 2 no 3 abstain) and this module agree."""
    from stance.queries.alignment import pair_counts

    rng = np.random.default_rng(3)
    page_codes = rng.integers(0, 4, size=(120, 8)).astype(np.int8)
    score, common = pair_counts(page_codes, page_codes, half_abstain=True)
    s = m.pair_sums(m.ordinal(page_codes))
    assert np.array_equal(s.n, common)
    with np.errstate(invalid="ignore"):
        assert np.allclose(m.figure(s, "graded"), score / common, equal_nan=True)
    score, _ = pair_counts(page_codes, page_codes)
    with np.errstate(invalid="ignore"):
        assert np.allclose(m.figure(s, "agreement"), score / common, equal_nan=True)


# --- degenerate cases ----------------------------------------------------------------------------

def test_both_voted_yes_on_everything() -> None:
    """Perfect raw agreement, but nothing varies: chance-corrected indices are 0/0, so no figure."""
    votes = np.array([[Y, Y]] * 5, dtype=np.int8)
    assert [one_pair(votes, x) for x in ("agreement", "graded", "s")] == [1.0, 1.0, 1.0]
    assert math.isnan(one_pair(votes, "kappa")) and math.isnan(one_pair(votes, "pi"))


def test_one_state_voted_one_way_on_everything() -> None:
    """a always yes, b yes/abstain/no/yes: D_o = 5/4; kappa D_e = 1 + 15/4 - 2 (1)(7/4) = 5/4 -> 0;
    pi: pooled mean 11/8, squares 19/8, D_e = 2 (19/8 - 121/64) = 31/32 -> 1 - 40/31 = -9/31."""
    votes = np.array([[Y, Y], [Y, A], [Y, N], [Y, Y]], dtype=np.int8)
    assert one_pair(votes, "agreement") == 0.5
    assert one_pair(votes, "s") == pytest.approx(1 - 3 / 4)
    assert one_pair(votes, "kappa") == pytest.approx(0.0)
    assert one_pair(votes, "pi") == pytest.approx(-9 / 31)


def test_always_opposite() -> None:
    """a always yes, b always no: the most distant pair. S = -1; kappa = 1 - 4/4 = 0 (each is
    constant, so chance predicts exactly this); pi: pooled half yes, half no, D_e = 2, pi = -1."""
    votes = np.array([[Y, N]] * 3, dtype=np.int8)
    assert [one_pair(votes, x) for x in m.MEASURES] == pytest.approx([0.0, 0.0, -1.0, 0.0, -1.0])


@pytest.mark.parametrize("measure", m.MEASURES)
def test_no_common_votes_gives_no_figure(measure: str) -> None:
    votes = np.array([[Y, 0], [0, N], [0, 0]], dtype=np.int8)
    assert math.isnan(one_pair(votes, measure))
    assert m.pair_sums(votes).n[0, 1] == 0


@pytest.mark.parametrize("measure", m.MEASURES)
def test_below_min_n_gives_no_figure_not_zero(measure: str) -> None:
    assert math.isnan(one_pair(MAIN, measure, min_n=5))
    assert one_pair(MAIN, measure, min_n=4) == pytest.approx(EXPECTED[measure])


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="measure must be one of"):
        m.figure(m.pair_sums(MAIN), "tau")


def test_ordinal_recodes_the_page_codes() -> None:
    assert m.ordinal(np.array([0, 1, 2, 3], dtype=np.int8)).tolist() == [0, Y, N, A]


def test_unanimous_is_among_those_voting() -> None:
    votes = np.array([[Y, Y, 0], [Y, N, Y], [0, 0, 0], [A, A, A]], dtype=np.int8)
    assert m.unanimous(votes).tolist() == [True, False, True, True]


# --- tables ----------------------------------------------------------------------------------------

YEARS = np.array([2000, 2000, 2000, 2001, 2001])
TABLE = np.array([  # states P, Q, R; 2000: three roll calls, 2001: two
    [Y, Y, Y],
    [Y, A, N],
    [A, A, 0],
    [N, Y, Y],
    [Y, Y, Y],
], dtype=np.int8)


def test_dyads_by_year_all_pairs() -> None:
    df = m.dyads(TABLE, YEARS, ["P", "Q", "R"], measures=("agreement",), min_n=2)
    got = {(r.actor_a, r.actor_b, r.year): (r.n, r.agreement) for r in df.itertuples()}
    assert set(got) == {(a, b, y) for a, b in (("P", "Q"), ("P", "R"), ("Q", "R")) for y in (2000, 2001)}
    assert got[("P", "Q", 2000)] == (3, pytest.approx(2 / 3))
    assert got[("P", "R", 2000)] == (2, 0.5)
    assert got[("Q", "R", 2001)] == (2, 1.0)
    assert got[("P", "R", 2001)] == (2, 0.5)


def test_dyads_min_n_keeps_the_row_with_n_and_no_figure() -> None:
    df = m.dyads(TABLE, YEARS, ["P", "Q", "R"], measures=("agreement", "kappa"), min_n=3)
    row = df[(df.actor_a == "P") & (df.actor_b == "R") & (df.year == 2000)].iloc[0]
    assert row["n"] == 2 and math.isnan(row["agreement"]) and math.isnan(row["kappa"])


def test_dyads_window_and_one_actor() -> None:
    df = m.dyads(TABLE, YEARS, ["P", "Q", "R"], measures=("agreement", "graded"), by="window", actor="R", min_n=1)
    assert df["actor_a"].tolist() == ["R", "R"] and df["actor_b"].tolist() == ["P", "Q"]
    assert df["year"].isna().all()
    assert df["n"].tolist() == [4, 4]
    # R-P over 1, 2, 4, 5: alike on 1 and 5 -> 0.5; |d| = 0, 2, 2, 0 -> graded 1 - 4/8 = 0.5
    # R-Q: alike on 1, 4, 5 -> 0.75; |d| = 0, 1, 0, 0 -> graded 1 - 1/8
    assert df["agreement"].tolist() == [0.5, 0.75]
    assert df["graded"].tolist() == [0.5, 0.875]


def test_dyads_drop_unanimous() -> None:
    df = m.dyads(TABLE, YEARS, ["P", "Q", "R"], measures=("agreement",), by="window", min_n=1,
                 drop_unanimous=True)  # roll calls 1, 3 (among those voting) and 5 go
    pq = df[(df.actor_a == "P") & (df.actor_b == "Q")].iloc[0]
    assert pq["n"] == 2 and pq["agreement"] == 0.0


def test_dyads_unknown_actor_or_nothing_to_compare() -> None:
    assert m.dyads(TABLE, YEARS, ["P", "Q", "R"], actor="ZZZ").empty
    empty = m.dyads(np.zeros((0, 3), dtype=np.int8), np.zeros(0, dtype=int), ["P", "Q", "R"])
    assert empty.empty and list(empty.columns) == ["actor_a", "actor_b", "year", "n", *m.MEASURES]


def test_long_form_columns() -> None:
    wide = m.dyads(TABLE, YEARS, ["P", "Q", "R"], measures=("s", "pi"), by="window", min_n=1)
    long = m.long_form(wide, ("s", "pi"))
    assert list(long.columns) == ["actor_a", "actor_b", "year", "measure", "value", "n"]
    assert len(long) == 2 * len(wide) and set(long["measure"]) == {"s", "pi"}
    assert isinstance(long, pd.DataFrame)


# --- from a real database file -------------------------------------------------------------------

def unvotes_db(tmp_path, roll_calls: list[tuple[int, str, int]], votes: dict[int, dict[str, str]]):
    """A database loaded through the real loader from unvotes-format files.

    roll_calls: (rcid, date, importantvote); votes: rcid -> {ISO-2 code: yes/no/abstain}."""
    from stance.db import open_db
    from stance.ingest.load import load_paths
    from tests.helpers import ISSUES_CSV

    calls = tmp_path / "un_roll_calls.csv"
    calls.write_text('"rcid","session","importantvote","date","unres","amend","para","short","descr"\n' + "".join(
        f'{rcid},{int(date[:4]) - 1945},{imp},{date},"R/{rcid}",0,0,"T{rcid}","Roll call {rcid}"\n'
        for rcid, date, imp in roll_calls))
    cast = tmp_path / "un_votes.csv"
    cast.write_text('"rcid","country","country_code","vote"\n' + "".join(
        f'{rcid},"{code}","{code}","{v}"\n' for rcid, by in votes.items() for code, v in by.items()))
    path = tmp_path / "m.db"
    db = open_db(path)
    result = load_paths(db, [ISSUES_CSV, calls, cast])
    assert result.written, result.problems
    return db


def test_dyadic_from_the_database_with_important_only(tmp_path) -> None:
    """US-China on three roll calls (two important): yes/no, yes/yes, abstain/yes.
    All: agreement 1/3, n 3. Important only (the first two): 1/2, n 2."""
    from stance.queries.measures import Selection, dyadic

    db = unvotes_db(tmp_path, [(1, "2001-10-01", 1), (2, "2001-11-01", 1), (3, "2002-11-01", 0)],
                    {1: {"US": "yes", "CN": "no"}, 2: {"US": "yes", "CN": "yes"}, 3: {"US": "abstain", "CN": "yes"}})
    try:
        window = dyadic(db, Selection(), ("agreement",), by="window", actor="USA", min_n=1)
        assert window[["actor_b", "n", "agreement"]].values.tolist() == [["CHN", 3, pytest.approx(1 / 3)]]
        important = dyadic(db, Selection(important=True), ("agreement",), by="window", actor="USA", min_n=1)
        assert important[["n", "agreement"]].values.tolist() == [[2, 0.5]]
        by_year = dyadic(db, Selection(), ("agreement",), actor="CHN", min_n=1)
        assert by_year[["actor_a", "actor_b", "year", "n"]].values.tolist() == [["CHN", "USA", 2001, 2],
                                                                                  ["CHN", "USA", 2002, 1]]
        assert dyadic(db, Selection(body="UNSC"), ("agreement",)).empty
    finally:
        db.close()


# --- the command line ------------------------------------------------------------------------------

def run_cli(*args: str):
    from click.testing import CliRunner

    from stance.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def three_states(tmp_path):
    """USA, CHN, RUS on four roll calls in 2001-2002:
        rcid  year  USA      CHN  RUS
        1     2001  yes      no   no
        2     2001  yes      yes  yes
        3     2002  abstain  yes  no
        4     2002  no       yes  -
    """
    db = unvotes_db(tmp_path, [(1, "2001-10-01", 1), (2, "2001-11-01", 0), (3, "2002-11-01", 0),
                               (4, "2002-12-01", 0)],
                    {1: {"US": "yes", "CN": "no", "RU": "no"}, 2: {"US": "yes", "CN": "yes", "RU": "yes"},
                     3: {"US": "abstain", "CN": "yes", "RU": "no"}, 4: {"US": "no", "CN": "yes"}})
    db.close()
    return tmp_path / "m.db"


def test_cli_measures_csv_by_year_for_one_actor(three_states) -> None:
    """USA-CHN 2001: alike on 2 of 2... no: yes/no, yes/yes -> 1/2; 2002: abstain/yes, no/yes -> 0/2.
    USA-RUS 2001: yes/no, yes/yes -> 1/2; 2002: abstain/no only -> n 1, below --min-votes 2: empty."""
    result = run_cli("measures", "agreement", "--actor", "United States", "--min-votes", "2",
                     "--db", str(three_states))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "actor_a,actor_b,year,measure,value,n"
    assert sorted(lines[1:]) == sorted([
        "USA,CHN,2001,agreement,0.500000,2", "USA,RUS,2001,agreement,0.500000,2",
        "USA,CHN,2002,agreement,0.000000,2", "USA,RUS,2002,agreement,,1"])
    assert "4 rows (3 with a figure" in result.stderr


def test_cli_measures_window_to_a_file(three_states, tmp_path) -> None:
    """All pairs over 2001-2002: CHN-RUS common 1, 2, 3 -> alike on 1, 2 -> kappa on
    CHN (3,1,1) vs RUS (3,1,3): D_o = 4/3; means 5/3 and 7/3, squares 11/3 and 19/3:
    D_e = 11/3 + 19/3 - 2 (5/3)(7/3) = 20/9 -> kappa = 1 - (4/3)/(20/9) = 0.4."""
    out = tmp_path / "k.csv"
    result = run_cli("measures", "kappa", "--by", "window", "--min-votes", "1", "-o", str(out),
                     "--db", str(three_states))
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, keep_default_na=False)
    row = df[(df.actor_a == "CHN") & (df.actor_b == "RUS")].iloc[0]
    assert row["year"] == "" and row["n"] == 3 and float(row["value"]) == pytest.approx(0.4)


@pytest.mark.parametrize(("args", "message"), [
    (("--issue", "no-such-issue"), "no issue 'no-such-issue'"),
    (("--actor", "Atlantis"), "no actor 'Atlantis'"),
    (("--from", "2005", "--to", "2001"), "--from 2005 is after --to 2001"),
])
def test_cli_measures_bad_options_are_clear(three_states, args, message) -> None:
    result = run_cli("measures", "pi", *args, "--db", str(three_states))
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


# --- checked against a published country-year table ----------------------------------------------

PUBLISHED = Path(__file__).parent / "fixtures" / "published"
PCT_AGREE_US_1985 = {  # Imai (2017), QSS table `unvoting`, PctAgreeUS, Year 1985 (see the folder's README)
    "CAN": 0.4802632, "BHS": 0.1292517, "CUB": 0.05921053, "HTI": 0.1290323, "MEX": 0.1333333,
    "GBR": 0.6225166, "FRA": 0.5298013, "JPN": 0.3684211, "IND": 0.09933775}


def test_agreement_with_the_us_reproduces_a_published_table(tmp_path) -> None:
    from tests.helpers import ISSUES_CSV

    path = tmp_path / "1985.db"
    result = run_cli("load", "--db", str(path), str(ISSUES_CSV), str(PUBLISHED / "un_roll_calls_1985.csv"),
                     str(PUBLISHED / "un_votes_1985.csv"))
    assert result.exit_code == 0, result.output
    out = run_cli("measures", "agreement", "--actor", "USA", "--from", "1985", "--to", "1985", "--min-votes", "1",
                  "--db", str(path))
    got = {line.split(",")[1]: float(line.split(",")[4]) for line in out.stdout.splitlines()[1:]}
    assert got == {code: pytest.approx(share, abs=5e-7) for code, share in PCT_AGREE_US_1985.items()}
