"""The Positions page in a real headless Chromium: a click on a position shows the votes behind it."""

from __future__ import annotations

import pytest

from stance.devserver import wait_for_chart
from stance.queries import idealpoints as ipq
from tests.browser import require_browser
from tests.test_idealpoints import bloc_record
from tests.test_measures import unvotes_db

pytestmark = pytest.mark.browser

require_browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    from stance.devserver import dashboard_server

    folder = tmp_path_factory.mktemp("positions")
    calls, votes = bloc_record()
    db = unvotes_db(folder, calls, votes)
    ipq.ensure_fit(db)
    db.close()
    with dashboard_server(folder / "m.db") as url:
        yield url


def test_clicking_a_position_lists_the_votes_that_moved_it(server: str, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/positions?actors=FRA&year=2001")
    wait_for_chart(page)
    page.get_by_text("France in 2001:").wait_for(timeout=20_000)  # before a click: the spread's year
    first_chart = page.locator(".js-plotly-plot").first
    first_chart.locator(".scatterlayer .trace .points path").last.click(force=True)  # France, 2003
    page.get_by_text("France in 2003:").wait_for(timeout=20_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()
