"""HTTP routes of the collect domain: thin — parse, call one domain function, format."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lanterne.collect.connectors.push import json_schema
from lanterne.collect.push import MAX_BYTES, InvalidProgramme, Unauthorized, receive_programme
from lanterne.collect.runs import list_runs, run_detail
from lanterne.db import utcnow
from lanterne.errors import InvalidValue
from lanterne.web import EngineDep, SettingsDep

router = APIRouter()
# The push body is read raw (JSON, CSV or XLSX), so its schema is described here for the API docs.
PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "/api/v1/programme/schema.json"}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"fichier": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


@router.get("/api/v1/sync/runs")
def sync_runs(
    engine: EngineDep,
    cinema: int | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """The latest sync runs, newest first: counts, status and error of each cinema's sync."""
    return {"runs": list_runs(engine, cinema=cinema, status=status, limit=limit)}


@router.get("/api/v1/sync/runs/{run_id}")
def sync_run(engine: EngineDep, run_id: int) -> dict[str, Any]:
    """One run with the records it rejected and why."""
    return run_detail(engine, run_id)


@router.get("/api/v1/programme/schema.json", tags=["collect"])
def programme_schema() -> dict[str, Any]:
    """The published JSON Schema of a pushed programme (docs/programme-schema.md)."""
    return json_schema()


@router.post("/api/v1/programme/{cineid}", tags=["collect"], openapi_extra=PUSH_BODY)
async def push_programme(cineid: int, request: Request, engine: EngineDep, settings: SettingsDep) -> Any:
    """A cinema pushes its programme with its token: JSON (Lanterne's schema), CSV or XLSX."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    document = await _document(request)
    bearer = token.strip() if scheme.lower() == "bearer" else None
    try:
        return await run_in_threadpool(
            receive_programme, engine, settings, cineid, bearer, document, utcnow()
        )
    except (InvalidProgramme, Unauthorized) as exc:  # they carry a list of errors, or a header
        return JSONResponse(exc.as_json(), status_code=exc.status_code, headers=exc.headers)


async def _document(request: Request) -> tuple[bytes, str]:
    """The raw body, or the file of a multipart upload (a spreadsheet sent from a web form)."""
    kind = request.headers.get("content-type", "")
    if int(request.headers.get("content-length") or 0) > MAX_BYTES:
        raise InvalidValue("document", f"document de plus de {MAX_BYTES // 1024 // 1024} Mo")
    if not kind.startswith("multipart/form-data"):
        return await request.body(), kind
    upload = (await request.form()).get("fichier")
    if not isinstance(upload, UploadFile):
        raise InvalidValue("fichier", "aucun fichier joint (champ « fichier »)")
    return await upload.read(), upload.content_type or ""
