"""Each page's template and context, built from the domain modules: routes only render what these return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from lanterne.errors import LanterneError, NotFound
from lanterne.portal import agenda, display, film, home, maps, programme, table
from lanterne.portal.reading import EVENTS, instant
from lanterne.settings import Settings

MAP_PAGES = {
    "cinemas": "/carte",
    "etablissements-scolaires": "/carte/etablissements-scolaires",
    "evenements-cinemas": "/carte/evenements",
}
# Embeds are meant to be framed by any site; every other page keeps the browser's default.
FRAMEABLE = {"Content-Security-Policy": "frame-ancestors *"}


@dataclass
class Page:
    template: str
    context: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(UTC)


def _page(template: str, settings: Settings, section: str, **context: Any) -> Page:
    return Page(
        f"portal/{template}", {"section": section, "base_url": settings.base_url.rstrip("/"), **context}
    )


def failure(error: LanterneError, settings: Settings) -> Page:
    """A French error page: a bad parameter names itself (400), an unknown id says so (404)."""
    heading = "Page introuvable" if isinstance(error, NotFound) else "Paramètre incorrect"
    return Page(
        "portal/erreur.html",
        {"heading": heading, "message": str(error), "base_url": settings.base_url},
        error.status_code,
    )


def home_page(engine: Engine, settings: Settings) -> Page:
    return _page("home.html", settings, "accueil", cards=home.dataset_cards(engine), maps=MAP_PAGES)


def datasets_page(engine: Engine, settings: Settings) -> Page:
    return _page("donnees.html", settings, "donnees", cards=home.dataset_cards(engine), maps=MAP_PAGES)


def search_page(engine: Engine, settings: Settings, q: str) -> Page:
    return _page("recherche.html", settings, "accueil", results=home.search(engine, q), q=q)


def table_page(
    engine: Engine, settings: Settings, dataset_id: str, params: Sequence[tuple[str, str]], embed: bool
) -> Page:
    path = f"/embed/{dataset_id}/table" if embed else f"/donnees/{dataset_id}"
    view = table.table_view(engine, dataset_id, params, settings.base_url, path)
    filters = table.query_string(view.params, "select", "size", "sort", *table.PAGING)
    if embed:
        return Page(
            "portal/embed_table.html", {"view": view, "base_url": settings.base_url}, headers=FRAMEABLE
        )
    return _page("table.html", settings, "donnees", view=view, map_query=filters)


def map_page(
    engine: Engine, settings: Settings, dataset_id: str, params: dict[str, str], embed: bool
) -> Page:
    view = maps.map_view(engine, dataset_id, params, settings.base_url, settings.tiles_url, now())
    if embed:
        return Page(
            "portal/embed_map.html",
            {"view": view, "base_url": settings.base_url, "embed": True},
            headers=FRAMEABLE,
        )
    query = table.query_string(params)
    return _page(
        "carte.html", settings, "carte", view=view, action=MAP_PAGES.get(dataset_id, ""), embed_query=query
    )


def agenda_page(engine: Engine, settings: Settings, params: dict[str, str]) -> Page:
    found = agenda.agenda(engine, params, now())
    filters = agenda.agenda_filters(params)
    ics = table.query_string({**filters, "showstart_gte": instant(now()), "format": "ics"})
    following = table.query_string(found.params, after=found.next_after) if found.next_after else ""
    week = found.week
    previous = table.query_string(found.params, du=week.previous) if week.previous else ""
    return _page(
        "agenda.html",
        settings,
        "agenda",
        agenda=found,
        next_query=following,
        next_week_query=table.query_string(found.params, du=week.following),
        previous_week_query=previous,
        map_query=table.query_string(
            {**filters, "showstart_gte": instant(week.start), "showstart_lt": instant(week.end)}
        ),
        ics_url=f"/data-fair/api/v1/datasets/{EVENTS}/full?{ics}",
    )


def event_page(engine: Engine, settings: Settings, show_id: int) -> Page:
    return _page(
        "evenement.html", settings, "agenda", page=agenda.event_page(engine, show_id, settings.base_url)
    )


def cinema_page(engine: Engine, settings: Settings, cinema_id: int) -> Page:
    return _page("cinema.html", settings, "carte", page=programme.cinema_page(engine, cinema_id, now()))


def film_page(engine: Engine, settings: Settings, film_id: int, params: dict[str, str]) -> Page:
    found = film.film_page(engine, film_id, params, now())
    runtime = display.runtime(found.film.get("filmduration"))
    return _page("film.html", settings, "films", page=found, params=params, runtime=runtime)


def films_page(engine: Engine, settings: Settings, params: dict[str, str]) -> Page:
    found = film.film_list(engine, params)
    following = table.query_string(found.params, after=found.next_after) if found.next_after else ""
    return _page("films.html", settings, "films", list=found, next_query=following)
