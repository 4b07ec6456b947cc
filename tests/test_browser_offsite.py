"""Every page in a real headless Chromium on a database whose every stored string is hostile
markdown (tests/hostile_text.py): the browser must request nothing off-site, render no image,
link, KaTeX or colour from the data, and show no exception. Every request is logged."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from stance.devserver import dashboard_server
from tests.browser import require_browser
from tests.hostile_text import EVIL_HOST, build

pytestmark = pytest.mark.browser

require_browser()

PAGES = ["/?issue=dprk-sanctions&actors=CHN,RUS,USA", "/compare", "/alignment?body=UNSC",
         "/map?issue=dprk-sanctions&year=2017", "/positions", "/actor?actor=CHN", "/explore", "/relations", "/add",
         "/review", "/data"]


# What markdown made of a stored string: an image, a link under other words, KaTeX, bold text, or
# an exception. (A bare URL in the text autolinked to itself, which no markdown escape prevents,
# fetches nothing and says where it goes: allowed.)
FROM_THE_DATA = """() => {
    const where = e => (e.closest('[data-testid]') || e.parentElement).getAttribute('data-testid');
    const bold = /^bold(name|title|description|plus_2|minus_2|quote|speaker|notes|coder|outlet|file)$/;
    return [
        ...[...document.querySelectorAll('img[src*="HOST"]')].map(e => 'img ' + e.src),
        ...[...document.querySelectorAll('a[href*="HOST"]')].filter(e => !e.textContent.includes(e.href.slice(0, 30)))
            .map(e => 'disguised link ' + e.href + ' in ' + where(e)),
        ...[...document.querySelectorAll('.katex')].map(e => 'katex ' + e.textContent + ' in ' + where(e)),
        ...[...document.querySelectorAll('strong, b')].filter(e => bold.test(e.textContent.trim()))
            .map(e => 'bold ' + e.textContent + ' in ' + where(e)),
        ...[...document.querySelectorAll('[data-testid="stException"]')]
            .map(e => 'exception ' + e.textContent.slice(0, 200)),
    ];
}""".replace("HOST", EVIL_HOST)


@pytest.fixture(scope="module")
def server(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory):
    with dashboard_server(build(sample_db_template, tmp_path_factory.mktemp("offsite"))) as url:
        yield url


def test_no_page_fetches_anything_off_site(server: str, chromium) -> None:  # noqa: ANN001
    page = chromium.new_page(viewport={"width": 1400, "height": 2400})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    found: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(server + path)
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_timeout(500)  # let a rendered <img> start its request, so its absence means something
        bad = page.evaluate(FROM_THE_DATA)
        bad += sorted({f"request {r}" for r in requests if urlparse(r).hostname not in ("127.0.0.1", "localhost")})
        requests.clear()
        if bad:
            found[path] = bad
    page.close()
    assert not found, "\n".join(f"{p}: {b}" for p, bad in found.items() for b in bad)
