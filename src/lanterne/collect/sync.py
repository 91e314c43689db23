"""The sync engine: fetch each consenting cinema's programme window, repair it, and apply the
difference with what is stored in one transaction per cinema — inserted, updated, cancelled, never
deleted. An unchanged night writes no showtime at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, bindparam, insert, select, update

from lanterne.catalog.models import Cinema, Showtime
from lanterne.collect.attach import connector_settings, redact
from lanterne.collect.clean import cinema_timezone, clean_programme, day_bounds
from lanterne.collect.connectors.interface import ConnectorContext
from lanterne.collect.connectors.registry import create
from lanterne.collect.films import chunks, known_films, resolve_films
from lanterne.collect.http import make_client
from lanterne.collect.programme import Programme, Rejected, ShowtimeRecord, Window
from lanterne.collect.runs import close_run, mark_interrupted, open_run, record_failure
from lanterne.db import utcnow
from lanterne.runtime import Runtime
from lanterne.settings import Settings

log = logging.getLogger(__name__)
SHOWTIMES = cast(Table, Showtime.__table__)
# The fields a vendor controls, in one tuple per séance: equal tuples mean nothing to write.
COMPARED = (
    "film_id",
    "starts_at",
    "ends_at",
    "screen",
    "screen_capacity",
    "version",
    "format",
    "audio_description",
    "deaf_subtitles",
    "booking_url",
    "is_event",
    "event_headline",
    "status",
)
Progress = Callable[["SyncResult", int], None]


@dataclass
class SyncResult:
    """What one cinema's sync did; `written` counts showtime and film rows (0 on an unchanged night)."""

    cinema_id: int
    connector: str
    run_id: int | None = None
    status: str = "running"
    inserted: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    error: str | None = None
    written: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class Target:
    """A cinema to synchronise: its source, settings, time zone and programme window."""

    cinema_id: int
    connector: str
    settings: dict[str, Any]
    zone: str
    window: Window


@dataclass
class Fetched:
    started_at: datetime
    programme: Programme | None = None
    error: str | None = None


def window_for(zone: str, now: datetime, days: int) -> Window:
    """Today in the cinema's own calendar (Réunion is ahead of Paris) and the `days - 1` after."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return Window(today, today + timedelta(days=max(days, 1) - 1))


def apply_programme(
    engine: Engine,
    cinema_id: int,
    connector_name: str,
    programme: Programme,
    *,
    now: datetime,
    window: Window,
    zone: str | None = None,
    started_at: datetime | None = None,
) -> SyncResult:
    """Store a fetched (or pushed) programme: one run, one transaction; a failure rolls the cinema
    back to its last good programme and is recorded on the run."""
    zone = zone or _zone_of(engine, cinema_id)
    result = SyncResult(cinema_id, connector_name)
    result.run_id = open_run(engine, cinema_id, connector_name, started_at or now)
    try:
        cleaned = clean_programme(programme, zone)
        with engine.begin() as connection:
            _apply(connection, result, programme, cleaned, zone, window, now)
            result.status = close_run(connection, result.run_id, utcnow(), result.counts(), result.rejected)
    except Exception as exc:  # a database refusal for one cinema must not stop the night
        log.exception("sync of cinema %s failed", cinema_id)
        _fail(engine, result, f"{type(exc).__name__}: {exc}")
    return result


def _fail(engine: Engine, result: SyncResult, error: str) -> None:
    result.inserted = result.updated = result.cancelled = result.unchanged = result.written = 0
    result.error, result.status = error[:4000], "failed"
    with engine.begin() as connection:
        close_run(connection, result.run_id or 0, utcnow(), result.counts(), result.rejected, result.error)


def _zone_of(engine: Engine, cinema_id: int) -> str:
    with engine.connect() as connection:
        department = connection.execute(select(Cinema.department).where(Cinema.id == cinema_id)).scalar()
    return cinema_timezone(department)


def _apply(
    connection: Connection,
    result: SyncResult,
    raw: Programme,
    programme: Programme,
    zone: str,
    window: Window,
    now: datetime,
) -> None:
    cinema_id, source = result.cinema_id, result.connector
    resolution = resolve_films(connection, cinema_id, source, programme.films, now)
    result.rejected += programme.rejected + resolution.rejected
    result.written += resolution.written
    fetched = _rows(connection, result, programme.showtimes, resolution.film_ids)
    start, end = day_bounds(window.start, window.end, zone)
    stored = _stored(connection, cinema_id, source, start, fetched)
    inserts, updates = _differences(fetched, stored, result, now)
    cancels = [] if _keeps_all(raw, fetched) else _vanished(raw, stored, fetched, max(start, now), end)
    result.inserted, result.updated, result.cancelled = len(inserts), len(updates), len(cancels)
    result.written += _write(connection, cinema_id, source, inserts, updates, cancels, now)
    if raw.cursor is not None:
        result.written += _store_cursor(connection, cinema_id, raw.cursor)


def _rows(
    connection: Connection,
    result: SyncResult,
    showtimes: Sequence[ShowtimeRecord],
    film_ids: dict[str, int],
) -> dict[str, tuple[Any, ...]]:
    """external id → the compared tuple; a séance whose film is unknown or ambiguous is rejected."""
    missing = sorted({s.film_external_id for s in showtimes} - film_ids.keys())
    film_ids = {**film_ids, **known_films(connection, result.cinema_id, result.connector, missing)}
    rows: dict[str, tuple[Any, ...]] = {}
    for show in showtimes:
        film_id = film_ids.get(show.film_external_id)
        if film_id is None:
            reason = f"film {show.film_external_id} absent, illisible ou ambigu"
            result.rejected.append(Rejected(f"séance {show.external_id}", "film_external_id", reason))
            continue
        rows[show.external_id] = (
            film_id,
            show.starts_at,
            show.ends_at,
            show.screen,
            show.screen_capacity,
            show.version,
            show.format,
            bool(show.audio_description),
            bool(show.deaf_subtitles),
            show.booking_url,
            bool(show.is_event),
            show.event_headline,
            "cancelled" if show.cancelled else "scheduled",
        )
    return rows


def _stored(
    connection: Connection, cinema_id: int, source: str, start: datetime, fetched: dict[str, tuple[Any, ...]]
) -> dict[str, tuple[int, tuple[Any, ...]]]:
    """The cinema's stored séances from the window's start, plus any older one fetched again:
    external id → (row id, compared tuple). One query on an unchanged night."""
    columns = [SHOWTIMES.c.id, SHOWTIMES.c.external_id, *(SHOWTIMES.c[name] for name in COMPARED)]
    mine = (SHOWTIMES.c.cinema_id == cinema_id) & (SHOWTIMES.c.source == source)
    stored = {
        row[1]: (row[0], tuple(row[2:]))
        for row in connection.execute(select(*columns).where(mine, SHOWTIMES.c.starts_at >= start))
    }
    older = [external_id for external_id in fetched if external_id not in stored]
    for part in chunks(older):
        for row in connection.execute(select(*columns).where(mine, SHOWTIMES.c.external_id.in_(part))):
            stored[row[1]] = (row[0], tuple(row[2:]))
    return stored


def _differences(
    fetched: dict[str, tuple[Any, ...]],
    stored: dict[str, tuple[int, tuple[Any, ...]]],
    result: SyncResult,
    now: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    inserts, updates = [], []
    for external_id, row in fetched.items():
        known = stored.get(external_id)
        if known is None:
            inserts.append({"external_id": external_id, **dict(zip(COMPARED, row, strict=True))})
        elif known[1] != row:
            updates.append({"b_id": known[0], **{f"b_{n}": v for n, v in zip(COMPARED, row, strict=True)}})
        else:
            result.unchanged += 1
    return inserts, updates


def _keeps_all(raw: Programme, fetched: dict[str, tuple[Any, ...]]) -> bool:
    """Cancel nothing from a delta (EMS), nor when every séance sent was unusable: garbage from a
    vendor must not wipe a cinema's last good programme."""
    return raw.partial or (bool(raw.showtimes) and not fetched)


def _vanished(
    raw: Programme,
    stored: dict[str, tuple[int, tuple[Any, ...]]],
    fetched: dict[str, tuple[Any, ...]],
    start: datetime,
    end: datetime,
) -> list[int]:
    """Stored future séances of the window the vendor no longer announces. A séance it still sends
    but that we rejected is not gone: its last good version stays."""
    mentioned = {str(show.external_id).strip() for show in raw.showtimes} | fetched.keys()
    starts, status = COMPARED.index("starts_at"), COMPARED.index("status")
    return [
        row_id
        for external_id, (row_id, row) in stored.items()
        if external_id not in mentioned and row[status] == "scheduled" and start <= row[starts] < end
    ]


def _write(
    connection: Connection,
    cinema_id: int,
    source: str,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    cancels: list[int],
    now: datetime,
) -> int:
    """Bulk Core statements: one multi-row INSERT, one executemany UPDATE, one UPDATE … IN per chunk."""
    if inserts:
        common = {"cinema_id": cinema_id, "source": source, "first_seen_at": now, "last_seen_at": now}
        connection.execute(insert(SHOWTIMES), [{**common, **row} for row in inserts])
    if updates:
        values: dict[str, Any] = {name: bindparam(f"b_{name}") for name in COMPARED}
        statement = update(SHOWTIMES).where(SHOWTIMES.c.id == bindparam("b_id"))
        connection.execute(statement.values({**values, "last_seen_at": now}), updates)
    for part in chunks(cancels):
        connection.execute(update(SHOWTIMES).where(SHOWTIMES.c.id.in_(part)).values(status="cancelled"))
    return len(inserts) + len(updates) + len(cancels)


def _store_cursor(connection: Connection, cinema_id: int, cursor: str) -> int:
    """An incremental source's position, saved with the data it covers (same transaction)."""
    settings = connection.execute(select(Cinema.connector_settings).where(Cinema.id == cinema_id)).scalar()
    settings = dict(settings or {})
    if settings.get("cursor") == cursor:
        return 0
    settings["cursor"] = cursor
    connection.execute(update(Cinema).where(Cinema.id == cinema_id).values(connector_settings=settings))
    return 1


def targets(engine: Engine, settings: Settings, now: datetime, **only: Any) -> list[Target]:
    """Cinemas that consented and have a source, optionally one cinema or one connector."""
    query = select(Cinema.id, Cinema.connector, Cinema.connector_settings, Cinema.department).where(
        Cinema.publish_consent.is_(True), Cinema.active.is_(True), Cinema.connector.is_not(None)
    )
    if only.get("cinema") is not None:
        query = query.where(Cinema.id == only["cinema"])
    if only.get("connector"):
        query = query.where(Cinema.connector == only["connector"])
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(Cinema.id)).all()
    return [
        Target(
            row.id,
            row.connector,
            dict(row.connector_settings or {}),
            zone,
            window_for(zone, now, settings.sync_days),
        )
        for row in rows
        for zone in (cinema_timezone(row.department),)
    ]


def fetch(target: Target, settings: Settings) -> Fetched:
    """Ask the cinema's source for its window; any failure is captured, never raised."""
    started_at = utcnow()
    try:
        with make_client(settings.sync_timeout) as client:
            # `attempts` is how connectors learn LANTERNE_SYNC_RETRIES; a cinema's own value wins
            values = {"attempts": settings.sync_retries, **connector_settings(target.settings)}
            context = ConnectorContext(values, client, target.zone)
            return Fetched(started_at, programme=create(target.connector, context).fetch(target.window))
    except Exception as exc:  # a vendor's failure is this cinema's, never the night's
        return Fetched(started_at, error=redact(f"{type(exc).__name__}: {exc}", target.settings))


def store(engine: Engine, target: Target, fetched: Fetched, now: datetime) -> SyncResult:
    """Write what was fetched, or record why nothing could be."""
    if fetched.programme is None:
        error = fetched.error or "aucun programme"
        run_id = record_failure(
            engine, target.cinema_id, target.connector, fetched.started_at, utcnow(), error
        )
        return SyncResult(target.cinema_id, target.connector, run_id, "failed", error=error)
    return apply_programme(
        engine,
        target.cinema_id,
        target.connector,
        fetched.programme,
        now=now,
        window=target.window,
        zone=target.zone,
        started_at=fetched.started_at,
    )


def sync_cinema(runtime: Runtime, target: Target, now: datetime) -> SyncResult:
    return store(runtime.engine, target, fetch(target, runtime.settings), now)


def sync_all(
    runtime: Runtime,
    *,
    cinema: int | None = None,
    connector: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> list[SyncResult]:
    """The nightly sync: fetch up to `sync_concurrency` cinemas at once, write them one at a time
    (SQLite has one writer; one writer also keeps film creation free of races)."""
    now = now or utcnow()
    mark_interrupted(runtime.engine, now)
    chosen = targets(runtime.engine, runtime.settings, now, cinema=cinema, connector=connector)
    results = []
    for target, fetched in _fetch_all(chosen, runtime.settings):
        result = store(runtime.engine, target, fetched, now)
        results.append(result)
        if progress is not None:
            progress(result, len(chosen))
    return results


def _fetch_all(chosen: list[Target], settings: Settings) -> Iterator[tuple[Target, Fetched]]:
    """Fetched programmes in order, with at most twice the concurrency held in memory."""
    workers = max(settings.sync_concurrency, 1)
    with fetch_pool(settings) as pool:
        pending: list[tuple[Target, Future[Fetched]]] = []
        for target in chosen:
            pending.append((target, pool.submit(fetch, target, settings)))
            if len(pending) >= workers * 2:
                first, future = pending.pop(0)
                yield first, future.result()
        for target, future in pending:
            yield target, future.result()


def fetch_pool(settings: Settings) -> Executor:
    """Threads hide vendors' latency; parsing their answers is CPU work the GIL serialises, so a
    national sync may parse in `sync_processes` processes (spawned: safe beside a web server's threads)."""
    if settings.sync_processes > 0:
        return ProcessPoolExecutor(settings.sync_processes, mp_context=get_context("spawn"))
    return ThreadPoolExecutor(max(settings.sync_concurrency, 1), thread_name_prefix="lanterne-sync")
