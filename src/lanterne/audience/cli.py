"""`lanterne` commands of the audience domain: thin — parse, call one domain function, print."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
