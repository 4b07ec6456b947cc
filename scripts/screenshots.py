"""Retake the README's screenshots (docs/*.png) from a running dashboard, in headless Chromium.

    python scripts/screenshots.py data/stance.db

The database should be the first-run build (the sample and the whole General Assembly record:
`python -m stance sample`), so the pictures show what a new user sees. Each picture is the page's
charts, cut from the top of the first to the bottom of the last (not the whole page), so it reads
at README width; reliability.png comes from scripts/team_example.py instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stance.devserver import dashboard_server, launch_chromium, wait_for_chart  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"

# name: (path and query, the first and last chart of the page to include)
VIEWS: dict[str, tuple[str, tuple[int, int]]] = {
    "timeline": ("?issue=dprk-sanctions&actors=CHN,RUS,USA&from=2006&to=2024", (0, 0)),
    "compare": ("compare", (0, 0)),
    "map": ("map?issue=unga-palestinian-conflict&year=2019", (0, 0)),
    "profile": ("actor?actor=PRK", (0, 0)),
    "alignment": ("alignment?body=unga&from=1991&to=2020&countries=USA,ISR,GBR,FRA,DEU,JPN,RUS,CHN,IND,BRA,"
                  "ZAF,IRN,CUB,PRK&pair_a=USA&pair_b=RUS&like=USA", (0, 1)),
}


def shoot(page, url: str, charts: tuple[int, int], out: Path) -> None:  # noqa: ANN001
    page.goto(url)
    wait_for_chart(page, 90_000)
    page.wait_for_timeout(2500)  # plotly sizes the chart to its column after the first draw
    plots = page.locator(".js-plotly-plot")
    plots.nth(charts[1]).scroll_into_view_if_needed()  # a chart below the fold is drawn when seen
    page.wait_for_timeout(2500)
    top, bottom = plots.nth(charts[0]).bounding_box(), plots.nth(charts[1]).bounding_box()
    clip = {"x": top["x"], "y": top["y"], "width": top["width"],
            "height": bottom["y"] + bottom["height"] - top["y"]}
    page.screenshot(path=str(out), clip=clip, full_page=True)
    image = Image.open(out).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)  # a third of the bytes
    print(f"{out.name}: {image.size[0]}x{image.size[1]}")


def main(db: str) -> None:
    with dashboard_server(Path(db)) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        for name, (path, charts) in VIEWS.items():
            page = browser.new_page(viewport={"width": 1400, "height": 2600})
            shoot(page, f"{base}/{path}", charts, DOCS / f"{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
