"""Explore: safe full-text search, filters, the CSV with its citation, and the page under AppTest."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import stance
from stance.db import open_db
from stance.model import STANCE_LABELS
from stance.queries import explore
from tests.pages import page_app

JUNK = ["'; DROP TABLE statements; --", '"', '""', "NEAR(", "NEAR/3", "AND(", "OR", "NOT", "*", "**", "a*b*",
        "sanction*", "^", "quote:", "-", "(", ")", "{quote speaker}", "Wang Yi\x00", "\x00", "Pyöngyang 平壤",
        "🚀 rocket", "' OR 1=1 --", "statements_fts MATCH '*'", "a" * 5000, "\u202e\u200b", "‘curly’ “quotes”"]


@pytest.fixture
def db(sample_db: Path):
    handle = open_db(sample_db)
    yield handle
    handle.close()


@pytest.mark.parametrize(("text", "expected"), [
    ("sanctions", '"sanctions"'),
    ("sanction*", '"sanction"*'),
    ("Wang Yi", '"Wang" "Yi"'),
    ('a"b', '"a""b"'),
    ("AND(", '"AND("'),
    ("NEAR/", '"NEAR/"'),
    ('"', None), ("*", None), ("", None), (None, None), ("  -- ; ", None),
    ("\x00abc", '"abc"'),
])
def test_search_expression_quotes_every_term(text: str | None, expected: str | None) -> None:
    assert explore.search_expression(text) == expected


@pytest.mark.parametrize("text", JUNK)
def test_junk_search_never_raises_and_leaves_the_data_intact(db, text: str) -> None:
    before = db.execute("SELECT count(*), group_concat(id) FROM statements").fetchone()
    rows = explore.points(db, q=text)
    assert explore.count(db, q=text) == len(rows)
    if explore.search_expression(text) is None:  # no words: the search is ignored (the page says so)
        assert len(rows) == explore.count(db)
    else:  # a vote is found only by words its resolution's symbol, title or description holds
        for ref in set(rows.loc[rows["kind"] == "vote", "ref"]):
            found = db.execute("SELECT symbol, title, description, id FROM resolutions WHERE id = ?", [ref]).fetchone()
            said = " ".join(v for v in found if v).lower()
            assert all(term.lower() in said for term, _ in explore.search_terms(text))
    assert db.execute("SELECT count(*), group_concat(id) FROM statements").fetchone() == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('integrity-check')")


def _word_matches(db, word: str) -> set[str]:
    """Statements whose quote, speaker or notes hold the word, found in Python, not through FTS."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    found = set()
    for sid, *texts in db.execute("SELECT id, quote, speaker, notes FROM statements").fetchall():
        if any(t and pattern.search(t) for t in texts):
            found.add(sid)
    return found


def _a_quote_word(db) -> str:
    quote = db.execute("SELECT quote FROM statements WHERE quote IS NOT NULL ORDER BY length(quote) DESC").fetchone()[0]
    return max(re.findall(r"[A-Za-z]+", quote), key=len)


def test_search_finds_words_in_the_sample_quotes(db) -> None:
    word = _a_quote_word(db)
    expected = _word_matches(db, word)
    assert expected
    for variant in (word, word.upper(), f'"{word}"'):
        assert set(explore.points(db, q=variant)["ref"]) == expected


def test_prefix_search_finds_longer_words(db) -> None:
    word = _a_quote_word(db)
    prefix = word[:5]
    whole = set(explore.points(db, q=word)["ref"])
    assert whole <= set(explore.points(db, q=prefix + "*")["ref"])
    assert set(explore.points(db, q=prefix)["ref"]) == _word_matches(db, prefix)


def test_all_words_must_match(db) -> None:
    word = _a_quote_word(db)
    assert explore.count(db, q=f"{word} zzzqqqnotaword") == 0


def test_search_excludes_votes_and_votes_only_search_finds_nothing(db) -> None:
    word = _a_quote_word(db)
    assert explore.count(db, q=word, kind="both") == explore.count(db, q=word, kind="statements") > 0
    assert explore.count(db, q=word, kind="votes") == 0


def _sql_count(db_path: Path, where: str, params: list) -> int:
    return sqlite3.connect(db_path).execute(f"SELECT count(*) FROM stance_points WHERE {where}", params).fetchone()[0]


def test_filters_match_direct_sql(db, sample_db: Path) -> None:
    assert explore.count(db) == _sql_count(sample_db, "1", [])
    assert explore.count(db, issue="dprk-sanctions") == _sql_count(sample_db, "issue = ?", ["dprk-sanctions"])
    assert explore.count(db, actors=("CHN", "RUS"), kind="votes") == _sql_count(
        sample_db, "actor IN ('CHN', 'RUS') AND kind = 'vote'", [])
    assert explore.count(db, start="2017-01-01", end="2017-12-31", kind="statements") == _sql_count(
        sample_db, "day BETWEEN '2017-01-01' AND '2017-12-31' AND kind = 'statement'", [])
    assert explore.count(db, stances=(-2, -1)) == _sql_count(sample_db, "stance < 0", [])
    rows = explore.points(db, issue="double-freeze", actors=("USA",))
    assert set(rows["actor_name"]) == {"United States"} and set(rows["issue"]) == {"double-freeze"}
    assert list(rows["day"]) == sorted(rows["day"])


def test_limit_caps_rows_not_the_count(db) -> None:
    total = explore.count(db)
    assert len(explore.points(db, limit=10)) == 10 < total


def test_table_has_the_export_columns_and_drops_unsafe_links(db) -> None:
    rows = explore.points(db, issue="double-freeze")
    rows.loc[0, "source_url"] = "javascript:alert(1)"
    shown = explore.table(rows)
    assert list(shown.columns) == list(explore.COLUMNS) and len(shown) == len(rows)
    assert shown.loc[0, "Source URL"] == ""
    assert shown["Source URL"].iloc[1:].str.match(r"https?://").all()
    assert set(shown["Actor"]) == set(rows["actor_name"])


def test_csv_opens_with_plain_pandas_and_the_citation_stands_apart(db) -> None:
    """Issue 11 item 2: no comment line in the CSV (it broke plain readers); a byte-order mark for Excel."""
    shown = explore.table(explore.points(db, issue="double-freeze"))
    version = explore.data_version(db)
    imports = db.execute("SELECT count(*) FROM imports").fetchone()[0]
    assert stance.__version__ in version and f"{imports} import(s)" in version
    line = explore.citation(version, {"issue": "double-freeze", "actors": "", "q": "two\nlines"}, "2026-11-26")
    assert line.startswith("Stance data, version stance ") and "exported 2026-11-26" in line
    assert "issue=double-freeze, actors=all, q=two lines" in line and "\n" not in line
    data = explore.to_csv(shown)
    assert data.startswith(b"\xef\xbb\xbfDate,Actor,")
    plain = pd.read_csv(io.BytesIO(data))
    assert list(plain.columns) == list(explore.COLUMNS) and len(plain) == len(shown)
    back = explore.read_csv(data)
    assert list(back.columns) == list(explore.COLUMNS) and len(back) == len(shown)
    assert list(back["Record id"]) == list(shown["Record id"])
    assert list(back["Quote or vote"]) == list(shown["Quote or vote"])



def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas(db) -> None:
    """A quote like =HYPERLINK(...) is text: the download prefixes it with ' and leaves numbers alone."""
    rows = explore.points(db, issue="double-freeze")
    formulas = {"Quote or vote": '=HYPERLINK("https://evil.example/x","click")', "Speaker": "+44 20 7946 0000",
                "Notes": "-2 would be a formula too", "Source title": "@SUM(A1:A9)"}
    shown = explore.table(rows)
    for column, value in formulas.items():
        shown.loc[0, column] = value
    shown.loc[0, "Stance"] = -2
    page = shown.copy()
    back = explore.read_csv(explore.to_csv(shown))
    assert {c: back.loc[0, c] for c in formulas} == {c: "'" + v for c, v in formulas.items()}
    assert back.loc[0, "Stance"] == "-2"  # a number stays a number
    rest = [c for c in explore.COLUMNS if c not in formulas]  # the sample's other cells start with no = + - @
    assert back[rest].iloc[1:].to_numpy().tolist() == shown[rest].iloc[1:].astype(str).to_numpy().tolist()
    pd.testing.assert_frame_equal(shown, page)  # the table on the page keeps the text as typed

def test_empty_database_queries(tmp_path: Path) -> None:
    handle = open_db(tmp_path / "e.db")
    assert explore.count(handle) == 0 and explore.points(handle).empty
    assert explore.table(explore.points(handle)).empty
    assert explore.years(handle)[0] == explore.years(handle)[1]
    handle.close()


# --- The page under AppTest ------------------------------------------------------------------

def _rows_shown(at) -> int:
    (table,) = at.dataframe
    return len(table.value)


def test_page_shows_every_point_on_the_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", sample_db, monkeypatch)
    assert not at.exception
    total = _sql_count(sample_db, "1", [])
    assert _rows_shown(at) == total
    assert at.subheader[0].value == f"{total:,} rows"
    assert f"{total:,} rows" in at.get("download_button")[0].label
    assert list(at.dataframe[0].value.columns) == list(explore.COLUMNS)


def test_page_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(tmp_path / "e.db").close()
    at = page_app("explore", tmp_path / "e.db", monkeypatch)
    assert not at.exception
    assert "python -m stance sample" in at.info[0].value
    assert not at.dataframe


def test_page_ignores_a_malformed_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", sample_db, monkeypatch, issue="<script>", actors="XXX,;--", kind="everything",
                  stance="9,abc", **{"from": "20x7", "to": "-1"}, junk="1")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for param in ("issue=", "actors=", "kind=", "stance=", "date range"):
        assert param in notices
    assert _rows_shown(at) == _sql_count(sample_db, "1", [])


def test_changing_a_filter_changes_the_rows(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", sample_db, monkeypatch)
    everything = _rows_shown(at)
    at.selectbox(key="ex_issue").set_value("double-freeze").run()
    assert _rows_shown(at) == _sql_count(sample_db, "issue = 'double-freeze'", []) < everything
    at.radio(key="ex_kind").set_value("votes").run()
    assert not at.exception and "Nothing matches" in at.info[0].value
    at.radio(key="ex_kind").set_value("statements").run()
    at.button_group(key="ex_stance").set_value([-2, -1]).run()
    assert _rows_shown(at) == _sql_count(sample_db, "issue = 'double-freeze' AND stance < 0", [])
    at.button_group(key="ex_stance").set_value([]).run()
    assert not at.exception and not at.dataframe and "at least one stance" in at.info[0].value


def test_search_box_finds_statements_by_words_and_votes_by_resolution(sample_db: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    handle = open_db(sample_db)
    word = _a_quote_word(handle)
    expected = _word_matches(handle, word)
    votes_2397 = handle.execute("SELECT count(*) FROM votes WHERE resolution = 'S/RES/2397 (2017)' "
                                "AND vote IN ('yes', 'no', 'abstain')").fetchone()[0]
    handle.close()
    at = page_app("explore", sample_db, monkeypatch, q=word, kind="statements")
    assert not at.exception
    assert set(at.dataframe[0].value["Record id"]) == expected
    at.radio(key="ex_kind").set_value("both").run()
    assert any("UN votes on their resolution's symbol" in c.value for c in at.caption)
    at.text_input(key="ex_q").set_value("S/RES/2397").run()  # issue 11 item 5: votes found by symbol
    shown = at.dataframe[0].value
    assert set(shown.loc[shown["Kind"] == "UN vote", "Record id"]) == {"S/RES/2397 (2017)"}
    assert (shown["Kind"] == "UN vote").sum() == votes_2397 == 15
    at.text_input(key="ex_q").set_value("'; DROP TABLE statements; --").run()
    assert not at.exception
    assert sqlite3.connect(sample_db).execute("SELECT count(*) FROM statements").fetchone()[0] > 0


def test_url_round_trips(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", sample_db, monkeypatch)
    at.selectbox(key="ex_issue").set_value("dprk-sanctions").run()
    at.multiselect(key="ex_actors").set_value(["CHN", "RUS"]).run()
    at.slider(key="ex_years").set_value((2013, 2022)).run()
    at.button_group(key="ex_stance").set_value([-1, 0, 1]).run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params == {"issue": "dprk-sanctions", "actors": "CHN,RUS", "from": "2013", "to": "2022",
                      "stance": "-1,0,1"}
    first = at.dataframe[0].value
    again = page_app("explore", sample_db, monkeypatch, **params)
    assert not again.exception and not again.warning
    pd.testing.assert_frame_equal(again.dataframe[0].value, first)
    assert len(first) == _sql_count(sample_db, "issue = 'dprk-sanctions' AND actor IN ('CHN', 'RUS') AND day "
                                    "BETWEEN '2013-01-01' AND '2022-12-31' AND stance BETWEEN -1 AND 1", [])


def test_search_round_trips_through_the_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("explore", sample_db, monkeypatch)
    at.text_input(key="ex_q").set_value("suspension*").run()
    at.radio(key="ex_kind").set_value("statements").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["q"] == "suspension*" and params["kind"] == "statements"
    again = page_app("explore", sample_db, monkeypatch, **params)
    pd.testing.assert_frame_equal(again.dataframe[0].value, at.dataframe[0].value)


def test_page_shows_a_page_of_rows_with_the_total_and_downloads_them_all(sample_db: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11 item 2: the table is paginated, the total shown, and the download holds every row."""
    monkeypatch.setattr("stance.views.explore.PAGE_ROWS", 10)
    at = page_app("explore", sample_db, monkeypatch)
    assert not at.exception
    total = _sql_count(sample_db, "1", [])
    assert _rows_shown(at) == 10 and at.subheader[0].value == f"{total:,} rows"
    assert any(c.value.startswith(f"Rows 1-10 of {total:,}") for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert f"Download all {total:,} rows as a data package (zip)" in labels
    first_page = list(at.dataframe[0].value["Record id"])
    at.number_input(key="ex_page").set_value(3).run()
    assert any(c.value.startswith(f"Rows 21-30 of {total:,}") for c in at.caption)
    handle = open_db(sample_db, read_only=True)
    expected = explore.points(handle, limit=10, offset=20)
    handle.close()
    assert list(at.dataframe[0].value["Record id"]) == list(expected["ref"]) != first_page
    at.radio(key="ex_kind").set_value("statements").run()  # new filters: back to page 1
    assert at.number_input(key="ex_page").value == 1


# --- The rewrite off the stance_points view gives what the view gives ----------------------------
# The queries once asked the view (which builds a text for every vote); they now ask the tables.
# Here the view-based formulations, as they were, are the reference on the sample and on a small
# synthetic database (40 countries, 5 issues, 20,000 votes, 2,000 statements).

def _view_where(issue, actors, start, end, kind, stances, q) -> tuple[str, list]:
    clauses, params = ["1"], []
    if issue:
        clauses.append("p.issue = ?")
        params.append(issue)
    if actors:
        clauses.append(f"p.actor IN ({', '.join('?' * len(actors))})")
        params += list(actors)
    if start:
        clauses.append("p.day >= ?")
        params.append(start)
    if end:
        clauses.append("p.day <= ?")
        params.append(end)
    if stances:
        clauses.append(f"p.stance IN ({', '.join('?' * len(stances))})")
        params += list(stances)
    expression = explore.search_expression(q)
    if expression:  # statements by the FTS index; votes by their resolution's symbol, title, description
        words = [term for term, _ in explore.search_terms(q)]
        matching = " AND ".join("instr(lower(coalesce(r.symbol, '') || ' ' || coalesce(r.title, '') || ' ' || "
                                "coalesce(r.description, '') || ' ' || r.id), lower(?)) > 0" for _ in words)
        clauses.append("((p.kind = 'statement' AND p.ref IN (SELECT s.id FROM statements_fts f "
                       "JOIN statements s ON s.rowid = f.rowid WHERE statements_fts MATCH ?)) OR "
                       f"(p.kind = 'vote' AND p.ref IN (SELECT r.id FROM resolutions r WHERE {matching})))")
        params += [expression] + words
    if kind != "both":
        clauses.append("p.kind = ?")
        params.append(kind[:-1])
    return " WHERE " + " AND ".join(clauses), params


def view_points(db, issue=None, actors=(), start=None, end=None, kind="both", stances=(), q=None,
                limit=explore.MAX_ROWS, offset=0) -> pd.DataFrame:
    where, params = _view_where(issue, actors, start, end, kind, stances, q)
    return pd.read_sql_query(f"""
        SELECT p.day, p.date, p.issue, i.title AS issue_title, p.actor, a.name AS actor_name, p.kind,
               p.stance, p.speaker, p.text, p.notes, p.source_title, p.source_url, p.ref
        FROM stance_points p JOIN actors a ON a.code = p.actor JOIN issues i ON i.slug = p.issue{where}
        ORDER BY p.day, i.title, a.name, p.kind, p.ref LIMIT ? OFFSET ?""", db.conn, params=params + [limit, offset])


def view_count(db, issue=None, actors=(), start=None, end=None, kind="both", stances=(), q=None) -> int:
    where, params = _view_where(issue, actors, start, end, kind, stances, q)
    return db.execute(f"SELECT count(*) FROM stance_points p{where}", params).fetchone()[0]


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stance.synthetic import build_large_db

    path = tmp_path_factory.mktemp("synthetic") / "small.db"
    build_large_db(path, votes=20_000, statements=2_000, countries=40, issues=5)
    return path


def _cases(db) -> list[dict]:
    """Filter combinations drawn from the data: the busiest issue and actors, each kind, stances, search."""
    issue = db.execute("SELECT issue FROM statements GROUP BY issue ORDER BY count(*) DESC").fetchone()[0]
    actors = tuple(r[0] for r in db.execute(
        "SELECT actor FROM statements GROUP BY actor ORDER BY count(*) DESC, actor LIMIT 3"))
    voter = db.execute("SELECT actor FROM votes GROUP BY actor ORDER BY count(*) DESC, actor").fetchone()[0]
    first, last = explore.years(db)
    mid = (first + last) // 2
    word = _a_quote_word(db)
    return [
        {}, {"stances": (-2, -1, 0, 1, 2)}, {"issue": issue}, {"actors": actors}, {"actors": (voter,)},
        {"start": f"{first + 1}-01-01", "end": f"{last - 1}-12-31"}, {"start": f"{mid}-01-01", "end": f"{mid}-12-31"},
        {"kind": "votes"}, {"kind": "statements"}, {"kind": "votes", "stances": (1,)},
        {"kind": "votes", "stances": (2,)},
        {"stances": (-2, 2)}, {"stances": (0,)}, {"q": word}, {"q": word[:4] + "*", "kind": "votes"},
        {"q": word, "issue": issue, "stances": (-1, 0, 1)}, {"q": "***"},
        {"issue": issue, "actors": actors + (voter,), "start": f"{mid}-01-01", "kind": "both", "stances": (-1, 1)},
        {"start": f"{last + 5}-01-01"}, {"issue": "no-such-issue"},
    ]


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_points_and_count_equal_the_view_formulation(which: str, sample_db: Path, synthetic_db: Path) -> None:
    handle = open_db(sample_db if which == "sample" else synthetic_db, read_only=True)
    total = view_count(handle)
    for case in _cases(handle):
        assert explore.count(handle, **case) == view_count(handle, **case), case
        # Limits below, at and above the number of matches: the cut-off day must not lose or add a row.
        for limit in (1, 7, 100, explore.MAX_ROWS, total + 1):
            pd.testing.assert_frame_equal(explore.points(handle, **case, limit=limit),
                                          view_points(handle, **case, limit=limit), obj=f"{case} limit {limit}")
        for limit, offset in ((7, 3), (100, 250), (explore.PAGE_ROWS, explore.PAGE_ROWS)):  # pages of the table
            pd.testing.assert_frame_equal(explore.points(handle, **case, limit=limit, offset=offset),
                                          view_points(handle, **case, limit=limit, offset=offset),
                                          obj=f"{case} limit {limit} offset {offset}")
        streamed = list(explore.stream_points(handle, **case, batch=999))
        whole = pd.concat(streamed, ignore_index=True) if streamed else view_points(handle, limit=0)
        pd.testing.assert_frame_equal(whole, view_points(handle, **case, limit=total + 1), obj=f"{case} streamed",
                                      check_dtype=False)
    handle.close()


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_vote_tallies_count_what_the_view_counts(which: str, sample_db: Path, synthetic_db: Path) -> None:
    handle = open_db(sample_db if which == "sample" else synthetic_db, read_only=True)
    tallies = explore.vote_tallies(handle)
    for case in _cases(handle):
        if case.get("actors") or explore.search_expression(case.get("q")):
            continue  # the page counts those in SQL
        expected = view_count(handle, **{**case, "kind": "votes"})
        got = explore.count_votes(tallies, case.get("issue"), case.get("start"), case.get("end"),
                                  case.get("stances", ()))
        assert got == expected, case
    handle.close()


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_actor_choices_and_years_equal_the_view_formulation(which: str, sample_db: Path, synthetic_db: Path) -> None:
    handle = open_db(sample_db if which == "sample" else synthetic_db, read_only=True)
    view_actors = pd.read_sql_query("SELECT DISTINCT p.actor AS code, a.name FROM stance_points p "
                                    "JOIN actors a ON a.code = p.actor ORDER BY a.name", handle.conn)
    pd.testing.assert_frame_equal(explore.actors_with_data(handle), view_actors)
    for issue in [r[0] for r in handle.execute("SELECT slug FROM issues")]:
        on_issue = pd.read_sql_query("SELECT DISTINCT p.actor AS code, a.name FROM stance_points p JOIN actors a "
                                     "ON a.code = p.actor WHERE p.issue = ? ORDER BY a.name", handle.conn,
                                     params=[issue])
        pd.testing.assert_frame_equal(explore.actors_with_data(handle, issue), on_issue)
    low, high = handle.execute("SELECT min(day), max(day) FROM stance_points").fetchone()
    assert explore.years(handle) == (int(low[:4]), int(high[:4]))
    handle.close()


def test_page_counts_a_paged_synthetic_view_like_the_view(synthetic_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without filters the page counts votes from the tallies; the total and the first page must agree
    with the view, and after a change of years too."""
    monkeypatch.setattr("stance.views.explore.PAGE_ROWS", 50)
    at = page_app("explore", synthetic_db, monkeypatch)
    assert not at.exception
    handle = open_db(synthetic_db, read_only=True)
    first, last = explore.years(handle)
    stances = tuple(sorted(STANCE_LABELS))
    total = view_count(handle, stances=stances)
    assert at.subheader[0].value == f"{total:,} rows"
    shown = at.dataframe[0].value
    expected = explore.table(view_points(handle, start=f"{first}-01-01", end=f"{last}-12-31", stances=stances,
                                         limit=50))
    assert list(shown["Record id"]) == list(expected["Record id"]) and list(shown["Actor"]) == list(expected["Actor"])
    at.slider(key="ex_years").set_value((first + 2, last - 1)).run()
    narrowed = view_count(handle, start=f"{first + 2}-01-01", end=f"{last - 1}-12-31", stances=stances)
    assert not at.exception and at.subheader[0].value == f"{narrowed:,} rows"
    assert narrowed < total
    at.radio(key="ex_kind").set_value("votes").run()
    votes_only = view_count(handle, start=f"{first + 2}-01-01", end=f"{last - 1}-12-31", kind="votes",
                            stances=stances)
    assert at.subheader[0].value == f"{votes_only:,} rows"
    handle.close()


def test_the_citation_stays_whole_beside_the_csv(db) -> None:
    """A search holding commas and quotes goes whole into the package's README; the CSV opens on its header."""
    filters = {"issue": "double-freeze", "q": 'say "yes", then, no'}
    data = explore.export_zip(db, "double-freeze", filters=filters, today="2026-12-02")
    archive = zipfile.ZipFile(io.BytesIO(data))
    line = explore.citation(explore.data_version(db), filters, "2026-12-02")
    line = line.replace(", filters:", ", Explore, filters:")
    assert line in archive.read("README.md").decode("utf-8").splitlines()
    rows = list(csv.reader(io.StringIO(archive.read("stance-export-2026-12-02.csv").decode("utf-8-sig"))))
    assert rows[0] == list(explore.COLUMNS)
    assert len(rows) - 1 == explore.count(db, issue="double-freeze")
