"""The scheduled jobs of every domain, in one visible list, and the loop that runs them once.

`lanterne worker` runs this loop alone; `lanterne serve` runs it in a background thread. Either way
the database lease in `jobs.py` makes each job run once however many processes there are.
"""

from __future__ import annotations

import threading
from datetime import time, timedelta

import redis

from lanterne.agenda.pushing import push_all as push_events
from lanterne.audience.queue import BatchQueue, Flusher
from lanterne.audience.retention import enforce as enforce_retention
from lanterne.audience.segments import evaluate as evaluate_segments
from lanterne.booking.autovalidation import autovalidate
from lanterne.booking.offer_import import import_offers
from lanterne.booking.outbox import deliver
from lanterne.booking.reimbursement import reimburse_due
from lanterne.collect.sync import sync_all
from lanterne.db import utcnow
from lanterne.jobs import Job, run_due
from lanterne.publish.exports import refresh_exports
from lanterne.publish.ratelimit import forget_old_counters
from lanterne.runtime import Runtime


def scheduled_jobs(runtime: Runtime) -> list[Job]:
    """Every domain's nightly and periodic jobs. Add a domain's job here in one line."""
    hour, minute = (int(part) for part in runtime.settings.sync_time.split(":"))
    nightly = time(hour, minute)
    jobs: list[Job] = [
        Job("sync", run=lambda: sync_all(runtime), daily_at=nightly),
        Job("exports", run=lambda: refresh_exports(runtime), every=timedelta(minutes=30)),
        Job("rate-limit-counters", run=lambda: forget_old_counters(runtime.engine), every=timedelta(hours=1)),
        Job("pass-offers", run=lambda: import_offers(runtime.engine, runtime.settings), daily_at=time(5, 0)),
        Job("pass-autovalidate", run=lambda: autovalidate(runtime.engine), every=timedelta(hours=1)),
        Job("pass-reimburse", run=lambda: reimburse_due(runtime.engine), daily_at=time(6, 0)),
        Job("pass-emails", run=lambda: deliver(runtime.engine, runtime.settings), every=timedelta(minutes=1)),
        Job("audience-segments", run=lambda: evaluate_segments(runtime.engine), daily_at=time(4, 30)),
        Job("audience-retention", run=lambda: enforce_retention(runtime.engine), daily_at=time(4, 0)),
        Job("openagenda-push", run=lambda: push_events(runtime, utcnow()), every=timedelta(minutes=30)),
    ]
    return jobs


def run_worker(runtime: Runtime, stop: threading.Event | None = None, poll_seconds: float = 30.0) -> None:
    """Run the due jobs every `poll_seconds`; with Redis, also drain the audience collector's queue."""
    stop = stop or threading.Event()
    jobs = scheduled_jobs(runtime)
    if runtime.settings.redis_url:
        flusher = Flusher(
            runtime.engine, BatchQueue(redis.Redis.from_url(runtime.settings.redis_url)), stop=stop
        )
        flusher.start()
    while not stop.is_set():
        run_due(runtime.engine, jobs)
        stop.wait(poll_seconds)


def start_background(runtime: Runtime) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_worker, args=(runtime, stop), name="lanterne-jobs", daemon=True).start()
    return stop
