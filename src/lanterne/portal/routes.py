"""HTTP routes of the portal domain: thin — parse, call one domain function, format."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

router = APIRouter()
STATIC = Path(__file__).parent / "static"


def mount_static(app: FastAPI) -> None:
    """Serve the portal's assets (Leaflet, fonts, icons) from the package: no CDN, works offline."""
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
