"""The maps (cinemas, schools, events, and any dataset with coordinates): the browser draws the markers
from the API's own `lines` URL; the server lists the first rows of the same query, for readers
without JavaScript or without map tiles.

The markers come as the API's CSV (names written once, not on every row) with only the columns a marker
shows: 2,000 cinemas weigh 112 KB instead of 273 KB of JSON. A cinema's next showtimes are asked when
its popup opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from lanterne.errors import InvalidValue
from lanterne.portal.reading import CINEMAS, SCHOOLS, capped_count, distinct, first, instant, rows
from lanterne.portal.table import query_string
from lanterne.publish.lines import dataset_of

LISTED = 30
PAGE_CONTROLS = ("cinema", "km", "q")
# A map of séances shows the coming week unless the URL bounds the start: a rare filter (a region and a
# headline word) then walks a week of séances on an index, not every séance to come; 1,000 markers are
# about a day of events anyway.
COMING = timedelta(days=7)


@dataclass(frozen=True)
class Layout:
    """What a marker shows: its label, a detail line, the page it links to, and how many are drawn."""

    select: str
    label: str
    detail: tuple[str, ...]
    link: str | None
    limit: int
    popup_showtimes: bool = False
    sort: str | None = None


LAYOUTS = {
    "cinemas": Layout(
        "cineid,cinenom,cineville,_coords.lat,_coords.lon",
        "cinenom",
        ("cineville",),
        "/cinemas/{cineid}",
        10_000,
        popup_showtimes=True,
    ),
    "etablissements-scolaires": Layout(
        "identifiant_de_l_etablissement,nom_etablissement,type_etablissement,nom_commune,latitude,longitude",
        "nom_etablissement",
        ("type_etablissement", "nom_commune"),
        None,
        1_000,
    ),
    "evenements-cinemas": Layout(
        "showid,evenement,filmtitle,cinenom,_coords.lat,_coords.lon",
        "evenement",
        ("filmtitle", "cinenom"),
        "/evenements/{showid}",
        1_000,
        sort="showstart",
    ),
}


@dataclass
class MapView:
    dataset_id: str
    title: str
    params: dict[str, str]
    data_url: str
    layout: Layout
    geo: tuple[str, str]
    listed: list[dict[str, Any]]
    total: int | None
    more_than: bool
    tiles_url: str
    choices: dict[str, list[Any]] = field(default_factory=dict)
    coming_week: bool = False  # séances of the coming week, the URL giving no start bound


def layout_of(dataset_id: str) -> Layout:
    dataset = dataset_of(dataset_id)
    if not dataset.geo:
        raise InvalidValue("dataset", f"« {dataset_id} » n'a pas de coordonnées à cartographier")
    if dataset_id in LAYOUTS:
        return LAYOUTS[dataset_id]
    label = dataset.summary_column or next(c.name for c in dataset.columns if c.type == "string")
    names = dict.fromkeys((dataset.key, label, *dataset.geo))
    return Layout(",".join(names), label, (), None, 1_000)


def near_cinema(engine: Engine, params: dict[str, str]) -> dict[str, str]:
    """« À moins de N km de ce cinéma »: the cinema (id or name) becomes the API's `geo_distance`."""
    wanted = params.get("cinema", "").strip()
    if not wanted:
        return {}
    by = {"cineid_eq": wanted} if wanted.isdigit() else {"q": wanted}
    cinema = first(
        engine,
        CINEMAS,
        {**by, "_coords.lat_exists": "true", "select": "cineid,cinenom,_coords.lat,_coords.lon"},
    )
    if cinema is None:
        raise InvalidValue("cinema", f"aucun cinéma ne correspond à « {wanted} »")
    km = params.get("km", "").strip() or "10"
    if not km.isdigit() or not 1 <= int(km) <= 500:
        raise InvalidValue("km", "un nombre entier de kilomètres, de 1 à 500")
    return {"geo_distance": f"{cinema['_coords.lon']}:{cinema['_coords.lat']}:{km}km"}


def api_filters(engine: Engine, dataset_id: str, params: dict[str, str], now: datetime) -> dict[str, str]:
    """The page's parameters as the API's: its own filters, plus the cinema distance and, for séances,
    the coming week unless a start bound is given."""
    found = {k: v for k, v in params.items() if k not in PAGE_CONTROLS and v}
    if params.get("q", "").strip():
        found["q"] = params["q"].strip()
    if dataset_id == SCHOOLS:
        found.update(near_cinema(engine, params))
    start = dataset_of(dataset_id).start_column
    if start and not any(k.startswith(f"{start}_") for k in found):
        found[f"{start}_gte"] = instant(now)
        found[f"{start}_lt"] = instant(now + COMING)
    return found


def map_view(
    engine: Engine, dataset_id: str, params: dict[str, str], base_url: str, tiles_url: str, now: datetime
) -> MapView:
    dataset, layout = dataset_of(dataset_id), layout_of(dataset_id)
    assert dataset.geo is not None
    filters = {**api_filters(engine, dataset_id, params, now), f"{dataset.geo[0]}_exists": "true"}
    query = {**filters, "select": layout.select, "size": str(layout.limit)}
    if layout.sort:
        query["sort"] = layout.sort
    listed = rows(engine, dataset_id, {**query, "size": str(LISTED)})
    total, more_than = capped_count(engine, dataset_id, filters)
    api = f"{base_url.rstrip('/')}/data-fair/api/v1/datasets/{dataset_id}/lines"
    return MapView(
        dataset_id,
        dataset.title,
        params,
        f"{api}?{query_string({**query, 'format': 'csv'})}",
        layout,
        dataset.geo,
        listed,
        total,
        more_than,
        tiles_url,
        choices(engine, dataset_id),
        f"{dataset.start_column}_lt" in filters and f"{dataset.start_column}_lt" not in params,
    )


def choices(engine: Engine, dataset_id: str) -> dict[str, list[Any]]:
    """The values a map's filter menus offer."""
    if dataset_id == CINEMAS:
        return {"categories": ["A", "B", "C", "D", "E"]}
    if dataset_id == SCHOOLS:
        return {"types": distinct(engine, SCHOOLS, "type_etablissement", 50)}
    if dataset_id == "evenements-cinemas":
        return {
            "regions": distinct(engine, CINEMAS, "cineregion", 50),
            "departments": distinct(engine, CINEMAS, "cinedepartement", 200),
        }
    return {}
