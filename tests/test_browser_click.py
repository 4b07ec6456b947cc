"""A click on the Timeline opens the record drawn at that spot, in a real browser (issue 11, item 1).

Points are found by their data (actor, day, stance) in plotly's own full data and clicked at the
pixel plotly drew them, so the test clicks what a person would click.
"""

from __future__ import annotations

import pytest

from stance.devserver import wait_for_chart
from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()

# Centre of the marker of `actor` on `day` whose drawn stance is within 0.3 of `stance`, in page pixels.
FIND_POINT = """(a) => {
  const gd = document.querySelector('.js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  for (const t of gd._fullData) {
    if (t.meta !== a.actor) continue;
    for (let i = 0; i < t.x.length; i++) {
      if (String(t.x[i]).startsWith(a.day) && Math.abs(t.y[i] - a.stance) < 0.3)
        return {x: box.left + xa._offset + xa.d2p(t.x[i]), y: box.top + ya._offset + ya.d2p(t.y[i])};
    }
  }
  return null;
}"""


def settled(page, script: str, arg: object) -> dict:  # noqa: ANN001
    """Where `script` finds the point, once two reads a frame apart agree: a chart that is still
    being laid out (its width set after the first draw) moves its points."""
    previous = None
    for _ in range(100):
        spot = page.evaluate(script, arg)
        if spot is not None and spot == previous:
            return spot
        previous = spot
        page.wait_for_timeout(100)
    raise AssertionError(f"the point {arg} did not settle: {previous}")


def click_point(page, actor: str, day: str, stance: int) -> None:  # noqa: ANN001
    page.evaluate("() => document.querySelector('.js-plotly-plot').scrollIntoView({block: 'center'})")
    spot = settled(page, FIND_POINT, {"actor": actor, "day": day, "stance": stance})
    page.mouse.click(spot["x"], spot["y"])
    page.mouse.move(5, 5)  # the hover box repeats the quote: move away so only the card shows it


# the options of the list of records at a spot (the page has other radios: evidence, votes drawn)
OPTION = '[data-testid="stRadio"]:has-text("records are drawn at this spot") [data-testid="stRadioOption"]'


def option_labels(page) -> list[str]:  # noqa: ANN001
    return [option.text_content() or "" for option in page.locator(OPTION).all()]


def checked_label(page) -> str | None:  # noqa: ANN001
    checked = page.locator(f'{OPTION}[data-selected="true"]')
    return checked.text_content() if checked.count() == 1 else None


@pytest.fixture
def page(sample_server: str, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 1400})
    yield page
    page.close()


RUSSIA = "a path to a dead end"
CHINA = "Reliance on sanctions will not help to resolve the Peninsula issue,"


def card_subject(page) -> str:  # noqa: ANN001
    """Who the evidence card is about: its first plain-text line."""
    return (page.locator('[data-testid="stText"]').first.text_content() or "").strip()


def card(page) -> list[str]:  # noqa: ANN001
    """The evidence card's plain-text lines (st.text): never the chart's hover box, which may
    still show a quote where the mouse last was."""
    return [(t.text_content() or "").strip() for t in page.locator('[data-testid="stText"]').all()]


def pick(page, text: str) -> None:  # noqa: ANN001
    """Pick the record whose label holds `text` and wait for its card."""
    page.locator(OPTION).filter(has_text=text).click()
    page.get_by_role("link", name="Open the source").wait_for(timeout=20_000)


def test_clicking_russias_veto_day_point_opens_russias_card(sample_server: str, page) -> None:  # noqa: ANN001
    """China's statement of that day has the same stance: the two share a spot, and both are offered."""
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN,RUS")
    wait_for_chart(page)
    click_point(page, "RUS", "2022-05-26", -2)
    page.locator(OPTION).first.wait_for(timeout=20_000)
    assert [label.split(" · ")[0] for label in option_labels(page)] == ["China", "Russia"]
    # No card until one is picked: plotly's choice among overlapping markers is a guess.
    assert checked_label(page) is None and CHINA not in card(page)
    pick(page, "Russia · statement")
    lines = card(page)
    assert lines[0] == "Russia" and RUSSIA in lines and CHINA not in lines
    assert "Vassily Nebenzia, Permanent Representative to the UN" in lines
    pick(page, "China · statement")
    page.locator('[data-testid="stText"]', has_text=CHINA).wait_for(timeout=20_000)
    lines = card(page)
    assert lines[0] == "China" and RUSSIA not in lines


def test_points_of_several_actors_at_one_spot_are_all_listed(sample_server: str, page) -> None:  # noqa: ANN001
    """Resolution 2397: the P5 voted yes and Russia spoke, all at +1 on 22 December 2017."""
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN,FRA,GBR,RUS,USA")
    wait_for_chart(page)
    click_point(page, "FRA", "2017-12-22", 1)
    page.get_by_text("6 records are drawn at this spot", exact=False).wait_for(timeout=20_000)
    assert [label.split(" · ")[0] for label in option_labels(page)] == [
        "China", "France", "United Kingdom", "Russia", "Russia", "United States"]
    pick(page, "France · UN vote")
    assert card_subject(page) == "France"
    pick(page, "Russia · statement")
    page.locator('[data-testid="stText"]', has_text="Это минимально приемлемый").wait_for(timeout=20_000)


def test_a_point_alone_opens_its_card_at_once(sample_server: str, page) -> None:  # noqa: ANN001
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=RUS")
    wait_for_chart(page)
    click_point(page, "RUS", "2022-05-26", -2)
    page.get_by_role("link", name="Open the source").wait_for(timeout=20_000)
    assert RUSSIA in card(page) and page.locator(OPTION).count() == 0


# Centre of a country's outline on the Map, found by its ISO-3 code in plotly's bound data.
FIND_COUNTRY = """(code) => {
  for (const p of document.querySelectorAll('.choroplethlocation')) {
    if (p.__data__ && p.__data__.loc === code) {
      const b = p.getBoundingClientRect();
      return {x: b.left + b.width / 2, y: b.top + b.height / 2};
    }
  }
  return null;
}"""


def test_clicking_a_country_on_the_map_opens_its_evidence(sample_server: str, page) -> None:  # noqa: ANN001
    page.goto(f"{sample_server}/map?issue=dprk-sanctions&year=2022")
    wait_for_chart(page)
    page.wait_for_selector(".choroplethlocation", timeout=30_000)
    spot = settled(page, FIND_COUNTRY, "CHN")
    page.mouse.click(spot["x"], spot["y"])
    page.mouse.move(5, 5)
    timeline = page.get_by_role("link", name="All its evidence on this issue (Timeline)")
    timeline.wait_for(timeout=20_000)
    assert card_subject(page) == "China"
    assert CHINA in card(page)  # China's veto-day statement, its latest by 2022
    assert timeline.get_attribute("href") == "./?issue=dprk-sanctions&actors=CHN"
    assert page.get_by_role("link", name="Actor profile").last.get_attribute("href") == "./actor?actor=CHN"
