"""Every stored string is hostile markdown (tests/hostile_text.py): on every page, in the states
that show stored text in notices (no data for the chosen actors, an actor with no evidence, a
pair that never voted together), no markdown sink receives it unescaped. Fast, under AppTest;
tests/test_browser_offsite.py checks the same database in a real browser."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.hostile_text import build
from tests.pages import page_app
from tests.test_read_only import PAGES

RAW_PAYLOADS = ("![p](", "$x^2$", ":red[", "**bold", "[l](", "<img")


@pytest.fixture(scope="module")
def hostile_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build(sample_db_template, tmp_path_factory.mktemp("hostile-text"))
    with sqlite3.connect(path) as conn:  # an issue nobody has spoken on: the "no data on <title>" notices
        conn.execute("INSERT INTO issues (slug, title) VALUES ('quiet', '![p](http://evil.invalid/quiet.png) quiet')")
        conn.execute("INSERT INTO actors (code, name, kind) VALUES ('ZZQ', '![p](http://evil.invalid/zzq.png) $x$', "
                     "'state')")
        # Ideal points for the Positions page: a Stance run and a published one named by a hostile file.
        for run, source, variant in ((1, "stance", ""), (2, "published", "![p](http://evil.invalid/v.png)")):
            conn.execute("INSERT INTO ideal_point_runs (id, source, variant, model, settings, data_digest, "
                         "computed_at, citation) VALUES (?, ?, ?, 'm', '{}', 'd', '2026-01-01', '**bold')",
                         [run, source, variant])
            conn.executemany("INSERT INTO ideal_points (run, actor, year, ideal_point, low, high, votes) "
                             "VALUES (?, ?, ?, ?, ?, ?, 10)",
                             [(run, a, y, v, v - 0.2, v + 0.2) for a, v in (("ZZQ", -1.0), ("CHN", -0.5),
                                                                            ("USA", 1.0)) for y in (2016, 2017)])
    return path


def markdown_texts(at) -> list[str]:  # noqa: ANN001
    """Everything on the page Streamlit renders as markdown: notices, captions, headings, labels,
    help texts and radio options."""
    out = [e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.error, at.success, at.title,
                                at.header, at.subheader) for e in kind]
    for widget in (*at.radio, *at.selectbox, *at.multiselect, *at.text_input, *at.slider, *at.toggle,
                   *at.checkbox):
        out.append(widget.label)
        out.append(getattr(widget.proto, "help", ""))
    for radio in at.radio:
        out.extend(str(o) for o in radio.options)
    out.extend(e.label for e in at.expander)
    out.extend(m.label for m in at.metric)
    return out


STATES = [
    ("timeline", {"issue": "dprk-sanctions"}),
    ("timeline", {"issue": "quiet"}),
    ("compare", {}),
    ("compare", {"mode": "period", "issue": "quiet"}),
    ("compare", {"mode": "period", "issue": "dprk-sanctions"}),
    ("alignment", {"body": "UNSC"}),
    ("alignment", {"body": "UNSC", "pair_a": "CHN", "pair_b": "ZZQ"}),
    ("map", {"issue": "dprk-sanctions"}),
    ("positions", {"actors": "ZZQ,CHN,USA"}),
    ("profile", {"actor": "CHN"}),
    ("profile", {"actor": "ZZQ"}),
    ("explore", {}),
    ("relations", {}),
    ("relations", {"dir": "a->b", "from": "2006", "to": "2006"}),
    ("edit", {}),
    ("review", {}),
    ("data", {}),
    ("doublecode", {}),
    ("reliability", {}),
    ("adjudicate", {}),
    ("codebook", {}),
]


def test_every_page_is_swept() -> None:
    assert {page for page, _ in STATES} == set(PAGES)


@pytest.mark.parametrize(("page", "params"), STATES, ids=[f"{p}-{'&'.join(q)}" for p, q in STATES])
def test_no_markdown_sink_gets_stored_text_raw(hostile_db: Path, monkeypatch: pytest.MonkeyPatch, page: str,
                                              params: dict[str, str]) -> None:
    at = page_app(page, hostile_db, monkeypatch, **params)
    assert not at.exception, [e.value for e in at.exception]
    unescaped = [re.sub(r"\\.", "", t) for t in markdown_texts(at)]  # what markdown would still interpret
    raw = [t for t in unescaped if any(p in t for p in RAW_PAYLOADS)]
    assert not raw, raw
