"""HTTP routes of the catalog: the health check and the first JSON list of cinemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from sqlalchemy import text

from lanterne.catalog.queries import list_cinemas
from lanterne.web import EngineDep

router = APIRouter()


@router.get("/health", tags=["service"])
def health(engine: EngineDep) -> dict[str, str]:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok", "database": engine.dialect.name}


@router.get("/api/cinemas", tags=["catalog"])
def cinemas(
    engine: EngineDep,
    department: str | None = Query(None, max_length=3),
    limit: int = Query(1000, ge=1, le=10000),
) -> list[dict[str, Any]]:
    return list_cinemas(engine, department=department, limit=limit)
