"""A stand-in for EMS's schedule feed: `GET /{version}` answers what changed since that version.

It replays EMS's real shape (`{"sites": [...], "version": N}`) behind HTTP Basic credentials; a
version it has no delta for answers an empty `sites` list with the same version, as EMS does.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.stand_ins.faults import Faults, with_faults


class EmsFeed:
    """The feed's state: one payload per version a client may ask from, and the accepted credentials."""

    def __init__(self, username: str = "lanterne", password: str = "ems-secret") -> None:
        self.username = username
        self.password = password
        self.deltas: dict[int, dict[str, Any]] = {}

    def publish(self, since: int, payload: dict[str, Any]) -> None:
        """What a client that last saw `since` receives (EMS's `DATA_VERSION_<since>` answers)."""
        self.deltas[since] = payload

    def answer(self, since: int) -> dict[str, Any]:
        return self.deltas.get(since, {"sites": [], "version": since})

    def authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"


def create_app(feed: EmsFeed, faults: Faults | None = None) -> ASGIApp:
    """The feed over HTTP; `faults` scripts 429s, 5xx, slow answers and garbage before the real answer."""

    async def schedule(request: Request) -> Response:
        if not feed.authorised(request.headers.get("authorization")):
            return JSONResponse({"statut": 0, "message_erreur": "Authentification refusée"}, status_code=401)
        version = request.path_params["version"]
        return JSONResponse(feed.answer(version))

    app = Starlette(routes=[Route("/{version:int}", schedule)])
    return with_faults(app, faults or Faults())
