"""Run the dashboard as a real server and drive Debian's Chromium against it.

Used by the browser tests and by `scripts/screenshot.py`. The server is polled until it
answers, never slept on; Chromium is the system one (/usr/bin/chromium), never a download.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stance.db import PROJECT_DIR

CHROMIUM = os.environ.get("STANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def dashboard_server(db_path: str | os.PathLike, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port with STANCE_DB set; yields its base URL."""
    with dashboard_process(db_path, extra_env) as (url, _proc):
        yield url


@contextlib.contextmanager
def dashboard_process(db_path: str | os.PathLike,
                      extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """As `dashboard_server`, also yielding the process (its pid, for memory figures)."""
    port = free_port()
    env = {**os.environ, "STANCE_DB": str(db_path), **(extra_env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "dashboard.py"),
           "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def launch_chromium(playwright):  # noqa: ANN001, ANN201 - playwright types are optional here
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_for_chart(page, timeout_ms: int = 45_000) -> None:  # noqa: ANN001
    """A fresh page needs seconds to load plotly.js on 2 cores: wait for the drawn SVG."""
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=timeout_ms)


@dataclass
class Session:
    """One browser-like session: which server, which page, and what went wrong (nothing, we hope)."""

    server: str
    path: str
    errors: list[str] = field(default_factory=list)


def serve_sessions(browser, urls: list[str], paths: list[str], sessions: int,  # noqa: ANN001
                   at_once: int = 4) -> list[Session]:
    """Open `sessions` pages spread round-robin over `urls` (and `paths`), `at_once` at a time.

    Each page is its own Streamlit session (its own websocket and script runs); the pages of
    one server share a browser context, as tabs of one visitor's browser share its cache, so
    2 cores spend their time on the servers rather than on parsing plotly.js 50 times. A session
    passes when its chart is drawn with no exception, no error box and no script error."""
    contexts = {url: browser.new_context(viewport={"width": 1000, "height": 700}) for url in urls}
    done: list[Session] = []
    try:
        for start in range(0, sessions, at_once):
            wave = []
            for i in range(start, min(start + at_once, sessions)):
                session = Session(urls[i % len(urls)], paths[i % len(paths)])
                page = contexts[session.server].new_page()
                page.on("pageerror", lambda exc, s=session: s.errors.append(f"script error: {exc}"))
                page.goto(f"{session.server}/{session.path}", wait_until="commit")
                wave.append((session, page))
            for session, page in wave:
                _check_session(session, page)
                page.close()
                done.append(session)
    finally:
        for context in contexts.values():
            context.close()
    return done


def _check_session(session: Session, page) -> None:  # noqa: ANN001
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        wait_for_chart(page)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                               timeout=45_000)
    except PlaywrightTimeout as exc:  # this session's failure; the others go on
        session.errors.append(f"no chart: {str(exc).splitlines()[0]}")
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        if page.locator(selector).count():
            session.errors.append(f"{selector}: {page.locator(selector).first.inner_text()[:300]}")
