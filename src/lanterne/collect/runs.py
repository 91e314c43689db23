"""The sync runs' ledger: a run is opened before its cinema is written, closed in the same transaction
as its showtimes, and found "interrupted" on the next run if its process died in between."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, desc, func, insert, select, update

from lanterne.catalog.models import Cinema
from lanterne.collect.models import SyncRejection, SyncRun
from lanterne.collect.programme import Rejected
from lanterne.db import is_postgres
from lanterne.errors import NotFound

STALE_AFTER = timedelta(hours=6)  # a run of another host still "running" after this has died
RUN_COLUMNS = (
    SyncRun.id,
    SyncRun.cinema_id,
    Cinema.name.label("cinema_name"),
    SyncRun.connector,
    SyncRun.started_at,
    SyncRun.finished_at,
    SyncRun.status,
    SyncRun.inserted,
    SyncRun.updated,
    SyncRun.cancelled,
    SyncRun.unchanged,
    SyncRun.rejected,
    SyncRun.error,
)


@cache
def host() -> str:
    """Asked once: gethostname is a system call, and a run is opened per cinema."""
    return socket.gethostname()


def owner() -> str:
    return f"{host()}:{os.getpid()}"


@contextmanager
def sync_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction of the sync. On PostgreSQL its commit does not wait for the disk: a crash of the
    database server (not of Lanterne) may lose the last cinemas committed — whole, never half of one —
    which the next sync writes again; waiting would cost ~10 ms a commit, a minute a national night."""
    with engine.begin() as connection:
        if is_postgres(engine):
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        yield connection


def open_run(engine: Engine, cinema_id: int, connector: str, started_at: datetime) -> int:
    """Committed at once, so a process killed while writing the cinema leaves a trace."""
    with sync_transaction(engine) as connection:
        values = {"cinema_id": cinema_id, "connector": connector, "started_at": started_at, "owner": owner()}
        return int(connection.execute(insert(SyncRun).values(values).returning(SyncRun.id)).scalar_one())


def record_failure(
    engine: Engine, cinema_id: int, connector: str, started_at: datetime, finished_at: datetime, error: str
) -> int:
    """A source that could not be read: the run is failed and the cinema's programme untouched."""
    values = {"cinema_id": cinema_id, "connector": connector, "started_at": started_at, "owner": owner()}
    values |= {"finished_at": finished_at, "status": "failed", "error": error[:4000]}
    with sync_transaction(engine) as connection:
        return int(connection.execute(insert(SyncRun).values(values).returning(SyncRun.id)).scalar_one())


def close_run(
    connection: Connection,
    run_id: int,
    finished_at: datetime,
    counts: dict[str, int],
    rejected: Sequence[Rejected],
    error: str | None = None,
) -> str:
    """Record the outcome: ok, partial (some records rejected) or failed; returns the status."""
    status = "failed" if error else ("partial" if rejected else "ok")
    values: dict[str, Any] = {
        **counts,
        "rejected": len(rejected),
        "status": status,
        "finished_at": finished_at,
        "error": error,
    }
    connection.execute(update(SyncRun).where(SyncRun.id == run_id).values(values))
    if rejected:
        rows = [
            {"run_id": run_id, "record": r.record[:300], "field": (r.field or None), "reason": r.reason}
            for r in rejected
        ]
        connection.execute(insert(SyncRejection), rows)
    return status


def mark_interrupted(engine: Engine, now: datetime) -> int:
    """Runs left "running" by a dead process of this host, or by any host long ago, become
    "interrupted": their cinema's transaction was rolled back, so its last programme stands."""
    with engine.begin() as connection:
        running = connection.execute(
            select(SyncRun.id, SyncRun.owner, SyncRun.started_at).where(SyncRun.status == "running")
        ).all()
        dead = [run.id for run in running if _is_dead(run.owner, run.started_at, host(), now)]
        if dead:
            connection.execute(
                update(SyncRun)
                .where(SyncRun.id.in_(dead))
                .values(status="interrupted", finished_at=now, error="processus interrompu")
            )
        return len(dead)


def _is_dead(run_owner: str | None, started_at: datetime, this_host: str, now: datetime) -> bool:
    run_host, _, pid = (run_owner or "").rpartition(":")
    if run_host == this_host and pid.isdigit():
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, someone else's
            return False
        return False
    return started_at < now - STALE_AFTER


def list_runs(
    engine: Engine, *, cinema: int | None = None, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest first, for `lanterne sync status` and the API."""
    query = select(*RUN_COLUMNS).join(Cinema, Cinema.id == SyncRun.cinema_id)
    if cinema is not None:
        query = query.where(SyncRun.cinema_id == cinema)
    if status:
        query = query.where(SyncRun.status == status)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(desc(SyncRun.id)).limit(limit))
        return [dict(row._mapping) for row in rows]


def latest_runs(engine: Engine) -> list[dict[str, Any]]:
    """Each cinema's most recent run: what `lanterne sync status` shows."""
    last = select(func.max(SyncRun.id)).group_by(SyncRun.cinema_id)
    query = select(*RUN_COLUMNS).join(Cinema, Cinema.id == SyncRun.cinema_id).where(SyncRun.id.in_(last))
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query.order_by(SyncRun.cinema_id))]


def run_detail(engine: Engine, run_id: int) -> dict[str, Any]:
    """One run with its rejected records."""
    with engine.connect() as connection:
        row = connection.execute(
            select(*RUN_COLUMNS).join(Cinema, Cinema.id == SyncRun.cinema_id).where(SyncRun.id == run_id)
        ).first()
        if row is None:
            raise NotFound(f"synchronisation {run_id} inconnue")
        rejections = connection.execute(
            select(SyncRejection.record, SyncRejection.field, SyncRejection.reason)
            .where(SyncRejection.run_id == run_id)
            .order_by(SyncRejection.id)
        )
        return {**row._mapping, "rejections": [dict(r._mapping) for r in rejections]}
