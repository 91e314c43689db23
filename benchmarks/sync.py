"""Benchmark of the national sync: N cinemas × D days of demo programme served by the Ciné Office (CDS)
stand-in on loopback, synced into SQLite and PostgreSQL. Prints showtimes/s for a first sync, a no-op
re-sync (with the rows it wrote: must be 0) and a 5 % change.

    .venv/bin/python benchmarks/sync.py                 # 2,000 cinemas × 28 days (~1 M séances)
    .venv/bin/python benchmarks/sync.py --cinemas 200   # quicker

The stand-in runs in its own process with every answer prepared before the clock starts, so the
figures measure Lanterne (fetch, parse, repair, compare, write), not the stand-in's generator.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import uvicorn
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.collect.fetching import parsing_processes
from lanterne.collect.sync import sync_all
from lanterne.db import make_engine, normalize_url
from lanterne.demo.world import demo_world
from lanterne.migrations import upgrade
from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.stand_ins.cds import CdsBoxOffice, create_app, payloads_of
from lanterne.stand_ins.server import free_port

TOKEN = "bench-token"
SEED = 2026


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


# ---------------------------------------------------------------- the stand-in process


def serve(port: int, cinemas: int, days: int, films: int, start: date) -> None:
    """Prepare every account's payloads, then serve CDS plus `/_change?share=` and `/_revert`."""
    world = demo_world(SEED, cinemas, films, start)
    office = CdsBoxOffice()
    accounts = {
        str(cinema.id): payloads_of(world.programme(cinema.id, start, days), str(cinema.id), office.zone)
        for cinema in world.cinemas
    }
    shows = [show for payloads in accounts.values() for show in payloads["shows"]]
    changed: list[tuple[dict[str, Any], str]] = []

    def encode() -> None:  # a real box office answers from memory: so does the stand-in
        for account_id, payloads in accounts.items():
            office.add_account(account_id, TOKEN, payloads, encoded=True)

    encode()
    vendor = create_app(office)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in ("/_change", "/_revert", "/_ready"):  # untimed
            request = Request(scope, receive)
            if scope["path"] == "/_change":
                share = float(request.query_params.get("share", "0.05"))
                changed.extend(move_a_minute(shows, share))
                encode()
            elif scope["path"] == "/_revert":
                for show, original in changed:
                    show["showtime"] = original
                changed.clear()
                encode()
            await PlainTextResponse(f"{len(shows)} {len(changed)}")(scope, receive, send)
            return
        await vendor(scope, receive, send)

    asgi: ASGIApp = app
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def move_a_minute(shows: list[dict[str, Any]], share: float) -> list[tuple[dict[str, Any], str]]:
    """Every 1/share-th séance starts a minute later (or earlier at :59): a box office's correction."""
    step = max(round(1 / share), 1)
    moved = []
    for show in shows[::step]:
        original = show["showtime"]  # 2026-11-23T20:30:00.000+0100
        minute = int(original[14:16])
        show["showtime"] = f"{original[:14]}{minute + 1 if minute < 59 else 58:02d}{original[16:]}"
        moved.append((show, original))
    return moved


def start_stand_in(args: argparse.Namespace, start: date) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(port), "--cinemas", str(args.cinemas)]
    command += ["--days", str(args.days), "--films", str(args.films), "--start", start.isoformat()]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        try:
            shows = int(httpx.get(f"{url}/_ready", timeout=5).text.split()[0])
            return process, url
        except httpx.HTTPError:
            assert process.poll() is None, "the stand-in died"
            time.sleep(0.5)
    del shows
    raise RuntimeError("the stand-in never became ready")


# ---------------------------------------------------------------- the runs


def prepare_database(url: str, world: Any, stand_in: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    rows = []
    for cinema in world.cinemas:
        row = cinema.row(SEED, world.created)
        settings = {"account_id": str(cinema.id), "api_url": f"{stand_in}/{{account_id}}", "api_token": TOKEN}
        row |= {
            "connector": "cds",
            "publish_consent": True,
            "connector_settings": settings | {"cinema_id": str(cinema.id)},
        }
        rows.append(row)
    with engine.begin() as connection:
        connection.execute(insert(Cinema), rows)
    return engine


def digest(engine: Engine) -> str:
    """Every stored séance and film, hashed: equal digests before and after mean 0 rows written."""
    hasher = hashlib.sha256()
    with engine.connect() as connection:
        for table, key in ((Showtime.__table__, Showtime.id), (Film.__table__, Film.id)):
            for row in connection.execution_options(yield_per=20_000).execute(select(table).order_by(key)):
                hasher.update(repr(tuple(row)).encode())
    return hasher.hexdigest()


def lanterne_cpu() -> float:
    """CPU seconds of this process and of its finished children (the parsing processes, reaped when
    the sync ends; the stand-in still runs, so it is not counted): the run's cost on an idle machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_sync(runtime: Runtime, label: str) -> dict[str, Any]:
    began, cpu = time.perf_counter(), lanterne_cpu()
    results = sync_all(runtime)
    seconds, cpu = time.perf_counter() - began, lanterne_cpu() - cpu
    seen = sum(r.inserted + r.updated + r.unchanged for r in results)
    figures = {
        "run": label,
        "seconds": seconds,
        "cpu": cpu,
        "showtimes": seen,
        "per_second": seen / seconds if seconds else 0.0,
        "inserted": sum(r.inserted for r in results),
        "updated": sum(r.updated for r in results),
        "cancelled": sum(r.cancelled for r in results),
        "written": sum(r.written for r in results),
        "failed": sum(r.status == "failed" for r in results),
        "rejected": sum(len(r.rejected) for r in results),
    }
    print(
        f"  {label:<10} {seconds:7.1f} s (CPU {cpu:5.1f} s)  {figures['per_second']:9,.0f} séances/s  "
        f"({seen:,} séances; +{figures['inserted']:,} ~{figures['updated']:,} x{figures['cancelled']:,}; "
        f"rows written {figures['written']:,}; failed {figures['failed']}, rejected {figures['rejected']})",
        flush=True,
    )
    return figures


def bench_database(name: str, url: str, world: Any, stand_in: str, args: argparse.Namespace) -> None:
    print(f"{name}:", flush=True)
    engine = prepare_database(url, world, stand_in)
    settings = Settings(
        database_url=url,
        sync_days=args.days,
        sync_concurrency=args.concurrency,
        sync_processes=args.processes,
    )
    runtime = Runtime(settings, _engine=engine)
    timed_sync(runtime, "first")
    before = digest(engine)
    noop = timed_sync(runtime, "no-op")
    unchanged = digest(engine) == before
    print(f"  no-op rows written: {noop['written']} (stored séances and films identical: {unchanged})")
    httpx.post(f"{stand_in}/_change", params={"share": args.change}, timeout=60)
    timed_sync(runtime, f"{args.change:.0%} change")
    httpx.post(f"{stand_in}/_revert", timeout=60)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(Showtime)).scalar()
    print(f"  stored séances: {total:,}", flush=True)
    engine.dispose()


def postgres_database(admin_url: str) -> str:
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS lanterne_bench_sync WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE lanterne_bench_sync"))
    admin.dispose()
    return make_url(normalize_url(admin_url)).set(database="lanterne_bench_sync").render_as_string(False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cinemas", type=int, default=2000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--films", type=int, default=1200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=-1, help="LANTERNE_SYNC_PROCESSES (-1: one per core, 0: threads)"
    )
    parser.add_argument("--change", type=float, default=0.05)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LANTERNE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    args = parser.parse_args()
    start = date.fromisoformat(args.start) if args.start else paris_today()
    if args.serve:
        serve(args.serve, args.cinemas, args.days, args.films, start)
        return
    world = demo_world(SEED, args.cinemas, args.films, start)
    began = time.perf_counter()
    process, stand_in = start_stand_in(args, start)
    print(
        f"{args.cinemas} cinemas × {args.days} days, CDS stand-in ready in "
        f"{time.perf_counter() - began:.0f} s; "
        f"{os.cpu_count()} cores, concurrency {args.concurrency}, parsing processes "
        f"{parsing_processes(Settings(sync_processes=args.processes), args.cinemas)}",
        flush=True,
    )
    try:
        for name in args.databases.split(","):
            if name == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    bench_database("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", world, stand_in, args)
            elif name == "postgresql":
                bench_database("PostgreSQL", postgres_database(args.postgres_url), world, stand_in, args)
    finally:
        process.terminate()
        process.wait(30)


if __name__ == "__main__":
    main()
