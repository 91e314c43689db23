"""A stand-in OpenAgenda (API v2) that enforces the documented rules Lanterne must respect.

Access tokens come from a secret key (`POST /v2/requestAccessToken`) and expire; events are created or
replaced by external id (`PUT /v2/agendas/{uid}/events/ext/{key}/{value}`); a title holds at most 140
characters, a description 200, a long description 10,000; every timing lasts at most 24 hours, timings
do not overlap, and an on-site event needs a location of the agenda. Faults (429, 5xx) are scriptable.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.stand_ins.faults import Faults, with_faults

LIMITS = {"title": 140, "description": 200, "longDescription": 10000}
ACCESSIBILITY = {"hi", "ii", "vi", "pi", "mi"}
STATUSES = {1, 2, 3, 4, 5, 6}  # scheduled, rescheduled, moved online, postponed, full, cancelled


@dataclass
class OpenAgendaState:
    """What the stand-in holds: secret keys, live tokens, agendas and their locations and events."""

    secret_keys: set[str] = field(default_factory=set)
    agendas: set[str] = field(default_factory=set)
    token_seconds: float = 3600.0
    tokens: dict[str, float] = field(default_factory=dict)  # token → monotonic expiry
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # "agenda/key/value" → event
    tokens_issued: int = 0
    _uids: Any = field(default_factory=lambda: itertools.count(40_000_001))

    def uid(self) -> int:
        return next(self._uids)

    def event(self, agenda: str, key: str, value: str) -> dict[str, Any] | None:
        return self.events.get(f"{agenda}/{key}/{value}")


def _invalid(errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"message": "data is invalid", "info": {}, "errors": errors}, status_code=400)


def _error(field_name: str, code: str, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "field": field_name,
        "lang": "fr",
        "message": message,
        "origin": "",
        "step": "validation",
    }


def _text_errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    errors = []
    for name, limit in LIMITS.items():
        value = body.get(name)
        texts = value.values() if isinstance(value, dict) else ([value] if value is not None else [])
        if name in ("title", "description") and not any(isinstance(t, str) and t for t in texts):
            errors.append(_error(name, "required", "a string is required"))
        for text in texts:
            if not isinstance(text, str) or len(text) > limit:
                errors.append(_error(name, "length.max", f"at most {limit} characters"))
    return errors


def _instant(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _timing_errors(timings: Any) -> list[dict[str, Any]]:
    if not isinstance(timings, list) or not timings:
        return [_error("timings", "required", "at least one timing")]
    spans = []
    for timing in timings:
        begin, end = _instant((timing or {}).get("begin")), _instant((timing or {}).get("end"))
        if begin is None or end is None:
            return [_error("timings", "format", "begin and end with a UTC offset are required")]
        if not begin < end <= begin + timedelta(hours=24):
            return [_error("timings", "duration", "a timing ends after it begins, within 24 hours")]
        spans.append((begin, end))
    spans.sort()
    if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
        return [_error("timings", "overlap", "timings must not overlap")]
    return []


def _other_errors(state: OpenAgendaState, agenda: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    errors = []
    mode = body.get("attendanceMode", 1)
    if mode in (1, 3) and str(body.get("locationUid")) not in state.locations:
        errors.append(_error("locationUid", "required", "an on-site event needs a location of the agenda"))
    if body.get("status", 1) not in STATUSES:
        errors.append(_error("status", "invalid", "status is 1 to 6"))
    accessibility = body.get("accessibility") or {}
    if not isinstance(accessibility, dict) or set(accessibility) - ACCESSIBILITY:
        errors.append(_error("accessibility", "invalid", "codes are hi, ii, vi, pi, mi"))
    keywords = body.get("keywords") or {}
    if not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words) for words in keywords.values()
    ):
        errors.append(_error("keywords", "invalid", "keywords are lists of strings"))
    return errors


def create_app(state: OpenAgendaState, faults: Faults | None = None) -> ASGIApp:
    """The stand-in over HTTP; `faults` plays scripted 429s and 5xx before the real answer."""

    def authorised(request: Request) -> JSONResponse | None:
        token = request.headers.get("access-token", "")
        expiry = state.tokens.get(token)
        if expiry is None:
            return JSONResponse({"message": "invalid access token"}, status_code=401)
        if expiry < time.monotonic():
            return JSONResponse({"message": "access token expired"}, status_code=401)
        if request.path_params.get("agenda") not in (None, *state.agendas):
            return JSONResponse({"message": "agenda not found"}, status_code=404)
        return None

    async def request_token(request: Request) -> Response:
        body = await request.json()
        if body.get("grant_type") != "authorization_code" or body.get("code") not in state.secret_keys:
            return JSONResponse({"message": "invalid secret key"}, status_code=403)
        token = secrets.token_hex(16)
        state.tokens[token] = time.monotonic() + state.token_seconds
        state.tokens_issued += 1
        return JSONResponse({"access_token": token, "expires_in": state.token_seconds})

    async def locations(request: Request) -> Response:
        if refused := authorised(request):
            return refused
        agenda = request.path_params["agenda"]
        if request.method == "GET":
            ext = request.query_params.get("extId")
            found = [
                loc for loc in state.locations.values() if loc["agendaUid"] == agenda and loc["extId"] == ext
            ]
            return JSONResponse({"locations": found, "total": len(found)})
        body = await request.json()
        missing = [name for name in ("name", "address") if not body.get(name)]
        if missing:
            return _invalid([_error(name, "required", "a string is required") for name in missing])
        location = {**body, "uid": state.uid(), "agendaUid": agenda, "extId": body.get("extId")}
        state.locations[str(location["uid"])] = location
        return JSONResponse({"success": True, "location": location})

    async def event_by_ext(request: Request) -> Response:
        if refused := authorised(request):
            return refused
        agenda, key, value = (request.path_params[name] for name in ("agenda", "key", "value"))
        existing = state.event(agenda, key, value)
        if request.method == "GET":
            if existing is None:
                return JSONResponse({"message": "event not found"}, status_code=404)
            return JSONResponse({"event": existing})
        body = await request.json()
        errors = _text_errors(body) + _timing_errors(body.get("timings")) + _other_errors(state, agenda, body)
        if errors:
            return _invalid(errors)
        uid = existing["uid"] if existing else state.uid()
        event = {**body, "uid": uid, "agendaUid": agenda, "extIds": [{"key": key, "value": value}]}
        event.setdefault("status", 1)
        state.events[f"{agenda}/{key}/{value}"] = event
        return JSONResponse({"success": True, "event": event}, status_code=200 if existing else 201)

    app = Starlette(
        routes=[
            Route("/v2/requestAccessToken", request_token, methods=["POST"]),
            Route("/v2/agendas/{agenda}/locations", locations, methods=["GET", "POST"]),
            Route("/v2/agendas/{agenda}/events/ext/{key}/{value}", event_by_ext, methods=["GET", "PUT"]),
        ]
    )
    return with_faults(app, faults or Faults())
