"""Shared fixtures: real database files in tmp_path, the sample built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from stance.db import open_db
from stance.ingest.load import load_paths
from stance.sample import build_sample

# A first run in the tests (the CLI's `sample`, a dashboard on a missing file) builds the sample only:
# the whole General Assembly record takes ~15 s, and tests/test_record.py loads it once on purpose.
os.environ.setdefault("STANCE_FIRST_RUN", "sample")


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "stance.db"
    result = build_sample(path)
    assert result.written and not result.problems
    return path


@pytest.fixture(scope="session")
def sample_gdelt_template(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus two GDELT fixture files, so the Relations page has events to draw."""
    from tests.helpers import RAW

    path = tmp_path_factory.mktemp("sample-gdelt") / "stance.db"
    shutil.copy(sample_db_template, path)
    db = open_db(path)
    assert load_paths(db, [RAW / "20240105120000.export.CSV", RAW / "200601.csv"]).written
    db.close()
    return path


@pytest.fixture
def sample_db(sample_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database, free to write to."""
    path = tmp_path / "stance.db"
    shutil.copy(sample_db_template, path)
    return path


@pytest.fixture
def fresh_db(tmp_path: Path):
    """An empty database with the schema and the sample's issue definitions."""
    db = open_db(tmp_path / "fresh.db")
    yield db
    db.close()


@pytest.fixture(autouse=True)
def _clear_streamlit_cache():
    """st.cache_data results would otherwise leak from one AppTest run into the next."""
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from stance.devserver import launch_chromium

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sample_server(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """`streamlit run dashboard.py` on a private copy of the sample database; yields its URL."""
    from stance.devserver import dashboard_server

    path = tmp_path_factory.mktemp("served") / "stance.db"
    shutil.copy(sample_db_template, path)
    with dashboard_server(path) as url:
        yield url
