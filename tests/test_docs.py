"""The README documents every CLI command, and its quick start is the one CI runs."""

from __future__ import annotations

import pytest

from stance.cli import cli
from stance.db import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"python -m stance {command}" in README


def test_quick_start_commands() -> None:
    assert "pip install -r requirements.txt && python -m streamlit run dashboard.py" in README
    assert "bash scripts/test" in README
    assert "bash scripts/test" in (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
