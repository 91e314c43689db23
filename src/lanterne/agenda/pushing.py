"""Pushing the events of consenting cinemas to the union's OpenAgenda agenda, idempotently.

An event is pushed when its body changed since its last push (a content hash), never deleted: a
séance cancelled at the box office is pushed again with status 6. Each event's last push is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Engine, delete, insert, select

from lanterne.agenda.events import adopt, consented, event_start, events, pushes, view
from lanterne.agenda.models import Location
from lanterne.agenda.openagenda import OpenAgenda, OpenAgendaError, content_hash, event_body
from lanterne.catalog.models import Cinema
from lanterne.collect.connectors.interface import ConnectorError
from lanterne.collect.http import make_client
from lanterne.runtime import Runtime

PAST_DAYS = 1  # a cancellation of yesterday's event still reaches OpenAgenda


@dataclass
class PushReport:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)


def _candidates(engine: Engine, now: datetime, cinema_id: int | None) -> list[dict[str, Any]]:
    adopt(engine, now, None if cinema_id is None else [cinema_id])
    conditions = [consented(), event_start >= now - timedelta(days=PAST_DAYS)]
    if cinema_id is not None:
        conditions.append(events.c.cinema_id == cinema_id)
    query = view(*conditions).add_columns(pushes.c.content_hash.label("pushed_hash"), pushes.c.openagenda_uid)
    query = query.outerjoin(pushes, pushes.c.event_id == events.c.id).order_by(event_start, events.c.id)
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def _location(engine: Engine, agenda: OpenAgenda, cinema_id: int, now: datetime) -> str:
    """The cinema's location uid, asked of OpenAgenda once and then kept."""
    with engine.connect() as connection:
        known = connection.scalar(select(Location.openagenda_uid).where(Location.cinema_id == cinema_id))
        if known:
            return str(known)
        cinema = connection.execute(select(Cinema.__table__).where(Cinema.id == cinema_id)).mappings().one()
    uid = agenda.location(dict(cinema))
    with engine.begin() as connection:
        connection.execute(insert(Location).values(cinema_id=cinema_id, openagenda_uid=uid, linked_at=now))
    return uid


def _record(engine: Engine, event_id: int, now: datetime, result: str, **values: Any) -> None:
    with engine.begin() as connection:
        previous = connection.execute(select(pushes).where(pushes.c.event_id == event_id)).mappings().first()
        kept = {k: previous[k] for k in ("openagenda_uid", "content_hash")} if previous else {}
        connection.execute(delete(pushes).where(pushes.c.event_id == event_id))
        row = {**kept, "error": None, **values}
        connection.execute(insert(pushes).values(event_id=event_id, pushed_at=now, result=result, **row))


def _push_one(
    engine: Engine, agenda: OpenAgenda, event: dict[str, Any], now: datetime, report: PushReport
) -> None:
    location = _location(engine, agenda, event["cinema_id"], now)
    body = event_body(event, location)
    digest = content_hash(body)
    if digest == event["pushed_hash"]:
        report.unchanged += 1
        return
    uid = agenda.put_event(event["id"], body)
    result = (
        "cancelled"
        if event["status"] == "cancelled"
        else ("updated" if event["openagenda_uid"] else "created")
    )
    setattr(report, result, getattr(report, result) + 1)
    _record(engine, event["id"], now, result, openagenda_uid=uid, content_hash=digest)


def push(
    engine: Engine,
    agenda: OpenAgenda,
    now: datetime,
    *,
    cinema_id: int | None = None,
    dry_run: bool = False,
) -> PushReport:
    """Push every changed event; a dry run only collects the bodies it would send."""
    report = PushReport()
    for event in _candidates(engine, now, cinema_id):
        if event["status"] == "cancelled" and not event["openagenda_uid"]:
            continue  # never announce an event only to cancel it
        if dry_run:
            report.payloads.append({"event_id": event["id"], "body": event_body(event, "<location>")})
            continue
        try:
            _push_one(engine, agenda, event, now, report)
        except (OpenAgendaError, ConnectorError) as exc:
            report.failed += 1
            report.errors.append(f"événement {event['id']} : {exc}")
            _record(engine, event["id"], now, "failed", error=str(exc)[:2000])
    return report


def push_all(
    runtime: Runtime, now: datetime, echo: Callable[[str], Any] | None = None, **options: Any
) -> PushReport:
    """The scheduled job and the CLI: one client for the whole run; does nothing without settings."""
    settings = runtime.settings
    if not options.get("dry_run") and not (settings.openagenda_agenda_uid and settings.openagenda_secret_key):
        return PushReport()
    with make_client(settings.sync_timeout) as client:
        agenda = OpenAgenda(
            client,
            settings.openagenda_url,
            settings.openagenda_agenda_uid or "",
            settings.openagenda_secret_key or "",
        )
        report = push(runtime.engine, agenda, now, **options)
    for payload in report.payloads if echo else []:
        echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())  # type: ignore[misc]
    return report
