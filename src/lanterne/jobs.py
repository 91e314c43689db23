"""Scheduled jobs that run once however many web workers there are: a lease row per job in the database.

Each job has a next due time; a process claims it with one conditional UPDATE (atomic on SQLite and
PostgreSQL), runs it, then sets the next due time. A process that dies mid-job loses its lease when
it expires, and another takes the job over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, String, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


class JobLease(Base):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(2000))


@dataclass(frozen=True)
class Job:
    """A named task; `daily_at` is a Europe/Paris wall-clock time, else it runs every `every`."""

    name: str
    run: Callable[[], object]
    daily_at: time | None = None
    every: timedelta | None = None
    lease: timedelta = timedelta(hours=2)

    def next_due(self, after: datetime) -> datetime:
        if self.daily_at is None:
            return after + (self.every or timedelta(hours=1))
        local = after.astimezone(PARIS)
        candidate = datetime.combine(local.date(), self.daily_at, tzinfo=PARIS)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), self.daily_at, tzinfo=PARIS)
        return candidate


def _ensure_row(engine: Engine, job: Job, now: datetime) -> None:
    with engine.begin() as connection:
        if connection.execute(select(JobLease.name).where(JobLease.name == job.name)).first():
            return
        with suppress(IntegrityError):  # another worker created it first
            connection.execute(insert(JobLease).values(name=job.name, due_at=job.next_due(now)))


def claim(engine: Engine, job: Job, now: datetime) -> bool:
    """Take the job's lease if it is due and nobody holds it; True when this process must run it."""
    _ensure_row(engine, job, now)
    with engine.begin() as connection:
        claimed = connection.execute(
            update(JobLease)
            .where(
                and_(
                    JobLease.name == job.name,
                    JobLease.due_at <= now,
                    or_(JobLease.leased_until.is_(None), JobLease.leased_until < now),
                )
            )
            .values(leased_until=now + job.lease, last_started_at=now)
        )
        return claimed.rowcount == 1


def finish(engine: Engine, job: Job, now: datetime, error: str | None = None) -> None:
    """Release the lease; the next due time counts from `now`, the clock the run was claimed on."""
    with engine.begin() as connection:
        connection.execute(
            update(JobLease)
            .where(JobLease.name == job.name)
            .values(leased_until=None, last_finished_at=now, due_at=job.next_due(now), last_error=error)
        )


def run_due(engine: Engine, jobs: list[Job], now: datetime | None = None) -> list[str]:
    """Run every due job this process could claim; return their names."""
    ran = []
    for job in jobs:
        clock = now or utcnow()
        if not claim(engine, job, clock):
            continue
        error = None
        try:
            job.run()
        except Exception as exc:  # a failing job must not stop the others
            log.exception("job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finish(engine, job, now or utcnow(), error)
        ran.append(job.name)
    return ran
