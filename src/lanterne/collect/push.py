"""Receiving a programme a cinema pushes (Lanterne's JSON schema, Monnaie Services' CSV, a spreadsheet):
check the cinema's push token, read the document, refuse it whole when a record is bad, else store it
like a nightly sync — the same engine, the same ledger of runs.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Engine, select, update

from lanterne.catalog.models import Cinema
from lanterne.collect.attach import PUSH_TOKEN_KEY, SECRET_KEYS
from lanterne.collect.clean import cinema_timezone
from lanterne.collect.connectors import push, spreadsheet
from lanterne.collect.programme import Programme, Rejected, Window
from lanterne.collect.sync import apply_programme, window_for
from lanterne.errors import Forbidden, InvalidValue, LanterneError, NotFound
from lanterne.settings import Settings

TOKEN_KEY = PUSH_TOKEN_KEY
PUSH_SOURCES = ("push", "monnaie", "spreadsheet")  # else séances pushed are filed under "push"
MAX_BYTES = 20 * 1024 * 1024
MAX_WINDOW_DAYS = 400
# A token names its cinema ("lt_1000035_…"), so a cinema's token used on another's URL is told apart
# (403) from a wrong token (401) without trying every cinema's hash.
_TOKEN = re.compile(r"^lt_(\d+)_[A-Za-z0-9_-]{20,}$")


class Unauthorized(LanterneError):
    """No token, or one that opens no cinema."""

    status_code = 401
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="lanterne"'}

    def as_json(self) -> dict[str, Any]:
        return {"error": str(self)}


class InvalidProgramme(InvalidValue):
    """Some records are bad: the whole push is refused (applying the rest would cancel the séances of the
    refused rows), and every bad record is listed with its row and field so one fix-up suffices."""

    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, rejected: list[Rejected]) -> None:
        first = rejected[0]
        reason = f"{len(rejected)} enregistrement(s) refusé(s), rien n'a été enregistré ; {first.reason}"
        super().__init__(first.field or "document", reason, first.record)
        self.rejected = rejected

    def as_json(self) -> dict[str, Any]:
        errors = [{"row": r.record, "field": r.field, "reason": r.reason} for r in self.rejected]
        return {"error": str(self), "field": self.field, "row": self.row, "errors": errors}


class NotApplied(LanterneError):
    """The database refused the programme; the run records why, the cinema keeps its last programme."""

    status_code = 503


@dataclass(frozen=True)
class PushingCinema:
    id: int
    source: str
    zone: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_push_token(engine: Engine, cinema_id: int) -> str:
    """A new push token, shown once: only its SHA-256 is kept, and the previous token stops working."""
    token = f"lt_{cinema_id}_{secrets.token_urlsafe(32)}"
    with engine.begin() as connection:
        stored = connection.execute(select(Cinema.connector_settings).where(Cinema.id == cinema_id)).first()
        if stored is None:
            raise NotFound(f"cinéma {cinema_id} inconnu")
        settings = dict(stored[0] or {})
        settings[TOKEN_KEY] = digest(token)
        settings[SECRET_KEYS] = sorted({*settings.get(SECRET_KEYS, []), TOKEN_KEY})
        connection.execute(update(Cinema).where(Cinema.id == cinema_id).values(connector_settings=settings))
    return token


def _opens(engine: Engine, cinema_id: int, token: str) -> tuple[bool, Any] | None:
    """Whether the token opens this cinema, and its row; None when the cinema does not exist."""
    query = select(Cinema.connector, Cinema.connector_settings, Cinema.department).where(
        Cinema.id == cinema_id
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    expected = str((row.connector_settings or {}).get(TOKEN_KEY) or "")
    return bool(expected) and hmac.compare_digest(digest(token), expected), row


def authenticate(engine: Engine, cinema_id: int, token: str | None) -> PushingCinema:
    """401 without a valid token, 403 with another cinema's, 404 for an unknown cinema."""
    if not token:
        raise Unauthorized("jeton de dépôt manquant : en-tête « Authorization: Bearer <jeton> »")
    opened = _opens(engine, cinema_id, token)
    if opened is None:
        raise NotFound(f"cinéma {cinema_id} inconnu")
    ok, row = opened
    if ok:
        source = row.connector if row.connector in PUSH_SOURCES else "push"
        zone = (row.connector_settings or {}).get("timezone") or cinema_timezone(row.department)
        return PushingCinema(cinema_id, source, zone)
    named = _TOKEN.match(token)
    if named and int(named[1]) != cinema_id:
        other = _opens(engine, int(named[1]), token)
        if other and other[0]:
            raise Forbidden(f"ce jeton est celui d'un autre cinéma, pas du cinéma {cinema_id}")
    raise Unauthorized("jeton de dépôt refusé")


def kind_of(content: bytes, content_type: str) -> str:
    """json, or spreadsheet (CSV, XLSX); an unlabelled body is recognised by its first bytes."""
    if "json" in content_type:
        return "json"
    if any(word in content_type for word in ("csv", "spreadsheet", "excel", "text/plain")):
        return "spreadsheet"
    return "json" if content.lstrip()[:1] in (b"{", b"[") else "spreadsheet"


def read_programme(content: bytes, content_type: str, zone: str) -> tuple[Programme, Window | None]:
    """The document → programme and the dates it covers; InvalidProgramme lists every bad record."""
    if not content.strip():
        raise InvalidValue("document", "corps de requête vide")
    if len(content) > MAX_BYTES:
        raise InvalidValue("document", f"document de plus de {MAX_BYTES // 1024 // 1024} Mo")
    try:
        if kind_of(content, content_type) == "json":
            programme, window = push.parse(content, zone)
        else:
            programme, window = spreadsheet.parse(content, zone), None
    except ValueError as exc:
        raise InvalidValue("document", str(exc)) from exc
    if window is None and not programme.showtimes and not programme.rejected:
        # Likely the wrong sheet exported: it would cancel the whole programme. JSON says so explicitly.
        raise InvalidValue("document", "aucune séance : pour tout annuler, envoyer du JSON avec start et end")
    if programme.rejected:
        raise InvalidProgramme(programme.rejected)
    if window and not 0 <= (window.end - window.start).days <= MAX_WINDOW_DAYS:
        raise InvalidValue("end", f"la période du {window.start} au {window.end} est invalide")
    return programme, window


def receive_programme(
    engine: Engine,
    settings: Settings,
    cinema_id: int,
    token: str | None,
    document: tuple[bytes, str],
    now: datetime,
) -> dict[str, Any]:
    """Authenticate, read, store; answers the run's counts. `document` is (body, content type)."""
    cinema = authenticate(engine, cinema_id, token)
    programme, window = read_programme(*document, cinema.zone)
    window = window or window_for(cinema.zone, now, settings.sync_days)
    result = apply_programme(
        engine, cinema_id, cinema.source, programme, now=now, window=window, zone=cinema.zone
    )
    if result.error:
        raise NotApplied(f"le programme n'a pas pu être enregistré (run {result.run_id})")
    return {
        "run": result.run_id,
        "status": result.status,
        "source": cinema.source,
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        **result.counts(),
        "rejected": [{"row": r.record, "field": r.field, "reason": r.reason} for r in result.rejected],
    }
