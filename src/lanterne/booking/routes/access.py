"""Who is calling: venue staff by their venue's token, young people by theirs, sent as
`Authorization: Bearer <token>` (API only) or kept in the `pass_jeton` cookie after the sign-in page
(pages only, whose forms carry a double-submit CSRF token).

Deliberately simple until accounts and sessions exist; tokens are random and stored hashed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from lanterne import csrf
from lanterne.booking.beneficiaries import beneficiary_for_token
from lanterne.booking.venues import venue_for_token
from lanterne.errors import Forbidden
from lanterne.web import EngineDep

COOKIE = "pass_jeton"
CSRF_COOKIE = "pass_csrf"
SIGN_IN = "/pass/connexion"


def bearer_token(request: Request) -> str:
    """The API takes the token from the Authorization header only: a cookie would let a foreign page
    make a signed-in browser call it."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def api_venue(request: Request, engine: EngineDep) -> int:
    return venue_for_token(engine, bearer_token(request))


def api_beneficiary(request: Request, engine: EngineDep) -> int:
    return beneficiary_for_token(engine, bearer_token(request))


def check_form(request: Request, submitted: str) -> None:
    """A page's posted form must carry the CSRF token of its cookie (double submit)."""
    csrf.check(request.cookies.get(CSRF_COOKIE), submitted)


def _or_sign_in(find: Callable[[Engine, str], int], request: Request, engine: Engine) -> int:
    """Pages send a visitor without a valid token to the sign-in page instead of a JSON 403."""
    try:
        return find(engine, request.cookies.get(COOKIE, ""))
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
