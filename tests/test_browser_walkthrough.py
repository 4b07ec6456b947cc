"""The README's two users, each doing their task in a real browser, page to page.

A researcher asks "when did Russia and China stop backing sanctions on North Korea?": the Timeline
of the sanctions issue with the two, then the menu's Alignment link, which must carry the choice
so the pair's votes year by year open on China and Russia. A student wants "everything Germany
said": types another name for Germany into the Explore page's actor picker, as the picker's help
says one may, and gets Germany's rows, counted as the database counts them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from stance.devserver import wait_for_chart
from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()

# The names of the traces plotly drew, from its own data (the legend may be clipped).
TRACE_NAMES = "() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.name)"


def idle(page) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the rerun (its status widget gone)."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def query(page) -> dict[str, str]:  # noqa: ANN001
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.fixture
def page(sample_server: str, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    yield page
    page.close()


def test_the_researcher_goes_from_the_timeline_to_the_pair_s_votes(sample_server: str, page) -> None:  # noqa: ANN001
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN,RUS")
    wait_for_chart(page)
    names = set(page.evaluate(TRACE_NAMES))
    assert {"China", "Russia"} <= names, names
    page.get_by_role("link", name="Alignment").click()
    page.get_by_role("heading", name="One pair over time").wait_for(timeout=60_000)
    idle(page)
    assert query(page).get("actors") == "CHN,RUS", page.url
    assert {query(page).get("pair_a"), query(page).get("pair_b")} == {"CHN", "RUS"}, page.url
    caption = page.get_by_text("voted alike on", exact=False).first
    assert "common votes" in caption.inner_text()
    titles = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(t => t.textContent)")
    assert any("China" in t and "Russia" in t for t in titles), titles


def test_the_student_finds_germany_by_another_name(sample_server: str, sample_db_template: Path,
                                                   page) -> None:  # noqa: ANN001
    page.goto(f"{sample_server}/explore")
    page.get_by_role("heading", name="Explore statements and votes").wait_for(timeout=60_000)
    idle(page)
    picker = page.locator('[data-testid="stMultiSelect"]').first
    picker.locator("input").click()
    page.keyboard.type("Deutschland")
    option = page.get_by_role("option").filter(has_text="Germany")
    option.first.wait_for(timeout=20_000)
    assert option.count() == 1
    option.first.click()
    page.keyboard.press("Escape")
    idle(page)
    assert query(page).get("actors") == "DEU", page.url
    with sqlite3.connect(sample_db_template) as db:
        said = db.execute("SELECT count(*) FROM statements WHERE actor = 'DEU'").fetchone()[0]
    assert said > 0
    heading = page.get_by_role("heading").filter(has_text="row").first.inner_text()
    assert int(heading.split()[0].replace(",", "")) >= said, heading
    assert page.get_by_role("button", name="Download").count() >= 1
