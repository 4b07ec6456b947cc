"""Every page in a real headless Chromium: renders with no exception, and leaves a screenshot.

Screenshots go to $STANCE_SCREENSHOTS (default: screenshots/ in the project, git-ignored), one
per page, so a person can look at what the run saw.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stance.db import PROJECT_DIR
from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()


SHOTS = Path(os.environ.get("STANCE_SCREENSHOTS", PROJECT_DIR / "screenshots"))

PAGES = {
    "timeline": "?issue=dprk-sanctions&actors=CHN,RUS,USA,JPN,KOR,PRK",
    "compare": "compare?actors=CHN,RUS,USA,DEU,JPN,KOR,PRK",
    "alignment": "alignment?actors=CHN,RUS,USA,GBR,FRA,JPN",
    "positions": "positions",
    "map": "map?issue=dprk-sanctions",
    "actor": "actor?actor=RUS",
    "explore": "explore?issue=double-freeze",
    "add": "add",
    "data": "data",
}


@pytest.fixture(scope="module")
def server(sample_server: str) -> str:
    return sample_server


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_in_the_browser(server: str, chromium, name: str) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/{PAGES[name]}")
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=45_000)
    # Wait until Streamlit has finished the run: no "Running..." status widget.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000)
    if page.locator('[data-testid="stPlotlyChart"]').count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=45_000)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.close()
