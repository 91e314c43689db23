"""A stand-in for CGR's SOAP web service (`urn:GestionCinemaWS`), replaying its real envelopes.

`GetSeancesPassCulture` answers, as CGR does, a JSON document inside the `…Result` element of a
document/literal SOAP 1.1 envelope; wrong credentials give `CodeErreur` ≠ 0, an unknown operation a
SOAP Fault with HTTP 500.
"""

from __future__ import annotations

import json
import zlib
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord
from lanterne.stand_ins.faults import Faults, with_faults

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE = "urn:GestionCinemaWS"
PATH = "/GESTIONCINEMAWS_WEB/awws/GestionCinemaWS.awws"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class CgrCinema:
    """One CGR cinema's account and films (each with its `Seances`), in CGR's own field names."""

    def __init__(self, number: int, user: str = "lanterne", password: str = "cgr-secret") -> None:
        self.number = number
        self.user = user
        self.password = password
        self.films: list[dict[str, Any]] = []

    def seances(self, user: str, password: str, allocine_id: str) -> dict[str, Any]:
        if (user, password) != (self.user, self.password):
            return {"CodeErreur": -1, "IntituleErreur": "Utilisateur ou mot de passe incorrect"}
        films = [f for f in self.films if not allocine_id or str(f.get("IDFilmAlloCine")) == allocine_id]
        return {
            "CodeErreur": 0,
            "IntituleErreur": "",
            "ObjetRetour": {"NumCine": self.number, "Films": films},
        }


def whole(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def number_of(external_id: str) -> int:
    """CGR's ids are integers: a neutral id that is not one gets a stable number."""
    return int(external_id) if external_id.isdigit() else zlib.crc32(external_id.encode())


def seance_of(show: ShowtimeRecord, zone: ZoneInfo) -> dict[str, Any]:
    local = show.starts_at.astimezone(zone)
    return {
        "IDSeance": number_of(show.external_id),
        "Date": local.strftime("%Y-%m-%d"),
        "Heure": local.strftime("%H:%M:00.000"),
        "NbPlacesRestantes": show.screen_capacity or 100,
        "bAvecPlacement": True,
        "bAvecDuo": True,
        "bICE": False,
        "Relief": show.format or "2D",
        "Version": show.version or "VF",
        "bAVP": False,
        "PrixUnitaire": 7.5,
        "libTarif": "Tarif Standard",
    }


def film_of(film: FilmRecord, seances: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "IDFilm": number_of(film.external_id),
        "IDFilmAlloCine": whole(film.allocine_id),
        "Titre": film.title,
        "NumVisa": whole(film.visa),
        "Duree": film.runtime,
        "Synopsis": film.synopsis or "",
        "Affiche": film.poster_url or "",
        "TypeFilm": "CNC",
        "Seances": seances,
    }


def films_of(programme: Programme, zone: str = "Europe/Paris") -> list[dict[str, Any]]:
    """A neutral programme (the demo's) in CGR's shape, for `CgrCinema.films`."""
    local = ZoneInfo(zone)
    seances: dict[str, list[dict[str, Any]]] = {}
    for show in programme.showtimes:
        seances.setdefault(show.film_external_id, []).append(seance_of(show, local))
    return [
        film_of(film, seances[film.external_id]) for film in programme.films if film.external_id in seances
    ]


def envelope(operation: str, result: str) -> bytes:
    """A SOAP 1.1 answer shaped like CGR's: `ns1:<operation>Response/<operation>Result`."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV})
    etree.SubElement(root, f"{{{SOAP_ENV}}}Header")
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    answer = etree.SubElement(body, f"{{{SERVICE}}}{operation}Response", nsmap={"ns1": SERVICE})
    etree.SubElement(answer, f"{operation}Result").text = result
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def fault(message: str) -> Response:
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV})
    detail = etree.SubElement(etree.SubElement(root, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(detail, "faultcode").text = "SOAP-ENV:Client"
    etree.SubElement(detail, "faultstring").text = message
    return Response(etree.tostring(root), status_code=500, media_type="text/xml; charset=utf-8")


def create_app(cinema: CgrCinema, faults: Faults | None = None) -> ASGIApp:
    """The web service over HTTP at CGR's path; `faults` scripts 429s, 5xx, slow answers and garbage."""

    async def service(request: Request) -> Response:
        try:
            call = etree.fromstring(await request.body(), PARSER).find(f"{{{SOAP_ENV}}}Body")[0]
        except (etree.XMLSyntaxError, TypeError, IndexError):
            return fault("Requête SOAP illisible")
        if call.tag != f"{{{SERVICE}}}GetSeancesPassCulture":
            return fault(f"Opération inconnue : {etree.QName(call).localname}")
        args = {child.tag: child.text or "" for child in call}
        result = cinema.seances(args.get("User", ""), args.get("mdp", ""), args.get("IDFilmAllocine", ""))
        body = envelope("GetSeancesPassCulture", json.dumps(result, ensure_ascii=False))
        return Response(body, media_type="text/xml; charset=utf-8")

    app = Starlette(routes=[Route(PATH, service, methods=["POST"])])
    return with_faults(app, faults or Faults())
