"""Set-up shared by the browser tests: skip only outside CI when Chromium or Playwright is missing.

In CI (CI=true) the browser tests must run: a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os

import pytest

from stance.devserver import chromium_available

IN_CI = os.environ.get("CI") == "true"


def require_browser() -> None:
    """Call at the top of a browser test module, before importing playwright."""
    if IN_CI:
        return
    if not chromium_available():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
