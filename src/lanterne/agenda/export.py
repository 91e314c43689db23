"""A cinema's events as an Excel workbook, with every column or the ones asked for (the publish xlsx
writer: typed cells, frozen header, and the metadata sheet)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from lanterne.agenda.accounts import Viewer
from lanterne.agenda.events import event_start, events, pushes, view
from lanterne.errors import InvalidValue
from lanterne.publish.datasets import Column
from lanterne.publish.formats import xlsx

EXPORT_COLUMNS = (
    Column("id", "integer", "Identifiant de l'événement"),
    Column("showtime_id", "integer", "Identifiant de la séance"),
    Column("title", "string", "Titre"),
    Column("film_title", "string", "Film"),
    Column("starts_at", "datetime", "Début"),
    Column("ends_at", "datetime", "Fin"),
    Column("place", "string", "Salle ou lieu"),
    Column("status", "string", "Statut", "scheduled ou cancelled"),
    Column("kind", "string", "Type d'événement"),
    Column("audience", "string", "Public"),
    Column("host", "string", "Animation"),
    Column("guests", "string", "Invités"),
    Column("partners", "string", "Partenaires"),
    Column("description", "string", "Description"),
    Column("image_url", "string", "Image"),
    Column("accessibility", "string", "Accessibilité", "codes OpenAgenda : hi, ii, mi, pi, vi"),
    Column("age_min", "integer", "Âge minimum"),
    Column("age_max", "integer", "Âge maximum"),
    Column("booking_url", "string", "Réservation"),
    Column("push_result", "string", "Dernier envoi à OpenAgenda"),
    Column("pushed_at", "datetime", "Date du dernier envoi"),
    Column("openagenda_uid", "string", "Identifiant OpenAgenda"),
)
BY_NAME = {column.name: column for column in EXPORT_COLUMNS}


@dataclass(frozen=True)
class Workbook:
    id: str
    title: str
    description: str
    columns: tuple[Column, ...]


def chosen_columns(names: str | None) -> tuple[Column, ...]:
    """Every column, or those named (comma-separated, in the order given); an unknown name is refused."""
    if not names:
        return EXPORT_COLUMNS
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in BY_NAME]
    if unknown:
        raise InvalidValue("columns", f"colonne « {unknown[0]} » inconnue (colonnes : {', '.join(BY_NAME)})")
    return tuple(BY_NAME[name] for name in wanted)


def _rows(engine: Engine, cinema_id: int, columns: tuple[Column, ...]) -> Iterator[tuple[Any, ...]]:
    query = view(events.c.cinema_id == cinema_id).add_columns(
        pushes.c.result.label("push_result"), pushes.c.pushed_at, pushes.c.openagenda_uid
    )
    query = query.outerjoin(pushes, pushes.c.event_id == events.c.id).order_by(event_start, events.c.id)
    with engine.connect() as connection:
        for row in connection.execute(query.execution_options(yield_per=500)).mappings():
            yield tuple(row[column.name] for column in columns)


def export_events(
    engine: Engine, viewer: Viewer, cinema_id: int, names: str | None, now: datetime
) -> Iterator[bytes]:
    """The workbook of one of the viewer's cinemas, streamed."""
    viewer.require(cinema_id)
    columns = chosen_columns(names)
    book = Workbook(
        f"evenements-{cinema_id}", f"Événements du cinéma {cinema_id}", "Séances événements", columns
    )
    return xlsx.write(book, columns, _rows(engine, cinema_id, columns), {"last_updated": now})
