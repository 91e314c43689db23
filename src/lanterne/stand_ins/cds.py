"""A stand-in for Ciné Office (CDS): each account's `cinemas`, `media`, `mediaoptions`, `screens` and
`shows` under `/{account_id}/`, guarded by the account's `api_token`, in CDS's real JSON shapes.

Fed either with payloads already in CDS's shape, or with any programme (objects with `films` and
`showtimes` carrying Lanterne's neutral field names) that it converts; a callable is converted lazily.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.stand_ins.faults import Faults, FaultSwitches, with_faults
from lanterne.stand_ins.server import json_response

ENDPOINTS = ("cinemas", "media", "mediaoptions", "screens", "shows")
EVENT_LABEL = "Événement du Scare"
Payloads = dict[str, list[Any]]

# The options every converted account has, as CDS's demo cinema lists them (cds_fixtures MEDIA_OPTIONS).
BASE_OPTIONS: list[dict[str, Any]] = [
    {"id": 1, "label": "PICTURE_3D", "ticketlabel": "3D", "optiontype": 1, "defaultoption": False},
    {
        "id": 2,
        "label": "VERSION_ORIGINAL_LOCAL",
        "ticketlabel": "VF",
        "optiontype": 4,
        "defaultoption": False,
    },
    {"id": 3, "label": "VERSION_ORIGINAL", "ticketlabel": "VO", "optiontype": 4, "defaultoption": False},
    {"id": 4, "label": "VERSION_MUET", "ticketlabel": "MUET", "optiontype": 4, "defaultoption": False},
    {"id": 5, "label": "PICTURE_2K", "optiontype": 1, "defaultoption": True},
    {"id": 6, "label": "VERSION_SUBTITLED", "ticketlabel": "VOST", "optiontype": 4, "defaultoption": False},
    {"id": 7, "label": EVENT_LABEL, "ticketlabel": EVENT_LABEL, "optiontype": 8, "defaultoption": False},
]
VERSION_OPTION = {"VF": 2, "VO": 3, "MUET": 4, "VOST": 6}


def numeric_ids(keys: Iterable[str]) -> dict[str, int]:
    """CDS ids are integers: keep a numeric external id, number the others after the largest."""
    keys = list(dict.fromkeys(keys))
    taken = [int(k) for k in keys if k.isdigit()]
    following = iter(range(max(taken, default=0) + 1, 1 << 62))
    return {k: int(k) if k.isdigit() else next(following) for k in keys}


def cds_time(moment: datetime, zone: ZoneInfo) -> str:
    """CDS writes local time with a compact offset: 2022-06-20T11:00:00.000+0200."""
    local = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    text = local.replace(microsecond=0).isoformat(timespec="milliseconds")  # much faster than strftime
    return text[:-3] + text[-2:]


class OptionBook:
    """The media options of one account: the base ones plus one per headline or unusual word."""

    def __init__(self) -> None:
        self.options = [dict(option) for option in BASE_OPTIONS]
        self.by_word: dict[tuple[str, str], int] = {}

    def word(self, label: str, ticketlabel: str, optiontype: int) -> int:
        key = (label, ticketlabel)
        if key not in self.by_word:
            self.by_word[key] = len(self.options) + 1
            self.options.append(
                {
                    "id": len(self.options) + 1,
                    "label": label,
                    "ticketlabel": ticketlabel,
                    "optiontype": optiontype,
                }
            )
        return self.by_word[key]

    def of_showtime(self, showtime: Any) -> list[int]:
        version = (showtime.version or "").upper()
        chosen = [VERSION_OPTION.get(version) or self.word(version, version, 4)] if version else []
        fmt = (showtime.format or "").upper()
        chosen.append(1 if fmt == "3D" else 5 if fmt in ("", "2D") else self.word(fmt, fmt, 1))
        if showtime.is_event:
            headline = showtime.event_headline
            chosen.append(self.word(EVENT_LABEL, headline, 8) if headline else 7)
        return chosen


def media_of(film: Any, media_id: int) -> dict[str, Any]:
    return {
        "id": media_id,
        "title": film.title,
        "duration": film.runtime * 60 if film.runtime else None,
        "storyline": film.synopsis,
        "visanumber": film.visa,
        "posterpath": film.poster_url,
    }


def show_of(showtime: Any, ids: tuple[int, int, int], options: list[int], zone: ZoneInfo) -> dict[str, Any]:
    show_id, media_id, screen_id = ids
    seats = showtime.screen_capacity or 100
    return {
        "id": show_id,
        "canceled": bool(showtime.cancelled),
        "deleted": False,
        "disableseatmap": False,
        "seatmap": False,
        "remainingplace": seats,
        "internetremainingplace": seats,
        "showtime": cds_time(showtime.starts_at, zone),
        "showsTariffPostypeCollection": [{"tariffid": {"id": 4}}],
        "screenid": {"id": screen_id},
        "mediaid": {"id": media_id},
        "showsMediaoptionsCollection": [{"mediaoptionsid": {"id": option}} for option in options],
    }


def payloads_of(programme: Any, cinema_id: str, zone: ZoneInfo) -> Payloads:
    """Lanterne's neutral programme in CDS's shapes, one list per endpoint."""
    media_ids = numeric_ids(film.external_id for film in programme.films)
    show_ids = numeric_ids(showtime.external_id for showtime in programme.showtimes)
    screens = {
        name: n for n, name in enumerate(dict.fromkeys(s.screen or "1" for s in programme.showtimes), 1)
    }
    book = OptionBook()
    shows = [
        show_of(
            s,
            (show_ids[s.external_id], media_ids[s.film_external_id], screens[s.screen or "1"]),
            book.of_showtime(s),
            zone,
        )
        for s in programme.showtimes
        if s.film_external_id in media_ids
    ]
    return {
        "cinemas": [{"id": cinema_id, "internetsalegaugeactive": False, "cinemaParameters": []}],
        "media": [media_of(film, media_ids[film.external_id]) for film in programme.films],
        "mediaoptions": book.options,
        "screens": [{"id": n, "name": name, "seatmapfronttoback": True} for name, n in screens.items()],
        "shows": shows,
    }


@dataclass
class CdsAccount:
    api_token: str
    payloads: Callable[[], Payloads]
    bodies: dict[str, bytes] | None = None  # answers encoded once, for national-scale benchmarks


class CdsBoxOffice(FaultSwitches):
    """The accounts served, their data, and the faults to play before answering."""

    def __init__(self, faults: Faults | None = None, zone: str = "Europe/Paris") -> None:
        self.accounts: dict[str, CdsAccount] = {}
        self.faults = faults or Faults()
        self.zone = ZoneInfo(zone)
        self._recent: OrderedDict[str, Payloads] = OrderedDict()

    def add_account(self, account_id: str, api_token: str, payloads: Payloads, encoded: bool = False) -> None:
        """Serve payloads already in CDS's shape (missing endpoints answer an empty list); `encoded`
        encodes them now, so answering costs no encoding (add the account again after a change)."""
        bodies = {name: orjson.dumps(payloads.get(name, [])) for name in ENDPOINTS} if encoded else None
        self.accounts[account_id] = CdsAccount(api_token, lambda: payloads, bodies)
        self._recent.pop(account_id, None)

    def add_programme(self, account_id: str, api_token: str, cinema_id: str, programme: Any) -> None:
        """Serve a neutral programme, or a callable returning one (converted when first asked)."""
        make = programme if callable(programme) else (lambda: programme)
        self.accounts[account_id] = CdsAccount(api_token, lambda: payloads_of(make(), cinema_id, self.zone))
        self._recent.pop(account_id, None)

    def payloads(self, account_id: str) -> Payloads:
        """A connector asks five endpoints in a row: keep the last few accounts' conversions."""
        if account_id not in self._recent:
            self._recent[account_id] = self.accounts[account_id].payloads()
            while len(self._recent) > 64:
                self._recent.popitem(last=False)
        return self._recent[account_id]

    def app(self) -> ASGIApp:
        return create_app(self)


def create_app(box_office: CdsBoxOffice) -> ASGIApp:
    """CDS over HTTP: `GET /{account_id}/{endpoint}?api_token=…`."""

    async def endpoint(request: Request) -> Response:
        account_id, name = request.path_params["account"], request.path_params["endpoint"]
        account = box_office.accounts.get(account_id)
        if account is None or name not in ENDPOINTS:
            return json_response({"message": "Not found"}, 404)
        if request.query_params.get("api_token") != account.api_token:
            return json_response({"message": "Invalid API token"}, 401)
        if account.bodies is not None:
            return Response(account.bodies[name], media_type="application/json")
        return json_response(box_office.payloads(account_id).get(name, []))

    app = Starlette(routes=[Route("/{account}/{endpoint}", endpoint)])
    return with_faults(app, box_office.faults)
