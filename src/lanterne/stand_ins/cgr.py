"""A stand-in for CGR's SOAP web service (`urn:GestionCinemaWS`), replaying its real envelopes.

`GetSeancesPassCulture` answers, as CGR does, a JSON document inside the `…Result` element of a
document/literal SOAP 1.1 envelope; wrong credentials give `CodeErreur` ≠ 0, an unknown operation a
SOAP Fault with HTTP 500.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

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
