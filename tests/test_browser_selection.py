"""Issue 11 in a real browser: Back steps back one view, pages share the selection, a picker finds
an alias, and users see no Deploy button or developer menu."""

from __future__ import annotations

import pytest

from tests.browser import require_browser

pytestmark = pytest.mark.browser

require_browser()


def settle(page) -> None:  # noqa: ANN001
    """Until Streamlit has finished its run (no status widget) and plotly has drawn."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000)
    if page.locator('[data-testid="stPlotlyChart"]').count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=45_000)
    page.wait_for_timeout(300)


def chips(page) -> list[str]:  # noqa: ANN001
    """The chosen actors of the first multiselect, as their chips read."""
    box = page.locator('[data-testid="stMultiSelect"]').first
    tags = box.locator('[data-testid="stMultiSelectTagsContainer"] span[title]')
    titles = [t.get_attribute("title") for t in tags.all()]
    return [t.split(" (")[0] for t in dict.fromkeys(titles) if t]


def chips_become(page, expected: list[str], timeout_s: float = 30) -> list[str]:  # noqa: ANN001
    """The chips once they read `expected`, or whatever they read when the time is up (to assert on)."""
    for _ in range(int(timeout_s / 0.2)):
        if chips(page) == expected:
            break
        page.wait_for_timeout(200)
    return chips(page)


def chart_title(page) -> str:  # noqa: ANN001
    return page.locator(".js-plotly-plot .gtitle").first.text_content() or ""


def test_pages_share_the_selection_and_back_steps_back_one_view(sample_server: str, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN%2CRUS&from=2006&to=2024")
    settle(page)
    assert chips_become(page, ["China", "Russia"]) == ["China", "Russia"]
    page.get_by_role("link", name="Compare").click()
    page.wait_for_url("**/compare?**")
    page.get_by_role("heading", name="Compare actors").wait_for(timeout=45_000)
    settle(page)
    assert chips_become(page, ["China", "Russia"]) == ["China", "Russia"]  # the next page opens on the same actors
    page.go_back()
    page.wait_for_url(lambda url: "/compare" not in url)
    page.get_by_role("heading", name="Stance over time").wait_for(timeout=45_000)
    settle(page)
    assert chips_become(page, ["China", "Russia"]) == ["China", "Russia"]
    assert "sanctions" in chart_title(page)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").filter(has_text="freeze").first.click()
    settle(page)
    assert "freeze" in chart_title(page).lower()
    page.go_back()  # one view back: the sanctions again, not the page before
    page.wait_for_url("**issue=dprk-sanctions**")
    settle(page)
    assert "sanctions" in chart_title(page) and page.locator("h1").first.inner_text() == "Stance over time"
    page.close()


def test_typing_an_alias_in_a_picker_finds_the_actor(sample_server: str, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN&from=2006&to=2024")
    settle(page)
    box = page.locator('[data-testid="stMultiSelect"]').first
    box.locator("input").click()
    box.locator("input").fill("DPRK")
    option = page.get_by_role("option").filter(has_text="North Korea")
    option.first.wait_for(timeout=10_000)
    option.first.click()
    settle(page)
    assert chips_become(page, ["China", "North Korea"]) == ["China", "North Korea"]
    page.close()


def test_no_deploy_button_or_developer_menu(sample_server: str, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{sample_server}/map?issue=dprk-sanctions")
    settle(page)
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert page.get_by_text("Deploy", exact=True).count() == 0
    menu = page.locator('[data-testid="stMainMenu"]')
    if menu.count():
        menu.click()
        page.wait_for_timeout(500)
        assert page.get_by_text("Clear cache").count() == 0 and page.get_by_text("Developer options").count() == 0
    page.close()
