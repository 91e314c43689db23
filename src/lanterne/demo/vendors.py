"""The demo's box offices: one stand-in server per vendor, serving each demo cinema's programme, so
the demo's séances arrive as a real night's do — over HTTP, through the connectors and the sync engine.

Every server lives in a background thread of the `lanterne demo` process, until its `ExitStack` closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, select, update
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from lanterne.catalog.models import Cinema
from lanterne.collect.programme import Programme
from lanterne.demo.world import DemoWorld
from lanterne.stand_ins import cgr, ems, monnaie
from lanterne.stand_ins.allocine import AllocineApi
from lanterne.stand_ins.boost import BoostBoxOffice
from lanterne.stand_ins.cds import CdsBoxOffice
from lanterne.stand_ins.server import serve_in_thread

VENDORS = ("cds", "boost", "allocine", "ems", "cgr", "monnaie")
SECRET = "demo-secret"  # every demo account's password, token or key: the stand-ins are loopback-only
ProgrammeOf = Callable[[int], Programme]
Settings = dict[str, Any]


@dataclass(frozen=True)
class VendorCinema:
    """A demo cinema served by a stand-in: its id, its vendor (connector name) and its time zone."""

    id: int
    vendor: str
    zone: str


Builder = Callable[[list[VendorCinema], ProgrammeOf], tuple[ASGIApp, Callable[[str, VendorCinema], Settings]]]


CINEMAS = cast(Table, Cinema.__table__)


def attach(engine: Engine, stack: ExitStack, world: DemoWorld, start: date, days: int) -> int:
    """Serve every demo cinema of a stand-in vendor its programme for `days` days from `start`, and
    point its connector settings at the stand-in (ports change each run; `demo_seed` stays, so the
    database is still recognised as the demo's). Returns how many cinemas are served."""
    with engine.connect() as connection:
        query = select(CINEMAS.c.id, CINEMAS.c.connector).where(CINEMAS.c.connector.in_(VENDORS))
        served = [
            VendorCinema(row.id, row.connector, world.cinema(row.id).zone)
            for row in connection.execute(query)
        ]
    world.programmer  # noqa: B018 — built once here, not raced for by the servers' threads
    settings = start_vendors(stack, served, lambda cinema_id: world.programme(cinema_id, start, days))
    rows = [
        {"b_id": cinema_id, "b_settings": {**values, "demo_seed": world.seed}}
        for cinema_id, values in settings.items()
    ]
    if rows:
        statement = update(CINEMAS).where(CINEMAS.c.id == bindparam("b_id"))
        with engine.begin() as connection:
            connection.execute(statement.values(connector_settings=bindparam("b_settings")), rows)
    return len(rows)


def start_vendors(
    stack: ExitStack, cinemas: Iterable[VendorCinema], programme_of: ProgrammeOf
) -> dict[int, Settings]:
    """Serve these cinemas' programmes, one server per vendor, until `stack` closes; returns each
    cinema's connector settings pointing at its stand-in (programmes are converted when asked)."""
    chosen = list(cinemas)
    settings: dict[int, Settings] = {}
    for vendor in VENDORS:
        mine = [cinema for cinema in chosen if cinema.vendor == vendor]
        if mine:
            app, settings_of = BUILDERS[vendor](mine, programme_of)
            url = stack.enter_context(serve_in_thread(app))
            settings.update({cinema.id: settings_of(url, cinema) for cinema in mine})
    return settings


def by_zone(cinemas: list[VendorCinema]) -> dict[str, list[VendorCinema]]:
    """A box office speaks one local time: overseas cinemas get their own box office, mounted
    under `/z<N>` of the vendor's single server."""
    zones: dict[str, list[VendorCinema]] = {}
    for cinema in cinemas:
        zones.setdefault(cinema.zone, []).append(cinema)
    return zones


def mounted(apps: dict[str, ASGIApp]) -> ASGIApp:
    return Starlette(routes=[Mount(f"/{prefix}", app=app) for prefix, app in apps.items()])


def _cds(cinemas: list[VendorCinema], programme_of: ProgrammeOf) -> tuple[ASGIApp, Callable[..., Settings]]:
    apps, prefixes = {}, {}
    for number, (zone, group) in enumerate(by_zone(cinemas).items()):
        box_office = CdsBoxOffice(zone=zone)
        for cinema in group:
            box_office.add_programme(
                f"c{cinema.id}", SECRET, str(cinema.id), partial(programme_of, cinema.id)
            )
            prefixes[cinema.id] = f"z{number}"
        apps[f"z{number}"] = box_office.app()
    return mounted(apps), lambda url, cinema: {
        "api_url": f"{url}/{prefixes[cinema.id]}/{{account_id}}",
        "account_id": f"c{cinema.id}",
        "api_token": SECRET,
        "cinema_id": str(cinema.id),
    }


def _boost(cinemas: list[VendorCinema], programme_of: ProgrammeOf) -> tuple[ASGIApp, Callable[..., Settings]]:
    apps, prefixes = {}, {}
    for number, (zone, group) in enumerate(by_zone(cinemas).items()):
        box_office = BoostBoxOffice(zone=zone)
        for cinema in group:
            box_office.add_programme(f"c{cinema.id}", "lanterne", SECRET, partial(programme_of, cinema.id))
            prefixes[cinema.id] = f"z{number}"
        apps[f"z{number}"] = box_office.app()
    return mounted(apps), lambda url, cinema: {
        "api_url": f"{url}/{prefixes[cinema.id]}/c{cinema.id}",
        "username": "lanterne",
        "password": SECRET,
    }


def _allocine(
    cinemas: list[VendorCinema], programme_of: ProgrammeOf
) -> tuple[ASGIApp, Callable[..., Settings]]:
    apps, prefixes = {}, {}
    for number, (zone, group) in enumerate(by_zone(cinemas).items()):
        api = AllocineApi(api_key=SECRET, zone=zone)
        for cinema in group:
            api.add_programme(f"T{cinema.id}", partial(programme_of, cinema.id))
            prefixes[cinema.id] = f"z{number}"
        apps[f"z{number}"] = api.app()
    return mounted(apps), lambda url, cinema: {
        "api_url": f"{url}/{prefixes[cinema.id]}/api/",
        "api_key": SECRET,
        "theater_id": f"T{cinema.id}",
    }


class DemoEmsFeed(ems.EmsFeed):
    """One demo site's feed: its whole schedule to a first reader (version 0), then nothing new."""

    def __init__(self, cinema: VendorCinema, programme_of: ProgrammeOf) -> None:
        super().__init__("lanterne", SECRET)
        self.cinema, self.programme_of = cinema, programme_of

    def answer(self, since: int) -> dict[str, Any]:
        if since != 0:
            return super().answer(since)
        site = ems.site_of(str(self.cinema.id), "", self.programme_of(self.cinema.id), self.cinema.zone)
        return {"sites": [site], "version": 1}


def _ems(cinemas: list[VendorCinema], programme_of: ProgrammeOf) -> tuple[ASGIApp, Callable[..., Settings]]:
    apps = {f"s{c.id}": ems.create_app(DemoEmsFeed(c, programme_of)) for c in cinemas}
    return mounted(apps), lambda url, cinema: {
        "feed_url": f"{url}/s{cinema.id}",
        "site_id": str(cinema.id),
        "username": "lanterne",
        "password": SECRET,
    }


class DemoCgrCinema(cgr.CgrCinema):
    """One demo CGR cinema whose films are converted from its programme when first asked."""

    def __init__(self, cinema: VendorCinema, programme_of: ProgrammeOf) -> None:
        super().__init__(cinema.id, "lanterne", SECRET)
        self.cinema, self.programme_of = cinema, programme_of

    def seances(self, user: str, password: str, allocine_id: str) -> dict[str, Any]:
        self.films = cgr.films_of(self.programme_of(self.cinema.id), self.cinema.zone)
        return super().seances(user, password, allocine_id)


def _cgr(cinemas: list[VendorCinema], programme_of: ProgrammeOf) -> tuple[ASGIApp, Callable[..., Settings]]:
    apps = {f"c{c.id}": cgr.create_app(DemoCgrCinema(c, programme_of)) for c in cinemas}
    return mounted(apps), lambda url, cinema: {
        "url": f"{url}/c{cinema.id}{cgr.PATH}",
        "user": "lanterne",
        "password": SECRET,
    }


class LazyDocuments(dict[str, dict[str, Any]]):
    """Monnaie feeds' documents, each built from its cinema's programme when first read."""

    def __init__(self, makers: dict[str, Callable[[], Programme]]) -> None:
        super().__init__()
        self.makers = makers

    def __contains__(self, code: object) -> bool:
        return code in self.makers

    def __missing__(self, code: str) -> dict[str, Any]:
        return monnaie.document_of(self.makers[code]())


def _monnaie(
    cinemas: list[VendorCinema], programme_of: ProgrammeOf
) -> tuple[ASGIApp, Callable[..., Settings]]:
    feeds = monnaie.MonnaieFeeds(page_size=500)
    feeds.programmes = LazyDocuments({f"c{c.id}": partial(programme_of, c.id) for c in cinemas})
    feeds.tokens = {f"c{c.id}": SECRET for c in cinemas}
    return monnaie.create_app(feeds), lambda url, cinema: {
        "feed_url": f"{url}/programme/c{cinema.id}",
        "token": SECRET,
    }


BUILDERS: dict[str, Builder] = {
    "cds": _cds,
    "boost": _boost,
    "allocine": _allocine,
    "ems": _ems,
    "cgr": _cgr,
    "monnaie": _monnaie,
}
