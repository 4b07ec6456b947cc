"""Any number of read-only dashboards can serve one published snapshot at once.

Three `streamlit run dashboard.py` processes (STANCE_READ_ONLY=1) over one snapshot written by
`stance publish`; 50 browser sessions in headless Chromium spread over them, a few at a time,
each waiting for its chart. No session may see an error, and the snapshot must be byte for byte
what it was (its SHA-256 is taken while no connection in this process holds it), with no -wal,
-shm or -journal file made beside it. Figures (memory per process) are in benchmarks/bench_serve.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.publish import file_sha256
from tests.browser import require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

require_browser()

PROCESSES = 3
SESSIONS = 50
AT_ONCE = 6
PATHS = ["?issue=dprk-sanctions&actors=CHN,RUS,USA",
         "compare?actors=CHN,RUS,USA,JPN"]


def test_three_read_only_dashboards_serve_one_snapshot(sample_db_template: Path, tmp_path: Path, chromium) -> None:
    from stance.devserver import dashboard_server, serve_sessions

    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["publish", str(site), "--db", str(sample_db_template)])
    assert result.exit_code == 0, result.output
    snapshot = site / "stance.db"
    before = file_sha256(snapshot)
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(dashboard_server(snapshot, {"STANCE_READ_ONLY": "1"}))
                for _ in range(PROCESSES)]
        sessions = serve_sessions(chromium, urls, PATHS, SESSIONS, AT_ONCE)
    assert len(sessions) == SESSIONS
    assert {s.server for s in sessions} == set(urls)
    failed = [(s.server, s.path, s.errors) for s in sessions if s.errors]
    assert not failed, failed[:5]
    assert sorted(p.name for p in site.iterdir()) == ["metadata.json", "stance-data.zip", "stance.db"]
    assert file_sha256(snapshot) == before
