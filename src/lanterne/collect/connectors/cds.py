"""Ciné Office (CDS): one box-office instance per cinema account, a REST API keyed by `api_token`.

Endpoints: `cinemas`, `mediaoptions`, `screens`, `media`, `shows` under `https://{account_id}.{api_url}/`.
Settings: `account_id`, `api_url`, `api_token`, `cinema_id`; optional `attempts` (retries per request).
A séance whose media options include "Événement du Scare" is an event (see docs/connectors.md).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import orjson
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

EVENT_OPTION = "evenement du scare"  # the label, without accents nor case, of the event media option
VERSION_WORDS = {"VF", "VO", "VOST", "VOSTF", "VOSTFR", "VFSTF", "MUET"}
FORMAT_WORDS = {"3D", "4K", "IMAX", "IMAX 3D", "4DX", "ICE", "70MM", "35MM"}


class CdsModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)


class CdsRef(CdsModel):
    id: int


class CdsCinema(CdsModel):
    id: str


class CdsMediaOption(CdsModel):
    id: int
    label: str | None = None
    ticketlabel: str | None = None
    optiontype: int | None = None  # 1 picture, 4 version (in the shapes seen)
    defaultoption: bool = False


class CdsScreen(CdsModel):
    id: int
    name: str | None = None  # absent from the shapes seen: the screen's id stands in for its name


class CdsMedia(CdsModel):
    id: int
    title: str = Field(min_length=1)
    duration: int | None = None  # seconds
    storyline: str | None = None
    visanumber: str | None = Field(None, validation_alias=AliasChoices("visanumber", "visa"))
    posterpath: str | None = None


class CdsShowOption(CdsModel):
    mediaoptionsid: CdsRef


class CdsShow(CdsModel):
    """CDS names some fields two ways (`canceled` / `is_cancelled`); both are accepted."""

    id: int
    showtime: datetime
    canceled: bool = Field(False, validation_alias=AliasChoices("canceled", "is_cancelled"))
    deleted: bool = Field(False, validation_alias=AliasChoices("deleted", "is_deleted"))
    screenid: CdsRef | None = None
    mediaid: CdsRef
    showsMediaoptionsCollection: list[CdsShowOption] = []  # the vendor's name


Model = TypeVar("Model", bound=CdsModel)


def folded(text: str | None) -> str:
    """Lower case without accents, so "Événement du Scare" and "EVENEMENT DU SCARE" match."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _where(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    return (".".join(str(part) for part in first["loc"]) or None, first["msg"])


def parse_all(
    items: list[Any], model: type[Model], kind: str, rejected: list[Rejected]
) -> dict[int | str, Model]:
    """Validate each record alone: one bad record is reported and the others still load."""
    parsed: dict[int | str, Model] = {}
    for item in items:
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            key = item.get("id", "?") if isinstance(item, dict) else "?"
            field, reason = _where(exc)
            rejected.append(Rejected(f"{kind} {key}", field, reason))
            continue
        parsed[record.id] = record  # type: ignore[attr-defined]
    return parsed


def film_of(media: CdsMedia) -> FilmRecord:
    return FilmRecord(
        external_id=str(media.id),
        title=media.title,
        runtime=round(media.duration / 60) if media.duration else None,
        synopsis=media.storyline,
        visa=media.visanumber,
        poster_url=media.posterpath,
    )


def is_version(option: CdsMediaOption) -> bool:
    return option.optiontype == 4 or (option.ticketlabel or "").upper() in VERSION_WORDS


def is_format(option: CdsMediaOption) -> bool:
    if option.optiontype == 1:
        return not option.defaultoption and bool(option.ticketlabel)
    return (option.ticketlabel or "").upper() in FORMAT_WORDS


def meaning_of(option: CdsMediaOption) -> tuple[str, str | None] | None:
    """What one media option says of a show: an event (and its headline), a version, a format."""
    if EVENT_OPTION in (folded(option.label), folded(option.ticketlabel)):
        headline = option.ticketlabel if folded(option.ticketlabel) != EVENT_OPTION else None
        return "event", headline or None  # the headline is what the box office prints on the ticket
    if is_version(option):
        return "version", option.ticketlabel or option.label
    if is_format(option):
        return "format", option.ticketlabel
    return None


def option_traits(meanings: list[tuple[str, str | None]]) -> dict[str, Any]:
    """A show's media options say its version, its picture format and whether it is an event."""
    traits: dict[str, Any] = {"version": None, "format": None, "is_event": False, "event_headline": None}
    for kind, word in meanings:
        if kind == "event":
            traits["is_event"] = True
            traits["event_headline"] = traits["event_headline"] or word
        elif traits[kind] is None:
            traits[kind] = word
    return traits


Meanings = dict[int | str, tuple[str, str | None] | None]
Screens = dict[int | str, CdsScreen]


def screen_of(show: CdsShow, screens: Screens) -> str | None:
    if show.screenid is None:
        return None
    screen = screens.get(show.screenid.id)
    return (screen.name if screen else None) or str(show.screenid.id)


def showtime_of(show: CdsShow, meanings: Meanings, screens: Screens, zone: ZoneInfo) -> ShowtimeRecord:
    ids = [link.mediaoptionsid.id for link in show.showsMediaoptionsCollection]
    return ShowtimeRecord(
        external_id=str(show.id),
        film_external_id=str(show.mediaid.id),
        starts_at=show.showtime if show.showtime.tzinfo else show.showtime.replace(tzinfo=zone),
        screen=screen_of(show, screens),
        cancelled=show.canceled,
        **option_traits([m for m in (meanings.get(i) for i in ids) if m]),
    )


class CdsConnector:
    """One cinema's programme from its Ciné Office account."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        settings = context.settings
        self.account_id = str(settings["account_id"])
        self.api_token = str(settings["api_token"])
        self.cinema_id = str(settings["cinema_id"])
        self.attempts = int(settings.get("attempts", 3))
        self.base_url = base_url(str(settings["api_url"]), self.account_id)

    def fetch(self, window: Window) -> Programme:
        programme = Programme()
        rejected = programme.rejected
        cinemas = parse_all(self._get("cinemas"), CdsCinema, "cinema", rejected)
        if self.cinema_id not in cinemas:
            raise ConnectorError(f"CDS account {self.account_id} has no cinema {self.cinema_id!r} (cinemas)")
        options = parse_all(self._get("mediaoptions"), CdsMediaOption, "media option", rejected)
        meanings = {option_id: meaning_of(option) for option_id, option in options.items()}
        screens = parse_all(self._get("screens"), CdsScreen, "screen", rejected)
        media = parse_all(self._get("media"), CdsMedia, "media", rejected)
        zone = ZoneInfo(self.context.timezone)
        for show in parse_all(self._get("shows"), CdsShow, "show", rejected).values():
            if show.deleted or not window.start <= local_date(show.showtime, zone) <= window.end:
                continue  # a deleted show vanishes: the sync engine cancels what disappeared
            if show.mediaid.id in media:
                programme.showtimes.append(showtime_of(show, meanings, screens, zone))
            else:
                rejected.append(
                    Rejected(f"show {show.id}", "mediaid", f"media {show.mediaid.id} unknown or rejected")
                )
        shown = {s.film_external_id for s in programme.showtimes}
        programme.films = [film_of(m) for m in media.values() if str(m.id) in shown]
        return programme

    def _get(self, endpoint: str) -> list[Any]:
        """GET one endpoint: its body must be a JSON list; the token never appears in an error."""
        url = f"{self.base_url}{endpoint}"
        try:
            response = request(
                self.context.client, "GET", url, attempts=self.attempts, params={"api_token": self.api_token}
            )
        except ConnectorError as exc:
            raise ConnectorError(f"CDS {endpoint}: {self._redact(str(exc))}") from None
        return self._body(response, endpoint, url)

    def _body(self, response: httpx.Response, endpoint: str, url: str) -> list[Any]:
        if response.status_code in (401, 403):
            raise ConnectorError(f"CDS refused the api_token (HTTP {response.status_code}) on GET {url}")
        if response.status_code != 200:
            raise ConnectorError(f"CDS answered HTTP {response.status_code} on GET {url}")
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ConnectorError(f"CDS sent a body that is not JSON on GET {url}") from None
        if not isinstance(body, list):
            raise ConnectorError(f"CDS sent a {type(body).__name__}, not a list, on GET {url}")
        return body

    def _redact(self, text: str) -> str:
        return text.replace(self.api_token, "***") if self.api_token else text


def base_url(api_url: str, account_id: str) -> str:
    """CDS serves each account at `https://{account_id}.{api_url}/`; a full URL (a stand-in, a proxy)
    is used as given, with `{account_id}` replaced."""
    if "://" in api_url:
        url = api_url.replace("{account_id}", account_id)
    else:
        url = f"https://{account_id}.{api_url}"
    return url if url.endswith("/") else f"{url}/"


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of a séance at the cinema; a time without offset is already local."""
    return (moment.astimezone(zone) if moment.tzinfo else moment).date()
