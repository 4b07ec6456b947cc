"""Erik Voeten's raw UNGA file through the real loader, checked value by value against
tests/fixtures/raw/EXPECTED.md, and its meeting with the unvotes tables (same rcids)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.db import DATA_DIR, open_db
from stance.ingest import voeten
from stance.ingest.load import load_paths
from tests.helpers import RAW, accounted, table_digest

VOETEN = RAW / "voeten_raw.csv"
UNVOTES = [RAW / "un_roll_calls.csv", RAW / "un_roll_call_issues.csv", RAW / "un_votes.csv"]
ISSUE_DEFS = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
DATA_TABLES = ("issues", "sources", "resolutions", "votes")
DOI = "https://doi.org/10.7910/DVN/LEJUQZ"
HEADER = "rcid,session,vote,ccode,member,importantvote,date,unres,me,nu,di,hr,co,ec,year\n"
NOT_A_MEMBER = "not a UN member then (vote 9)"
UNKNOWN_999 = "no country for COW code 999; add it to data/cow_codes.csv"

EXPECTED_VOTES = {  # (rcid, actor) -> vote; lines 11 (COW 999) and 23-25 (vote 9) are not stored
    (6001, "USA"): "yes", (6001, "CHN"): "no", (6001, "RUS"): "no", (6001, "PRK"): "no",
    (6001, "KOR"): "yes", (6001, "JPN"): "yes", (6001, "GBR"): "yes", (6001, "NAM"): "abstain",
    (6001, "NOR"): "absent",
    (6002, "USA"): "no", (6002, "CHN"): "abstain", (6002, "RUS"): "no", (6002, "PRK"): "no",
    (6002, "JPN"): "yes", (6002, "GBR"): "no", (6002, "FRA"): "no", (6002, "NAM"): "yes",
    (3001, "USA"): "no", (3001, "SUN"): "yes",  # COW 365 in 1985: the Soviet Union
    (3001, "CHN"): "yes", (3001, "JPN"): "abstain",
    (3001, "GBR"): "no",
}


def stored_votes(db) -> dict[tuple[int, str], str]:
    return {(rcid, actor): vote for rcid, actor, vote in db.execute(
        "SELECT r.rcid, v.actor, v.vote FROM votes v JOIN resolutions r ON r.id = v.resolution")}


def roll_call(db, rcid: int) -> dict:
    cursor = db.execute("SELECT * FROM resolutions WHERE rcid = ?", [rcid])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))






def voeten_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "voeten_test.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def loaded(fresh_db, tmp_path):
    result = load_paths(fresh_db, ISSUE_DEFS + [VOETEN], skip_invalid=True, rejects=tmp_path / "rejects.csv")
    assert result.written, result.problems
    return fresh_db, result.files[-1], tmp_path / "rejects.csv"


def test_counts_add_up(loaded):
    _db, f, _ = loaded
    assert f.kind == "voeten"
    assert (f.read, f.inserted, f.updated, f.unchanged, f.rejected) == (26, 22, 0, 0, 1)
    assert dict(f.filtered) == {NOT_A_MEMBER: 3}
    assert f.roll_calls == (3, 0)
    assert accounted(f)


def test_votes_are_stored_per_actor(loaded):
    db, _, _ = loaded
    assert stored_votes(db) == EXPECTED_VOTES  # 8 yes, 10 no, 3 abstain, 1 absent
    counts = dict(db.execute("SELECT vote, count(*) FROM votes GROUP BY vote").fetchall())
    assert counts == {"yes": 8, "no": 10, "abstain": 3, "absent": 1}


def test_non_members_are_filtered_not_stored(loaded):
    db, _, _ = loaded
    assert db.execute("SELECT actor FROM votes WHERE resolution = 'UNGA rcid 3001' ORDER BY actor").fetchall() == [
        ("CHN",), ("GBR",), ("JPN",), ("SUN",), ("USA",)]


def test_roll_calls_are_stored_value_by_value(loaded):
    db, _, _ = loaded
    source_id = db.execute("SELECT id FROM sources WHERE url = ?", [DOI]).fetchone()[0]
    expected = {  # rcid: date, session, symbol, important, issue codes, issue
        6001: ("2017-12-19", "72", "A/RES/72/188", 1, "hr", "unga-human-rights"),
        6002: ("2017-12-04", "72", "A/RES/72/39", 0, "di nu", "unga-nuclear-weapons"),
        3001: ("1985-12-10", "40", "A/RES/40/97A", 1, "co", "unga-colonialism"),
    }
    assert db["resolutions"].count == 3
    for rcid, (date, session, symbol, important, codes, issue) in expected.items():
        r = roll_call(db, rcid)
        assert (r["id"], r["body"], r["date"], r["session"], r["symbol"], r["important"]) == (
            f"UNGA rcid {rcid}", "UNGA", date, session, symbol, important)
        assert (r["issue_codes"], r["issue"], r["polarity"], r["coded_by"]) == (codes, issue, 1, "rules")
        assert (r["title"], r["description"], r["adopted"], r["source_id"]) == (None, None, None, source_id)


def test_rejects_file_lists_the_unknown_cow_code(loaded):
    _db, f, rejects = loaded
    assert [str(p) for p in f.problems] == [f"{VOETEN}:11: ccode: {UNKNOWN_999}"]
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["ccode"], r["vote"], r["rcid"], r["problems"]) for r in rows] == [
        ("11", "999", "1", "6001", f"ccode: {UNKNOWN_999}")]


def test_strict_load_fails_and_writes_nothing(fresh_db):
    result = load_paths(fresh_db, ISSUE_DEFS + [VOETEN])
    assert not result.written
    assert [str(p) for p in result.problems] == [f"{VOETEN}:11: ccode: {UNKNOWN_999}"]
    for table in ("issues", "sources", "resolutions", "votes", "imports"):
        assert fresh_db[table].count == 0, table


def test_reload_changes_nothing(loaded):
    db, _, _ = loaded
    before = table_digest(db, DATA_TABLES)
    again = load_paths(db, ISSUE_DEFS + [VOETEN], skip_invalid=True)
    f = again.files[-1]
    assert again.written
    assert (f.loaded, f.unchanged, f.rejected, f.roll_calls) == (0, 22, 1, (0, 0))
    assert dict(f.filtered) == {NOT_A_MEMBER: 3}
    assert accounted(f)
    assert table_digest(db, DATA_TABLES) == before


def test_unvotes_then_voeten_share_roll_calls(fresh_db):
    first = load_paths(fresh_db, ISSUE_DEFS + UNVOTES, skip_invalid=True)
    assert first.written
    described = {rcid: roll_call(fresh_db, rcid) for rcid in (6001, 6002)}
    result = load_paths(fresh_db, [VOETEN], skip_invalid=True)
    f = result.files[0]
    assert result.written
    # 6001 and 6002 are the unvotes roll calls: one new roll call (3001), nothing else updated
    assert f.roll_calls == (1, 0)
    assert (f.inserted, f.updated, f.unchanged, f.rejected) == (6, 0, 16, 1)
    assert accounted(f)
    ids = [r[0] for r in fresh_db.execute("SELECT id FROM resolutions ORDER BY rcid")]
    assert ids == ["UNGA rcid 3001", "UNGA rcid 6001", "UNGA rcid 6002", "UNGA rcid 6003", "UNGA rcid 6004",
                   "UNGA rcid 6005"]
    for rcid, before in described.items():  # Voeten's file has no title or description: unvotes' stay
        assert roll_call(fresh_db, rcid) == before
    votes = stored_votes(fresh_db)
    assert votes[(6001, "NOR")] == "absent" and votes[(3001, "USA")] == "no"
    assert fresh_db.execute("SELECT count(*) FROM votes").fetchone() == (28,)


def test_voeten_then_unvotes_share_roll_calls(fresh_db):
    assert load_paths(fresh_db, ISSUE_DEFS + [VOETEN], skip_invalid=True).written
    result = load_paths(fresh_db, UNVOTES, skip_invalid=True)
    assert result.written
    roll_calls = result.files[0]
    assert (roll_calls.inserted, roll_calls.updated) == (3, 2)  # 6001 and 6002 gain a title and description
    assert fresh_db["resolutions"].count == 6
    assert roll_call(fresh_db, 6001)["title"] == "SITUATION OF HUMAN RIGHTS IN THE DPRK"
    votes = result.files[2]
    assert (votes.inserted, votes.unchanged, votes.rejected) == (6, 16, 1)


def test_one_load_of_both_refers_voeten_rows_to_the_unvotes_roll_calls(fresh_db):
    result = load_paths(fresh_db, ISSUE_DEFS + UNVOTES[:2] + [VOETEN], skip_invalid=True)
    assert result.written
    assert [p.line for p in result.problems] == [11]
    assert fresh_db["resolutions"].count == 6
    assert roll_call(fresh_db, 6001)["title"] == "SITUATION OF HUMAN RIGHTS IN THE DPRK"


def test_iso_dates_na_and_bad_values(fresh_db, tmp_path):
    path = voeten_file(
        tmp_path,
        "7001,72,1,2,1,NA,2017-12-19,NA,0,0,0,0,0,0,2017",   # ISO date, bare NA: missing, not text
        "7001,72,4,710,1,NA,2017-12-19,NA,0,0,0,0,0,0,2017",  # vote 4
        "7002,72,1,2,1,0,13/1/2017,R/72/1,0,0,0,0,0,0,2017",  # month 13
        "7003,72,1,2,1,0,12/1/2017,R/72/2,0,0,2,0,0,0,2017",  # flag 2
        "7004,72,9,347,0,0,12/1/2017,R/72/3,0,0,0,0,0,0,2017",  # not a member, not in the table: filtered
    )
    result = load_paths(fresh_db, ISSUE_DEFS + [path], skip_invalid=True)
    f = result.files[-1]
    assert sorted((p.line, p.field) for p in f.problems) == [(3, "vote"), (4, "date"), (5, "di")]
    reasons = {p.line: p.reason for p in f.problems}
    assert reasons[3].startswith("'4' is not a vote")
    assert reasons[4].startswith("'13/1/2017' is not a calendar date")
    assert (f.inserted, f.rejected, dict(f.filtered)) == (1, 3, {NOT_A_MEMBER: 1})
    assert accounted(f)
    r = roll_call(fresh_db, 7001)
    assert (r["date"], r["symbol"], r["important"], r["issue_codes"], r["issue"]) == (
        "2017-12-19", None, None, None, None)


def test_a_cow_code_without_an_actor_is_a_problem(fresh_db, tmp_path, monkeypatch):
    states = dict(voeten.cow_states())
    states[511] = voeten.CowState(511, "Zanzibar", None, "no ISO code")
    monkeypatch.setattr(voeten, "cow_states", lambda: states)
    path = voeten_file(tmp_path, "7001,18,1,511,1,0,12/16/1963,R/18/1,0,0,0,0,0,0,1963")
    result = load_paths(fresh_db, ISSUE_DEFS + [path])
    assert not result.written
    [problem] = result.problems
    assert (problem.line, problem.field) == (2, "ccode")
    assert problem.reason == "COW code 511 (Zanzibar) has no actor in data/cow_codes.csv: no ISO code"


@pytest.mark.parametrize(("name", "found"), [("undl_ga.csv", "undl-ga"), ("un_votes.csv", "unvotes-votes"),
                                             ("wrong_kind.csv", "statements")])
def test_a_wrong_kind_file_is_a_fatal_problem_naming_what_was_expected(fresh_db, name, found):
    result = load_paths(fresh_db, [RAW / name], kind="voeten")
    assert result.fatal and not result.written
    [problem] = result.problems
    assert (problem.line, problem.field) == (1, "-")
    assert problem.reason.startswith("expected Erik Voeten's raw UN General Assembly voting file")
    assert found in problem.reason


def test_a_truncated_file_is_a_clear_problem(fresh_db, tmp_path):
    text = VOETEN.read_text(encoding="utf-8")
    cut = tmp_path / "voeten_raw.csv"
    cut.write_text(text[:text.rindex(",12/10/1985")], encoding="utf-8")  # last row stops after importantvote
    result = load_paths(fresh_db, ISSUE_DEFS + [cut], skip_invalid=True)
    f = result.files[-1]
    assert [(p.line, p.field) for p in f.problems] == [(11, "ccode"), (27, "-")]
    assert f.problems[1].reason.startswith("has 6 fields, the header has 15")
    assert (f.read, f.inserted, f.rejected) == (26, 21, 2)
    assert accounted(f)


def test_cli_load_reports_the_file(tmp_path):
    from stance.cli import cli

    db_path = tmp_path / "cli.db"
    args = ["load", *map(str, ISSUE_DEFS), str(VOETEN), "--skip-invalid", "--rejects", str(tmp_path / "r.csv"),
            "--db", str(db_path)]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 0, outcome.output
    assert (f"{VOETEN} (voeten): 26 read, 22 loaded (22 new, 0 updated), 0 unchanged, 1 rejected, "
            f"3 filtered out (3 {NOT_A_MEMBER}); roll calls: 3 new, 0 updated") in outcome.output
    db = open_db(db_path)
    try:
        assert stored_votes(db) == EXPECTED_VOTES
    finally:
        db.close()
