"""Event screenings: the séances a box office flagged, adopted as events, and those a cinema creates
directly; their enrichment, every change audited with a JSON diff of the fields.

An adopted event reads its date, film and status from its séance at every read, so a re-sync moves or
cancels it; the enrichment columns are never written by the sync engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, and_, case, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lanterne.agenda import vocabulary
from lanterne.agenda.accounts import Viewer
from lanterne.agenda.models import Account, AuditEntry, Event, Push
from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.collect.clean import cinema_timezone
from lanterne.errors import InvalidValue, NotFound

events: Table = Event.__table__  # type: ignore[assignment]
shows: Table = Showtime.__table__  # type: ignore[assignment]
films: Table = Film.__table__  # type: ignore[assignment]
cinemas: Table = Cinema.__table__  # type: ignore[assignment]
pushes: Table = Push.__table__  # type: ignore[assignment]

ENRICHMENT = (
    "kind",
    "audience",
    "host",
    "guests",
    "partners",
    "description",
    "image_url",
    "accessibility",
    "age_min",
    "age_max",
)
DIRECT = ("title", "starts_at", "ends_at", "place", "cancelled")
LIST_LIMIT = 2000  # a page or an API answer; the Excel export has no limit
CANCELLED = or_(events.c.cancelled.is_(True), shows.c.status == "cancelled", shows.c.is_event.is_(False))
VIEW_COLUMNS = (
    events.c.id,
    events.c.cinema_id,
    events.c.showtime_id,
    func.coalesce(events.c.title, shows.c.event_headline, films.c.title).label("title"),
    films.c.title.label("film_title"),
    films.c.directors.label("film_directors"),
    films.c.runtime.label("film_runtime"),
    func.coalesce(shows.c.starts_at, events.c.starts_at).label("starts_at"),
    func.coalesce(shows.c.ends_at, events.c.ends_at).label("ends_at"),
    func.coalesce(events.c.place, shows.c.screen).label("place"),
    case((CANCELLED, "cancelled"), else_="scheduled").label("status"),
    shows.c.booking_url,
    shows.c.version,
    *(events.c[name] for name in ENRICHMENT),
    events.c.created_at,
    events.c.updated_at,
    cinemas.c.name.label("cinema_name"),
    cinemas.c.address.label("cinema_address"),
    cinemas.c.postcode.label("cinema_postcode"),
    cinemas.c.commune.label("cinema_commune"),
    cinemas.c.department.label("cinema_department"),
    cinemas.c.region.label("cinema_region"),
    cinemas.c.latitude.label("cinema_latitude"),
    cinemas.c.longitude.label("cinema_longitude"),
    cinemas.c.publish_consent.label("cinema_consent"),
)
VIEW_SOURCE = (
    events.join(cinemas, events.c.cinema_id == cinemas.c.id)
    .outerjoin(shows, events.c.showtime_id == shows.c.id)
    .outerjoin(films, shows.c.film_id == films.c.id)
)
event_start = func.coalesce(shows.c.starts_at, events.c.starts_at)


def adopt_flagged(connection: Connection, now: datetime, cinema_id: int | None = None) -> int:
    """Give every séance the box office flagged as an event, from yesterday on (the start-time index
    keeps this a seek on a million séances), its event row, once; return how many."""
    query = select(shows.c.cinema_id, shows.c.id).where(
        shows.c.starts_at >= now - timedelta(days=1),
        shows.c.is_event.is_(True),
        ~exists().where(events.c.showtime_id == shows.c.id),
    )
    if cinema_id is not None:
        query = query.where(shows.c.cinema_id == cinema_id)
    found = connection.execute(query).all()
    if found:
        values = [
            {"cinema_id": c, "showtime_id": s, "cancelled": False, "created_at": now, "updated_at": now}
            for c, s in found
        ]
        connection.execute(insert(events), values)
    return len(found)


def view(*conditions: Any) -> Any:
    """The events as their cinemas and the public see them: séance fields first, then enrichment."""
    return select(*VIEW_COLUMNS).select_from(VIEW_SOURCE).where(*conditions)


def adopt(engine: Engine, now: datetime, cinema_ids: list[int] | None = None) -> None:
    """Adopt in a transaction of its own: when two workers race, the loser's rows already exist."""
    with suppress(IntegrityError), engine.begin() as connection:
        for cinema_id in [None] if cinema_ids is None else cinema_ids:
            adopt_flagged(connection, now, cinema_id)


def list_events(
    engine: Engine, now: datetime, cinema_ids: list[int] | None, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Events of the given cinemas (None: all) from yesterday on, soonest first."""
    adopt(engine, now, cinema_ids)
    conditions: list[Any] = [event_start >= now - timedelta(days=1)]
    if cinema_ids is not None:
        conditions.append(events.c.cinema_id.in_(cinema_ids))
    query = view(*conditions).order_by(event_start, events.c.id).limit(limit)
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def get_event(engine: Engine, viewer: Viewer, event_id: int) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(view(events.c.id == event_id)).mappings().first()
        if row is None:
            raise NotFound(f"événement {event_id} inconnu")
        viewer.require(row["cinema_id"])
        push = connection.execute(select(pushes).where(pushes.c.event_id == event_id)).mappings().first()
    return {**row, "push": dict(push) if push else None}


def _text(name: str, value: Any, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > limit:
        raise InvalidValue(name, f"{len(text)} caractères, {limit} au plus")
    return text or None


def _number(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(name, f"« {value} » n'est pas un nombre entier") from exc


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return [str(part).strip() for part in value or []]


def clean_enrichment(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise the enrichment fields present in `changes`; unknown fields are refused."""
    unknown = sorted(set(changes) - set(ENRICHMENT) - set(DIRECT))
    if unknown:
        raise InvalidValue(unknown[0], "champ inconnu")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "kind":
            clean[name] = vocabulary.check_kind(value)
        elif name == "audience":
            clean[name] = ", ".join(vocabulary.check_audiences(_words(value))) or None
        elif name == "accessibility":
            clean[name] = ",".join(vocabulary.check_accessibility(_words(value))) or None
        elif name in ("age_min", "age_max"):
            clean[name] = _number(name, value)
        elif name == "image_url":
            clean[name] = _image(value)
        elif name in ("starts_at", "ends_at"):
            clean[name] = _moment(name, value)
        elif name == "cancelled":
            clean[name] = value in (True, "1", "true", "on", "oui")
        elif name in ENRICHMENT or name in ("title", "place"):
            clean[name] = _text(name, value, vocabulary.TEXT_LIMITS[name])
    return clean


def _moment(name: str, value: Any) -> datetime | None:
    """An ISO date-time; one without offset is the cinema's wall clock, placed by `_localised`."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidValue(name, f"« {value} » n'est pas une date et heure (AAAA-MM-JJTHH:MM)") from exc


def _localised(clean: dict[str, Any], department: str | None) -> dict[str, Any]:
    zone = ZoneInfo(cinema_timezone(department))
    for name in ("starts_at", "ends_at"):
        moment = clean.get(name)
        if isinstance(moment, datetime) and moment.tzinfo is None:
            clean[name] = moment.replace(tzinfo=zone)
    return clean


def _image(value: Any) -> str | None:
    text = _text("image_url", value, 1000)
    if text and not text.startswith(("https://", "http://")):
        raise InvalidValue("image_url", "une adresse web (https://…) est attendue")
    return text


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    return {k: [plain(before[k]), plain(v)] for k, v in after.items() if before[k] != v}


def enrich(
    engine: Engine, viewer: Viewer, event_id: int, changes: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """Apply a cinema's edit to one of its events; audit the fields that really changed."""
    clean = clean_enrichment(changes)
    with engine.begin() as connection:
        row = connection.execute(select(events).where(events.c.id == event_id)).mappings().first()
        if row is None:
            raise NotFound(f"événement {event_id} inconnu")
        viewer.require(row["cinema_id"])
        if row["showtime_id"] is not None and set(clean) & set(DIRECT):
            raise InvalidValue(sorted(set(clean) & set(DIRECT))[0], "fixé par la caisse pour une séance")
        department = connection.scalar(select(cinemas.c.department).where(cinemas.c.id == row["cinema_id"]))
        clean = _localised(clean, department)
        merged = {**row, **clean}
        vocabulary.check_ages(merged["age_min"], merged["age_max"])
        diff = _diff(dict(row), clean)
        if diff:
            connection.execute(update(events).where(events.c.id == event_id).values(**clean, updated_at=now))
            _audit(connection, viewer, now, "enrich", row["cinema_id"], event_id, diff)
    return diff


def _audit(
    connection: Connection,
    viewer: Viewer,
    now: datetime,
    action: str,
    cinema_id: int,
    event_id: int,
    diff: dict[str, Any],
) -> None:
    connection.execute(
        insert(AuditEntry).values(
            account_id=viewer.account_id,
            at=now,
            action=action,
            cinema_id=cinema_id,
            event_id=event_id,
            diff=diff,
        )
    )


def create_event(
    engine: Engine, viewer: Viewer, cinema_id: int, values: Mapping[str, Any], now: datetime
) -> int:
    """An event the cinema creates itself (a talk, a workshop): its own title, date and place."""
    viewer.require(cinema_id)
    with engine.connect() as connection:
        department = connection.scalar(select(cinemas.c.department).where(cinemas.c.id == cinema_id))
    clean = _localised(clean_enrichment(values), department)
    if not clean.get("title"):
        raise InvalidValue("title", "un titre est obligatoire")
    starts, ends = clean.get("starts_at"), clean.get("ends_at")
    if not isinstance(starts, datetime):
        raise InvalidValue("starts_at", "date et heure de début obligatoires")
    if ends is not None and (not isinstance(ends, datetime) or ends <= starts):
        raise InvalidValue("ends_at", "la fin doit suivre le début")
    vocabulary.check_ages(clean.get("age_min"), clean.get("age_max"))
    with engine.begin() as connection:
        if connection.execute(select(cinemas.c.id).where(cinemas.c.id == cinema_id)).first() is None:
            raise NotFound(f"cinéma {cinema_id} inconnu")
        event_id = connection.execute(
            insert(events)
            .values(cinema_id=cinema_id, cancelled=False, created_at=now, updated_at=now, **clean)
            .returning(events.c.id)
        ).scalar_one()
        _audit(connection, viewer, now, "create", cinema_id, event_id, _diff(dict.fromkeys(clean), clean))
    return int(event_id)


def enrichment_for_showtime(engine: Engine, showtime_id: int) -> dict[str, Any] | None:
    """The portal's hook for an event page: what the cinema added to this séance, or None."""
    with engine.connect() as connection:
        row = (
            connection.execute(
                select(*(events.c[name] for name in ENRICHMENT)).where(events.c.showtime_id == showtime_id)
            )
            .mappings()
            .first()
        )
    if row is None or not any(row.values()):
        return None
    found = dict(row)
    found["audience"] = _words(found["audience"]) if found["audience"] else []
    codes = _words(found["accessibility"]) if found["accessibility"] else []
    found["accessibility"] = [
        vocabulary.ACCESSIBILITY[code] for code in codes if code in vocabulary.ACCESSIBILITY
    ]
    return found


def consented(condition: Any = None) -> Any:
    """Public reads (feeds) show only events of cinemas that agreed to publish."""
    base = and_(cinemas.c.publish_consent.is_(True), cinemas.c.active.is_(True))
    return base if condition is None else and_(base, condition)


def history(engine: Engine, viewer: Viewer, event_id: int) -> list[dict[str, Any]]:
    """The audit trail of one event, newest first, with who made each change."""
    get_event(engine, viewer, event_id)  # refuses another cinema's event
    query = (
        select(AuditEntry.at, AuditEntry.action, AuditEntry.diff, Account.email)
        .outerjoin(Account, Account.id == AuditEntry.account_id)
        .where(AuditEntry.event_id == event_id)
        .order_by(AuditEntry.id.desc())
    )
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def jsonable(value: Any) -> Any:
    """Times as ISO 8601 with their offset, for the API's JSON."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value.isoformat() if isinstance(value, datetime) else value
