"""Screenshot the dashboard in headless Chromium: python scripts/screenshot.py [QUERY] [OUT.png] [PAGE] [DB]

Example: python scripts/screenshot.py "issue=dprk-sanctions&actors=CHN,RUS,USA" shot.png
Without DB, a fresh copy of the bundled sample is built in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from stance.devserver import dashboard_server, launch_chromium, wait_for_chart  # noqa: E402
from stance.sample import ensure_database  # noqa: E402


def main(query: str = "", out: str = "screenshot.png", page_path: str = "", db_path: str = "") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(db_path) if db_path else Path(tmp) / "stance.db"
        if not db_path:
            ensure_database(db)
        with dashboard_server(db) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1400, "height": int(os.environ.get("SHOT_HEIGHT", "1500"))})
            page.goto(f"{url}/{page_path}?{query}")
            wait_for_chart(page)
            page.wait_for_timeout(1500)  # let the last rerun settle before the picture
            page.screenshot(path=out)
            browser.close()
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
