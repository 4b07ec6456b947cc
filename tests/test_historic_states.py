"""Issue 10: every state kept, each vote under the state that cast it, and one rule answer per roll call.

Small files written here through the real loader into a real SQLite file; the whole shipped record is
tests/test_record.py.
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from stance.actors import ActorRegistry
from stance.cli import cli
from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths
from tests.helpers import RAW

ISSUE_DEFS = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
ROLL_CALLS = [  # rcid, session, date, short, descr
    (101, 40, "1985-12-10", "DISARMAMENT", "General and complete disarmament"),
    (102, 45, "1990-12-06", "APARTHEID", "Policies of apartheid"),
    (103, 57, "2003-03-15", "CUBA EMBARGO", "Necessity of ending the embargo against Cuba"),
    (104, 70, "2015-11-02", "CUBA EMBARGO", "Necessity of ending the embargo against Cuba"),
]
# What the unvotes file writes (country, code; None is a bare NA) and who cast the vote on that day.
UNVOTES_ROWS = [  # rcid, country, code, vote, expected actor
    (101, "Yugoslavia", "YU", "yes", "YUG"),
    (103, "Yugoslavia", "YU", "yes", "SCG"),
    (104, "Yugoslavia", "YU", "no", "SRB"),
    (101, "Russia", "RU", "yes", "SUN"),
    (104, "Russia", "RU", "no", "RUS"),
    (101, "Federal Republic of Germany", None, "no", "FRG"),
    (102, "Federal Republic of Germany", None, "yes", "DEU"),  # December 1990: unified Germany
    (101, "German Democratic Republic", "DD", "yes", "DDR"),
    (101, "Yemen Arab Republic", None, "yes", "YAR"),
    (101, "Yemen People's Republic", "YD", "yes", "YMD"),
    (101, "Czechoslovakia", "CS", "yes", "CSK"),
    (101, "Zanzibar", None, "abstain", "ZAN"),
    (101, "Namibia", "NA", "yes", "NAM"),
]
# The same votes as Voeten's raw file writes them (COW codes; 1 yes, 2 abstain, 3 no).
COW = {"YUG": 345, "SCG": 345, "SRB": 345, "SUN": 365, "RUS": 365, "FRG": 260, "DEU": 260, "DDR": 265,
       "YAR": 678, "YMD": 680, "CSK": 315, "ZAN": 511, "NAM": 565}
VOETEN_CODES = {"yes": 1, "abstain": 2, "no": 3}


def r_value(value: object) -> str:
    """A value as R's write.csv writes it: text quoted, missing a bare NA."""
    if value is None:
        return "NA"
    return f'"{value}"' if isinstance(value, str) else str(value)


def write_r_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    lines = [",".join(f'"{h}"' for h in header)] + [",".join(r_value(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unvotes_files(folder: Path) -> list[Path]:
    calls = write_r_csv(folder / "un_roll_calls.csv",
                        ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"],
                        [(rcid, session, 0, date, None, 0, 0, short, descr)
                         for rcid, session, date, short, descr in ROLL_CALLS])
    votes = write_r_csv(folder / "un_votes.csv", ["rcid", "country", "country_code", "vote"],
                        [(rcid, country, code, vote) for rcid, country, code, vote, _ in UNVOTES_ROWS])
    return [calls, votes]


def voeten_file(folder: Path) -> Path:
    day = {rcid: date for rcid, _s, date, _t, _d in ROLL_CALLS}
    session = {rcid: s for rcid, s, _date, _t, _d in ROLL_CALLS}
    path = folder / "voeten.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["rcid", "session", "vote", "ccode", "member", "importantvote", "date", "unres", "me", "nu",
                      "di", "hr", "co", "ec", "year"])
        for rcid, _country, _code, vote, actor in UNVOTES_ROWS:
            y, m, d = day[rcid].split("-")
            out.writerow([rcid, session[rcid], VOETEN_CODES[vote], COW[actor], 1, 0, f"{int(m)}/{int(d)}/{y}", "",
                          0, 0, 0, 0, 0, 0, y])
    return path


def stored(db_path: Path) -> dict[tuple[str, str], str]:
    db = open_db(db_path)
    try:
        return {(r, a): v for r, a, v in db.execute("SELECT resolution, actor, vote FROM votes")}
    finally:
        db.close()


def test_unvotes_codes_are_stored_under_the_state_that_cast_the_vote(tmp_path: Path) -> None:
    db = open_db(tmp_path / "u.db")
    result = load_paths(db, ISSUE_DEFS + unvotes_files(tmp_path))
    db.close()
    assert result.written, result.problems
    assert result.problem_count == 0
    expected = {(f"UNGA rcid {rcid}", actor): vote for rcid, _c, _k, vote, actor in UNVOTES_ROWS}
    assert stored(tmp_path / "u.db") == expected


def test_unvotes_and_voeten_files_give_identical_votes_by_identical_actors(tmp_path: Path) -> None:
    (tmp_path / "u").mkdir()
    (tmp_path / "v").mkdir()
    db = open_db(tmp_path / "u.db")
    assert load_paths(db, ISSUE_DEFS + unvotes_files(tmp_path / "u")).written
    db.close()
    db = open_db(tmp_path / "v.db")
    result = load_paths(db, ISSUE_DEFS + [voeten_file(tmp_path / "v")])
    db.close()
    assert result.written, result.problems
    assert stored(tmp_path / "v.db") == stored(tmp_path / "u.db")


@pytest.mark.parametrize("code, day, holder", [
    ("RUS", "1980-06-01", "SUN"), ("RUS", "1991-12-24", "RUS"), ("SUN", "1995-01-01", "RUS"),
    ("DEU", "1985-01-01", "FRG"), ("FRG", "1990-10-03", "DEU"), ("YEM", "1989-01-01", "YAR"),
    ("SRB", "2003-01-01", "SCG"), ("SCG", "2006-06-03", "SRB"), ("DDR", "1995-01-01", "DDR"),
    ("CHN", "1950-01-01", "CHN"),
])
def test_seat_holder_follows_continuations_only(code: str, day: str, holder: str) -> None:
    assert ActorRegistry.from_data().seat_holder(code, day) == holder


def test_follow_the_seat_labels_and_chains() -> None:
    reg = ActorRegistry.from_data()
    assert reg.seat_label("SUN") == reg.seat_label("RUS") == "Russia (Soviet Union to 1991)"
    assert reg.seat_line("FRG") == "DEU" and reg.seat_label("DEU") == "Germany (West Germany to 1990)"
    assert reg.seat_label("YEM") == "Yemen (North Yemen to 1990)"
    assert [s.predecessor for s in reg.seat_chain("SRB")] == ["SCG"]
    assert reg.seat_line("DDR") == "DDR" and reg.seat_line("YUG") == "YUG"  # merger and dissolution end a line


def test_stance_actor_explains_the_chain() -> None:
    out = CliRunner().invoke(cli, ["actor", "USSR", "Serbia"])
    assert out.exit_code == 0, out.output
    assert "USSR -> SUN (Soviet Union" in out.output
    assert "UN seat continued by Russia (RUS) from 1991-12-24" in out.output
    assert "continues the UN seat of Serbia and Montenegro (SCG) from 2006-06-03" in out.output


ORDERS = {  # the same unvotes and Voeten files, loaded in different orders and groupings
    "together": [["rc", "issues", "votes"]],
    "roll calls, then issues": [["rc"], ["issues"], ["votes"]],
    "roll calls and votes, then issues": [["rc", "votes"], ["issues"]],
    "voeten, then unvotes": [["voeten"], ["rc", "issues", "votes"]],
    "unvotes, then voeten": [["rc", "issues", "votes"], ["voeten"]],
    "roll calls, voeten, issues": [["rc"], ["voeten"], ["issues"]],
}


def _mapping(tmp_path: Path, name: str, steps: list[list[str]]) -> list[tuple]:
    files = {"rc": RAW / "un_roll_calls.csv", "issues": RAW / "un_roll_call_issues.csv",
             "votes": RAW / "un_votes.csv", "voeten": RAW / "voeten_raw.csv"}
    db = open_db(tmp_path / f"{name}.db")
    try:
        assert load_paths(db, ISSUE_DEFS).written
        for step in steps:
            result = load_paths(db, [files[k] for k in step], skip_invalid=True)
            assert result.written or not result.problem_count
        return db.execute("SELECT rcid, issue, polarity FROM resolutions WHERE rcid IN (6001, 6002, 6003, 6004, 6005) "
                          "ORDER BY rcid").fetchall()
    finally:
        db.close()


def test_the_issue_rules_give_one_answer_whatever_the_load_order(tmp_path: Path) -> None:
    answers = {name: _mapping(tmp_path, name.replace(" ", "_").replace(",", ""), steps)
               for name, steps in ORDERS.items()}
    first = answers["together"]
    assert first[0] == (6001, "dprk-human-rights", 1)  # the DPRK rule comes before the human-rights code rule
    for name, answer in answers.items():
        assert answer == first, name
    assert list(itertools.chain.from_iterable(answers.values()))


def test_stats_show_roll_calls_without_an_issue_as_a_row(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    db = open_db(db_path)
    assert load_paths(db, unvotes_files(tmp_path)).written  # no issue definitions: no roll call gets an issue
    db.close()
    out = CliRunner().invoke(cli, ["stats", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    row = next(line.split() for line in out.output.splitlines() if line.strip().startswith("(no"))
    assert row[:2] == ["(no", "issue)"]
    assert row[2:5] == ["0", str(len(UNVOTES_ROWS)), str(len({a for *_, a in UNVOTES_ROWS}))]
    assert "NaN" not in out.output


def test_rejects_file_keeps_namibia_apart_from_a_missing_code_and_reloads(tmp_path: Path) -> None:
    calls, _ = unvotes_files(tmp_path)
    bad = write_r_csv(tmp_path / "votes_bad.csv", ["rcid", "country", "country_code", "vote"],
                      [(101, "Namibia", "NA", "maybe"), (101, "Zanzibar", None, "maybe")])
    db = open_db(tmp_path / "r.db")
    rejects = tmp_path / "rejects.csv"
    result = load_paths(db, [calls, bad], skip_invalid=True, rejects=rejects)
    assert result.written and rejects.exists()
    text = rejects.read_text(encoding="utf-8")
    assert '"Namibia","NA","maybe"' in text and '"Zanzibar",NA,"maybe"' in text
    fixed = tmp_path / "votes_fixed.csv"
    fixed.write_text(text.replace('"maybe"', '"yes"'), encoding="utf-8")
    result = load_paths(db, [fixed])
    assert result.written, result.problems
    assert sorted(db.execute("SELECT actor FROM votes").fetchall()) == [("NAM",), ("ZAN",)]
    db.close()


def test_an_unknown_code_is_named_with_its_votes_and_years_and_check_says_incomplete(tmp_path: Path) -> None:
    calls, _ = unvotes_files(tmp_path)
    bad = write_r_csv(tmp_path / "un_votes.csv", ["rcid", "country", "country_code", "vote"],
                      [(101, "Atlantis", "XA", "yes"), (104, "Atlantis", "XA", "no"), (104, "Russia", "RU", "no")])
    db_path = tmp_path / "c.db"
    runner = CliRunner()
    out = runner.invoke(cli, ["load", "--db", str(db_path), str(calls), str(bad), "--skip-invalid",
                              "--rejects", str(tmp_path / "rej.csv")])
    assert out.exit_code == 0, out.output
    assert "2 vote(s) rejected for the unknown country_code 'XA', 1985-2015" in out.output
    check = runner.invoke(cli, ["check", "--db", str(db_path)])
    assert "partial-import" in check.output and "INCOMPLETE" in check.output
    assert ": clean" not in check.output


def test_the_map_follows_the_un_seat_and_leaves_out_states_that_had_ended(tmp_path: Path) -> None:
    from stance.queries import geo

    files = unvotes_files(tmp_path)
    codes = write_r_csv(tmp_path / "un_roll_call_issues.csv", ["rcid", "short_name", "issue"],
                        [(rcid, "hr", "Human rights") for rcid, *_ in ROLL_CALLS])
    db = open_db(tmp_path / "m.db")
    assert load_paths(db, ISSUE_DEFS + files + [codes]).written
    in_1986 = geo.stance_as_of(db, "unga-human-rights", "1986-01-01").set_index("actor")
    in_2016 = geo.stance_as_of(db, "unga-human-rights", "2016-01-01").set_index("actor")
    unfollowed = geo.stance_as_of(db, "unga-human-rights", "1986-01-01", follow_seat=False).set_index("actor")
    db.close()
    assert in_1986.loc["RUS", "cast_by"] == "Soviet Union" and in_1986.loc["DEU", "cast_by"] == "West Germany"
    assert {"DDR", "YUG", "CSK"} <= set(in_1986.index) and "SUN" not in in_1986.index
    assert {"DDR", "YUG", "CSK", "SCG", "SUN", "FRG"}.isdisjoint(in_2016.index)  # ended, or followed to a successor
    assert in_2016.loc["RUS", "stance"] == -1 and in_2016.loc["RUS", "points"] == 2  # its own 2015 no, and the USSR's
    assert pd.isna(in_2016.loc["SRB", "cast_by"])  # Serbia's own 2015 vote
    assert {"SUN", "FRG"} <= set(unfollowed.index)


def test_alignment_follows_the_seat_without_losing_a_vote(tmp_path: Path) -> None:
    from stance.queries import alignment as align

    db = open_db(tmp_path / "a.db")
    assert load_paths(db, ISSUE_DEFS + unvotes_files(tmp_path)).written
    vm = align.vote_matrix(db, "UNGA")
    db.close()
    followed = align.follow_seat(vm)
    assert {"SUN", "RUS", "SCG", "SRB", "FRG", "DEU", "YAR"} <= set(vm.codes)
    assert {"SUN", "SCG", "FRG", "YAR"}.isdisjoint(followed.codes)
    assert {"YUG", "DDR", "CSK", "YMD"} <= set(followed.codes)  # dissolved or merged: lines of their own
    assert int((followed.votes > 0).sum()) == int((vm.votes > 0).sum())
    russia = followed.codes.index("RUS")
    assert followed.names[russia] == "Russia (Soviet Union to 1991)"
    assert int((followed.votes[:, russia] > 0).sum()) == 2  # the USSR's 1985 vote and Russia's 2015 vote


def test_measures_cli_follows_the_seat_only_when_asked(tmp_path: Path) -> None:
    db_path = tmp_path / "c.db"
    db = open_db(db_path)
    assert load_paths(db, ISSUE_DEFS + unvotes_files(tmp_path)).written
    db.close()
    runner = CliRunner()
    stored = runner.invoke(cli, ["measures", "agreement", "--db", str(db_path), "--actor", "NAM", "--min-votes", "1"])
    followed = runner.invoke(cli, ["measures", "agreement", "--db", str(db_path), "--actor", "NAM",
                                   "--min-votes", "1", "--follow-seat"])
    assert stored.exit_code == followed.exit_code == 0, stored.output + followed.output
    assert "NAM,SUN,1985" in stored.output and "NAM,RUS,1985" not in stored.output
    assert "NAM,RUS,1985" in followed.output and ",SUN," not in followed.output


def _hr_db(tmp_path: Path) -> Path:
    files = unvotes_files(tmp_path)
    codes = write_r_csv(tmp_path / "un_roll_call_issues.csv", ["rcid", "short_name", "issue"],
                        [(rcid, "hr", "Human rights") for rcid, *_ in ROLL_CALLS])
    path = tmp_path / "t.db"
    db = open_db(path)
    assert load_paths(db, ISSUE_DEFS + files + [codes]).written
    db.close()
    return path


def test_the_timeline_follows_the_seat_back_through_the_soviet_union(tmp_path: Path, monkeypatch) -> None:
    from tests.pages import figures, page_app

    def drawn(at) -> tuple[set[str], str]:  # the dates of the data traces, and the figure as text
        fig = figures(at)[0]
        xs = {str(x)[:10] for trace in fig["data"] for x in (trace.get("x") or [])}
        return xs, json.dumps(fig, ensure_ascii=False)

    path = _hr_db(tmp_path)
    on = page_app("timeline", path, monkeypatch, issue="unga-human-rights", actors="RUS", **{"from": "1980"})
    assert not on.exception
    xs, text = drawn(on)
    assert {"1985-12-10", "2015-11-02"} <= xs
    assert "Russia (Soviet Union to 1991)" in text and "Soviet Union → Russia" in text  # the break is marked
    off = page_app("timeline", path, monkeypatch, issue="unga-human-rights", actors="RUS", seat="0",
                   **{"from": "1980"})
    assert not off.exception
    xs, text = drawn(off)
    assert "1985-12-10" not in xs and "2015-11-02" in xs and "Soviet Union to 1991" not in text
