"""GDELT event files (tests/fixtures/raw/, see EXPECTED.md there) loaded as relations."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.db import open_db
from stance.ingest import gdelt
from stance.ingest.bulk import RELATION_COLUMNS
from stance.ingest.load import BULK_FORMATS, FileResult, load_paths
from stance.ingest.stream import RowStream

RAW = Path(__file__).parent / "fixtures" / "raw"
GDELT2 = RAW / "20240105120000.export.CSV"
DAILY = RAW / "20130401.export.CSV"
HISTORICAL = RAW / "200601.csv"
TRUNCATED = RAW / "gdelt_truncated.export.CSV"
URL = "https://news.example.com/"

# id: source, target, day, event / base / root code, quad, goldstein, mentions, sources, articles, tone, url
GDELT2_ROWS = {
    "gdelt:1151000001": ("USA", "CHN", "2024-01-05", "010", "010", "01", 1, 0.0, 10, 5, 10, -1.82648401826484,
                         URL + "2024/01/05/us-china-statement"),
    "gdelt:1151000002": ("CHN", "USA", "2024-01-05", "0231", "023", "02", 1, 3.4, 2, 1, 2, 0.95238095238095,
                         URL + "2024/01/05/china-appeal"),
    "gdelt:1151000003": ("PRK", "KOR", "2024-01-05", "138", "138", "13", 3, -7.0, 20, 5, 18, -6.31578947368421,
                         URL + "2024/01/05/pyongyang-threat"),
    "gdelt:1151000004": ("KOR", "JPN", "2024-01-05", "043", "043", "04", 1, 2.8, 4, 1, 4, 2.17391304347826,
                         URL + "2024/01/05/seoul-hosts-tokyo"),
    "gdelt:1151000005": ("RUS", "PRK", "2024-01-05", "036", "036", "03", 1, 4.0, 8, 5, 8, -0.5,
                         URL + "2024/01/05/moscow-pyongyang-talks"),
    "gdelt:1151000008": ("USA", "PRK", "2024-01-05", "112", "112", "11", 3, -2.0, 5, 1, 5, -5.73248407643312,
                         URL + "2024/01/05/washington-accuses"),
    "gdelt:1151000009": ("CHN", "PRK", "2024-01-04", "057", "057", "05", 1, 8.0, 12, 5, 12, 3.125,
                         URL + "2024/01/04/beijing-pyongyang-agreement"),
    "gdelt:1151000010": ("JPN", "KOR", "2024-01-05", "0233", "023", "02", 1, 3.4, 2, 1, 2, 1.0,
                         URL + "2024/01/05/tokyo-aid-appeal"),
}
DAILY_ROWS = {
    "gdelt:250000001": ("USA", "PRK", "2013-04-01", "112", "112", "11", 3, -2.0, 10, 5, 10, -4.16666666666667,
                        URL + "2013/04/01/us-accuses-dprk"),
    "gdelt:250000002": ("PRK", "KOR", "2013-04-01", "138", "138", "13", 3, -7.0, 30, 5, 30, -7.5,
                        URL + "2013/04/01/dprk-threatens"),
    "gdelt:250000003": ("CHN", "PRK", "2013-04-01", "036", "036", "03", 1, 4.0, 4, 1, 4, 0.0,
                        URL + "2013/04/01/china-dprk-meet"),
    "gdelt:250000004": ("KOR", "USA", "2013-03-31", "042", "042", "04", 1, 1.9, 6, 5, 6, 1.5,
                        URL + "2013/03/31/seoul-visit"),
    "gdelt:250000005": ("RUS", "JPN", "2012-04-01", "010", "010", "01", 1, 0.0, 2, 1, 2, -0.8,
                        URL + "2013/04/01/moscow-tokyo"),
}
HISTORICAL_ROWS = {
    "gdelt:100000001": ("USA", "PRK", "2006-01-15", "112", "112", "11", 3, -2.0, 4, 1, 4, -3.0, None),
    "gdelt:100000002": ("PRK", "USA", "2006-01-17", "138", "138", "13", 3, -7.0, 9, 1, 9, -6.0, None),
    "gdelt:100000003": ("CHN", "PRK", "2006-01-10", "043", "043", "04", 1, 2.8, 3, 1, 3, 1.0, None),
    "gdelt:100000004": ("RUS", "KOR", "2006-01-25", "036", "036", "03", 1, 4.0, 2, 1, 2, 0.5, None),
    "gdelt:100000005": ("JPN", "CHN", "2006-01-31", "0231", "023", "02", 1, 3.4, 1, 1, 1, 0.0, None),
}
GDELT2_FILTERED = {"actor2 has no country code": 1, "actor1 'EUR' is a region, not a country": 1}


def stored(db) -> dict[str, tuple]:
    """Relations by id, in RELATION_COLUMNS order after id and dataset."""
    names = ", ".join(RELATION_COLUMNS)
    return {row[0]: row for row in db.execute(f"SELECT {names} FROM relations ORDER BY id").fetchall()}


def accounted(f: FileResult) -> bool:
    return f.read == f.loaded + f.unchanged + f.rejected + sum(f.filtered.values())


def lines(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def set_field(row: list[str], name: str, value: str) -> list[str]:
    row = list(row)
    row[gdelt.GDELT2_COLUMNS.index(name)] = value
    return row


# --- layouts and recognition -------------------------------------------------------------

def test_column_names_per_layout() -> None:
    assert len(gdelt.GDELT2_COLUMNS) == 61 and len(set(gdelt.GDELT2_COLUMNS)) == 61
    assert len(gdelt.GDELT1_COLUMNS) == 58 and len(gdelt.GDELT1_HISTORICAL_COLUMNS) == 57
    assert gdelt.GDELT2_COLUMNS[:2] == ("globaleventid", "sqldate")
    assert gdelt.GDELT2_COLUMNS[-2:] == ("dateadded", "sourceurl")
    assert "actor1geo_adm2code" in gdelt.GDELT2_COLUMNS and "actor1geo_adm2code" not in gdelt.GDELT1_COLUMNS
    assert gdelt.GDELT1_HISTORICAL_COLUMNS[-1] == "dateadded"
    assert gdelt.GDELT2_COLUMNS.index("eventcode") == 26 and gdelt.GDELT2_COLUMNS.index("actor2countrycode") == 17
    assert "gdelt" in BULK_FORMATS


@pytest.mark.parametrize("name, variant, width", [
    ("20240105120000.export.CSV", "gdelt2", 61), ("20240105120000.export.CSV.zip", "gdelt2", 61),
    ("20240105120000.export.CSV.gz", "gdelt2", 61), ("20130401.export.CSV", "gdelt1", 58),
    ("200601.csv", "gdelt1", 57), ("gdelt_truncated.export.CSV", "gdelt2", 61)])
def test_recognised_by_column_count_and_columns_named(name: str, variant: str, width: int) -> None:
    stream = RowStream(RAW / name, **gdelt.stream_options())
    assert gdelt.recognise(stream) == variant
    assert len(stream.columns) == width and stream.columns[0] == "globaleventid"
    assert gdelt.missing(stream, variant) == []
    stream.close()


def test_a_random_tsv_is_not_taken_for_gdelt(tmp_path: Path) -> None:
    first = lines(GDELT2)[0]
    for row in (["id"] + first[1:], set_field(first, "sqldate", "2024015"), ["x"] * 61):
        path = write_tsv(tmp_path / "other.tsv", [row])
        stream = RowStream(path, **gdelt.stream_options())
        assert gdelt.recognise(stream) is None
        stream.close()


# --- values ------------------------------------------------------------------------------

def test_gdelt2_values_one_by_one(fresh_db) -> None:
    result = load_paths(fresh_db, [GDELT2])
    assert result.written and not result.problems
    (f,) = result.files
    assert (f.kind, f.read, f.inserted, f.rejected) == ("gdelt2", 10, 8, 0)
    assert dict(f.filtered) == GDELT2_FILTERED and accounted(f)
    rows = stored(fresh_db)
    assert set(rows) == set(GDELT2_ROWS)
    for event_id, expected in GDELT2_ROWS.items():
        row = rows[event_id]
        assert row[1] == "gdelt2"
        assert row[2:] == expected, event_id


def test_event_codes_are_text_with_leading_zeros(fresh_db) -> None:
    load_paths(fresh_db, [GDELT2])
    types = fresh_db.execute("SELECT DISTINCT typeof(event_code), typeof(base_code), typeof(root_code), "
                             "typeof(quad_class), typeof(goldstein), typeof(sources) FROM relations").fetchall()
    assert types == [("text", "text", "text", "integer", "real", "integer")]
    row = fresh_db.execute("SELECT event_code, base_code, root_code FROM relations "
                           "WHERE id = 'gdelt:1151000002'").fetchone()
    assert row == ("0231", "023", "02")


def test_actors_come_from_cameo_country_codes_not_fips_geography(fresh_db) -> None:
    """Row 2's action happens at FIPS 'CH' (China; in ISO-2, Switzerland); Actor1Code is 'CHNGOV'."""
    load_paths(fresh_db, [GDELT2, DAILY, HISTORICAL])
    actors = {a for (a,) in fresh_db.execute("SELECT source_actor FROM relations UNION "
                                             "SELECT target_actor FROM relations").fetchall()}
    assert actors == {"USA", "CHN", "PRK", "KOR", "JPN", "RUS"}
    assert fresh_db.execute("SELECT source_actor, target_actor FROM relations "
                            "WHERE id = 'gdelt:1151000002'").fetchone() == ("CHN", "USA")


@pytest.mark.parametrize("archive", ["20240105120000.export.CSV.zip", "20240105120000.export.CSV.gz"])
def test_archives_load_the_same_rows(tmp_path: Path, archive: str) -> None:
    plain, packed = open_db(tmp_path / "plain.db"), open_db(tmp_path / "packed.db")
    load_paths(plain, [GDELT2])
    result = load_paths(packed, [RAW / archive])
    assert result.written and dict(result.files[0].filtered) == GDELT2_FILTERED
    assert stored(packed) == stored(plain)
    lines_of = "SELECT id, line FROM relations ORDER BY id"
    assert packed.execute(lines_of).fetchall() == plain.execute(lines_of).fetchall()


def test_gdelt1_daily_file(fresh_db) -> None:
    result = load_paths(fresh_db, [DAILY])
    (f,) = result.files
    assert result.written and (f.kind, f.read, f.inserted, f.rejected) == ("gdelt1", 6, 5, 0)
    assert dict(f.filtered) == {"actor2 has no country code (a one-actor event)": 1} and accounted(f)
    rows = stored(fresh_db)
    assert {k: v[2:] for k, v in rows.items()} == DAILY_ROWS
    assert rows["gdelt:250000005"][4] == "2012-04-01"  # SQLDATE, not DATEADDED (20130401)


def test_gdelt1_historical_file_has_no_urls(fresh_db) -> None:
    result = load_paths(fresh_db, [HISTORICAL])
    (f,) = result.files
    assert result.written and (f.kind, f.read, f.inserted, f.rejected, sum(f.filtered.values())) == (
        "gdelt1", 5, 5, 0, 0)
    rows = stored(fresh_db)
    assert {k: v[2:] for k, v in rows.items()} == HISTORICAL_ROWS
    assert {v[1] for v in rows.values()} == {"gdelt1"}


def test_reload_changes_nothing(fresh_db) -> None:
    load_paths(fresh_db, [GDELT2, DAILY, HISTORICAL])
    before = stored(fresh_db)
    again = load_paths(fresh_db, [GDELT2, DAILY, HISTORICAL])
    assert again.written
    for f in again.files:
        assert (f.inserted, f.updated, f.rejected) == (0, 0, 0) and f.unchanged > 0 and accounted(f)
    assert [f.unchanged for f in again.files] == [8, 5, 5]
    assert stored(fresh_db) == before


# --- problems ----------------------------------------------------------------------------

def test_truncated_file_strict_writes_nothing(fresh_db) -> None:
    result = load_paths(fresh_db, [TRUNCATED])
    assert not result.written
    (problem,) = result.problems
    assert problem.line == 5 and "37 fields" in problem.reason and "61" in problem.reason
    assert fresh_db["relations"].count == 0


def test_truncated_file_skip_invalid_loads_the_complete_lines(fresh_db, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    result = load_paths(fresh_db, [TRUNCATED], skip_invalid=True, rejects=rejects)
    (f,) = result.files
    assert result.written and (f.read, f.inserted, f.rejected) == (5, 4, 1) and accounted(f)
    assert set(stored(fresh_db)) == {f"gdelt:115100000{i}" for i in range(1, 5)}
    (row,) = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert row["line"] == "5" and "37 fields" in row["problems"]
    assert row["globaleventid"] == "1151000005" and row["actor1countrycode"] == "RUS"


def test_bad_values_are_rejected_with_their_column(fresh_db, tmp_path: Path) -> None:
    good = lines(GDELT2)
    rows = [
        good[0],
        set_field(good[1], "sqldate", "20241305"),
        set_field(good[2], "goldsteinscale", "high"),
        set_field(good[3], "quadclass", "5"),
        set_field(good[4], "actor1countrycode", "XYZ"),
        set_field(good[7], "goldsteinscale", "12.5"),
        set_field(good[8], "eventcode", "57"),  # still a code: 2 digits are fine
        set_field(good[9], "nummentions", "-1"),
    ]
    path = write_tsv(tmp_path / "bad.export.CSV", rows)
    result = load_paths(fresh_db, [path], skip_invalid=True, rejects=tmp_path / "rejects.csv")
    (f,) = result.files
    assert result.written and accounted(f)
    found = {(p.line, p.field) for p in f.problems}
    assert found == {(2, "sqldate"), (3, "goldsteinscale"), (4, "quadclass"), (5, "actor1countrycode"),
                     (6, "goldsteinscale"), (8, "nummentions")}
    reasons = {p.field: p.reason for p in f.problems}
    assert "no country for CAMEO code 'XYZ'" in reasons["actor1countrycode"]
    assert "'20241305' is not a date" in reasons["sqldate"]
    assert (f.inserted, f.rejected) == (2, 6)


def test_strict_load_with_a_bad_row_writes_nothing(fresh_db, tmp_path: Path) -> None:
    good = lines(GDELT2)
    path = write_tsv(tmp_path / "bad.export.CSV", [good[0], set_field(good[1], "quadclass", "0")])
    result = load_paths(fresh_db, [path])
    assert not result.written and [p.field for p in result.problems] == ["quadclass"]
    assert fresh_db["relations"].count == 0


def test_an_event_within_one_country_is_filtered(fresh_db, tmp_path: Path) -> None:
    good = lines(GDELT2)
    path = write_tsv(tmp_path / "same.export.CSV", [good[0], set_field(good[1], "actor2countrycode", "CHN")])
    (f,) = load_paths(fresh_db, [path]).files
    assert dict(f.filtered) == {"an event within one country": 1} and f.inserted == 1 and accounted(f)


def test_sub_national_codes_are_filtered_not_mapped(fresh_db, tmp_path: Path) -> None:
    good = lines(GDELT2)
    path = write_tsv(tmp_path / "gaza.export.CSV", [good[0], set_field(good[1], "actor2countrycode", "GZS")])
    (f,) = load_paths(fresh_db, [path]).files
    assert dict(f.filtered) == {"actor2 'GZS' is a sub-national area, not a country": 1}


@pytest.mark.parametrize("path, kind, expected, found", [
    (RAW / "undl_ga.csv", "gdelt", "a GDELT event file", "undl"),
    (RAW / "wrong_kind.csv", "gdelt", "a GDELT event file", "statements"),
])
def test_wrong_kind_is_one_file_level_problem(fresh_db, path: Path, kind: str, expected: str, found: str) -> None:
    result = load_paths(fresh_db, [path], kind=kind)
    assert result.fatal and not result.written
    (problem,) = result.problems
    assert problem.line == 1 and f"expected {expected}" in problem.reason and found in problem.reason
    assert fresh_db["relations"].count == 0


# --- filters through the command line ----------------------------------------------------

def load_cli(db: Path, *args: str) -> tuple[str, list[tuple[str, str]]]:
    result = CliRunner().invoke(cli, ["load", str(GDELT2), "--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pairs = sqlite3.connect(db).execute("SELECT source_actor, target_actor FROM relations ORDER BY id").fetchall()
    return result.output, pairs


def test_cli_actors_keeps_events_between_the_listed_actors(tmp_path: Path) -> None:
    output, pairs = load_cli(tmp_path / "x.db", "--actors", "USA,China")
    assert pairs == [("USA", "CHN"), ("CHN", "USA")]
    assert "10 read, 2 loaded" in output and "6 not between the chosen actors (--actors)" in output


def test_cli_one_actor_keeps_its_events_with_anyone(tmp_path: Path) -> None:
    output, pairs = load_cli(tmp_path / "x.db", "--actors", "PRK")
    assert pairs == [("PRK", "KOR"), ("RUS", "PRK"), ("USA", "PRK"), ("CHN", "PRK")]
    assert "4 does not involve the chosen actor (--actors)" in output


def test_cli_min_sources(tmp_path: Path) -> None:
    output, pairs = load_cli(tmp_path / "x.db", "--min-sources", "2")
    assert pairs == [("USA", "CHN"), ("PRK", "KOR"), ("RUS", "PRK"), ("CHN", "PRK")]
    assert "4 reported by fewer than 2 sources (--min-sources)" in output


def test_cli_root_only(tmp_path: Path) -> None:
    output, pairs = load_cli(tmp_path / "x.db", "--root-only")
    assert len(pairs) == 6 and ("CHN", "USA") not in pairs and ("JPN", "KOR") not in pairs
    assert "2 not a root event (--root-only)" in output
    assert "10 read, 6 loaded (6 new, 0 updated), 0 unchanged, 0 rejected, 4 filtered out" in output
