"""Hostile files: JSON lines that break the JSON parser or split in the wrong places, headers of
tens of thousands of columns, and lines too long to hold. Each gives `file:line: field: reason`
through the real CLI, never a traceback, and --skip-invalid loads the good rows around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.ingest.reader import read_table
from tests.helpers import ISSUES_CSV, statement


def jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(**changes: object) -> str:
    return json.dumps(statement(**changes), ensure_ascii=False)


HOSTILE_LINES = {
    "lone surrogate": good()[:-1] + ', "notes": "\\ud800"}',
    "huge integer": good()[:-1] + ', "confidence": ' + "9" * 5000 + "}",
    "deep nesting": good()[:-1] + ', "notes": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "keys differing in case": good()[:-1] + ', "Actor": "Russia"}',
}


@pytest.mark.parametrize("what", sorted(HOSTILE_LINES))
def test_a_hostile_json_line_is_one_plain_problem(what: str, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "s.jsonl", [good(quote="first"), HOSTILE_LINES[what], good(quote="third")])
    db = str(tmp_path / "x.db")
    strict = CliRunner().invoke(cli, ["load", str(ISSUES_CSV), str(path), "--db", db], catch_exceptions=False)
    assert strict.exit_code == 1 and "Traceback" not in strict.output
    assert f"{path}:2: " in strict.output, strict.output
    skip = CliRunner().invoke(cli, ["load", str(ISSUES_CSV), str(path), "--db", db, "--skip-invalid",
                                    "--rejects", str(tmp_path / "r.csv")], catch_exceptions=False)
    assert skip.exit_code == 0, skip.output
    assert f"{path} (statements): 3 read, 2 loaded (2 new, 0 updated), 0 unchanged, 1 rejected" in skip.output


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"])
def test_line_separators_inside_a_json_string_do_not_split_the_line(separator: str, tmp_path: Path) -> None:
    """json.dumps(ensure_ascii=False) writes these raw; only a newline ends a JSON line."""
    path = jsonl(tmp_path / "s.jsonl", [good(quote=f"one{separator}two"), '{"actor": "Narnia"}'])
    table = read_table(path)
    assert [row.line for row in table.rows] == [1, 2]
    assert table.rows[0].values["quote"] == f"one{separator}two"
    assert not table.rows[0].problems


def test_keys_that_differ_only_in_case_are_refused_like_csv_columns(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "s.jsonl", ['{"actor": "China", "Actor": "Russia", "issue": "x"}'])
    (row,) = read_table(path).rows
    assert [p.reason for p in row.problems] == ["key appears twice in this object ('actor' and 'Actor')"]


# --- Wide headers and endless lines -------------------------------------------------------------

def test_a_header_of_50000_columns_names_its_duplicates(tmp_path: Path) -> None:
    """The duplicate check is one pass (it counted each column against all: 30,000 took 106 s)."""
    columns = [f"c{i}" for i in range(50_000)] + ["c7", "c42"]
    for suffix in (".csv", ".csv.gz"):
        path = tmp_path / f"wide{suffix}"
        if suffix == ".csv":
            path.write_text(",".join(columns) + "\n" + ",".join("x" * len(columns)) + "\n", encoding="utf-8")
        else:
            import gzip

            path.write_bytes(gzip.compress((",".join(columns) + "\n").encode()))
        result = CliRunner().invoke(cli, ["load", str(path), "--db", str(tmp_path / "x.db")],
                                    catch_exceptions=False)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "c42, c7: column appears twice in the header" in result.output, result.output[-500:]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".jsonl"])
def test_a_line_too_long_to_hold_is_refused_with_a_reason(suffix: str, tmp_path: Path) -> None:
    """A 40 MB first line (a few kilobytes gzipped): refused as over the 16 MB line limit, with
    the line number, instead of being read whole (a 4 GB line in a 4 MB .gz ran out of memory)."""
    import gzip

    line = b'{"actor": "' + b"a" * (40 << 20) + b'"}\n' if suffix == ".jsonl" else b"a" * (40 << 20) + b"\n"
    path = tmp_path / f"long{suffix}"
    path.write_bytes(gzip.compress(line, compresslevel=1) if suffix.endswith(".gz") else line)
    result = CliRunner().invoke(cli, ["load", str(path), "--db", str(tmp_path / "x.db")], catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:1: -: line 1 is longer than 16 MB" in result.output, result.output[-500:]


def test_a_nul_in_a_value_is_data_and_its_export_loads_back(tmp_path: Path) -> None:
    """A NUL (from JSON's \\u0000, or typed into the form) is stored as given; the CSV export then
    holds a NUL byte, which must not make the file look like UTF-16 when it is loaded again."""
    path = jsonl(tmp_path / "s.jsonl", [good(quote="before\u0000after")])
    first, second, exported = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "export.csv"
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(ISSUES_CSV), str(path), "--db", str(first)]).exit_code == 0
    assert runner.invoke(cli, ["export", "-o", str(exported), "--db", str(first)]).exit_code == 0
    assert b"before\x00after" in exported.read_bytes()
    again = runner.invoke(cli, ["load", str(ISSUES_CSV), str(exported), "--db", str(second)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    import sqlite3

    with sqlite3.connect(second) as conn:
        assert conn.execute("SELECT quote FROM statements").fetchall() == [("before\x00after",)]
