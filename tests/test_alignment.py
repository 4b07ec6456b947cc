"""Alignment page: agreement from roll-call votes, checked against hand-computed answers.

The small database (built by `votes_db`):

    resolution        body  year   CHN      RUS     USA      FRA
    S/RES/9001 (2016) UNSC  2016   yes      yes     yes      yes
    S/RES/9002 (2017) UNSC  2017   abstain  no      yes      non-voting
    S/RES/9003 (2017) UNSC  2017   no       no      yes      -
    A/RES/9004 (2022) UNGA  2022   yes      absent  abstain  -

Worked by hand (common votes = both voted yes, no or abstain):
    CHN-RUS: 3 common (R1-R3), alike on R1 and R3 -> 2/3; abstention as half: + R2 -> 2.5/3
    CHN-USA: 4 common, alike on R1 -> 1/4; half: + R2 and R4 -> 2/4
    RUS-USA: 3 common, alike on R1 -> 1/3 (no abstention between them, so half changes nothing)
    FRA-anyone: 1 common (R1; non-voting does not count), alike -> 1/1
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stance.charts import alignment as charts
from stance.db import open_db
from stance.ingest.load import load_paths
from stance.queries import alignment as align
from stance.views.common import md_escape, shown
from tests.helpers import ISSUES_CSV, VOTE_COLUMNS, vote, write_rows
from tests.pages import decode, figures, page_app

VOTES = {
    ("S/RES/9001 (2016)", "UNSC", "2016-03-01"): {"CHN": "yes", "RUS": "yes", "USA": "yes", "FRA": "yes"},
    ("S/RES/9002 (2017)", "UNSC", "2017-03-01"): {"CHN": "abstain", "RUS": "no", "USA": "yes", "FRA": "non-voting"},
    ("S/RES/9003 (2017)", "UNSC", "2017-09-01"): {"CHN": "no", "RUS": "no", "USA": "yes"},
    ("A/RES/9004 (2022)", "UNGA", "2022-06-01"): {"CHN": "yes", "RUS": "absent", "USA": "abstain"},
}


@pytest.fixture
def votes_db(tmp_path: Path) -> Path:
    rows = [vote(resolution=res, body=body, date=date, actor=actor, vote=v)
            for (res, body, date), cast in VOTES.items() for actor, v in cast.items()]
    path = tmp_path / "votes.db"
    db = open_db(path)
    result = load_paths(db, [ISSUES_CSV, write_rows(tmp_path / "votes.csv", rows, VOTE_COLUMNS)])
    db.close()
    assert result.written, result.problems
    return path


@pytest.fixture
def vm(votes_db: Path) -> align.VoteMatrix:
    db = open_db(votes_db)
    try:
        return align.vote_matrix(db)
    finally:
        db.close()


def pair(df, a: str, b: str) -> tuple[float, int]:
    row = df[(df["actor"] == a) & (df["other"] == b)].iloc[0]
    return row["agree"], row["common"]


# --- computation -----------------------------------------------------------------------------

def test_vote_matrix_codes_and_order(vm: align.VoteMatrix) -> None:
    assert vm.votes.shape == (4, 4)
    assert vm.codes[:3] == ("CHN", "USA", "RUS") and vm.codes[3] == "FRA"  # most votes first
    assert vm.years.tolist() == [2016, 2017, 2017, 2022]
    usa = vm.votes[:, vm.index("USA")].tolist()
    assert usa == [align.YES, align.YES, align.YES, align.ABSTAIN]
    assert vm.votes[:, vm.index("FRA")].tolist() == [align.YES, 0, 0, 0]  # non-voting is no vote


@pytest.mark.parametrize(("half", "expected"), [
    (False, {("CHN", "RUS"): (2 / 3, 3), ("CHN", "USA"): (1 / 4, 4), ("RUS", "USA"): (1 / 3, 3),
             ("CHN", "FRA"): (1.0, 1)}),
    (True, {("CHN", "RUS"): (2.5 / 3, 3), ("CHN", "USA"): (2 / 4, 4), ("RUS", "USA"): (1 / 3, 3),
            ("CHN", "FRA"): (1.0, 1)}),
])
def test_agreement_by_hand(vm: align.VoteMatrix, half: bool, expected: dict) -> None:
    df = align.agreement(vm, ("CHN", "RUS", "USA", "FRA"), half_abstain=half)
    for (a, b), (share, common) in expected.items():
        for x, y in ((a, b), (b, a)):  # symmetric
            got, n = pair(df, x, y)
            assert got == pytest.approx(share) and n == common


def test_pairs_below_the_minimum_are_blank_not_zero(vm: align.VoteMatrix) -> None:
    df = align.agreement(vm, ("CHN", "RUS", "USA", "FRA"), min_votes=2)
    share, common = pair(df, "CHN", "FRA")
    assert math.isnan(share) and common == 1
    assert pair(df, "CHN", "RUS")[0] == pytest.approx(2 / 3)
    assert math.isnan(pair(align.agreement(vm, ("CHN", "RUS"), min_votes=4), "CHN", "RUS")[0])


def test_filters_body_and_years(votes_db: Path) -> None:
    db = open_db(votes_db)
    council = align.vote_matrix(db, body="UNSC")
    assert pair(align.agreement(council, ("CHN", "USA")), "CHN", "USA") == (pytest.approx(1 / 3), 3)
    y2017 = align.vote_matrix(db, first=2017, last=2017)
    assert pair(align.agreement(y2017, ("CHN", "RUS")), "CHN", "RUS") == (pytest.approx(1 / 2), 2)
    assert align.vote_matrix(db, issue="double-freeze").votes.shape[0] == 0
    assert align.vote_years(db) == (2016, 2022)
    with pytest.raises(ValueError):
        align.vote_matrix(db, body="UNHRC")
    db.close()


def test_most_similar(vm: align.VoteMatrix) -> None:
    top = align.most_similar(vm, "CHN")
    assert top["code"].tolist() == ["FRA", "RUS", "USA"]
    assert top["common"].tolist() == [1, 3, 4]
    assert align.most_similar(vm, "CHN", min_votes=2)["code"].tolist() == ["RUS", "USA"]
    assert align.most_similar(vm, "CHN", n=1)["code"].tolist() == ["FRA"]
    assert align.most_similar(vm, "XXX").empty


def test_pair_by_year(vm: align.VoteMatrix) -> None:
    plain = align.pair_by_year(vm, "CHN", "USA").set_index("year")
    assert plain.index.tolist() == list(range(2016, 2023))
    assert plain.loc[2016, "agree"] == 1.0 and plain.loc[2017, "agree"] == 0.0 and plain.loc[2017, "common"] == 2
    assert math.isnan(plain.loc[2019, "agree"]) and plain.loc[2019, "common"] == 0
    half = align.pair_by_year(vm, "CHN", "USA", half_abstain=True).set_index("year")
    assert half.loc[2017, "agree"] == 0.25 and half.loc[2022, "agree"] == 0.5


def test_pair_counts_match_a_plain_loop_on_random_votes() -> None:
    rng = np.random.default_rng(7)
    votes = rng.integers(0, 4, size=(300, 12)).astype(np.int8)
    for half in (False, True):
        score, common = align.pair_counts(votes, votes, half)
        for i in range(12):
            for j in range(12):
                a, b = votes[:, i], votes[:, j]
                both = (a > 0) & (b > 0)
                same = ((a == b) & both).sum()
                mixed = (both & ((a == align.ABSTAIN) != (b == align.ABSTAIN))).sum()
                assert common[i, j] == both.sum()
                assert score[i, j] == pytest.approx(same + (0.5 * mixed if half else 0))


def test_vote_matrix_matches_the_database_at_scale(tmp_path: Path) -> None:
    """Two hundred resolutions x 30 countries written straight to SQLite, read back exactly."""
    db = open_db(tmp_path / "scale.db")
    load_paths(db, [ISSUES_CSV])
    codes = [r[0] for r in db.execute("SELECT code FROM actors WHERE kind = 'state' ORDER BY code LIMIT 30")]
    rng = np.random.default_rng(3)
    names = ["yes", "no", "abstain", "absent", "non-voting"]
    with db.conn:
        db.conn.executemany("INSERT INTO resolutions (id, body, date, issue, polarity, adopted) VALUES (?,?,?,?,1,1)",
                            [(f"A/RES/{i}", "UNGA", f"{2000 + i % 20}-01-01", "dprk-sanctions") for i in range(200)])
        db.conn.executemany("INSERT INTO votes (resolution, actor, vote) VALUES (?,?,?)",
                            [(f"A/RES/{i}", c, names[rng.integers(0, 5)]) for i in range(200) for c in codes])
    vm = align.vote_matrix(db)
    code_of = {"yes": align.YES, "no": align.NO, "abstain": align.ABSTAIN}
    # Rows are resolutions with a yes/no/abstain vote, ordered by date then id.
    rows = [r[0] for r in db.execute(
        "SELECT id FROM resolutions r WHERE EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id "
        "AND v.vote IN ('yes', 'no', 'abstain')) ORDER BY date, id")]
    assert vm.votes.shape == (len(rows), 30)
    for resolution, actor, cast in db.execute("SELECT resolution, actor, vote FROM votes").fetchall():
        assert vm.votes[rows.index(resolution), vm.index(actor)] == code_of.get(cast, 0)
    db.close()


def test_bloc_order_puts_blocs_together() -> None:
    # Two blocs interleaved: 0, 2, 4 agree among themselves (95 %), as do 1, 3, 5; across: 30 %.
    n = 6
    agree = np.full((n, n), 0.3)
    for i in range(n):
        for j in range(n):
            if i % 2 == j % 2:
                agree[i, j] = 0.95
    agree[0, 3] = agree[3, 0] = np.nan  # an unknown pair must not break the ordering
    order = align.bloc_order(agree)
    assert sorted(order) == list(range(n))
    blocs = [i % 2 for i in order]
    assert blocs in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])
    assert align.bloc_order(np.ones((1, 1))) == [0]


# --- charts ----------------------------------------------------------------------------------

def test_agreement_heatmap_keeps_blank_pairs_blank(vm: align.VoteMatrix) -> None:
    pairs = align.agreement(vm, ("CHN", "RUS", "USA", "FRA"), min_votes=2)
    fig = charts.agreement_heatmap(pairs, ["USA", "CHN", "RUS", "FRA"], 2)
    hm = fig.data[0]
    z = np.asarray(hm.z, dtype=float)
    assert (hm.zmin, hm.zmax) == (0, 100)
    assert list(fig.layout.yaxis.ticktext) == ["United States", "China", "Russia", "France"]
    assert z[0, 1] == pytest.approx(25) and math.isnan(z[1, 3])  # USA-CHN 1/4; CHN-FRA below minimum
    assert "of 4 common votes" in hm.text[0][1]
    assert "only 1 common vote (the minimum is 2)" in hm.text[1][3]
    assert list(fig.data[1].x).count(None) == 7  # FRA against the three others both ways, and itself (1 vote)


def test_pair_chart_marks_thin_years(vm: align.VoteMatrix) -> None:
    by_year = align.pair_by_year(vm, "CHN", "USA")
    fig = charts.pair_chart(by_year, "China", "United States", min_votes=2)
    line, bars = fig.data
    symbols = dict(zip(line.x, line.marker.symbol, strict=True))
    assert symbols[2017] == "circle" and symbols[2016] == "circle-open"
    assert list(bars.y) == by_year["common"].tolist()
    assert "China and United States" in fig.layout.title.text


# --- the page --------------------------------------------------------------------------------

def matrix(at) -> tuple[np.ndarray, dict]:
    fig = figures(at)[0]
    return decode(fig["data"][0]["z"]), fig


def test_page_on_the_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", sample_db, monkeypatch)
    assert not at.exception
    figs = figures(at)
    assert len(figs) == 3  # matrix, one pair, who moved
    labels = figs[0]["layout"]["yaxis"]["ticktext"]
    assert "China" in labels and "United States" in labels and len(labels) == 15
    assert at.query_params["pair_a"] == "CHN" and at.query_params["pair_b"] == "USA"
    table = at.dataframe[0].value
    assert len(table) == 10 and table["Common votes"].min() >= 3
    assert any("rest on few votes" in w.value for w in at.warning)  # the sample is small: say so


def test_page_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("alignment", tmp_path / "e.db", monkeypatch)
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value


def test_page_without_votes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(tmp_path / "novotes.db")
    load_paths(db, [ISSUES_CSV])
    db.close()
    at = page_app("alignment", tmp_path / "novotes.db", monkeypatch)
    assert not at.exception and "No UN roll-call votes" in at.info[0].value


def test_page_ignores_a_malformed_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", sample_db, monkeypatch, body="UNHRC", issue="<script>", half="perhaps",
                  min_votes="-1", countries="ZZZ", pair_a="", pair_b="XX", like="1; DROP TABLE votes",
                  **{"from": "1800"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for param, value in (("body", "UNHRC"), ("issue", "<script>"), ("half", "perhaps"), ("min_votes", "-1"),
                         ("pair_b", "XX")):
        assert f"Ignored {md_escape(param)}={shown(value)}" in notices
    assert "date range" in notices
    assert len(figures(at)) == 3


def test_half_abstention_changes_the_matrix(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In 2024 China abstained on S/2024/255 where the United States voted yes: half counts it.
    at = page_app("alignment", sample_db, monkeypatch, countries="CHN,USA,RUS")
    before, fig = matrix(at)
    at.selectbox(key="measure").set_value("graded").run()
    assert not at.exception
    after, _ = matrix(at)
    assert not np.array_equal(before, after, equal_nan=True)
    assert at.query_params["measure"] == "graded"


def test_minimum_blanks_pairs_on_the_page(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", sample_db, monkeypatch, countries="CHN,USA,JPN,KOR")
    low, _ = matrix(at)
    at.number_input(key="min_votes").set_value(12).run()
    high, _ = matrix(at)
    assert np.isnan(high).sum() > np.isnan(low).sum()


def test_url_round_trip(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", sample_db, monkeypatch, countries="CHN,RUS,USA,FRA,GBR")
    at.selectbox(key="measure").set_value("kappa").run()
    at.number_input(key="min_votes").set_value(4).run()
    at.slider(key="years").set_value((2009, 2024)).run()
    at.selectbox(key="pair_b").set_value("RUS").run()
    at.selectbox(key="like").set_value("USA").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["measure"] == "kappa" and params["min_votes"] == "4" and params["pair_b"] == "RUS"
    again = page_app("alignment", sample_db, monkeypatch, **params)
    assert not again.exception and not [w for w in again.warning if "Ignored" in w.value]
    assert [f["data"] for f in figures(again)] == [f["data"] for f in figures(at)]
    assert again.dataframe[0].value.equals(at.dataframe[0].value)


# --- The page loads all years once and cuts the chosen ones in numpy: the same matrix -----------

@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stance.synthetic import build_large_db

    path = tmp_path_factory.mktemp("synthetic") / "small.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5)
    return path


def assert_same_matrix(got: align.VoteMatrix, expected: align.VoteMatrix) -> None:
    assert got.codes == expected.codes and got.names == expected.names
    assert np.array_equal(got.votes, expected.votes) and got.votes.dtype == expected.votes.dtype
    assert np.array_equal(got.years, expected.years)


@pytest.mark.parametrize("which", ["sample", "synthetic", "hand"])
def test_select_years_equals_loading_those_years(which: str, sample_db: Path, synthetic_db: Path,
                                                 votes_db: Path) -> None:
    db = open_db({"sample": sample_db, "synthetic": synthetic_db, "hand": votes_db}[which], read_only=True)
    first, last = align.vote_years(db)
    issues = [""] + [r[0] for r in db.execute("SELECT DISTINCT issue FROM resolutions")]
    ranges = [(None, None), (first, last), (first + 1, last - 1), (first, first), (last, last), (last + 1, last + 5),
              (first - 5, first - 1), ((first + last) // 2, last), (None, (first + last) // 2)]
    for body in align.BODIES:
        for issue in issues:
            whole = align.vote_matrix(db, body, issue)
            for low, high in ranges:
                assert_same_matrix(align.select_years(whole, low, high), align.vote_matrix(db, body, issue, low, high))
    db.close()


def test_describe_votes_counts_unanimous_rows_like_a_loop() -> None:
    from stance.views.alignment import describe_votes

    rng = np.random.default_rng(7)
    votes = rng.choice(np.array([0, 1, 1, 1, 2, 3], dtype=np.int8), size=(300, 6))
    votes[:40] = np.where(votes[:40] > 0, 1, 0)  # some rows unanimous among those voting
    votes[40:45] = 0  # rows where nobody voted
    vm = align.VoteMatrix(votes, np.full(300, 2000), tuple("ABCDEF"), tuple("ABCDEF"))
    by_loop = sum(1 for row in votes if (row > 0).any() and (row[row > 0] == row[row > 0][0]).all())
    assert f", {by_loop} of them unanimous" in describe_votes(vm)


def test_changing_years_changes_the_matrix_and_the_count(synthetic_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", synthetic_db, monkeypatch)
    assert not at.exception
    before, _ = matrix(at)
    low, high = at.slider(key="years").value
    at.slider(key="years").set_value((low + 3, high - 3)).run()
    assert not at.exception
    after, _ = matrix(at)
    assert not np.array_equal(before, after, equal_nan=True)
    db = open_db(synthetic_db, read_only=True)
    expected = align.vote_matrix(db, "both", "", low + 3, high - 3)
    db.close()
    assert any(c.value.startswith(f"{expected.votes.shape[0]} resolutions") for c in at.caption)


# --- measures on the page (stance.measures) ------------------------------------------------------

def test_kappa_on_the_page_by_hand(votes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CHN (yes, abstain, no, yes) against USA (yes, yes, yes, abstain), coded 1-3: D_o = 6/4;
    means 7/4 and 5/4, squares 15/4 and 7/4: D_e = 22/4 - 2 (7/4)(5/4) = 9/8 -> kappa = -1/3."""
    at = page_app("alignment", votes_db, monkeypatch, countries="CHN,USA,RUS", measure="kappa", min_votes="1")
    assert not at.exception
    z, fig = matrix(at)
    labels = fig["layout"]["yaxis"]["ticktext"]
    chn, usa = labels.index("China"), labels.index("United States")
    assert z.reshape(len(labels), -1)[chn, usa] == pytest.approx(-1 / 3)
    title = fig["layout"]["title"]["text"]
    assert "kappa" in title and "chance from each state's own vote shares" in title
    assert "no figure below 1 common vote" in title


def test_an_old_half_link_means_graded(votes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", votes_db, monkeypatch, countries="CHN,USA", half="1", min_votes="1")
    assert at.selectbox(key="measure").value == "graded"
    z, fig = matrix(at)
    assert np.nanmin(z) == pytest.approx(50.0)  # CHN-USA: 2/4 with abstentions as half (see the top)
    assert "abstention against a yes or a no = half agreement" in fig["layout"]["title"]["text"]


def test_important_only_and_dropping_unanimous(votes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", votes_db, monkeypatch, important="1")
    assert not at.exception and "No roll-call votes match" in at.info[0].value  # none is marked important
    at = page_app("alignment", votes_db, monkeypatch, unanimous="0", countries="CHN,USA", min_votes="1")
    assert not at.exception
    assert "3 resolutions with recorded votes" in " ".join(c.value for c in at.caption)  # R1 was unanimous


def test_who_moved_by_hand(vm: align.VoteMatrix) -> None:
    """CHN, 2016-2017 against 2022: USA 1/3 (n 3) -> 0/1 (n 1); RUS and FRA did not vote with
    CHN in 2022 (absent; not in the roll call), so they have no change and come last, by name."""
    from stance.queries import measures as mq

    moved = mq.who_moved(mq.recode(vm), "CHN", "agreement", (2016, 2017), (2022, 2022), min_n=1)
    assert moved["code"].tolist() == ["USA", "FRA", "RUS"]
    usa = moved.iloc[0]
    assert (usa["before"], usa["n_before"], usa["after"], usa["n_after"]) == (pytest.approx(1 / 3), 3, 0.0, 1)
    assert usa["change"] == pytest.approx(-1 / 3)
    assert moved.iloc[2][["before", "n_before", "n_after"]].tolist() == [pytest.approx(2 / 3), 3, 0]


def test_who_moved_on_the_page(votes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", votes_db, monkeypatch, moved="CHN", before="2016-2017", after="2022-2022",
                  min_votes="1")
    assert not at.exception
    table = at.dataframe[1].value
    assert table["Country"].tolist() == ["United States"]
    assert table.iloc[0].tolist() == ["United States", pytest.approx(100 / 3), 3, 0.0, 1, pytest.approx(-100 / 3)]
    assert at.query_params["before"] == "2016-2017" and at.query_params["after"] == "2022-2022"
    assert "Who moved relative to China" in figures(at)[-1]["layout"]["title"]["text"]
