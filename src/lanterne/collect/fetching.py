"""Asking each consenting cinema's source for its window, in threads or in parsing processes, and
preparing the answer there: repaired, and reduced to one small tuple per séance — what the single
writer compares with what is stored, and all that crosses back from a process.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from lanterne.catalog.models import Cinema
from lanterne.collect.attach import connector_settings, redact
from lanterne.collect.clean import cinema_timezone, clean_programme
from lanterne.collect.connectors.interface import ConnectorContext
from lanterne.collect.connectors.registry import create
from lanterne.collect.http import make_client
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window
from lanterne.db import utcnow
from lanterne.settings import Settings

# A séance as compared and stored, after its film: the fields a vendor controls, in this order.
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
Row = tuple[Any, ...]  # COMPARED without film_id


@dataclass(frozen=True)
class Target:
    """A cinema to synchronise: its source, settings, time zone and programme window."""

    cinema_id: int
    connector: str
    settings: dict[str, Any]
    zone: str
    window: Window


@dataclass
class Prepared:
    """A repaired programme as the engine compares it. `rows`: séance id → (film's vendor id, row);
    `unusable`: ids of séances sent but rejected — not vanished, their last good version stays."""

    films: list[FilmRecord] = field(default_factory=list)
    rows: dict[str, tuple[str, Row]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    unusable: set[str] = field(default_factory=set)
    sent: int = 0
    cursor: str | None = None
    partial: bool = False


@dataclass
class Fetched:
    started_at: datetime
    prepared: Prepared | None = None
    error: str | None = None


def row_of(show: ShowtimeRecord) -> Row:
    return (
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


def prepare(programme: Programme, zone: str) -> Prepared:
    """Repair the programme (clean.py) and keep, per séance, the tuple the engine compares."""
    cleaned = clean_programme(programme, zone)
    rows = {show.external_id: (show.film_external_id, row_of(show)) for show in cleaned.showtimes}
    sent = {str(show.external_id).strip() for show in programme.showtimes}
    return Prepared(
        cleaned.films, rows, cleaned.rejected, sent - rows.keys(), len(programme.showtimes),
        programme.cursor, programme.partial,
    )  # fmt: skip


def window_for(zone: str, now: datetime, days: int) -> Window:
    """Today in the cinema's own calendar (Réunion is ahead of Paris) and the `days - 1` after."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return Window(today, today + timedelta(days=max(days, 1) - 1))


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
        Target(row.id, row.connector, dict(row.connector_settings or {}), zone,
               window_for(zone, now, settings.sync_days))
        for row in rows
        for zone in (cinema_timezone(row.department),)
    ]  # fmt: skip


def fetch(target: Target, settings: Settings) -> Fetched:
    """Ask the cinema's source for its window and prepare it; any failure is captured, never raised."""
    started_at = utcnow()
    try:
        with make_client(settings.sync_timeout) as client:
            # `attempts` is how connectors learn LANTERNE_SYNC_RETRIES; a cinema's own value wins
            values = {"attempts": settings.sync_retries, **connector_settings(target.settings)}
            context = ConnectorContext(values, client, target.zone)
            programme = create(target.connector, context).fetch(target.window)
        return Fetched(started_at, prepared=prepare(programme, target.zone))
    except Exception as exc:  # a vendor's failure is this cinema's, never the night's
        return Fetched(started_at, error=redact(f"{type(exc).__name__}: {exc}", target.settings))


def fetch_all(chosen: list[Target], settings: Settings) -> Iterator[tuple[Target, Fetched]]:
    """Fetched programmes in order, with at most twice the concurrency held in memory."""
    workers = max(settings.sync_concurrency, 1)
    with fetch_pool(settings, len(chosen)) as pool:
        pending: list[tuple[Target, Future[Fetched]]] = []
        for target in chosen:
            pending.append((target, pool.submit(fetch, target, settings)))
            if len(pending) >= workers * 2:
                first, future = pending.pop(0)
                yield first, future.result()
        for target, future in pending:
            yield target, future.result()


def parsing_processes(settings: Settings, cinemas: int) -> int:
    """`sync_processes`, or when it is -1 (the default) one per core for a run worth a process start."""
    if settings.sync_processes >= 0:
        return settings.sync_processes
    return (os.cpu_count() or 1) if cinemas >= PROCESSES_FROM else 0


PROCESSES_FROM = 50  # spawning a process costs ~0.5 s: a handful of cinemas parse faster in threads


FEW_COLLECTIONS = (100_000, 50, 100)  # CPython's default is (700, 10, 10)


@contextmanager
def few_collections() -> Iterator[None]:
    """A national sync allocates millions of short-lived, acyclic objects (decoded JSON, records,
    tuples): at the default thresholds the cycle collector runs thousands of times over everything
    alive, doubling the cost of decoding a vendor's answer. Raised while the sync runs."""
    before = gc.get_threshold()
    gc.set_threshold(*FEW_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _parsing_process(parent: int) -> None:
    gc.set_threshold(*FEW_COLLECTIONS)  # the process only parses: for its whole life
    threading.Thread(target=_end_with, args=(parent,), name="lanterne-parent", daemon=True).start()


def _end_with(parent: int) -> None:
    """A sync killed outright (SIGKILL) cannot stop its parsing processes: they notice and stop."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def fetch_pool(settings: Settings, cinemas: int) -> Executor:
    """Threads hide vendors' latency; parsing their answers is CPU work the GIL serialises, so a
    national sync parses in processes (spawned: safe beside a web server's threads), leaving the
    writer's process to compare and write."""
    processes = parsing_processes(settings, cinemas)
    if processes > 0:
        spawn = get_context("spawn")
        return ProcessPoolExecutor(processes, spawn, initializer=_parsing_process, initargs=(os.getpid(),))
    return ThreadPoolExecutor(max(settings.sync_concurrency, 1), thread_name_prefix="lanterne-sync")
