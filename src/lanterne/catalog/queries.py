"""Read-side queries of the catalog that the first web app and the CLI share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from lanterne.catalog.models import Cinema

PUBLIC_CINEMA_COLUMNS = (
    Cinema.id,
    Cinema.name,
    Cinema.operator,
    Cinema.address,
    Cinema.postcode,
    Cinema.commune,
    Cinema.department,
    Cinema.region,
    Cinema.latitude,
    Cinema.longitude,
    Cinema.screens,
    Cinema.seats,
    Cinema.art_et_essai,
    Cinema.category,
    Cinema.label_recherche,
    Cinema.label_jeune_public,
    Cinema.label_patrimoine,
    Cinema.multiplex,
)  # never connector_settings: secrets are not published


def list_cinemas(engine: Engine, *, department: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    query = select(*PUBLIC_CINEMA_COLUMNS).where(Cinema.active.is_(True)).order_by(Cinema.id).limit(limit)
    if department:
        query = query.where(Cinema.department == department)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
