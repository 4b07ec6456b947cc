"""The unvotes tables (R's write.csv) through the real loader, checked value by value against
tests/fixtures/raw/EXPECTED.md (where the brief differs: a bare-NA country code falls back to the
country's name, so Norway's row loads)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.db import DATA_DIR, open_db
from stance.ingest.load import FileResult, LoadResult, load_paths
from tests.helpers import RAW, accounted, table_digest

ROLL_CALLS = RAW / "un_roll_calls.csv"
ISSUES = RAW / "un_roll_call_issues.csv"
VOTES = RAW / "un_votes.csv"
ISSUE_DEFS = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
UNVOTES = [ROLL_CALLS, ISSUES, VOTES]
DATA_TABLES = ("issues", "sources", "resolutions", "votes")
DOI = "https://doi.org/10.7910/DVN/LEJUQZ"
DESCR_6003 = ('Amendment to the draft resolution on the "Question of Namibia", deleting the words "and its allies" '
              'in operative paragraph 3,\nand replacing them by "certain Western States"')

# (rcid, actor) -> vote, for every row of un_votes.csv but the orphan on line 24
EXPECTED_VOTES = {
    (6001, "USA"): "yes", (6001, "CHN"): "no", (6001, "RUS"): "no", (6001, "PRK"): "no",
    (6001, "KOR"): "yes", (6001, "JPN"): "yes", (6001, "GBR"): "yes", (6001, "NAM"): "abstain",
    (6002, "USA"): "no", (6002, "CHN"): "abstain", (6002, "RUS"): "no", (6002, "PRK"): "no",
    (6002, "JPN"): "yes", (6002, "GBR"): "no", (6002, "FRA"): "no", (6002, "NAM"): "yes",
    (6003, "USA"): "no", (6003, "GBR"): "no", (6003, "FRA"): "no", (6003, "NOR"): "yes",
    (6004, "USA"): "no", (6004, "NAM"): "yes",
}
ORPHAN = "no roll call rcid 6999 in this load or the database (load un_roll_calls.csv with it)"


def by_name(result: LoadResult, name: str) -> FileResult:
    return next(f for f in result.files if Path(f.file).name == name)


def stored_votes(db) -> dict[tuple[int, str], str]:
    return {(rcid, actor): vote for rcid, actor, vote in db.execute(
        "SELECT r.rcid, v.actor, v.vote FROM votes v JOIN resolutions r ON r.id = v.resolution")}


def roll_calls(db) -> dict[int, dict]:
    rows = db.execute("SELECT * FROM resolutions WHERE rcid IS NOT NULL").fetchall()
    columns = [d[0] for d in db.execute("SELECT * FROM resolutions LIMIT 0").description]
    return {r["rcid"]: r for r in (dict(zip(columns, row, strict=True)) for row in rows)}






@pytest.fixture
def loaded(fresh_db, tmp_path):
    result = load_paths(fresh_db, ISSUE_DEFS + UNVOTES, skip_invalid=True, rejects=tmp_path / "rejects.csv")
    assert result.written, result.problems
    return fresh_db, result, tmp_path / "rejects.csv"


def test_tables_are_recognised_from_their_headers(loaded):
    _db, result, _ = loaded
    assert [by_name(result, p.name).kind for p in UNVOTES] == ["unvotes-roll-calls", "unvotes-issues",
                                                                "unvotes-votes"]


def test_roll_calls_are_stored_value_by_value(loaded):
    db, _, _ = loaded
    stored = roll_calls(db)
    assert sorted(stored) == [6001, 6002, 6003, 6004, 6005]
    expected = {  # rcid: date, session, symbol, important, title, issue codes, issue
        6001: ("2017-12-19", "72", "A/RES/72/188", 1, "SITUATION OF HUMAN RIGHTS IN THE DPRK", "hr",
               "dprk-human-rights"),
        6002: ("2017-12-04", "72", "A/RES/72/39", 0, "NUCLEAR DISARMAMENT VERIFICATION", "di nu",
               "unga-nuclear-weapons"),
        6003: ("1985-12-10", "40", None, 0, "AMENDMENT, QUESTION OF NAMIBIA", "co", "unga-colonialism"),
        6004: ("2017-11-01", "72", "A/RES/72/4", 1, "US EMBARGO AGAINST CUBA", "ec", "unga-economic-development"),
        6005: ("2017-11-30", "72", "A/RES/72/15", 0, "JERUSALEM", "me", "unga-palestinian-conflict"),
    }
    source_id = db.execute("SELECT id FROM sources WHERE url = ?", [DOI]).fetchone()[0]
    for rcid, (date, session, symbol, important, title, codes, issue) in expected.items():
        r = stored[rcid]
        assert r["id"] == f"UNGA rcid {rcid}"
        assert (r["body"], r["date"], r["session"], r["symbol"], r["important"]) == ("UNGA", date, session, symbol,
                                                                                    important)
        assert (r["title"], r["issue_codes"], r["issue"], r["polarity"]) == (title, codes, issue, 1)
        assert (r["adopted"], r["coded_by"], r["source_id"]) == (None, "rules", source_id)
    assert stored[6003]["description"] == DESCR_6003  # quotes, commas and the line break kept exactly
    assert stored[6001]["description"] == "Situation of human rights in the Democratic People's Republic of Korea"
    source = db.execute("SELECT url, title, outlet FROM sources WHERE id = ?", [source_id]).fetchone()
    assert source == (DOI, "United Nations General Assembly Voting Data (Voeten)", None)


def test_bare_na_unres_is_a_missing_symbol(loaded):
    db, _, _ = loaded
    assert db.execute("SELECT symbol IS NULL FROM resolutions WHERE rcid = 6003").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM resolutions WHERE symbol = 'NA'").fetchone() == (0,)


def test_the_rcid_with_two_issues_keeps_both_codes(loaded):
    db, result, _ = loaded
    assert db.execute("SELECT issue_codes, issue FROM resolutions WHERE rcid = 6002").fetchone() == (
        "di nu", "unga-nuclear-weapons")  # the first matching rule (nu) wins
    f = by_name(result, ISSUES.name)
    assert (f.read, f.inserted, f.unchanged, f.rejected) == (6, 6, 0, 0)


def test_votes_are_stored_per_actor(loaded):
    db, result, _ = loaded
    assert stored_votes(db) == EXPECTED_VOTES
    f = by_name(result, VOTES.name)
    assert (f.read, f.inserted, f.updated, f.unchanged, f.rejected) == (23, 22, 0, 0, 1)


def test_namibia_quoted_na_is_stored_under_nam(loaded):
    db, _, _ = loaded
    namibia = db.execute("SELECT r.rcid, v.vote FROM votes v JOIN resolutions r ON r.id = v.resolution "
                         "WHERE v.actor = 'NAM' ORDER BY r.rcid").fetchall()
    assert namibia == [(6001, "abstain"), (6002, "yes"), (6004, "yes")]
    assert db.execute("SELECT count(*) FROM votes WHERE actor NOT IN (SELECT code FROM actors)").fetchone() == (0,)


def test_bare_na_country_code_falls_back_to_the_country_name(loaded):
    db, _, _ = loaded
    assert db.execute("SELECT v.vote FROM votes v WHERE v.resolution = 'UNGA rcid 6003' AND v.actor = 'NOR'"
                      ).fetchone() == ("yes",)


def test_every_file_accounts_for_every_row(loaded):
    _db, result, _ = loaded
    for f in result.files:
        assert accounted(f), f.summary()


def test_rejects_file_lists_the_orphan(loaded):
    _db, result, rejects = loaded
    assert result.rejects_path == rejects
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert (Path(row["file"]).name, row["line"], row["rcid"], row["country"], row["country_code"], row["vote"]) == (
        VOTES.name, "24", "6999", "Japan", "JP", "yes")
    assert row["problems"] == f"rcid: {ORPHAN}"


def test_strict_load_fails_with_file_line_field_reason_and_writes_nothing(fresh_db):
    result = load_paths(fresh_db, ISSUE_DEFS + UNVOTES)
    assert not result.written
    assert [str(p) for p in result.problems] == [f"{VOTES}:24: rcid: {ORPHAN}"]
    for table in ("issues", "sources", "resolutions", "votes", "imports"):
        assert fresh_db[table].count == 0, table


def test_reload_changes_nothing(loaded, tmp_path):
    db, _, _ = loaded
    before = table_digest(db, DATA_TABLES)
    again = load_paths(db, ISSUE_DEFS + UNVOTES, skip_invalid=True, rejects=tmp_path / "again.csv")
    assert again.written
    for f in again.files:
        assert f.loaded == 0 and f.roll_calls == (0, 0), f.summary()
        assert f.unchanged == f.read - f.rejected, f.summary()
        assert accounted(f)
    assert table_digest(db, DATA_TABLES) == before


def test_roll_calls_reloaded_without_their_issues_keep_the_issue_codes(loaded):
    db, _, _ = loaded
    before = table_digest(db, DATA_TABLES)
    result = load_paths(db, [ROLL_CALLS])
    assert result.written
    assert (result.files[0].unchanged, result.files[0].loaded) == (5, 0)
    assert table_digest(db, DATA_TABLES) == before


def test_votes_for_stored_roll_calls_leave_the_roll_calls_alone(fresh_db):
    first = load_paths(fresh_db, ISSUE_DEFS + [ROLL_CALLS, ISSUES])
    assert first.written, first.problems
    before = fresh_db.execute("SELECT * FROM resolutions ORDER BY id").fetchall()
    result = load_paths(fresh_db, [VOTES], skip_invalid=True)
    assert result.written
    f = result.files[0]
    assert (f.read, f.inserted, f.rejected, f.roll_calls) == (23, 22, 1, (0, 0))
    assert [p.line for p in f.problems] == [24]
    assert fresh_db.execute("SELECT * FROM resolutions ORDER BY id").fetchall() == before
    assert stored_votes(fresh_db) == EXPECTED_VOTES


def test_votes_alone_in_an_empty_database_are_all_orphans(fresh_db):
    result = load_paths(fresh_db, [VOTES], skip_invalid=True)
    f = result.files[0]
    assert (f.read, f.loaded, f.rejected) == (23, 0, 23)
    assert [p.line for p in f.problems] == list(range(2, 25))
    assert {p.field for p in f.problems} == {"rcid"}
    assert f.problems[0].reason == ("no roll call rcid 6001 in this load or the database "
                                    "(load un_roll_calls.csv with it)")
    assert fresh_db["votes"].count == 0


def test_a_missing_code_with_an_unknown_name_is_a_problem(fresh_db, tmp_path):
    path = tmp_path / "un_votes.csv"
    path.write_text('"rcid","country","country_code","vote"\n'
                    '6001,"Atlantis",NA,"yes"\n'
                    '6001,"Japan","JP","maybe"\n'
                    '6001,"Norway","NO","yes"\n', encoding="utf-8")
    result = load_paths(fresh_db, ISSUE_DEFS + [ROLL_CALLS, path])
    assert not result.written
    problems = {(p.line, p.field): p.reason for p in result.problems}
    assert sorted(problems) == [(2, "country_code"), (3, "vote")]
    assert problems[(2, "country_code")].startswith("missing, and the country name does not settle it")
    assert "'maybe' is not a vote" in problems[(3, "vote")]
    assert fresh_db["resolutions"].count == 0


def test_issue_rows_need_a_known_code_and_roll_call(fresh_db, tmp_path):
    path = tmp_path / "un_roll_call_issues.csv"
    path.write_text('"rcid","short_name","issue"\n6001,"hr","Human rights"\n6001,"xx","Other"\n'
                    '7777,"me","Palestinian conflict"\n6001,"hr","Human rights"\n', encoding="utf-8")
    result = load_paths(fresh_db, ISSUE_DEFS + [ROLL_CALLS, path], skip_invalid=True)
    assert result.written
    f = by_name(result, path.name)
    assert sorted((p.line, p.field) for p in f.problems) == [(3, "short_name"), (4, "rcid"), (5, "short_name")]
    reasons = {p.line: p.reason for p in f.problems}
    assert reasons[4] == ("no roll call rcid 7777 in this load or the database "
                          "(load un_roll_calls.csv with it)")
    assert "'xx' is not an issue code" in reasons[3]
    assert reasons[5].startswith("duplicate of line 2")
    assert (f.read, f.inserted, f.rejected) == (4, 1, 3)
    assert accounted(f)


@pytest.mark.parametrize("name", ["undl_ga.csv", "wrong_kind.csv"])
def test_a_wrong_kind_file_is_a_fatal_problem_naming_what_was_expected(fresh_db, name):
    result = load_paths(fresh_db, [RAW / name], kind="unvotes")
    assert result.fatal and not result.written
    [problem] = result.problems
    assert (problem.line, problem.field) == (1, "-")
    assert problem.reason.startswith("expected an unvotes table")
    assert ("undl-ga" if name == "undl_ga.csv" else "statements") in problem.reason


def test_a_truncated_roll_calls_file_is_a_clear_problem(fresh_db, tmp_path):
    text = ROLL_CALLS.read_text(encoding="utf-8")
    cut = tmp_path / "un_roll_calls.csv"
    cut.write_text(text[:text.index("deleting the words")], encoding="utf-8")  # inside 6003's quoted descr
    result = load_paths(fresh_db, ISSUE_DEFS + [cut])
    assert not result.written
    [problem] = result.problems
    assert (problem.line, problem.field) == (4, "-")
    assert "ends inside a quoted field" in problem.reason
    assert fresh_db["resolutions"].count == 0


def test_a_votes_file_cut_between_fields_is_a_clear_problem(fresh_db, tmp_path):
    text = VOTES.read_text(encoding="utf-8")
    cut = tmp_path / "un_votes.csv"
    cut.write_text(text[:text.rindex('"JP","yes"\n')], encoding="utf-8")  # last row: 6999,"Japan",
    result = load_paths(fresh_db, ISSUE_DEFS + [ROLL_CALLS, cut], skip_invalid=True)
    f = by_name(result, cut.name)
    [problem] = f.problems
    assert (problem.line, problem.field) == (24, "-")
    assert "has 3 fields, the header has 4" in problem.reason
    assert (f.read, f.loaded, f.rejected) == (23, 22, 1)


def test_cli_load_reports_each_file(tmp_path):
    from stance.cli import cli

    db_path = tmp_path / "cli.db"
    rejects = tmp_path / "rejects.csv"
    args = ["load", *map(str, ISSUE_DEFS + UNVOTES), "--skip-invalid", "--rejects", str(rejects),
            "--db", str(db_path)]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 0, outcome.output
    assert (f"{VOTES} (unvotes-votes): 23 read, 22 loaded (22 new, 0 updated), 0 unchanged, 1 rejected"
            in outcome.output)
    assert f"{ROLL_CALLS} (unvotes-roll-calls): 5 read, 5 loaded (5 new, 0 updated)" in outcome.output
    assert f"1 rejected row(s) written to {rejects}" in outcome.output
    db = open_db(db_path)
    try:
        assert stored_votes(db) == EXPECTED_VOTES
    finally:
        db.close()
