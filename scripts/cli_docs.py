"""Write docs/cli.md from the commands' own help, so the reference never drifts from the code.

Run: .venv/bin/python scripts/cli_docs.py   (tests/test_docs.py fails when a command is missing from it)
"""

from __future__ import annotations

from pathlib import Path

import click
import typer

from lanterne.cli import app

ROOT = Path(__file__).resolve().parent.parent
INTRO = """# Command line

`lanterne` is installed with the package (`scripts/demo` and `scripts/test` create `.venv/`). Every command
reads its settings from `LANTERNE_*` variables (see README.md), so
`LANTERNE_DATABASE_URL=postgresql://… lanterne sync` works against production.
This page is generated from the commands' own help by `scripts/cli_docs.py`.
"""


def commands(group: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found: list[tuple[list[str], click.Command]] = []
    subs = getattr(group, "commands", None)
    if subs:
        if getattr(group, "invoke_without_command", False):
            found.append((path, group))
        for name in sorted(subs):
            found += commands(subs[name], [*path, name])
    else:
        found.append((path, group))
    return found


def section(path: list[str], command: click.Command) -> str:
    context = click.Context(command, info_name=" ".join(path))
    lines = [
        f"## `{' '.join(path)}`",
        "",
        (command.help or "").strip(),
        "",
        "```",
        command.get_usage(context),
    ]
    for param in command.get_params(context):
        record = param.get_help_record(context)
        if record and not record[0].startswith("--help"):
            lines.append(f"  {record[0]:<34} {record[1]}")
    lines += ["```", ""]
    return "\n".join(lines)


def render() -> str:
    root = typer.main.get_command(app)
    listed = [(path, command) for path, command in commands(root, ["lanterne"]) if len(path) > 1]
    return INTRO + "\n" + "\n".join(section(path, command) for path, command in listed)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render(), encoding="utf-8")
