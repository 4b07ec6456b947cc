"""The chart toolbar in a real browser (issue 15): the camera downloads a PNG and the SVG button beside it an
SVG, and the SVG carries the figure's source line, so either can go into a paper as it is. The footer
overlaps nothing else in the figure."""

from __future__ import annotations

import pytest

from tests.browser import require_browser

pytestmark = pytest.mark.browser

# The footer's box against every other piece of text in the figure: ticks, axis titles, legend, title.
OVERLAPS = """(gd) => {
  const foot = [...gd.querySelectorAll('.annotation')].find(a => a.textContent.startsWith('Source: Stance'));
  const f = foot.getBoundingClientRect();
  const others = [...gd.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legend .traces,'
                                         + ' .legendtitletext, .annotation, .gtitle')].filter(e => e !== foot);
  return others.filter(e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.left < f.right && r.right > f.left && r.top < f.bottom && r.bottom > f.top; })
    .map(e => e.textContent);
}"""

require_browser()


def test_toolbar_downloads_png_and_svg_with_the_source_line(sample_server: str, chromium) -> None:  # noqa: ANN001
    from stance.devserver import wait_for_chart

    page = chromium.new_page(viewport={"width": 1300, "height": 1400}, accept_downloads=True)
    page.goto(f"{sample_server}/?issue=dprk-sanctions&actors=CHN,RUS,USA")
    wait_for_chart(page)
    plot = page.locator(".js-plotly-plot").first
    assert plot.evaluate(OVERLAPS) == []  # the Timeline's legend sits under the plot, above the footer
    plot.hover()
    svg_button = plot.locator("[data-stance-svg]")
    svg_button.wait_for(state="attached", timeout=30_000)
    with page.expect_download(timeout=30_000) as svg_download:
        svg_button.click()
    svg = svg_download.value
    assert svg.suggested_filename == "stance-timeline-chart.svg"
    text = open(svg.path(), encoding="utf-8").read()
    assert text.lstrip().startswith("<svg") and "Source: Stance" in text and "hand-coded statements" in text
    assert f"reopen: {sample_server}" in text  # the page's address, filters in its link
    with page.expect_download(timeout=30_000) as png_download:
        plot.locator('.modebar [data-title="Download plot as a PNG"]').click()
    png = png_download.value
    assert png.suggested_filename == "stance-timeline-chart.png"
    assert open(png.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    page.close()
