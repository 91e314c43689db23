"""OpenAgenda API v2: the client (access token from the secret key, renewed on expiry) and the mapping
of an event to OpenAgenda's event body, in French and within OpenAgenda's length limits.

Requests go through `collect.http.request`, so 429 and 5xx are retried with backoff.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from lanterne.agenda.vocabulary import ACCESSIBILITY
from lanterne.collect.clean import cinema_timezone
from lanterne.collect.http import request

TITLE, DESCRIPTION, LONG_DESCRIPTION = 140, 200, 10000
MAX_TIMING = timedelta(hours=24)
DEFAULT_LENGTH = timedelta(hours=2)
STATUS_SCHEDULED, STATUS_CANCELLED = 1, 6
EXT_KEY = "lanterne"
RENEW_MARGIN = 30.0  # seconds: a token this close to its end is renewed before use


class OpenAgendaError(Exception):
    """OpenAgenda refused a request; carries its message and validation errors."""


class OpenAgenda:
    """One agenda of OpenAgenda, reached with an injected `httpx.Client` (a stand-in in tests)."""

    def __init__(self, client: httpx.Client, base_url: str, agenda_uid: str, secret_key: str) -> None:
        self.client, self.base = client, base_url.rstrip("/")
        self.agenda, self.secret_key = agenda_uid, secret_key
        self.token: str | None = None
        self.expires = 0.0

    def _access_token(self) -> str:
        if self.token is None or time.monotonic() > self.expires - RENEW_MARGIN:
            body = {"grant_type": "authorization_code", "code": self.secret_key}
            answer = request(self.client, "POST", f"{self.base}/v2/requestAccessToken", json=body)
            if answer.status_code != 200:
                raise OpenAgendaError(f"clé secrète refusée par OpenAgenda ({answer.status_code})")
            data = answer.json()
            self.token, self.expires = data["access_token"], time.monotonic() + float(data["expires_in"])
        return self.token

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """Send with the access token; an expired one (401) is renewed once and the request replayed."""
        url = f"{self.base}/v2/agendas/{self.agenda}{path}"
        for attempt in range(2):
            headers = {"access-token": self._access_token(), "content-type": "application/json"}
            answer = request(self.client, method, url, headers=headers, **kwargs)
            if answer.status_code == 401 and attempt == 0:
                self.token = None
                continue
            if answer.status_code >= 400:
                raise OpenAgendaError(_refusal(answer))
            data: dict[str, Any] = answer.json()
            return data
        raise OpenAgendaError("jeton d'accès refusé deux fois")  # pragma: no cover

    def location(self, cinema: dict[str, Any]) -> str:
        """The cinema's location uid: found by its external id, else created with it."""
        ext = f"cineid-{cinema['id']}"
        found = self.call("GET", "/locations", params={"extId": ext}).get("locations") or []
        if found:
            return str(found[0]["uid"])
        created = self.call("POST", "/locations", json=location_body(cinema, ext))
        return str(created["location"]["uid"])

    def put_event(self, event_id: int, body: dict[str, Any]) -> str:
        """Create or replace the event under our external id; return its OpenAgenda uid."""
        data = self.call("PUT", f"/events/ext/{EXT_KEY}/{event_id}", content=orjson.dumps(body))
        return str(data["event"]["uid"])


def _refusal(answer: httpx.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return f"HTTP {answer.status_code}"
    details = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in data.get("errors") or [])
    return f"HTTP {answer.status_code} {data.get('message', '')}" + (f" ({details})" if details else "")


def location_body(cinema: dict[str, Any], ext: str) -> dict[str, Any]:
    body = {
        "name": cinema["name"],
        "address": ", ".join(
            p for p in (cinema.get("address"), cinema.get("postcode"), cinema.get("commune")) if p
        ),
        "countryCode": "FR",
        "postalCode": cinema.get("postcode"),
        "city": cinema.get("commune"),
        "latitude": cinema.get("latitude"),
        "longitude": cinema.get("longitude"),
        "timezone": cinema_timezone(cinema.get("department")),
        "extId": ext,
    }
    return {key: value for key, value in body.items() if value is not None}


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, so a limit never splits a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:-–") + "…"


def timing(event: dict[str, Any]) -> dict[str, str]:
    """One timing in the cinema's own zone with its offset (a Réunion séance at 20:00 is +04:00)."""
    zone = ZoneInfo(cinema_timezone(event.get("cinema_department")))
    begin: datetime = event["starts_at"]
    runtime = timedelta(minutes=event["film_runtime"]) if event.get("film_runtime") else DEFAULT_LENGTH
    end: datetime = event.get("ends_at") or begin + runtime
    end = min(max(end, begin + timedelta(minutes=1)), begin + MAX_TIMING)
    return {"begin": begin.astimezone(zone).isoformat(), "end": end.astimezone(zone).isoformat()}


def _summary(event: dict[str, Any]) -> str:
    parts = [event.get("kind") or "Séance événement"]
    if event.get("film_title"):
        film = event["film_title"] + (f" de {event['film_directors']}" if event.get("film_directors") else "")
        parts.append(film)
    parts.append(f"au {event['cinema_name']}")
    return shorten(" – ".join(parts[:-1]) + " " + parts[-1], DESCRIPTION)


def _long_description(event: dict[str, Any]) -> str:
    lines = [event.get("description") or ""]
    for label, key in (("Animation", "host"), ("Invités", "guests"), ("Partenaires", "partners")):
        if event.get(key):
            lines.append(f"{label} : {event[key]}")
    if event.get("booking_url"):
        lines.append(f"Réservation : {event['booking_url']}")
    return "\n\n".join(line for line in lines if line)[:LONG_DESCRIPTION]


def _words(value: str | None, separator: str) -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


def event_body(event: dict[str, Any], location_uid: str) -> dict[str, Any]:
    """OpenAgenda's body for one event (multilingual form, French only)."""
    codes = set(_words(event.get("accessibility"), ","))
    body: dict[str, Any] = {
        "title": {"fr": shorten(event["title"], TITLE)},
        "description": {"fr": _summary(event)},
        "longDescription": {"fr": _long_description(event)},
        "keywords": {"fr": [w for w in [event.get("kind"), *_words(event.get("audience"), ",")] if w]},
        "locationUid": int(location_uid) if location_uid.isdigit() else location_uid,
        "attendanceMode": 1,
        "timings": [timing(event)],
        "accessibility": {code: code in codes for code in sorted(ACCESSIBILITY)},
        "status": STATUS_CANCELLED if event["status"] == "cancelled" else STATUS_SCHEDULED,
    }
    if not body["longDescription"]["fr"]:
        del body["longDescription"]
    if event.get("age_min") is not None or event.get("age_max") is not None:
        body["age"] = {"min": event.get("age_min"), "max": event.get("age_max")}
    if event.get("image_url"):
        body["image"] = {"url": event["image_url"]}
    if event.get("booking_url"):
        body["registration"] = [event["booking_url"]]
    return body


def content_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
