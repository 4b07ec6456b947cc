"""The Map page in a real headless Chromium: countries filled, outlines served by the dashboard, no CDN."""

from __future__ import annotations

import shutil
import sqlite3
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from stance.devserver import dashboard_server, wait_for_chart
from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()


from stance.charts.map import RESOLUTION, outline_codes  # noqa: E402

TOPOJSON_PATH = f"/app/static/topojson/world_{RESOLUTION}m.json"


@pytest.fixture(scope="module")
def map_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "stance.db"
    shutil.copy(sample_db_template, path)
    return path


@pytest.fixture(scope="module")
def server(map_db: Path):
    with dashboard_server(map_db) as url:
        yield url


def states_with_data(db: Path, issue: str, as_of: str) -> set[str]:
    """Computed here in plain SQL, independently of stance.queries.geo."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("""SELECT DISTINCT p.actor FROM stance_points p JOIN actors a ON a.code = p.actor
                               WHERE p.issue = ? AND p.day <= ? AND a.kind = 'state'""", [issue, as_of])
        return {r[0] for r in rows}


def test_outlines_are_served_as_json(server: str) -> None:
    with urllib.request.urlopen(server + TOPOJSON_PATH) as resp:
        assert resp.status == 200
        # With static serving off the same URL answers 200 too, but with text/html.
        assert resp.headers.get("Content-Type", "").startswith("application/json")
        assert b'"countries"' in resp.read()


def open_map(chromium, server: str, requests: list[str]):  # noqa: ANN001, ANN201
    """The map page for 2017, with every request it makes appended to `requests`."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_response(lambda r: urlparse(r.url).path == TOPOJSON_PATH, timeout=60_000) as topo:
        page.goto(f"{server}/map?issue=dprk-sanctions&year=2017")
        wait_for_chart(page)
    assert topo.value.status == 200
    page.locator(".js-plotly-plot .choroplethlayer path").first.wait_for(timeout=30_000)
    return page


def off_machine(requests: list[str]) -> list[str]:
    return [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
            and urlparse(u).hostname != "127.0.0.1"]


def test_map_fills_countries_from_local_outlines(server: str, chromium, map_db: Path, tmp_path: Path) -> None:
    requests: list[str] = []
    page = open_map(chromium, server, requests)
    filled = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .choroplethlayer path')]
        .filter(p => { const f = getComputedStyle(p).fill; return f && f !== 'none' && f !== 'rgba(0, 0, 0, 0)'; })
        .length""")
    expected = states_with_data(map_db, "dprk-sanctions", "2017-12-31") & outline_codes()
    assert len(expected) > 20
    assert filled >= len(expected)
    assert any(urlparse(u).path == TOPOJSON_PATH for u in requests)
    # Nothing the map needs comes from elsewhere (the favicon is the page config's business: next test).
    assert not [u for u in off_machine(requests) if "plot.ly" in u or "topojson" in u or u.endswith(".json")]
    page.screenshot(path=str(tmp_path / "map.png"))
    assert (tmp_path / "map.png").stat().st_size > 20_000
    page.close()


def test_hovering_a_country_shows_its_evidence(server: str, chromium) -> None:
    page = open_map(chromium, server, [])
    # The middle of some coloured country (its bounding box's centre, when that lies inside it).
    spot = page.evaluate("""() => {
        for (const p of document.querySelectorAll('.js-plotly-plot .choroplethlayer path')) {
            const b = p.getBBox(), c = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2);
            if (b.width > 15 && p.isPointInFill(c)) {
                const s = c.matrixTransform(p.getScreenCTM());
                return [s.x, s.y];
            }
        }
        return null; }""")
    assert spot is not None
    page.mouse.move(*spot)
    hover = page.locator(".hoverlayer .hovertext")
    hover.wait_for(timeout=10_000)
    text = hover.text_content() or ""
    assert "point(s) on this issue so far" in text and any(w in text for w in ("support", "oppose", "neutral"))
    page.close()


def test_no_request_leaves_the_machine(server: str, chromium) -> None:
    requests: list[str] = []
    page = open_map(chromium, server, requests)
    page.wait_for_load_state("networkidle")  # the favicon and late assets come after the first chart
    assert not off_machine(requests), f"requests left the machine: {off_machine(requests)}"
    page.close()


def test_profile_page_draws_its_chart(server: str, chromium, tmp_path: Path) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/actor?actor=RUS")
    wait_for_chart(page)
    assert page.get_by_text("Russia").count() > 0
    page.screenshot(path=str(tmp_path / "profile.png"))
    assert (tmp_path / "profile.png").stat().st_size > 20_000
    page.close()
