"""The sync engine: fetch each consenting cinema's programme window, repair it, and apply the
difference with what is stored in one transaction per cinema — inserted, updated, cancelled, never
deleted. An unchanged night writes no showtime at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, select, update

from lanterne.bulk import insert_rows
from lanterne.catalog.models import Cinema, Showtime
from lanterne.collect.attach import REPLACED_SOURCES
from lanterne.collect.clean import cinema_timezone, day_bounds
from lanterne.collect.fetching import (
    COMPARED,
    Fetched,
    Prepared,
    Row,
    Target,
    fetch,
    fetch_all,
    few_collections,
    prepare,
    targets,
    window_for,
)
from lanterne.collect.films import FilmMemo, chunks, known_films, resolve_films
from lanterne.collect.programme import Programme, Rejected, Window
from lanterne.collect.runs import close_run, mark_interrupted, open_run, record_failure, sync_transaction
from lanterne.db import utcnow
from lanterne.runtime import Runtime

__all__ = ["SyncResult", "apply_programme", "store", "sync_all", "sync_cinema", "window_for"]
log = logging.getLogger(__name__)
SHOWTIMES = cast(Table, Showtime.__table__)
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


def apply_programme(
    engine: Engine,
    cinema_id: int,
    connector_name: str,
    programme: Programme | Prepared,
    *,
    now: datetime,
    window: Window,
    zone: str | None = None,
    started_at: datetime | None = None,
    memo: FilmMemo | None = None,
) -> SyncResult:
    """Store a fetched (or pushed) programme: one run, one transaction; a failure rolls the cinema
    back to its last good programme and is recorded on the run."""
    zone = zone or _zone_of(engine, cinema_id)
    result = SyncResult(cinema_id, connector_name)
    result.run_id = open_run(engine, cinema_id, connector_name, started_at or now)
    memo = memo if memo is not None else FilmMemo()
    try:
        prepared = programme if isinstance(programme, Prepared) else prepare(programme, zone)
        with sync_transaction(engine) as connection:
            filled = _apply(connection, result, prepared, zone, window, now, memo)
            result.status = close_run(connection, result.run_id, utcnow(), result.counts(), result.rejected)
        memo.learn(filled)  # only once committed: a rolled-back cinema filled nothing
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
    prepared: Prepared,
    zone: str,
    window: Window,
    now: datetime,
    memo: FilmMemo,
) -> dict[int, frozenset[str]]:
    """Returns what the films now hold, for the memo once committed."""
    cinema_id, source = result.cinema_id, result.connector
    resolution = resolve_films(connection, cinema_id, source, prepared.films, now, memo)
    result.rejected += prepared.rejected + resolution.rejected
    result.written += resolution.written
    fetched = _rows(connection, result, prepared, resolution.film_ids)
    start, end = day_bounds(window.start, window.end, zone)
    stored = _stored(connection, cinema_id, source, start, fetched)
    inserts, updates = _differences(fetched, stored, result)
    keeps_all = _keeps_all(prepared, fetched)
    cancels = [] if keeps_all else _vanished(prepared, stored, max(start, now), end)
    result.inserted, result.updated, result.cancelled = len(inserts), len(updates), len(cancels)
    result.written += _write(connection, cinema_id, source, inserts, updates, cancels, now)
    _settle_settings(connection, result, prepared.cursor, retire=not keeps_all, now=now)
    return resolution.filled


def _rows(
    connection: Connection, result: SyncResult, prepared: Prepared, film_ids: dict[str, int]
) -> dict[str, Row]:
    """external id → the compared tuple; a séance whose film is unknown or ambiguous is rejected."""
    missing = sorted({film for film, _ in prepared.rows.values()} - film_ids.keys())
    if missing:  # a delta's séance may name a film sent on an earlier night
        film_ids = {**film_ids, **known_films(connection, result.cinema_id, result.connector, missing)}
    rows: dict[str, Row] = {}
    for external_id, (film, row) in prepared.rows.items():
        film_id = film_ids.get(film)
        if film_id is None:
            reason = f"film {film} absent, illisible ou ambigu"
            result.rejected.append(Rejected(f"séance {external_id}", "film_external_id", reason))
            continue
        rows[external_id] = (film_id, *row)
    return rows


def _stored(
    connection: Connection, cinema_id: int, source: str, start: datetime, fetched: dict[str, Row]
) -> dict[str, tuple[int, Row]]:
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
    fetched: dict[str, Row], stored: dict[str, tuple[int, Row]], result: SyncResult
) -> tuple[list[Row], list[tuple[int, Row]]]:
    inserts: list[Row] = []
    updates: list[tuple[int, Row]] = []
    for external_id, row in fetched.items():
        known = stored.get(external_id)
        if known is None:
            inserts.append((external_id, *row))
        elif known[1] != row:
            updates.append((known[0], row))
    result.unchanged = len(fetched) - len(inserts) - len(updates)
    return inserts, updates


def _keeps_all(prepared: Prepared, fetched: dict[str, Row]) -> bool:
    """Cancel nothing from a delta (EMS), nor when every séance sent was unusable: garbage from a
    vendor must not wipe a cinema's last good programme."""
    return prepared.partial or (prepared.sent > 0 and not fetched)


def _vanished(
    prepared: Prepared, stored: dict[str, tuple[int, Row]], start: datetime, end: datetime
) -> list[int]:
    """Stored future séances of the window the vendor no longer announces. A séance it still sends
    but that we rejected is not gone: its last good version stays."""
    starts, status = COMPARED.index("starts_at"), COMPARED.index("status")
    return [
        row_id
        for external_id, (row_id, row) in stored.items()
        if external_id not in prepared.rows
        and external_id not in prepared.unusable
        and row[status] == "scheduled"
        and start <= row[starts] < end
    ]


INSERTED = ("external_id", *COMPARED)


def _write(
    connection: Connection,
    cinema_id: int,
    source: str,
    inserts: list[Row],
    updates: list[tuple[int, Row]],
    cancels: list[int],
    now: datetime,
) -> int:
    """Bulk writes: new séances through the driver (COPY on PostgreSQL: a first national sync inserts a
    million), one executemany UPDATE, one UPDATE … IN per chunk."""
    if inserts:
        common = {"cinema_id": cinema_id, "source": source, "first_seen_at": now, "last_seen_at": now}
        insert_rows(
            connection, SHOWTIMES, [{**common, **dict(zip(INSERTED, row, strict=True))} for row in inserts]
        )
    if updates:
        values: dict[str, Any] = {name: bindparam(f"b_{name}") for name in COMPARED}
        statement = update(SHOWTIMES).where(SHOWTIMES.c.id == bindparam("b_id"))
        parameters = [
            {"b_id": row_id, **{f"b_{name}": value for name, value in zip(COMPARED, row, strict=True)}}
            for row_id, row in updates
        ]
        connection.execute(statement.values({**values, "last_seen_at": now}), parameters)
    for part in chunks(cancels):
        connection.execute(update(SHOWTIMES).where(SHOWTIMES.c.id.in_(part)).values(status="cancelled"))
    return len(inserts) + len(updates) + len(cancels)


def _settle_settings(
    connection: Connection, result: SyncResult, cursor: str | None, *, retire: bool, now: datetime
) -> None:
    """Lanterne's own keys in the cinema's settings, saved with the data they describe (same
    transaction): an incremental source's position, and the sources this one replaced — whose future
    séances are cancelled once the new source's programme is stored (not from garbage)."""
    query = select(Cinema.connector, Cinema.connector_settings).where(Cinema.id == result.cinema_id)
    row = connection.execute(query).first()
    settings = dict((row.connector_settings if row else None) or {})
    replaced = settings.get(REPLACED_SOURCES)
    changed = cursor is not None and settings.get("cursor") != cursor
    if cursor is not None:
        settings["cursor"] = cursor
    if replaced and retire and row is not None and row.connector == result.connector:
        retired = connection.execute(
            update(SHOWTIMES)
            .where(SHOWTIMES.c.cinema_id == result.cinema_id, SHOWTIMES.c.source.in_(replaced))
            .where(SHOWTIMES.c.status == "scheduled", SHOWTIMES.c.starts_at >= now)
            .values(status="cancelled")
        ).rowcount
        result.cancelled += retired
        result.written += retired
        del settings[REPLACED_SOURCES]
        changed = True
    if changed:
        connection.execute(
            update(Cinema).where(Cinema.id == result.cinema_id).values(connector_settings=settings)
        )
        result.written += 1


def store(
    engine: Engine, target: Target, fetched: Fetched, now: datetime, memo: FilmMemo | None = None
) -> SyncResult:
    """Write what was fetched, or record why nothing could be."""
    if fetched.prepared is None:
        error = fetched.error or "aucun programme"
        run_id = record_failure(
            engine, target.cinema_id, target.connector, fetched.started_at, utcnow(), error
        )
        return SyncResult(target.cinema_id, target.connector, run_id, "failed", error=error)
    return apply_programme(
        engine,
        target.cinema_id,
        target.connector,
        fetched.prepared,
        now=now,
        window=target.window,
        zone=target.zone,
        started_at=fetched.started_at,
        memo=memo,
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
    memo = FilmMemo()  # what the night's films already hold: most cinemas then read no film row
    results = []
    with few_collections():
        for target, fetched in fetch_all(chosen, runtime.settings):
            result = store(runtime.engine, target, fetched, now, memo)
            results.append(result)
            if progress is not None:
                progress(result, len(chosen))
    return results
