"""The portal's fixtures: the small catalog served over real HTTP, and Debian's chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.portal.builders import build

from lanterne.settings import Settings
from lanterne.stand_ins.server import free_port

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def portal(engine: Engine, settings: Settings, live_app: str) -> str:
    """The sample catalog, served; map tiles point at a closed port (no network, as in CI)."""
    build(engine)
    settings.tiles_url = f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png"
    return live_app


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
