"""The Explore download in a real browser on more than 5,000 votes (issue 11, item 2): every row the
filters select, not the first 5,000; the CSV opens with a plain pandas.read_csv."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from stance.db import DATA_DIR, open_db
from stance.devserver import dashboard_server
from stance.ingest.load import load_paths
from stance.queries import explore
from tests.browser import require_browser
from tests.test_ga_records import write_unvotes

pytestmark = pytest.mark.browser

require_browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("download")
    path = folder / "ga.db"
    db = open_db(path)
    assert load_paths(db, [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv", *write_unvotes(folder)],
                      skip_invalid=True, rejects=folder / "rejects.csv").written
    db.close()
    with dashboard_server(path) as url:
        yield url, path


def test_the_download_holds_all_rows_past_5000(server, chromium) -> None:  # noqa: ANN001
    url, path = server
    db = open_db(path, read_only=True)
    total = explore.count(db)
    db.close()
    assert total > 5_000
    page = chromium.new_page(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
    page.goto(f"{url}/explore")
    page.get_by_role("heading", name=f"{total:,} rows").wait_for(timeout=45_000)
    page.get_by_text(f"Rows 1-{explore.PAGE_ROWS} of {total:,}", exact=False).wait_for(timeout=45_000)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=re.compile(rf"Download all {total:,} rows")).click()
    archive = zipfile.ZipFile(Path(info.value.path()))
    (name,) = [n for n in archive.namelist() if n.endswith(".csv")]
    rows = pd.read_csv(io.BytesIO(archive.read(name)))
    assert len(rows) == total and list(rows.columns) == list(explore.COLUMNS)
    assert rows["Date"].iloc[-1] > "2020"  # the last roll calls, far past row 5,000
    page.close()
