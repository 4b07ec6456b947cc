"""UN Digital Library voting CSVs through the real streaming loader, value by value
(expected values: tests/fixtures/raw/EXPECTED.md)."""

from __future__ import annotations

import csv
import gzip
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths
from stance.ingest.undl import canonical_symbol
from tests.helpers import RAW, accounted, table_digest

ISSUES = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
GA = RAW / "undl_ga.csv"
EXPECTED_GA = {  # (resolution, actor) -> vote, from EXPECTED.md
    ("A/RES/72/188", "USA"): "yes", ("A/RES/72/188", "CHN"): "no", ("A/RES/72/188", "RUS"): "no",
    ("A/RES/72/188", "PRK"): "no", ("A/RES/72/188", "KOR"): "yes", ("A/RES/72/188", "JPN"): "yes",
    ("A/RES/72/188", "GBR"): "yes", ("A/RES/72/188", "NAM"): "abstain",
    ("A/RES/ES-10/19", "USA"): "no", ("A/RES/ES-10/19", "CHN"): "yes", ("A/RES/ES-10/19", "RUS"): "yes",
    ("A/RES/ES-10/19", "PRK"): "yes", ("A/RES/ES-10/19", "KOR"): "abstain", ("A/RES/ES-10/19", "JPN"): "yes",
    ("A/RES/ES-10/19", "GBR"): "yes", ("A/RES/ES-10/19", "NAM"): "non-voting",
    ("A/RES/72/39", "USA"): "no", ("A/RES/72/39", "CHN"): "abstain", ("A/RES/72/39", "RUS"): "no",
    ("A/RES/72/39", "PRK"): "no", ("A/RES/72/39", "KOR"): "abstain", ("A/RES/72/39", "JPN"): "yes",
    ("A/RES/72/39", "GBR"): "no", ("A/RES/72/39", "NAM"): "yes",
}
TITLE_72_39 = ("Nuclear disarmament verification, \u201chumanitarian consequences\u201d and the Treaty on the "
               "Non-Proliferation of Nuclear Weapons,\nincluding the 2020 Review Conference : resolution / adopted "
               "by the General Assembly")


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "undl.db")
    yield database
    database.close()


def votes_of(db) -> dict[tuple[str, str], str]:
    return {(r, a): v for r, a, v in db.execute("SELECT resolution, actor, vote FROM votes")}


def resolution(db, rid: str) -> dict:
    cursor = db.execute("SELECT * FROM resolutions WHERE id = ?", [rid])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def test_general_assembly_file_is_stored_value_by_value(db) -> None:
    result = load_paths(db, [*ISSUES, GA])
    assert result.written, result.problems
    f = result.files[-1]
    assert (f.kind, f.read, f.inserted, f.updated, f.unchanged, f.rejected) == ("undl-ga", 24, 24, 0, 0, 0)
    assert f.roll_calls == (3, 0)
    assert votes_of(db) == EXPECTED_GA
    dprk = resolution(db, "A/RES/72/188")
    assert (dprk["body"], dprk["date"], dprk["session"], dprk["draft"], dprk["meeting"]) == (
        "UNGA", "2017-12-19", "72", "A/C.3/72/L.40", "A/72/PV.73")
    assert (dprk["issue"], dprk["polarity"], dprk["adopted"], dprk["coded_by"]) == ("dprk-human-rights", 1, 1, "rules")
    assert dprk["subjects"] == "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA|HUMAN RIGHTS"
    assert db.execute("SELECT url FROM sources WHERE id = ?", [dprk["source_id"]]).fetchone()[0] == \
        "https://digitallibrary.un.org/record/990101"
    jerusalem = resolution(db, "A/RES/ES-10/19")
    assert jerusalem["session"] == "ES-10" and jerusalem["issue"] is None  # no rule: kept for alignment
    assert jerusalem["agenda"] == ("Illegal Israeli actions in Occupied East Jerusalem\tand the rest of the "
                                   "Occupied Palestinian Territory")
    assert resolution(db, "A/RES/72/39")["title"] == TITLE_72_39
    # only the roll call with an issue draws stance points: its 8 yes, no and abstain votes
    assert db.execute("SELECT count(*) FROM stance_points WHERE kind = 'vote'").fetchone()[0] == 8


@pytest.mark.parametrize("variant", ["undl_ga_crlf.csv", "undl_ga.csv.gz", "zip"])
def test_windows_line_endings_gzip_and_zip_read_the_same(db, tmp_path: Path, variant: str) -> None:
    load_paths(db, [*ISSUES, GA])
    before = table_digest(db, ("resolutions", "votes"))
    path = RAW / variant
    if variant == "zip":
        path = tmp_path / "UNGA.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(GA, "UNGA_voting.csv")
    result = load_paths(db, [path])
    f = result.files[0]
    assert result.written and (f.read, f.unchanged, f.loaded) == (24, 24, 0), f.summary()
    assert table_digest(db, ("resolutions", "votes")) == before


def test_reload_changes_nothing(db) -> None:
    load_paths(db, [*ISSUES, GA])
    before = table_digest(db)
    result = load_paths(db, [GA])
    f = result.files[0]
    assert (f.read, f.loaded, f.unchanged) == (24, 0, 24) and accounted(f)
    assert f.roll_calls == (0, 0)
    assert table_digest(db) == before


def test_older_file_with_plural_columns_and_nv(db) -> None:
    result = load_paths(db, [*ISSUES, RAW / "undl_ga_old.csv"])
    f = result.files[-1]
    assert result.written and f.read == 12 and f.inserted == 12, f.summary()
    assert db.execute("SELECT count(*) FROM votes WHERE vote = 'non-voting'").fetchone()[0] >= 1


def test_security_council_file_keeps_hand_coded_failed_drafts(db) -> None:
    hand = DATA_DIR / "votes.csv"
    load_paths(db, [ISSUES[0], hand])
    hand_2397 = resolution(db, "S/RES/2397 (2017)")
    result = load_paths(db, [RAW / "undl_sc.csv"])
    f = result.files[0]
    assert result.written and f.kind == "undl-sc" and accounted(f)
    assert (f.read, f.inserted, f.unchanged) == (30, 15, 15)  # 2397 matches the hand-coded votes
    after = resolution(db, "S/RES/2397 (2017)")
    assert (after["issue"], after["polarity"], after["title"], after["coded_by"]) == (
        hand_2397["issue"], hand_2397["polarity"], hand_2397["title"], "hand")
    assert after["draft"] == "S/2017/1087"  # what the hand file lacked is filled in
    assert db.execute("SELECT count(*) FROM votes WHERE resolution = 'S/2022/431'").fetchone()[0] == 15
    assert resolution(db, "S/RES/2334 (2016)")["adopted"] == 1


def test_bad_rows_name_file_line_field_and_reason_and_nothing_is_written(db) -> None:
    load_paths(db, ISSUES)
    before, imports = table_digest(db), db["imports"].count
    result = load_paths(db, [RAW / "undl_ga_bad.csv"])
    assert not result.written
    found = {(p.line, p.field) for p in result.problems}
    assert found == {(4, "ms_vote"), (5, "ms_code"), (6, "title, issue"), (8, "-"), (9, "date")}
    assert all(str(p).startswith(str(RAW / "undl_ga_bad.csv")) for p in result.problems)
    assert table_digest(db) == before and db["imports"].count == imports


def test_skip_invalid_writes_rejects_and_accounts_for_every_row(db, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    result = load_paths(db, [*ISSUES, RAW / "undl_ga_bad.csv"], skip_invalid=True, rejects=rejects)
    f = result.files[-1]
    assert result.written and (f.read, f.loaded, f.rejected) == (8, 3, 5) and accounted(f)
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(int(r["line"]) for r in rows) == [4, 5, 6, 8, 9]
    bad_vote = next(r for r in rows if r["line"] == "4")
    assert bad_vote["ms_vote"] == "Q" and bad_vote["problems"].startswith("ms_vote:")
    duplicate = next(r for r in rows if r["line"] == "8")  # found in SQL after streaming: values read back
    assert duplicate["problems"].startswith("-: duplicate of line 2") and duplicate["ms_code"] == "USA"
    assert duplicate["resolution"] == "A/RES/72/188" and duplicate["undl_link"].startswith("https://")
    assert db.execute("SELECT rows_read, rows_loaded, rows_rejected, status FROM imports "
                      "WHERE kind = 'undl-ga'").fetchone() == (8, 3, 5, "partial")


def test_truncated_and_undecodable_files_are_reported_by_line(db) -> None:
    result = load_paths(db, [*ISSUES, RAW / "undl_ga_truncated.csv"])
    assert not result.written
    [problem] = result.problems
    assert problem.line == 22 and "cut short" in problem.reason
    result = load_paths(db, [*ISSUES, RAW / "undl_ga_badbytes.csv"])
    [problem] = result.problems
    assert problem.line == 4 and "not valid UTF-8" in problem.reason


def test_wrong_kind_says_what_was_expected(db) -> None:
    result = load_paths(db, [RAW / "un_votes.csv"], kind="undl")
    [problem] = result.problems
    assert "expected a UN Digital Library voting CSV" in problem.reason and "unvotes" in problem.reason
    result = load_paths(db, [GA], kind="gdelt")
    assert result.fatal and "GDELT" in result.problems[0].reason


def test_a_stray_quote_mid_file_stops_the_load(db, tmp_path: Path) -> None:
    lines = GA.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",RUSSIAN FEDERATION,", ',"RUSSIAN FEDERATION,', 1)  # opens, never closes
    broken = tmp_path / "stray.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    result = load_paths(db, [*ISSUES, broken], skip_invalid=True, rejects=tmp_path / "r.csv")
    assert not result.written and result.fatal
    assert any(p.line == 4 and "stray quote" in p.reason for p in result.problems)


def test_gzip_cut_short_is_a_problem_not_a_traceback(db, tmp_path: Path) -> None:
    whole = gzip.compress(GA.read_bytes())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    result = load_paths(db, [*ISSUES, cut])
    assert not result.written
    assert any("cut short" in p.reason for p in result.problems)


def test_canonical_symbol() -> None:
    assert canonical_symbol("S/RES/2397(2017)") == "S/RES/2397 (2017)"
    assert canonical_symbol(" S/RES/2397  (2017) ") == "S/RES/2397 (2017)"
    assert canonical_symbol("A/RES/ES-10/19") == "A/RES/ES-10/19"


def test_cli_load_prints_the_accounting(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.db"
    args = ["load", str(ISSUES[0]), str(ISSUES[1]), str(GA), "--db", str(db_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "undl_ga.csv (undl-ga): 24 read, 24 loaded (24 new, 0 updated), 0 unchanged, 0 rejected" in result.output
    result = CliRunner().invoke(cli, ["load", str(RAW / "undl_ga_bad.csv"), "--db", str(db_path)])
    assert result.exit_code == 1 and "undl_ga_bad.csv:4: ms_vote: 'Q' is not a vote" in result.output
    assert "Traceback" not in result.output


def test_rules_for_undefined_issues_are_set_aside_with_a_note(db) -> None:
    result = load_paths(db, [ISSUES[0], GA])  # without data/unga_issues.csv
    assert result.written
    assert resolution(db, "A/RES/72/188")["issue"] is None
    [note] = result.notes
    assert "dprk-human-rights" in note and "data/unga_issues.csv" in note
    result = load_paths(db, [ISSUES[1], GA])  # the definitions, then the same file again: now mapped
    assert resolution(db, "A/RES/72/188")["issue"] == "dprk-human-rights"
    assert result.files[-1].roll_calls == (0, 1) and result.files[-1].unchanged == 24
