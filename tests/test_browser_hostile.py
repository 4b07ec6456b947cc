"""Hostile text stays text, in a real headless Chromium: Timeline, Explore and Actor profile.

Statements whose quote, speaker, notes and source title hold `<script>`, an `<img onerror>`, an
`<svg onload>` and markdown links to `javascript:` are loaded through the real loader, which
must refuse a `javascript:` source URL. One source URL is then set to `javascript:` behind the
loader's back (a tampered or old database), so the pages' own guard is tested too. Each page
must fire no dialog, run none of the payloads, gain no element from them, and link only to
http(s). tests/test_browser_explore.py checks the Explore table and its CSV with one payload;
this file covers the other fields and pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from stance.db import open_db
from stance.devserver import dashboard_server, wait_for_chart
from stance.ingest.load import load_paths
from stance.model import format_date
from tests.browser import require_browser
from tests.helpers import statement, write_rows

pytestmark = pytest.mark.browser

require_browser()

from playwright.sync_api import expect  # noqa: E402 - only once the browser is known to be there

ACTOR, ISSUE, DAY = "CHN", "double-freeze", "2024-06-03"
QUOTE = ('hostilequote <script>window.__xss="script";alert("quote")</script> '
         '<img src=x onerror="window.__xss=\'img\';alert(\'img\')"> [click](javascript:alert("md"))')
SPEAKER = "<img src=y onerror=alert('speaker')>Hostile Speaker"
NOTES = "[notes link](javascript:alert('notes')) <svg onload=alert('svg')></svg> <b>bold</b>"
TITLE = '<a href="javascript:alert(\'title\')">a title</a> <iframe src="javascript:alert(1)"></iframe>'
TAMPERED = "javascript:alert('tampered')"
PAYLOAD_SELECTOR = ('img[src="x"], img[src="y"], img[onerror], svg[onload], iframe[src^="javascript"], '
                    'a[href^="javascript"], [onerror], [onload]')


@pytest.fixture(scope="module")
def hostile_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-text")
    path = folder / "stance.db"
    shutil.copy(sample_db_template, path)
    rows = [statement(actor=ACTOR, issue=ISSUE, date=DAY, stance="-1", quote=QUOTE, speaker=SPEAKER, notes=NOTES,
                      source_title=TITLE, source_url="https://example.org/hostile?a=<b>&c='d'"),
            statement(actor=ACTOR, issue=ISSUE, date="2024-06-04", stance="1", quote="hostiletampered quote",
                      speaker=SPEAKER, notes=NOTES, source_title=TITLE, source_url="https://example.org/tampered")]
    bad = statement(actor=ACTOR, issue=ISSUE, date="2024-06-05", quote="x", source_url=TAMPERED)
    db = open_db(path)
    refused = load_paths(db, [write_rows(folder / "bad.csv", [bad])])
    assert not refused.written
    assert [(p.line, p.field) for p in refused.problems] == [(2, "source_url")]
    assert "is not an http(s) URL" in refused.problems[0].reason
    assert load_paths(db, [write_rows(folder / "hostile.csv", rows)]).written
    db.execute("UPDATE sources SET url = ? WHERE url = 'https://example.org/tampered'", [TAMPERED])
    db.conn.commit()
    db.close()
    return path


@pytest.fixture(scope="module")
def server(hostile_db: Path):
    with dashboard_server(hostile_db) as url:
        yield url


def open_page(chromium, url: str):  # noqa: ANN001, ANN201
    page = chromium.new_page(viewport={"width": 1400, "height": 1800})
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # noqa: ANN001
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=45_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000)
    return page, dialogs


def card_heading(page, day: str):  # noqa: ANN001, ANN201
    """The heading of the evidence card of the statement made on `day` (text we compose, with the
    pages' one date format: '3 Jun 2024')."""
    return page.get_by_text(re.compile(rf"^statement · {format_date(day)} · stance ", re.IGNORECASE)).first


def shown_as_text(page, text: str):  # noqa: ANN001, ANN201
    """`text` in an st.text element of the evidence card (not in the table's hidden grid cells)."""
    return page.locator('[data-testid="stText"]').filter(has_text=text).first


def assert_inert(page, dialogs: list[str]) -> None:  # noqa: ANN001
    """No payload ran or became an element, and every link goes to http(s)."""
    page.wait_for_timeout(700)  # give an injected handler time to run, so its absence means something
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.locator(PAYLOAD_SELECTOR).count() == 0
    assert not page.evaluate("[...document.scripts].some(s => /__xss|alert\\(/.test(s.textContent))")
    assert page.locator("b", has_text="bold").count() == 0
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert page.locator('[data-testid="stException"]').count() == 0


def test_timeline(server: str, chromium) -> None:  # noqa: ANN001
    page, dialogs = open_page(chromium, f"{server}/?issue={ISSUE}&actors={ACTOR}&from=2024&to=2024")
    wait_for_chart(page)
    points = page.locator(".js-plotly-plot .scatterlayer .trace .points path")
    assert points.count() == 2
    points.first.hover(force=True)
    hover = page.locator(".hoverlayer .hovertext")
    hover.wait_for(timeout=10_000)
    assert "hostilequote <script>" in (hover.text_content() or "")  # shown as text
    assert hover.locator("a, img").count() == 0
    points.first.click(force=True)
    card_heading(page, DAY).wait_for(timeout=20_000)
    assert_inert(page, dialogs)
    shown_as_text(page, QUOTE).wait_for(timeout=20_000)  # the evidence card, as text
    shown_as_text(page, SPEAKER).wait_for(timeout=20_000)
    shown_as_text(page, TITLE).wait_for(timeout=20_000)
    source = page.get_by_role("link", name="Open the source")
    expect(source).to_have_count(1, timeout=15_000)
    assert source.get_attribute("href").startswith("https://example.org/hostile")
    assert_inert(page, dialogs)
    points.last.click(force=True)
    shown_as_text(page, "hostiletampered quote").wait_for(timeout=20_000)
    expect(page.get_by_role("link", name="Open the source")).to_have_count(0, timeout=15_000)  # javascript: is no link
    assert_inert(page, dialogs)
    page.close()


@pytest.mark.parametrize("q", ["hostilequote", "hostiletampered"])
def test_explore(server: str, chromium, q: str) -> None:  # noqa: ANN001
    page, dialogs = open_page(chromium, f"{server}/explore?q={q}")
    card_heading(page, DAY if q == "hostilequote" else "2024-06-04").wait_for(timeout=30_000)
    assert_inert(page, dialogs)
    shown_as_text(page, NOTES).wait_for(timeout=30_000)  # one row: its card, as text
    shown_as_text(page, SPEAKER).wait_for(timeout=20_000)
    source = page.get_by_role("link", name="Open the source")
    if q == "hostilequote":
        source.wait_for(timeout=20_000)
        assert source.get_attribute("href").startswith("https://example.org/hostile")
    else:
        shown_as_text(page, TITLE).wait_for(timeout=20_000)  # the card is drawn to its end
        expect(source).to_have_count(0, timeout=15_000)  # javascript: is no link
    assert_inert(page, dialogs)
    page.close()


def test_actor_profile(server: str, chromium) -> None:  # noqa: ANN001
    page, dialogs = open_page(chromium, f"{server}/actor?actor={ACTOR}")
    wait_for_chart(page)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    assert_inert(page, dialogs)
    page.close()
