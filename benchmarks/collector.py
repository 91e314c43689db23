"""Audience collector under open-loop load on loopback, on PostgreSQL.

`lanterne serve` (one web worker) and `lanterne worker` (which stores the queued batches) run in their
own processes, with Redis, against a fresh database with one participating cinema and 2,000 consented
visitors. Requests leave at fixed times whatever the answers (open loop), and latency counts from the
scheduled time, so queuing shows instead of being hidden.
Batches carry 5 events. Prints p50/p99 at 500 events/s sustained and 2,000 events/s in a burst
(targets: p99 < 20 ms and < 50 ms), then steps the rate up to find where the collector saturates.

Usage: LANTERNE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test [WEB_WORKERS=2] \
       python benchmarks/collector.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, func, insert, select, text

from lanterne.audience import participation
from lanterne.audience.models import ConsentReceipt, Event, Visitor
from lanterne.catalog.models import Cinema
from lanterne.db import make_engine, normalize_url
from lanterne.migrations import upgrade
from lanterne.stand_ins.server import free_port

DATABASE = "lanterne_bench_collector"
EVENTS_PER_BATCH = 5
VISITORS = 2000
ORIGIN = "https://www.cinema.example"
accepted = [0]  # events answered 204, to check they all reach the database
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def prepare(base_url: str) -> tuple[str, str, list[tuple[str, str]]]:
    admin = create_engine(normalize_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {DATABASE}"))
    url = normalize_url(base_url).rsplit("/", 1)[0] + "/" + DATABASE
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(Cinema).values(
                id=1000035, cnc_region=1, cnc_number=35, name="Le Balzac", connector_settings={}
            )
        )
    site = participation.join(engine, 1000035, ["cinema.example"], None, None)
    now = datetime.now(UTC)
    people = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(VISITORS)]
    with engine.begin() as connection:
        connection.execute(
            insert(Visitor),
            [{"id": v, "cinema_id": 1000035, "first_seen_at": now, "last_seen_at": now} for v, _ in people],
        )
        connection.execute(
            insert(ConsentReceipt),
            [
                {
                    "id": r,
                    "cinema_id": 1000035,
                    "visitor_id": v,
                    "granted": True,
                    "share_with_partners": False,
                    "purposes": ["audience"],
                    "source": "banner",
                    "policy_version": "2026-11",
                    "recorded_at": now,
                    "expires_at": now + timedelta(days=183),
                }
                for v, r in people
            ],
        )
    engine.dispose()
    return url, site.site_key, people


def batch(site: str, person: tuple[str, str]) -> bytes:
    now = int(time.time() * 1000)
    events = [
        {"id": str(uuid.uuid4()), "type": "page_view", "ts": now, "url": "https://www.cinema.example/films"}
        for _ in range(EVENTS_PER_BATCH)
    ]
    return orjson.dumps({"site": site, "visitor": person[0], "receipt": person[1], "events": events})


async def run_load(
    url: str, site: str, people: list[tuple[str, str]], events_per_second: float, seconds: float
) -> tuple[list[float], int, int]:
    """Fire batches at fixed intervals; return latencies (ms, from the scheduled time), errors, sent."""
    rate = events_per_second / EVENTS_PER_BATCH
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    headers = {"Origin": ORIGIN, "User-Agent": UA, "Content-Type": "text/plain"}
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=10) as client:
        start = time.perf_counter() + 0.05

        async def one(i: int) -> None:
            nonlocal errors
            scheduled = start + i / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            try:
                answer = await client.post("/audience/collect", content=batch(site, people[i % len(people)]))
                if answer.status_code != 204:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            else:
                accepted[0] += EVENTS_PER_BATCH if answer.status_code == 204 else 0
            latencies.append((time.perf_counter() - scheduled) * 1000)

        await asyncio.gather(*(one(i) for i in range(total)))
    return latencies, errors, total


def report(
    label: str, latencies: list[float], errors: int, sent: int, seconds: float, target: float | None
) -> float:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    verdict = "" if target is None else ("  ✓" if p99 < target else f"  ✗ (target {target:.0f} ms)")
    print(
        f"  {label:<34} {sent * EVENTS_PER_BATCH / seconds:8.0f} ev/s  p50 {p50:6.1f} ms  p99 {p99:7.1f} ms"
        f"  errors {errors}{verdict}"
    )
    return p99


def main() -> None:
    base = os.environ.get("LANTERNE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    database_url, site, people = prepare(base)
    port = free_port()
    env = {
        **os.environ,
        "LANTERNE_DATABASE_URL": database_url,
        "LANTERNE_SCHEDULER": "false",
        "LANTERNE_REDIS_URL": os.environ.get("LANTERNE_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "LANTERNE_AUDIENCE_BATCHES_PER_ADDRESS": "100000000",
        "LANTERNE_AUDIENCE_BATCHES_PER_VISITOR": "100000",
    }
    lanterne = str(Path(sys.executable).with_name("lanterne"))
    workers = os.environ.get("WEB_WORKERS", "1")  # scale out: several stateless web workers
    server = subprocess.Popen([lanterne, "serve", "--port", str(port), "--workers", workers], env=env)
    worker = subprocess.Popen([lanterne, "worker"], env=env)  # drains the queue, as in production
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        asyncio.run(run_load(url, site, people, 200, 2))  # warm-up
        print(f"Audience collector on PostgreSQL, {EVENTS_PER_BATCH} events per batch, open loop:")
        report("sustained 500 events/s for 20 s", *asyncio.run(run_load(url, site, people, 500, 20)), 20, 20)
        report("burst 2,000 events/s for 5 s", *asyncio.run(run_load(url, site, people, 2000, 5)), 5, 50)
        print("Saturation (5 s steps; saturated when p99 > 100 ms or errors):")
        best = 0.0
        for rate in (1000, 2000, 3000, 4000, 6000, 8000):
            latencies, errors, sent = asyncio.run(run_load(url, site, people, rate, 5))
            p99 = report(f"offered {rate:,} events/s", latencies, errors, sent, 5, None)
            if p99 > 100 or errors:
                break
            best = rate
        print(f"  saturation: about {best:,.0f} events/s sustained with p99 under 100 ms")
        engine = make_engine(database_url)
        drained_at = time.perf_counter()
        while True:  # the flusher stores the queued batches in bulk, off the requests' path
            with engine.connect() as connection:
                stored = connection.scalar(select(func.count()).select_from(Event)) or 0
            if stored >= accepted[0] or time.perf_counter() - drained_at > 120:
                break
            time.sleep(0.5)
        print(
            f"  events stored by the flusher: {stored:,} of {accepted[0]:,} accepted "
            f"({time.perf_counter() - drained_at:.1f} s after the last request)"
        )
        engine.dispose()
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
