"""Blind double coding in a real headless Chromium.

Two statements identical in everything a second coder may see (actor, date, quote, speaker,
source) differ in what they must not see: the first coder's stance (-2 against +2), notes and
confidence. The second coder says who they are once, codes the first unit, and gets the second:
the page's text is the same for both, and neither page's HTML holds the notes, the confidence or
the statements' ids (a hash of their fields, stance included).
"""

from __future__ import annotations

import re

import pytest

from stance import team
from stance.db import open_db
from stance.ingest.load import load_paths
from tests.browser import require_browser
from tests.helpers import ISSUES_CSV, statement, write_rows

pytestmark = pytest.mark.browser

require_browser()

SECRET = {-2: ("FIRST-NOTE-AGAINST", "0.37"), 2: ("FIRST-NOTE-FOR", "0.83")}


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory):
    from stance.devserver import dashboard_server

    folder = tmp_path_factory.mktemp("team")
    rows = [statement(quote="We have taken note of the proposal.", speaker="A Spokesperson", stance=str(value),
                      coder="AB", notes=notes, confidence=confidence)
            for value, (notes, confidence) in SECRET.items()]
    path = folder / "team.db"
    db = open_db(path)
    assert load_paths(db, [ISSUES_CSV, write_rows(folder / "s.csv", rows)]).written
    team.add_coder(db, "Carl Dias", "CD")
    drawn = team.draw(db, 1.0, "CD", 1, "lead")
    db.close()
    with dashboard_server(path) as url:
        yield url, path, drawn.units


def _main_text(page) -> str:  # noqa: ANN001
    text = page.locator('[data-testid="stMain"]').inner_text()
    return "\n".join(line for line in text.splitlines()
                     if line.strip() and not re.match(r"^(Saved:|\d+ unit\(s\) drawn)", line.strip()))


def _drawn_page(page) -> str:  # noqa: ANN001
    """The page's text once Streamlit has drawn all of it (the source's button and the stance
    choices are last) and it stays the same between two reads: a busy machine draws slowly."""
    for _ in range(100):
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                               timeout=45_000)
        first = _main_text(page)
        page.wait_for_timeout(300)
        if first == _main_text(page) and "Open the source" in first and "-2 strongly oppose" in first:
            return first
    raise AssertionError("the Double-code page never finished drawing")


def test_a_unit_is_coded_blind(team_server, chromium) -> None:
    url, path, units = team_server
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{url}/double-code")
    page.get_by_text("Say who is coding first").wait_for(timeout=45_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Carl Dias (CD)").click()
    page.get_by_role("button", name="Start coding").click()
    page.get_by_text("2 unit(s) drawn for you").wait_for(timeout=45_000)
    pages = [(_drawn_page(page), page.content())]

    page.locator('[data-testid="stRadio"]').get_by_text("+1 support").click()
    page.get_by_role("button", name="Save my coding").click()
    page.get_by_text("1 unit(s) drawn for you").wait_for(timeout=45_000)
    pages.append((_drawn_page(page), page.content()))
    page.close()

    assert "We have taken note of the proposal." in pages[0][0]
    assert pages[0][0] == pages[1][0], "the page differs with the first coder's stance"
    for _, html in pages:
        for notes, confidence in SECRET.values():
            assert notes not in html and f">{confidence}<" not in html
        for unit in units:
            assert unit not in html
    db = open_db(path, read_only=True)
    coded = db.execute("SELECT coder, stance FROM codings WHERE role = 'second' AND stance IS NOT NULL").fetchall()
    db.close()
    assert coded == [("CD", 1)]
