"""Run one dashboard page under AppTest, and read the figures it drew."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from stance.db import PROJECT_DIR

APP = str(PROJECT_DIR / "dashboard.py")


def page_app(page: str, db: Path, monkeypatch: pytest.MonkeyPatch, timeout: float = 60,
             env: dict[str, str] | None = None, **params: str) -> AppTest:
    """`page` is a module of stance.views (timeline, compare, ...). Runs it once and returns the AppTest."""
    monkeypatch.setenv("STANCE_DB", str(db))
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    script = f"from stance.views import {page}\n{page}.render()\n"
    at = AppTest.from_string(script, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def figures(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as the JSON spec Streamlit sends the browser."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def point_traces(fig: dict) -> list[dict]:
    """The Timeline's traces of single points (one per actor), without its lines and yearly summaries."""
    return [t for t in fig["data"] if t.get("mode") == "markers"]


def decode(values: object) -> np.ndarray:
    """Plotly sends numeric arrays as base64 typed arrays ({'dtype', 'bdata'})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def fill_add_form(at: AppTest, **values: object) -> None:
    """Type values into the Add-statement form by field name (actor, issue, stance, date, ...)."""
    for key in ("actor", "issue", "stance"):
        if key in values:
            at.selectbox(key=f"add_{key}").set_value(values[key])
    for key in ("quote", "notes"):
        if key in values:
            at.text_area(key=f"add_{key}").set_value(values[key])
    for key in ("date", "speaker", "source_url", "source_title", "outlet", "confidence", "who"):
        if key in values:
            at.text_input(key=f"add_{key}").set_value(values[key])
