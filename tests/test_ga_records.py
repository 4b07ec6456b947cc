"""General Assembly votes on a generated unvotes dataset loaded through the real loader (issue 11):
whole downloads past the old 5,000-row cap (item 2), votes traceable by symbol and findable by
search (item 5), rejected rows visible on the Data page (item 6)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from stance.actors import registry
from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths
from stance.model import ga_symbol
from stance.queries import explore, stance_points
from tests.pages import page_app

ROLL_CALLS = 40
COUNTRIES = 150  # 40 x 150 = 6,000 votes, past the 5,000 rows the download used to stop at
OLD_RCID = 100  # session 15 (1960): numbered A/RES/1514(XV)
NO_ISSUE = 5038  # no issue code, so no rule gives it an issue: its votes count for alignment only
CODES = ("me", "nu", "di", "hr", "co", "ec")
BAD_VOTES = [(5001, "Atlantis", "QQ", "yes"), (5021, "Atlantis", "QQ", "no"), (5039, "Atlantis", "QQ", "yes"),
             (5002, "France", "FR", "maybe")]


def _r(value: object) -> str:
    """A value as R's write.csv writes it: strings quoted (quotes doubled), numbers bare, NA bare."""
    if value is None:
        return "NA"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _write(path: Path, header: tuple[str, ...], rows: list[tuple]) -> Path:
    lines = [",".join(_r(h) for h in header)] + [",".join(_r(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def roll_call(rcid: int) -> tuple:
    """rcid, session, importantvote, date, unres, amend, para, short, descr."""
    if rcid == OLD_RCID:
        return (rcid, 15, 1, "1960-12-14", "R/15/1514", 0, 0, "INDEPENDENCE TO COLONIAL COUNTRIES",
                "Declaration on the granting of independence to colonial countries and peoples")
    k = rcid - 5000
    day = dt.date(2015, 10, 1) + dt.timedelta(days=45 * k)
    session = 70 + (day.year - 2015)
    unres = None if k == 40 else f"R/{session}/{100 + k}"  # the last one is an amendment: no symbol
    unres = "ESS/1/34" if k == 39 else unres  # a special session's form in the dataset, not a UN symbol
    return (rcid, session, 0, day.isoformat(), unres, int(unres is None), 0, f"TOPIC NUMBER {k}",
            f"Draft resolution {k} on the question of widgets, paragraph {k}")


def write_unvotes(folder: Path) -> list[Path]:
    """The three unvotes tables for ROLL_CALLS roll calls (plus one of 1960) and COUNTRIES countries."""
    rcids = [5000 + k for k in range(1, ROLL_CALLS + 1)] + [OLD_RCID]
    iso2 = sorted(a.iso2 for a in registry().actors.values() if a.kind == "state" and a.iso2)[:COUNTRIES]
    votes = [(rcid, code, code, ("yes", "no", "abstain")[(rcid * 7 + i) % 5 % 3])
             for rcid in rcids for i, code in enumerate(iso2)]
    return [
        _write(folder / "un_roll_calls.csv", ("rcid", "session", "importantvote", "date", "unres", "amend", "para",
                                              "short", "descr"), [roll_call(r) for r in rcids]),
        _write(folder / "un_roll_call_issues.csv", ("rcid", "short_name", "issue"),
               [(r, CODES[r % 6], CODES[r % 6]) for r in rcids if r != NO_ISSUE]),
        _write(folder / "un_votes.csv", ("rcid", "country", "country_code", "vote"), votes + BAD_VOTES),
    ]


@pytest.fixture(scope="module")
def ga_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unvotes")
    path = folder / "ga.db"
    db = open_db(path)
    result = load_paths(db, [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv", *write_unvotes(folder)],
                        skip_invalid=True, rejects=folder / "rejects.csv")
    db.close()
    assert result.written
    return path


@pytest.fixture
def ga(ga_db: Path):
    db = open_db(ga_db, read_only=True)
    yield db
    db.close()


# --- Item 2: the whole selection, past 5,000 rows ----------------------------------------------

ALL = (None, (), None, None, "both", (), None)


def test_the_zip_holds_every_vote_and_opens_with_plain_pandas(ga) -> None:
    total = explore.count(ga)
    assert total > 5_000
    # the count is of stance points: the votes of a roll call without an issue are not among them
    assert total == ga.execute("SELECT count(*) FROM stance_points").fetchone()[0]
    assert total == explore.count_votes(explore.vote_tallies(ga)) + explore.count(ga, kind="statements")
    assert ga.execute("SELECT count(*) FROM votes v JOIN resolutions r ON r.id = v.resolution "
                      "WHERE r.issue IS NULL").fetchone()[0] == COUNTRIES
    archive = zipfile.ZipFile(io.BytesIO(explore.export_zip(ga, *ALL, filters={"issue": None}, today="2026-12-02")))
    rows = pd.read_csv(io.BytesIO(archive.read("stance-export-2026-12-02.csv")), keep_default_na=False, dtype=str)
    assert len(rows) == total and list(rows.columns) == list(explore.COLUMNS)
    assert rows["Date"].iloc[0] == "1960-12-14" and rows["Date"].iloc[-1] > "2020-01-01"  # no cut at row 5,000
    assert rows["Record id"].nunique() == ROLL_CALLS  # every roll call with an issue, 1960's included
    assert f"{total:,} rows" in archive.read("README.md").decode("utf-8")
    assert "CC0-1.0" in archive.read("datapackage.json").decode("utf-8")  # the record's licence, with its citation
    assert explore.export_csv(ga, *ALL) == archive.read("stance-export-2026-12-02.csv")


def test_explore_pages_the_table_and_offers_every_row(ga_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", ga_db, monkeypatch)
    assert not at.exception
    handle = open_db(ga_db, read_only=True)
    total = explore.count(handle)
    handle.close()
    assert at.subheader[0].value == f"{total:,} rows"
    assert len(at.dataframe[0].value) == explore.PAGE_ROWS
    assert any(b.label == f"Download all {total:,} rows as a data package (zip)" for b in at.get("download_button"))
    last = -(-total // explore.PAGE_ROWS)
    at.number_input(key="ex_page").set_value(last).run()
    assert len(at.dataframe[0].value) == total - (last - 1) * explore.PAGE_ROWS
    assert any(c.value.startswith(f"Rows {(last - 1) * explore.PAGE_ROWS + 1:,}-{total:,} of {total:,}")
               for c in at.caption)


# --- Item 5: votes named by their symbol, linked to it, found by search ---------------------------

@pytest.mark.parametrize(("unres", "symbol"), [
    ("R/72/188", "A/RES/72/188"), ("R/1/66", "A/RES/66(I)"), ("R/15/1514", "A/RES/1514(XV)"),
    ("R/28/3175B", "A/RES/3175(XXVIII)B"), ("R/31/1", "A/RES/31/1"), ("A/RES/ES-10/19", "A/RES/ES-10/19"),
    ("ESS/1/34", "ESS/1/34"), ("", None), (None, None),
])
def test_dataset_symbols_become_un_symbols(unres: str | None, symbol: str | None) -> None:
    assert ga_symbol(unres) == symbol


def test_roll_calls_are_stored_with_the_uns_symbol(ga) -> None:
    symbols = dict(ga.execute("SELECT rcid, symbol FROM resolutions WHERE rcid IS NOT NULL").fetchall())
    assert symbols[5001] == "A/RES/70/101" and symbols[OLD_RCID] == "A/RES/1514(XV)"
    assert symbols[5040] is None  # an amendment has no symbol


def test_a_vote_shows_its_symbol_and_title_and_links_to_undocs(ga) -> None:
    issue = ga.execute("SELECT issue FROM resolutions WHERE rcid = 5001").fetchone()[0]
    points = stance_points(ga, issue, ("FRA",))
    vote = points[points["ref"] == "UNGA rcid 5001"].iloc[0]
    assert vote["text"].startswith("A/RES/70/101: voted ") and vote["text"].endswith(" - TOPIC NUMBER 1")
    assert "rcid" not in vote["text"]
    assert vote["source_url"] == "https://undocs.org/A/RES/70/101"
    assert vote["source_title"].startswith("A/RES/70/101 on undocs.org; votes from ")
    amendment = points[points["ref"] == "UNGA rcid 5040"]
    if not amendment.empty:  # no symbol: named by the dataset's id, linked to the dataset
        assert amendment.iloc[0]["text"].startswith("UNGA rcid 5040: voted ")
        assert amendment.iloc[0]["source_url"] == "https://doi.org/10.7910/DVN/LEJUQZ"
    table = explore.table(explore.points(ga, actors=("FRA",), limit=100))
    assert (table["Quote or vote"].str.contains("UNGA rcid") == table["Record id"].isin(
        ["UNGA rcid 5039", "UNGA rcid 5040"])).all()
    assert table["Source URL"].str.startswith("https://undocs.org/A/RES/").sum() == ROLL_CALLS - 2  # not 5039, 5040
    odd = table[table["Record id"] == "UNGA rcid 5039"].iloc[0]  # ESS/1/34: named by id, linked to the dataset
    assert odd["Quote or vote"].startswith("UNGA rcid 5039: ") and odd["Source URL"].startswith("https://doi.org/")


@pytest.mark.parametrize(("q", "rcid"), [
    ("A/RES/70/101", 5001),  # the symbol
    ("topic number 17", 5017),  # the title
    ("widgets, paragraph 23", 5023),  # the description
    ("A/RES/1514(XV)", OLD_RCID),
])
def test_votes_are_found_by_symbol_title_and_description(ga, q: str, rcid: int) -> None:
    rows = explore.points(ga, q=q, limit=1_000)
    assert set(rows["ref"]) == {f"UNGA rcid {rcid}"} and len(rows) == explore.count(ga, q=q) == COUNTRIES


# --- Item 6: rejected rows are kept and shown --------------------------------------------------

def test_rejected_rows_are_kept_in_the_database_with_their_years(ga) -> None:
    from stance.queries.quality import rejects, rejects_summary

    rows = rejects(ga)
    assert sorted(rows["line"].unique()) == list(range(6152, 6156))  # the four bad rows closing un_votes.csv
    summary = rejects_summary(rows)
    atlantis = summary[summary["value"] == "QQ"].iloc[0]
    assert atlantis["field"] == "country_code" and atlantis["rows"] == 3
    assert atlantis["years"] == "2015-2020 (3 years)"  # from the roll calls' dates: 5001, 5021, 5039
    assert "unknown ISO 3166-1 alpha-2 code 'QQ'" in atlantis["reason"]
    maybe = summary[summary["value"] == "maybe"].iloc[0]
    assert maybe["field"] == "vote" and maybe["rows"] == 1
    imported = ga.execute("SELECT rows_rejected FROM imports WHERE file LIKE '%un_votes.csv'").fetchone()[0]
    assert imported == rows.drop_duplicates(["file", "line"]).shape[0] == 4


def test_loading_again_keeps_one_set_of_rejects_in_view(ga_db: Path, tmp_path: Path) -> None:
    from stance.queries.quality import rejects

    db = open_db(ga_db)
    try:
        files = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv", *write_unvotes(ga_db.parent)]
        assert load_paths(db, files, skip_invalid=True, rejects=tmp_path / "again.csv").written
        assert len(rejects(db)) == 4  # the latest load of each file, not both loads
    finally:
        db.close()


def test_data_page_shows_the_reasons_grouped_and_the_rows(ga_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("data", ga_db, monkeypatch)
    assert not at.exception
    assert any("left out 4 rows" in w.value for w in at.warning)
    frames = [df.value for df in at.dataframe]
    summary = next(v for v in frames if "years" in v.columns)
    assert summary.iloc[0]["value"] == "QQ" and summary.iloc[0]["rows"] == 3
    rows = next(v for v in frames if "row" in v.columns)
    assert len(rows) == 4 and '"country": "Atlantis"' in rows.iloc[0]["row"]


def test_a_strict_load_keeps_no_rejects(tmp_path: Path) -> None:
    db = open_db(tmp_path / "strict.db")
    try:
        files = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv", *write_unvotes(tmp_path)]
        assert not load_paths(db, files).written
        assert db.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    finally:
        db.close()


def test_the_actor_profile_names_votes_by_symbol(ga) -> None:
    from stance.queries import profile

    cast = profile.votes_cast(ga, "FRA").set_index("resolution")
    assert "A/RES/70/101" in cast.index and "A/RES/1514(XV)" in cast.index
    assert cast.loc["A/RES/70/101", "source_url"] == "https://undocs.org/A/RES/70/101"
    assert not any(name.startswith("UNGA rcid") and name not in ("UNGA rcid 5039", "UNGA rcid 5040")
                   for name in cast.index)


def test_alignment_says_rejected_votes_are_missing(ga_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11 item 6: a user of "votes most like" learns that a country is missing, and why."""
    at = page_app("alignment", ga_db, monkeypatch)
    assert not at.exception
    (note,) = [w.value for w in at.warning if "rejected" in w.value]
    assert note.startswith("4 vote rows rejected") and "QQ" in note and "Data page" in note
