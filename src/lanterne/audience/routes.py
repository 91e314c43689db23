"""Audience routes: the tag, the consent receipts, forget, and the union's views.

The collector itself (`POST /audience/collect`) is a bare ASGI endpoint in front of the app: endpoint.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from lanterne.audience import forget, participation
from lanterne.audience.endpoint import shared_intake
from lanterne.audience.intake import Intake
from lanterne.audience.intake import Request as TagRequest
from lanterne.publish.ratelimit import client_ip
from lanterne.web import EngineDep, RuntimeDep

router = APIRouter()
TAG = (Path(__file__).parent / "static" / "tag.js").read_bytes()


def _intake(request: Request) -> Intake:
    return shared_intake(request.app.state)


async def _tag_request(request: Request) -> TagRequest:
    return TagRequest(
        body=await request.body(),
        origin=request.headers.get("origin"),
        user_agent=request.headers.get("user-agent"),
        ip=client_ip(request.scope),
    )


@router.get("/audience/tag.js", include_in_schema=False)
async def tag() -> Response:
    headers = {"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"}
    return Response(TAG, media_type="text/javascript; charset=utf-8", headers=headers)


@router.post("/audience/consent", status_code=204, tags=["audience"])
async def record_consent(request: Request) -> Response:
    _intake(request).consent(await _tag_request(request))
    return Response(status_code=204)


@router.post("/audience/forget", status_code=204, tags=["audience"])
async def forget_me(request: Request, engine: EngineDep) -> Response:
    tag_request = await _tag_request(request)
    body, _ = _intake(request).checked(tag_request)
    forget.forget_visitor(engine, str(body.get("visitor", ""))[:36])
    return Response(status_code=204)


@router.get("/api/v1/audience/participation", tags=["audience"])
def participation_progress(runtime: RuntimeDep) -> dict[str, Any]:
    progress = participation.progress(runtime.engine)
    return {"participating": progress.participating, "goal": progress.goal, "cinemas": progress.cinemas}
