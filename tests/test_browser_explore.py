"""Explore in a real headless Chromium (Debian's): hostile text stays text, the CSV is what is shown."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from stance import editing
from stance.db import open_db
from stance.devserver import dashboard_server
from stance.queries import explore
from tests.browser import require_browser
from tests.helpers import statement

pytestmark = pytest.mark.browser

require_browser()


XSS_QUOTE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
XSS_SPEAKER = "<b>bold</b>"
ROW_COUNT = re.compile(r"^([\d,]+) rows?$")


@pytest.fixture(scope="module")
def hostile_db(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample plus one statement whose quote and speaker are HTML."""
    path = tmp_path_factory.mktemp("hostile") / "stance.db"
    shutil.copy(sample_db_template, path)
    db = open_db(path)
    editing.add_statement(db, statement(quote=XSS_QUOTE, speaker=XSS_SPEAKER, notes="",
                                        source_url="https://example.org/xss"), "browser-test")
    db.close()
    return path


@pytest.fixture(scope="module")
def server(hostile_db: Path):
    with dashboard_server(hostile_db) as url:
        yield url


def open_explore(chromium, url: str):  # noqa: ANN201
    page = chromium.new_page(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # noqa: ANN001
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.get_by_role("heading", name=ROW_COUNT).wait_for(timeout=45_000)
    return page, dialogs


def shown_rows(page) -> int:  # noqa: ANN001
    heading = page.get_by_role("heading", name=ROW_COUNT).first.inner_text().strip()
    return int(ROW_COUNT.match(heading).group(1).replace(",", ""))


def test_html_in_a_quote_is_shown_as_text(server: str, chromium, tmp_path: Path) -> None:
    page, dialogs = open_explore(chromium, f"{server}/explore?q=xss")
    assert shown_rows(page) == 1
    quote = page.get_by_text(XSS_QUOTE, exact=True)
    quote.first.wait_for(timeout=20_000)
    assert page.get_by_text(XSS_SPEAKER, exact=True).count() >= 1
    page.wait_for_timeout(500)  # give any injected handler the chance to run, so its absence means something
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("b", has_text=re.compile(r"^bold$")).count() == 0
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('__xss'))")
    page.screenshot(path=str(tmp_path / "explore-xss.png"))
    page.close()


def test_download_holds_every_row_with_its_citation_beside_it(server: str, chromium, hostile_db: Path,
                                                               tmp_path: Path) -> None:
    """A data package of the CSV (every row the filters select) with its README; the CSV opens with plain pandas."""
    page, dialogs = open_explore(chromium, f"{server}/explore?issue=double-freeze&kind=statements")
    count = shown_rows(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=re.compile(r"Download all .* \(zip\)")).click()
    archive = zipfile.ZipFile(info.value.path())
    (csv_name,) = [n for n in archive.namelist() if n.endswith(".csv")]
    citation = archive.read("README.md").decode("utf-8")  # the data package's README: how to cite first
    assert "\n\nStance data, version stance " in citation and "datapackage.json" in archive.namelist()
    assert "issue=double-freeze" in citation and "kind=statements" in citation and "exported " in citation
    data = archive.read(csv_name)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    rows = pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)  # plain pandas, no options to skip
    db = open_db(hostile_db, read_only=True)
    expected = explore.points(db, issue="double-freeze", kind="statements")
    db.close()
    assert len(rows) == count == len(expected)
    assert f"{len(rows):,} rows" in citation
    assert list(rows["Record id"]) == list(expected["ref"])
    assert list(rows.columns) == list(explore.COLUMNS)
    assert XSS_QUOTE in set(rows["Quote or vote"])  # exported exactly as typed
    archive.extractall(tmp_path)  # hostile quotes and all, the package is valid Data Package v2
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert dialogs == [] and page.evaluate("window.__xss") is None
    page.close()
