"""Ciné Office (CDS): one box-office instance per cinema account, a REST API keyed by `api_token`.

Endpoints: `cinemas`, `mediaoptions`, `screens`, `media`, `shows` under `https://{account_id}.{api_url}/`.
Settings: `account_id`, `api_url`, `api_token`, `cinema_id`; optional `attempts` (retries per request).
A séance whose media options include "Événement du Scare" is an event (see docs/connectors.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import orjson

from lanterne.collect.clean import day_bounds
from lanterne.collect.connectors import checks
from lanterne.collect.connectors.checks import Unusable
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

EVENT_OPTION = "evenement du scare"  # the label, without accents nor case, of the event media option
VERSION_WORDS = {"VF", "VO", "VOST", "VOSTF", "VOSTFR", "VFSTF", "MUET"}
FORMAT_WORDS = {"3D", "4K", "IMAX", "IMAX 3D", "4DX", "ICE", "70MM", "35MM"}
Record = TypeVar("Record")


# The vendor's records, with the vendor's field names. Each is read from a plain dict by `of`, which
# raises `Unusable` naming the field: a model validation per record was the national sync's first cost.


@dataclass(frozen=True)
class CdsMediaOption:
    id: int
    label: str | None = None
    ticketlabel: str | None = None
    optiontype: int | None = None  # 1 picture, 4 version (in the shapes seen)
    defaultoption: bool = False

    @classmethod
    def of(cls, item: dict[str, Any]) -> CdsMediaOption:
        return cls(
            checks.integer(item.get("id"), "id"),
            checks.text(item.get("label"), "label"),
            checks.text(item.get("ticketlabel"), "ticketlabel"),
            checks.optional_integer(item.get("optiontype"), "optiontype"),
            checks.flag(item.get("defaultoption"), "defaultoption"),
        )


@dataclass(frozen=True)
class CdsScreen:
    id: int
    name: str | None = None  # absent from the shapes seen: the screen's id stands in for its name

    @classmethod
    def of(cls, item: dict[str, Any]) -> CdsScreen:
        return cls(checks.integer(item.get("id"), "id"), checks.text(item.get("name"), "name"))


@dataclass(frozen=True)
class CdsMedia:
    id: int
    title: str
    duration: int | None = None  # seconds
    storyline: str | None = None
    visanumber: str | None = None  # also sent as `visa`
    posterpath: str | None = None

    @classmethod
    def of(cls, item: dict[str, Any]) -> CdsMedia:
        title = checks.text(item.get("title"), "title")
        if not title:
            raise Unusable("title", "absent ou vide")
        visa = item.get("visanumber", item.get("visa"))
        return cls(
            checks.integer(item.get("id"), "id"),
            title,
            checks.optional_integer(item.get("duration"), "duration"),
            checks.text(item.get("storyline"), "storyline"),
            checks.text(visa, "visanumber"),
            checks.text(item.get("posterpath"), "posterpath"),
        )


def folded(text: str | None) -> str:
    """Lower case without accents, so "Événement du Scare" and "EVENEMENT DU SCARE" match."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def key_of(item: object) -> object:
    return item.get("id", "?") if isinstance(item, dict) else "?"


def parse_all(
    items: list[Any], read: Callable[[dict[str, Any]], Record], kind: str, rejected: list[Rejected]
) -> dict[int, Record]:
    """Read each record alone: one bad record is reported (record, field, reason), the others load."""
    parsed: dict[int, Record] = {}
    for item in items:
        try:
            parsed[checks.integer(checks.record(item).get("id"), "id")] = read(item)
        except Unusable as bad:
            rejected.append(Rejected(f"{kind} {key_of(item)}", bad.field, bad.reason))
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


class ShowReader:
    """One account's shows → séances: what its options, screens and media say, and the window's bounds
    in UTC. Traits are computed once per combination of options (a cinema has a handful)."""

    def __init__(self, options: dict[int, CdsMediaOption], screens: dict[int, CdsScreen], media: set[int],
                 window: Window, zone: str) -> None:  # fmt: skip
        self.meanings = {option_id: meaning_of(option) for option_id, option in options.items()}
        self.screens = {screen_id: screen.name or str(screen_id) for screen_id, screen in screens.items()}
        self.media, self.zone = media, zone
        self.start, self.end = day_bounds(window.start, window.end, zone)
        self.traits: dict[tuple[int, ...], dict[str, Any]] = {}

    def read(self, item: dict[str, Any]) -> ShowtimeRecord | None:
        """The séance, None when deleted (the sync engine cancels what vanished) or outside the window."""
        show_id = checks.integer(item.get("id"), "id")
        starts_at = checks.instant(item.get("showtime"), self.zone, "showtime")
        deleted = checks.flag(item.get("deleted", item.get("is_deleted")), "deleted")
        if deleted or not self.start <= starts_at < self.end:
            return None
        media_id = checks.reference(item.get("mediaid"), "mediaid")
        if media_id not in self.media:
            raise Unusable("mediaid", f"média {media_id} inconnu ou refusé")
        screen = item.get("screenid")
        screen_id = None if screen is None else checks.reference(screen, "screenid")
        return ShowtimeRecord(
            external_id=str(show_id),
            film_external_id=str(media_id),
            starts_at=starts_at,
            screen=None if screen_id is None else self.screens.get(screen_id) or str(screen_id),
            cancelled=checks.flag(item.get("canceled", item.get("is_cancelled")), "canceled"),
            **self.traits_of(item.get("showsMediaoptionsCollection")),
        )

    def traits_of(self, links: object) -> dict[str, Any]:
        try:  # the shape every show has, read without checks: a known combination is a look-up
            return self.traits[tuple([link["mediaoptionsid"]["id"] for link in links])]  # type: ignore[attr-defined]
        except (KeyError, TypeError):
            pass  # a new combination, or an odd shape the checks below name
        if links is None:
            links = []
        if not isinstance(links, list):
            raise Unusable("showsMediaoptionsCollection", "une liste était attendue")
        ids = tuple(
            checks.reference(checks.record(link).get("mediaoptionsid"), "mediaoptionsid") for link in links
        )
        if ids not in self.traits:
            self.traits[ids] = option_traits([m for m in (self.meanings.get(i) for i in ids) if m])
        return self.traits[ids]


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
        cinemas = {str(key_of(item)) for item in self._get("cinemas")}
        if self.cinema_id not in cinemas:
            raise ConnectorError(f"CDS account {self.account_id} has no cinema {self.cinema_id!r} (cinemas)")
        options = parse_all(self._get("mediaoptions"), CdsMediaOption.of, "media option", rejected)
        screens = parse_all(self._get("screens"), CdsScreen.of, "screen", rejected)
        media = parse_all(self._get("media"), CdsMedia.of, "media", rejected)
        reader = ShowReader(options, screens, set(media), window, self.context.timezone)
        for item in self._get("shows"):
            try:
                showtime = reader.read(checks.record(item))
            except Unusable as bad:
                rejected.append(Rejected(f"show {key_of(item)}", bad.field, bad.reason))
                continue
            if showtime is not None:
                programme.showtimes.append(showtime)
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
