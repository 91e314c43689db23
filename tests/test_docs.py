"""Documentation that cannot drift: every command in docs/cli.md, every setting in README.md."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from scripts.cli_docs import commands

from lanterne.cli import app
from lanterne.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_documented() -> None:
    documented = set(re.findall(r"^## `(lanterne[^`]*)`", (ROOT / "docs" / "cli.md").read_text(), re.M))
    existing = {
        " ".join(path) for path, _ in commands(typer.main.get_command(app), ["lanterne"]) if len(path) > 1
    }
    assert existing - documented == set(), "run: .venv/bin/python scripts/cli_docs.py"


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"LANTERNE_{name.upper()}" not in readme]
    assert missing == []


def test_the_readme_shows_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "scripts/demo" in readme and "scripts/test" in readme
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
