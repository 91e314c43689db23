"""Who is calling: venue staff by their venue's token, young people by theirs, sent as
`Authorization: Bearer <token>` (API) or kept in the `pass_jeton` cookie after the sign-in page.

Deliberately simple until accounts and sessions exist; tokens are random and stored hashed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from lanterne.booking.beneficiaries import beneficiary_for_token
from lanterne.booking.venues import venue_for_token
from lanterne.errors import Forbidden
from lanterne.web import EngineDep

COOKIE = "pass_jeton"
SIGN_IN = "/pass/connexion"


def request_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE, "")


def api_venue(request: Request, engine: EngineDep) -> int:
    return venue_for_token(engine, request_token(request))


def api_beneficiary(request: Request, engine: EngineDep) -> int:
    return beneficiary_for_token(engine, request_token(request))


def _or_sign_in(find: Callable[[Engine, str], int], request: Request, engine: Engine) -> int:
    """Pages send a visitor without a valid token to the sign-in page instead of a JSON 403."""
    try:
        return find(engine, request_token(request))
    except Forbidden:
        raise HTTPException(303, "connectez-vous", headers={"Location": SIGN_IN}) from None


def page_venue(request: Request, engine: EngineDep) -> int:
    return _or_sign_in(venue_for_token, request, engine)


def page_beneficiary(request: Request, engine: EngineDep) -> int:
    return _or_sign_in(beneficiary_for_token, request, engine)


ApiVenue = Annotated[int, Depends(api_venue)]
ApiBeneficiary = Annotated[int, Depends(api_beneficiary)]
PageVenue = Annotated[int, Depends(page_venue)]
PageBeneficiary = Annotated[int, Depends(page_beneficiary)]
