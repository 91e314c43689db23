"""CGR: a SOAP 1.1 web service (`urn:GestionCinemaWS`) whose `GetSeancesPassCulture` lists a cinema's
films with their séances, as a JSON document inside the SOAP answer. No paging: one call per cinema.

Settings: `url` (the service's address), `user`, `password`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from pydantic import BaseModel, ValidationError

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE = "urn:GestionCinemaWS"
OPERATION = "GetSeancesPassCulture"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class CgrSeance(BaseModel):
    IDSeance: int
    Date: str  # "2023-03-04", local
    Heure: str  # "16:00:00.000", local
    NbPlacesRestantes: int | None = None
    bAvecPlacement: bool | None = None
    bAvecDuo: bool | None = None
    bICE: bool | None = None  # CGR's premium screen
    Relief: str | None = None  # "2D" / "3D"
    Version: str | None = None  # "VF", "VO", "VOSTFR"
    bAVP: bool = False  # avant-première
    PrixUnitaire: float | None = None
    libTarif: str | None = None


class CgrFilm(BaseModel):
    IDFilm: int
    IDFilmAlloCine: int | None = None
    Titre: str
    NumVisa: int | None = None
    Duree: int | None = None  # minutes
    Synopsis: str | None = None
    Affiche: str | None = None
    TypeFilm: str | None = None
    Seances: list[dict[str, Any]] = []


class CgrResult(BaseModel):
    CodeErreur: int
    IntituleErreur: str | None = None
    ObjetRetour: dict[str, Any] | None = None


def envelope(user: str, password: str, allocine_id: str = "") -> bytes:
    """The request CGR's WSDL describes: document/literal, parameters unqualified."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "urn": SERVICE})
    call = etree.SubElement(etree.SubElement(root, f"{{{SOAP_ENV}}}Body"), f"{{{SERVICE}}}{OPERATION}")
    for name, value in (("User", user), ("mdp", password), ("IDFilmAllocine", allocine_id)):
        etree.SubElement(call, name).text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def result_text(body: bytes, url: str) -> str:
    """The JSON carried by `…Result`; a SOAP Fault or any other XML is the vendor's failure."""
    try:
        root = etree.fromstring(body, PARSER)
    except etree.XMLSyntaxError as exc:
        raise ConnectorError(f"CGR sent no SOAP envelope on POST {url}: {exc}") from exc
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is not None:
        raise ConnectorError(f"CGR answered a SOAP fault on POST {url}: {fault.findtext('faultstring')}")
    result = root.find(f".//{{{SERVICE}}}{OPERATION}Response/{OPERATION}Result")
    if result is None or not result.text:
        raise ConnectorError(f"CGR's answer on POST {url} has no {OPERATION}Result")
    return str(result.text)


def film_of(film: CgrFilm) -> FilmRecord:
    return FilmRecord(
        external_id=str(film.IDFilm),
        title=film.Titre,
        runtime=film.Duree or None,
        synopsis=film.Synopsis or None,
        poster_url=film.Affiche or None,
        visa=str(film.NumVisa) if film.NumVisa else None,
        allocine_id=str(film.IDFilmAlloCine) if film.IDFilmAlloCine else None,
    )


def showtime_of(seance: CgrSeance, film: CgrFilm, zone: ZoneInfo) -> ShowtimeRecord:
    local = datetime.strptime(f"{seance.Date} {seance.Heure[:5]}", "%Y-%m-%d %H:%M")
    return ShowtimeRecord(
        external_id=str(seance.IDSeance),
        film_external_id=str(film.IDFilm),
        starts_at=local.replace(tzinfo=zone),
        version=seance.Version or None,
        format=seance.Relief or None,
        # `bAVP` (avant-première) is a release date matter, not the cinema's "événement" tick: as for
        # Boost's `preview`, it does not make an event séance.
    )


def _where(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    return (".".join(str(part) for part in first["loc"]) or None, first["msg"])


class CgrConnector:
    """One CGR cinema's films and séances, from a single `GetSeancesPassCulture` call."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.url = str(context.settings["url"])

    def fetch(self, window: Window) -> Programme:
        programme = Programme()
        zone = ZoneInfo(self.context.timezone)
        for raw in self._films():
            try:
                film = CgrFilm.model_validate(raw)
            except ValidationError as exc:
                programme.rejected.append(Rejected(f"film {raw.get('IDFilm', '?')}", *_where(exc)))
                continue
            showtimes = [s for s in (self._showtime(programme, r, film, zone) for r in film.Seances) if s]
            in_window = [s for s in showtimes if window.start <= s.starts_at.date() <= window.end]
            if in_window:
                programme.films.append(film_of(film))
                programme.showtimes.extend(in_window)
        return programme

    def _films(self) -> list[dict[str, Any]]:
        settings = self.context.settings
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SERVICE}/{OPERATION}"'}
        body = envelope(str(settings.get("user", "")), str(settings.get("password", "")))
        response = request(self.context.client, "POST", self.url, content=body, headers=headers)
        try:
            result = CgrResult.model_validate_json(result_text(response.content, self.url))
        except ValidationError as exc:
            raise ConnectorError(f"CGR sent an unreadable result on POST {self.url}: {exc}") from exc
        if result.CodeErreur != 0:
            raise ConnectorError(f"CGR refused the call on POST {self.url}: {result.IntituleErreur}")
        films = (result.ObjetRetour or {}).get("Films")
        if not isinstance(films, list):
            raise ConnectorError(f"CGR's result on POST {self.url} has no list of Films")
        return films

    def _showtime(
        self, programme: Programme, raw: dict[str, Any], film: CgrFilm, zone: ZoneInfo
    ) -> ShowtimeRecord | None:
        try:
            return showtime_of(CgrSeance.model_validate(raw), film, zone)
        except ValidationError as exc:
            field, reason = _where(exc)
        except ValueError as exc:
            field, reason = "Date", f"{raw.get('Date')!r} {raw.get('Heure')!r}: {exc}"
        programme.rejected.append(Rejected(f"séance {raw.get('IDSeance', '?')}", field, reason))
        return None
