"""Defects a second reader found in the published-dataset path, each kept fixed by a test."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import sqlite_utils

from stance.db import DATA_DIR, MIGRATIONS, open_db
from stance.ingest.load import load_paths
from tests.helpers import RAW, accounted, table_digest

ISSUES = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
GA = RAW / "undl_ga.csv"
HAND_HEADER = "resolution,body,date,title,issue,polarity,adopted,actor,vote\n"


def test_a_stray_quote_that_swallows_the_rest_of_the_file_is_fatal(tmp_path: Path) -> None:
    lines = (RAW / "voeten_raw.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = '"' + lines[2]  # a numeric file: no later quote closes it
    path = tmp_path / "voeten_quote.csv"
    path.write_text("".join(lines), encoding="utf-8")
    db = open_db(tmp_path / "q.db")
    result = load_paths(db, [*ISSUES, path], skip_invalid=True, rejects=tmp_path / "r.csv")
    assert not result.written and result.fatal
    assert any("never closed" in p.reason and p.line == 3 for p in result.problems)
    assert db["votes"].count == 0 and not (tmp_path / "r.csv").exists()


def test_a_cut_gzip_is_fatal_even_with_skip_invalid(tmp_path: Path) -> None:
    big = (GA.read_text(encoding="utf-8").split("\n", 1)[1]) * 300  # the same rows repeated: ~7,000 rows
    whole = gzip.compress((GA.read_text(encoding="utf-8").split("\n", 1)[0] + "\n" + big).encode())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) * 7 // 10])
    db = open_db(tmp_path / "g.db")
    result = load_paths(db, [*ISSUES, cut], skip_invalid=True, rejects=tmp_path / "r.csv")
    assert not result.written and result.fatal
    assert any("damaged or cut short" in p.reason for p in result.problems)
    assert db["votes"].count == 0


def test_a_vote_in_a_hand_file_and_a_published_file_of_one_load(tmp_path: Path) -> None:
    hand = tmp_path / "hand_votes.csv"
    hand.write_text(HAND_HEADER + "A/RES/72/188,UNGA,2017-12-19,Hand title,dprk-human-rights,+1,true,USA,no\n",
                    encoding="utf-8")
    db = open_db(tmp_path / "h.db")
    result = load_paths(db, [*ISSUES, hand, GA], skip_invalid=True, rejects=tmp_path / "r.csv")
    ga = result.files[-1]
    assert result.written and ga.rejected == 1 and accounted(ga)
    assert any(f"duplicate of {hand}:2" in p.reason for p in ga.problems)
    usa = db.execute("SELECT vote FROM votes WHERE resolution = 'A/RES/72/188' AND actor = 'USA'").fetchone()
    assert usa == ("no",)
    before = table_digest(db)
    again = load_paths(db, [hand, GA], skip_invalid=True, rejects=tmp_path / "r2.csv")
    assert all(f.loaded == 0 for f in again.files) and table_digest(db) == before


def test_a_hand_votes_file_takes_over_a_resolution_the_rules_coded(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    load_paths(db, [*ISSUES, GA])
    hand = tmp_path / "hand_votes.csv"
    hand.write_text(HAND_HEADER + "A/RES/72/188,UNGA,2017-12-19,Hand title,unga-human-rights,+1,true,USA,yes\n",
                    encoding="utf-8")
    load_paths(db, [hand])
    load_paths(db, [GA])  # the published file again: the hand coding stays
    row = db.execute("SELECT issue, title, coded_by FROM resolutions WHERE id = 'A/RES/72/188'").fetchone()
    assert row == ("unga-human-rights", "Hand title", "hand")


def test_numbers_too_large_for_sqlite_are_rejected_rows(tmp_path: Path) -> None:
    calls = (RAW / "un_roll_calls.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    calls.append("99999999999999999999,72,0,2017-12-19,NA,0,0,\"x\",\"y\"\n")
    path = tmp_path / "un_roll_calls.csv"
    path.write_text("".join(calls), encoding="utf-8")
    db = open_db(tmp_path / "n.db")
    result = load_paths(db, [*ISSUES, path], skip_invalid=True, rejects=tmp_path / "r.csv")
    assert result.written and result.files[-1].rejected == 1
    assert any("too large" in p.reason for p in result.problems)
    event = (RAW / "20240105120000.export.CSV").read_text(encoding="utf-8").splitlines()[0].split("\t")
    event[32] = "99999999999999999999999"  # NumSources
    gpath = tmp_path / "20240106000000.export.CSV"
    gpath.write_text("\t".join(event) + "\n", encoding="utf-8")
    result = load_paths(db, [gpath], skip_invalid=True, rejects=tmp_path / "r2.csv")
    assert result.files[0].rejected == 1 and accounted(result.files[0])


def test_m003_upgrades_a_database_with_an_unrelated_broken_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    MIGRATIONS.apply(db, stop_before="m003_datasets")
    conn.execute("INSERT INTO actor_aliases (alias, code) VALUES ('nowhere', 'ZZZ')")  # a hand edit, FKs off
    conn.commit()
    conn.close()
    upgraded = open_db(path)
    assert "coded_by" in upgraded["resolutions"].columns_dict


def test_a_dry_run_blames_the_same_file_for_a_duplicate_as_the_real_run(tmp_path: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_bytes(GA.read_bytes())
    db = open_db(tmp_path / "d.db")
    load_paths(db, ISSUES)
    dry = load_paths(db, [GA, second], dry_run=True, skip_invalid=True)
    real = load_paths(db, [GA, second], skip_invalid=True, rejects=tmp_path / "r.csv")
    assert [f.rejected for f in dry.files] == [f.rejected for f in real.files] == [0, 24]


def test_rows_with_every_field_empty_are_counted_not_dropped(tmp_path: Path) -> None:
    ga = GA.read_text(encoding="utf-8")
    undl = tmp_path / "undl_empty.csv"
    undl.write_text(ga + "," * 19 + "\n" + "\n", encoding="utf-8")  # one empty row, one blank line
    statements = tmp_path / "statements.csv"
    statements.write_text((DATA_DIR / "statements.csv").read_text(encoding="utf-8") + ",,,,,,,,,,,\n",
                          encoding="utf-8")
    db = open_db(tmp_path / "e.db")
    result = load_paths(db, [*ISSUES, statements, undl])
    assert result.written, result.problems
    for f in result.files[-2:]:
        assert f.filtered == {"rows with every field empty": 1} and accounted(f), f.summary()
        assert "1 filtered out (1 rows with every field empty)" in f.summary()


def test_undl_and_unvotes_in_one_database_are_flagged(tmp_path: Path) -> None:
    db = open_db(tmp_path / "both.db")
    first = load_paths(db, [*ISSUES, GA])
    assert first.written and not first.notes
    unvotes = [RAW / "un_roll_calls.csv", RAW / "un_roll_call_issues.csv", RAW / "un_votes.csv"]
    result = load_paths(db, unvotes, skip_invalid=True, rejects=tmp_path / "r.csv")
    assert result.written
    [note] = [n for n in result.notes if "counts those votes twice" in n]
    assert "2017-2017" in note
