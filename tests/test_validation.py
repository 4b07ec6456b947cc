"""Every kind of bad input gives file:line: field: reason, all at once, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.ingest.load import load_paths
from tests.helpers import ISSUES_CSV, fingerprint, statement, vote, write_rows


def _problems(db, path: Path) -> list[str]:
    result = load_paths(db, [ISSUES_CSV, path])
    assert not result.written
    return [str(p) for p in result.problems]


CASES = [
    ("bad date", [statement(date="2017-13-01")], 2, "date", "not a calendar date"),
    ("slashed date", [statement(date="08/03/2017")], 2, "date", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ("unknown actor", [statement(actor="Nortth Korea")], 2, "actor", "did you mean North Korea (PRK)"),
    ("stance out of range", [statement(stance="5")], 2, "stance", "out of range"),
    ("stance not a label", [statement(stance="kind of")], 2, "stance", "neither -2..2 nor one of"),
    ("non-http url", [statement(source_url="javascript:alert(1)")], 2, "source_url", "not an http(s) URL"),
    ("ftp url", [statement(source_url="ftp://un.org/doc")], 2, "source_url", "not an http(s) URL"),
    ("unknown issue", [statement(issue="world-peace")], 2, "issue", "unknown issue 'world-peace'"),
    ("confidence", [statement(confidence="1.5")], 2, "confidence", "outside 0..1"),
    ("duplicate rows", [statement(), statement()], 3, "-", "duplicate of line 2"),
    ("second row bad", [statement(), statement(actor="Atlantis", quote="x")], 3, "actor", "unknown actor"),
]


@pytest.mark.parametrize("name, rows, line, field, reason", CASES, ids=[c[0] for c in CASES])
def test_bad_statement_rows(fresh_db, tmp_path: Path, name: str, rows, line: int, field: str, reason: str) -> None:
    path = write_rows(tmp_path / "statements.csv", rows)
    problems = _problems(fresh_db, path)
    assert any(p.startswith(f"{path}:{line}: {field}: ") and reason in p for p in problems), problems
    assert fresh_db["statements"].count == 0


VOTE_CASES = [
    ("partial date", [vote(date="2017-12")], 2, "date", "needs the full date"),
    ("bad vote", [vote(vote="maybe")], 2, "vote", "not a vote"),
    ("bad body", [vote(body="UNHRC")], 2, "body", "not a UN body"),
    ("bad polarity", [vote(polarity="2")], 2, "polarity", "not a polarity"),
    ("bad adopted", [vote(adopted="perhaps")], 2, "adopted", "not true, false or unknown"),
    ("inconsistent resolution", [vote(), vote(actor="CHN", date="2017-12-23")], 3, "date",
     "differs from line 2 for the same resolution"),
    ("duplicate vote", [vote(), vote(vote="no")], 3, "-", "duplicate of line 2"),
]


@pytest.mark.parametrize("name, rows, line, field, reason", VOTE_CASES, ids=[c[0] for c in VOTE_CASES])
def test_bad_vote_rows(fresh_db, tmp_path: Path, name: str, rows, line: int, field: str, reason: str) -> None:
    path = write_rows(tmp_path / "votes.csv", rows)
    problems = _problems(fresh_db, path)
    assert any(p.startswith(f"{path}:{line}: {field}: ") and reason in p for p in problems), problems


def test_missing_column(fresh_db, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "statements.csv", [statement()], columns=("actor", "issue", "date", "quote"))
    problems = _problems(fresh_db, path)
    assert problems == [f"{path}:1: stance: missing column(s) for a statements file "
                        "(the header has: actor, issue, date, quote)"]


@pytest.mark.parametrize("content, reason", [
    (b"", "file is empty"),
    (b"\n\n  \n", "file is empty"),
    (b"actor,issue,date,stance\n", "no data rows below the header"),
    ("actor,issue,date,stance\nChina,double-freeze,2017,2\n".encode("utf-16"), "UTF-16"),
])
def test_file_level_problems(fresh_db, tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "statements.csv"
    path.write_bytes(content)
    problems = _problems(fresh_db, path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:1: ") and reason in problems[0]


def test_wrong_encoding_names_the_line(fresh_db, tmp_path: Path) -> None:
    path = tmp_path / "statements.csv"
    good = b"actor,issue,date,stance,notes\nChina,double-freeze,2017,2,ok\n"
    path.write_bytes(good + "Russia,double-freeze,2017,2,Lavrov à Pékin\n".encode("latin-1"))
    problems = _problems(fresh_db, path)
    assert problems == [f"{path}:3: -: not valid UTF-8 (byte 0xe0 at column 36); "
                        "save the file as UTF-8 ('CSV UTF-8' in Excel)"]


def test_bom_and_semicolons_are_fine(fresh_db, tmp_path: Path) -> None:
    path = tmp_path / "statements.csv"
    path.write_bytes(b"\xef\xbb\xbfActor;Issue;Date;Stance\nChina;double-freeze;2017-03;support\n")
    result = load_paths(fresh_db, [ISSUES_CSV, path])
    assert result.written and not result.problems
    row = fresh_db.execute("SELECT actor, date, date_precision, stance FROM statements").fetchone()
    assert row == ("CHN", "2017-03", "month", 1)


def test_stray_delimiter_is_reported(fresh_db, tmp_path: Path) -> None:
    path = tmp_path / "statements.csv"
    path.write_text("actor,issue,date,stance\nChina,double-freeze,2017,2,extra\n", encoding="utf-8")
    assert _problems(fresh_db, path) == [f"{path}:2: -: has 5 fields, the header has 4 (a stray delimiter or quote?)"]


def test_every_problem_is_reported_at_once(fresh_db, tmp_path: Path) -> None:
    rows = [statement(date="nope", stance="9"), statement(actor="Narnia", quote="q"), statement(quote="ok")]
    problems = _problems(fresh_db, write_rows(tmp_path / "s.csv", rows))
    assert [p.split(": ")[0:2] for p in problems] == [
        [f"{tmp_path}/s.csv:2", "date"], [f"{tmp_path}/s.csv:2", "stance"], [f"{tmp_path}/s.csv:3", "actor"]]


def test_multiline_quote_reports_the_starting_line(fresh_db, tmp_path: Path) -> None:
    path = tmp_path / "statements.csv"
    path.write_text('actor,issue,date,stance,quote\nChina,double-freeze,2017,2,"line one\nline two"\n'
                    'Narnia,double-freeze,2017,2,x\n', encoding="utf-8")
    assert _problems(fresh_db, path)[0].startswith(f"{path}:4: actor: unknown actor 'Narnia'")


def test_jsonl_is_read_too(fresh_db, tmp_path: Path) -> None:
    path = tmp_path / "statements.jsonl"
    path.write_text('{"actor": "DPRK", "issue": "double-freeze", "date": "2015-01-10", "stance": 1}\n'
                    'not json\n', encoding="utf-8")
    assert _problems(fresh_db, path) == [f"{path}:2: -: not valid JSON (Expecting value)"]


def test_validation_failure_changes_nothing(sample_db: Path, tmp_path: Path) -> None:
    from stance.db import open_db

    before = fingerprint(sample_db)
    db = open_db(sample_db)
    result = load_paths(db, [write_rows(tmp_path / "s.csv", [statement(), statement(stance="7")])])
    db.close()
    assert not result.written and fingerprint(sample_db) == before
