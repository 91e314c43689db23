"""`lanterne` commands of the booking domain: thin — parse, call one domain function, print."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
