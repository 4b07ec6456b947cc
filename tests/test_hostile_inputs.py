"""Dashboard inputs given junk: every URL parameter of every page, and the Add-statement form.

Each page runs under AppTest with all its URL parameters set to one junk value at a time (junk
words, a 100 KB string, SQL fragments, Unicode digits, unknown codes, HTML, a NUL). The page must
render with no exception, show a notice for every parameter it ignored, and leave the database
file byte for byte as it was. The Add-statement form is filled with the same values: either it
refuses with a notice and writes nothing, or (for free text) it stores exactly what was typed and
touches no other table.

Which parameters a page reads is taken from its seed_from_url calls (and year_range_picker's
from/to); `test_the_parameter_list_is_complete` fails when a page gains one this file does not know.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from stance.db import PROJECT_DIR, open_db
from stance.ingest.load import load_paths
from stance.views.common import md_escape
from tests.pages import fill_add_form, page_app

RAW = Path(__file__).parent / "fixtures" / "raw"
GDELT = [RAW / "20240105120000.export.CSV", RAW / "20130401.export.CSV", RAW / "200601.csv"]

JUNK = {
    "word": "junk",
    "huge": "x" * 100_000,
    "sql-or": "' OR 1=1 --",
    "sql-drop": '"; DROP TABLE votes; --',
    "unicode-digits": "２０１７",
    "superscript": "²",
    "arabic-digits": "٢٠١٧",
    "unknown-code": "ZZZ",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "nul": "a\x00b",
}

# Page module -> the URL parameters it reads. from/to are the year range (one notice for both).
PARAMS = {
    "timeline": ("issue", "actors", "from", "to", "evidence", "seat"),
    "compare": ("actors", "from", "to", "mode", "asof", "issues", "issue", "period", "evidence"),
    "alignment": ("body", "issue", "from", "to", "half", "min_votes", "countries", "pair_a", "pair_b", "like",
                  "measure", "important", "unanimous", "seat", "moved", "actors"),
    "map": ("issue", "year", "evidence"),
    "profile": ("actor",),
    "explore": ("q", "issue", "actors", "kind", "stance", "from", "to"),
    "relations": ("a", "b", "dir", "from", "to", "month"),
}
NO_OWN_NOTICE = {"q"}  # any text is a search; the page then says nothing matches, or what it ignored


@pytest.fixture(scope="module")
def hostile_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus the GDELT fixtures, so the Relations page has pairs to pick."""
    path = tmp_path_factory.mktemp("hostile-inputs") / "stance.db"
    shutil.copy(sample_db_template, path)
    db = open_db(path)
    assert load_paths(db, GDELT).written
    db.close()
    return path


def file_digest(path: Path) -> str:
    """sha256 of the database file and of its WAL (where a write would land first)."""
    digest = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return digest.hexdigest()


def notices(at) -> str:  # noqa: ANN001
    return "\n".join(n.value for kind in (at.warning, at.info, at.error) for n in kind)


def test_the_parameter_list_is_complete() -> None:
    """Every URL parameter a page names literally is in PARAMS, so a new one gets the junk too.

    Literal names: seed_from_url("x", ...) without param=, param="x", st.query_params "x", and the
    keys handed to the helpers that seed from the URL (_choice, country_select, _choose)."""
    literal = re.compile(r'seed_from_url\("(\w+)"(?![^\n]*\n?[^\n]*param=)|param="(\w+)"'
                         r'|query_params(?:\.get\(|\[)"(\w+)"|_choice\("(\w+)"'
                         r'|country_select\("[^"]*", "(\w+)"|_choose\("[^"]*", [^,]+, "\w+", "(\w+)"')
    for page, params in PARAMS.items():
        source = (PROJECT_DIR / "stance" / "views" / f"{page}.py").read_text(encoding="utf-8")
        named = {name for match in literal.findall(source) for name in match if name}
        helpers = {"issue_picker(": {"issue"}, "year_range_picker(": {"from", "to"}, "actor_select(": {"actor"},
                   "year_picker(": {"year"}, "actor_picker(everyone, key=\"countries\"": {"countries"},
                   "actor_picker(actors": {"actors"}, "actor_picker(everyone[": {"actors"},
                   "evidence_picker(": {"evidence"}}
        named |= {name for call, names in helpers.items() if call in source for name in names}
        assert named <= set(params), f"{page} reads {sorted(named - set(params))} from the URL: add to PARAMS"


QUERY_LIMIT = 524_288  # characters: Streamlit drops a longer query string whole (and renders the defaults)
UNESCAPED_MARKUP = re.compile(r"(?<!\\)<(?:script|img)", re.IGNORECASE)


def batches(params: tuple[str, ...], value: str) -> list[tuple[str, ...]]:
    """All parameters at once, or as many per run as fit in the URL Streamlit accepts."""
    per_run = max(1, (QUERY_LIMIT - 1_000) // (len(value) + 20))
    return [params[i:i + per_run] for i in range(0, len(params), per_run)]


@pytest.mark.parametrize("value", list(JUNK.values()), ids=list(JUNK))
@pytest.mark.parametrize("page", list(PARAMS))
def test_junk_in_every_url_parameter(hostile_db: Path, monkeypatch: pytest.MonkeyPatch, page: str,
                                     value: str) -> None:
    before = file_digest(hostile_db)
    for params in batches(PARAMS[page], value):
        at = page_app(page, hostile_db, monkeypatch, **dict.fromkeys(params, value))
        assert not at.exception, [e.value for e in at.exception]
        shown = notices(at)
        for param in params:
            if param in NO_OWN_NOTICE:
                continue
            expected = "date range" if param in ("from", "to") else f"Ignored {md_escape(param)}="
            assert expected in shown, f"no notice for {param}={value[:40]!r}:\n{shown[:2000]}"
        if "q" in params:
            assert shown, "a junk search says something (nothing matches, or what was ignored)"
        assert len(shown) < 20_000, "a notice quotes a cut-short value, not the whole 100 KB"
        assert not UNESCAPED_MARKUP.search(shown), "markup in a notice is escaped"
    assert file_digest(hostile_db) == before


# --- The Add-statement form ------------------------------------------------------------------

FREE_TEXT = ("quote", "speaker", "source_title", "outlet", "notes", "who")
CHECKED = ("date", "source_url", "confidence")
VALID = {"actor": "RUS", "issue": "double-freeze", "stance": 1, "date": "2017-09",
         "source_url": "https://example.org/hostile", "who": "Tester"}


def save(at):  # noqa: ANN001, ANN201
    (button,) = [b for b in at.button if b.label == "Save statement"]
    return button.click().run()


def other_tables(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    out = {t: hashlib.sha256(repr(conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()).encode()).hexdigest()
           for t in ("votes", "resolutions", "issues", "actors", "relations", "imports")}
    conn.close()
    return out


@pytest.mark.parametrize("value", list(JUNK.values()), ids=list(JUNK))
def test_junk_in_the_checked_form_fields_is_refused(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                    value: str) -> None:
    """Date, source URL and confidence given junk: a notice listing each, and nothing written."""
    before = file_digest(sample_db)
    at = page_app("edit", sample_db, monkeypatch)
    fill_add_form(at, **{**VALID, **dict.fromkeys(CHECKED, value)})
    save(at)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]  # one under each checked field (issue 11), and a summary
    assert "Not saved: fix the fields marked above." in errors and len(errors) == 1 + len(CHECKED), errors
    assert all(len(e) < 5_000 for e in errors), "the notice quotes a cut-short value"
    assert file_digest(sample_db) == before


@pytest.mark.parametrize("value", list(JUNK.values()), ids=list(JUNK))
def test_junk_in_the_free_text_fields_is_stored_as_typed(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                         value: str) -> None:
    """Quote, speaker, source title, outlet, notes and coder are free text: junk is saved exactly,
    as data, and no other table changes (an SQL fragment stays a string)."""
    others = other_tables(sample_db)
    at = page_app("edit", sample_db, monkeypatch)
    fill_add_form(at, **{**VALID, **dict.fromkeys(FREE_TEXT, value)})
    save(at)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, at.error[0].value[:500]
    assert at.success and at.success[0].value.startswith("Saved: ")
    conn = sqlite3.connect(sample_db)
    row = conn.execute("SELECT s.quote, s.speaker, src.title, src.outlet, s.notes, s.coder FROM statements s "
                       "JOIN sources src ON src.id = s.source_id WHERE src.url = ?", [VALID["source_url"]]).fetchone()
    who = conn.execute("SELECT who FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert row == (value,) * 6 and who == value
    assert other_tables(sample_db) == others


# --- Links ----------------------------------------------------------------------------------------

LINK_COLUMNS = ("Source", "Source URL", "Report")


@pytest.fixture(scope="module")
def tampered_db(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every source and GDELT report URL set to javascript: behind the loader's back (the loader
    refuses such URLs; a tampered or hand-edited database may still hold them)."""
    path = tmp_path_factory.mktemp("tampered") / "stance.db"
    shutil.copy(hostile_db, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sources SET url = 'javascript:alert(1)//' || id")
    conn.execute("UPDATE relations SET url = 'JavaScript:alert(2)'")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("page, params", [
    ("timeline", {"issue": "double-freeze"}), ("explore", {}), ("profile", {"actor": "CHN"}),
    ("map", {"issue": "double-freeze"}), ("relations", {}), ("timeline", {"issue": "dprk-sanctions"}),
])
def test_a_javascript_url_in_the_database_is_never_a_link(tampered_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                          page: str, params: dict[str, str]) -> None:
    at = page_app(page, tampered_db, monkeypatch, **params)
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    assert frames, "the page shows its tables"
    checked = 0
    for frame in frames:
        for column in LINK_COLUMNS:
            if column in frame.columns:
                values = [v for v in frame[column] if isinstance(v, str) and v]
                assert all(v.lower().startswith(("http://", "https://")) for v in values), (column, values[:3])
                checked += 1
    assert checked, "a link column was checked"
    assert not [b for b in at.get("link_button") if not b.proto.url.lower().startswith(("http://", "https://"))]
