"""What a person sees: `streamlit run dashboard.py` in a real headless Chromium (Debian's)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stance.devserver import wait_for_chart
from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()


@pytest.fixture(scope="module")
def server(sample_server: str) -> str:
    return sample_server


def test_timeline_draws_each_actor_and_shows_evidence(server: str, chromium, tmp_path: Path) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/?issue=dprk-sanctions&actors=CHN,RUS,USA")
    wait_for_chart(page)
    legend = [t.text_content() for t in page.locator(".js-plotly-plot .legendtext").all()]
    assert legend == ["China", "Russia", "United States"]
    # Each actor's markers are drawn: one SVG path per point in the scatter layer.
    points = page.locator(".js-plotly-plot .scatterlayer .trace .points path").count()
    assert points > 30
    # Vetoed drafts are marked on the chart.
    assert page.get_by_text("S/2022/431 ✗").count() == 1
    page.screenshot(path=str(tmp_path / "timeline.png"))
    assert (tmp_path / "timeline.png").stat().st_size > 20_000
    page.close()


def test_hover_shows_quote_and_source(server: str, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/?issue=double-freeze&actors=CHN")
    wait_for_chart(page)
    point = page.locator(".js-plotly-plot .scatterlayer .trace .points path").first
    point.hover(force=True)
    hover = page.locator(".hoverlayer .hovertext")
    hover.wait_for(timeout=10_000)
    text = hover.text_content() or ""
    # Wang Yi (8 March 2017) and Hua Chunying (13 March) nearly coincide at this scale: either may answer
    assert "China" in text and ("Wang Yi" in text or "Hua Chunying" in text) and "Source:" in text
    page.close()


def test_clicking_a_point_shows_its_evidence(server: str, chromium, sample_db_template: Path) -> None:
    url, speaker = sqlite3.connect(sample_db_template).execute(
        "SELECT source_url, speaker FROM stance_points WHERE issue = 'double-freeze' AND actor = 'DEU' "
        "ORDER BY day DESC, kind DESC LIMIT 1").fetchone()
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/?issue=double-freeze&actors=DEU")
    wait_for_chart(page)
    page.locator(".js-plotly-plot .scatterlayer .trace .points path").last.click(force=True)
    button = page.get_by_role("link", name="Open the source")
    button.wait_for(timeout=20_000)
    href = button.get_attribute("href") or ""
    assert href == url
    assert page.get_by_text(speaker).count() >= 1
    page.close()
