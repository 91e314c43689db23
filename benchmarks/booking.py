"""Booking under load, on SQLite and PostgreSQL: 64 concurrent clients race for a 10-seat stock (exactly 10
bookings must win), then 64 clients book an unlimited stock for a while (sustained bookings/s).

Two ways, both printed: over HTTP against `lanterne serve` (a separate uvicorn process, one worker), and
by direct domain calls (`bookings.book`) from 64 threads. E-mails are queued in the outbox by each
booking; the outbox is then delivered to a local SMTP sink and timed separately.

    .venv/bin/python benchmarks/booking.py [--seconds 8] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from lanterne.booking.beneficiaries import BeneficiaryInput, create_beneficiary
from lanterne.booking.bookings import book
from lanterne.booking.models import Booking, Stock
from lanterne.booking.offers import ManualOffer, create_offer
from lanterne.booking.outbox import deliver
from lanterne.booking.policy import PassPolicy
from lanterne.booking.venues import VenueInput, create_venue
from lanterne.db import make_engine, normalize_url
from lanterne.errors import LanterneError
from lanterne.migrations import upgrade
from lanterne.settings import Settings
from lanterne.stand_ins.server import free_port

CLIENTS = 64
RICH = PassPolicy(credit_cents=100_000_000)
SHOW = datetime.now(UTC) + timedelta(days=7)


class Sink:
    """An SMTP server that accepts every message and counts them."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.count += 1
        return "250 OK"


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    name = f"lanterne_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_url(url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(engine: Engine, quantity: int | None, number: int) -> tuple[int, list[int], list[str]]:
    """A venue with one stock and 64 young people with a large credit; returns stock, ids, tokens."""
    siret = luhn_complete(f"732829320{number:04d}")
    venue, _ = create_venue(engine, VenueInput(siret=siret, name=f"Bench {number}", booking_email="c@b.fr"))
    _offer, stock = create_offer(engine, venue, ManualOffer("Séance", SHOW, 500, quantity))
    young = [
        create_beneficiary(engine, BeneficiaryInput("A", "B", f"b{number}-{n}@x.fr"), RICH)
        for n in range(CLIENTS)
    ]
    return stock, [y[0] for y in young], [y[1] for y in young]


def luhn_complete(prefix: str) -> str:
    """Append the Luhn digit that makes a SIRET valid."""
    for digit in "0123456789":
        total = sum(
            (v - 9 if v > 9 else v)
            for v in (int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(prefix + digit)))
        )
        if total % 10 == 0:
            return prefix + digit
    raise AssertionError(prefix)


def together(work: Callable[[int], None]) -> float:
    """Run work(i) in 64 threads released at once; return the elapsed seconds."""
    barrier = threading.Barrier(CLIENTS + 1)

    def run(index: int) -> None:
        barrier.wait()
        work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def counted(engine: Engine, stock: int) -> tuple[int, int]:
    with engine.connect() as connection:
        booked = connection.scalar(select(Stock.booked).where(Stock.id == stock))
        rows = connection.scalar(select(func.count()).where(Booking.stock_id == stock))
    return int(booked or 0), int(rows or 0)


def http_attempt(url: str, token: str, stock: int, client: httpx.Client) -> bool:
    response = client.post(
        f"{url}/api/v1/pass/bookings", json={"stock_id": stock}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code == 201


def direct_attempt(engine: Engine, young: int, stock: int) -> bool:
    try:
        book(engine, young, stock)
        return True
    except LanterneError:
        return False


def race_and_sustain(attempt: Callable[[int, int], bool], engine: Engine, seconds: float, n: int) -> str:
    race_stock, _ids, _tokens = STOCKS[n]
    wins: list[bool] = []
    race_time = together(lambda i: wins.append(attempt(i, race_stock)))
    booked, rows = counted(engine, race_stock)
    ok = "OK" if (sum(wins), booked, rows) == (10, 10, 10) else "OVERSOLD/UNDERSOLD"
    open_stock = STOCKS[n + 1][0]
    done = [0] * CLIENTS
    deadline = time.perf_counter() + seconds

    def keep_booking(i: int) -> None:
        while time.perf_counter() < deadline:
            done[i] += attempt(i, open_stock)

    elapsed = together(keep_booking)
    return (
        f"race: {sum(wins)} of {CLIENTS} won, stock booked={booked}, rows={rows} [{ok}] in {race_time:.2f} s;"
        " "
        f"sustained: {sum(done)} bookings in {elapsed:.1f} s = {sum(done) / elapsed:.0f} bookings/s"
    )


STOCKS: dict[int, tuple[int, list[int], list[str]]] = {}


@contextmanager
def served(url: str, smtp_port: int) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "LANTERNE_DATABASE_URL": url,
        "LANTERNE_SCHEDULER": "false",
        "LANTERNE_SMTP_PORT": str(smtp_port),
        "LANTERNE_SMTP_HOST": "127.0.0.1",
        "LANTERNE_RATE_LIMIT_ANONYMOUS": "0",  # the public-API limiter (publish) would cap one IP at 600/min
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "lanterne"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def bench(label: str, url: str, seconds: float, sink_port: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    for n in range(1, 5):
        STOCKS[n] = prepare(engine, 10 if n in (1, 3) else None, n)
    ids = {stock: young for stock, young, _tokens in STOCKS.values()}
    tokens = {stock: tokens for stock, _young, tokens in STOCKS.values()}
    settings = Settings(database_url=url, smtp_port=sink_port, smtp_host="127.0.0.1")
    with served(url, sink_port) as base:
        clients = [httpx.Client(timeout=60) for _ in range(CLIENTS)]
        line = race_and_sustain(
            lambda i, stock: http_attempt(base, tokens[stock][i], stock, clients[i]), engine, seconds, 1
        )
        print(f"{label:10} HTTP   {line}", flush=True)
        for client in clients:
            client.close()
    line = race_and_sustain(lambda i, stock: direct_attempt(engine, ids[stock][i], stock), engine, seconds, 3)
    print(f"{label:10} direct {line}", flush=True)
    started = time.perf_counter()
    delivered = deliver(engine, settings)
    elapsed = time.perf_counter() - started
    print(
        f"{label:10} outbox {delivered} booking e-mail pairs delivered in {elapsed:.1f} s "
        f"= {delivered / elapsed:.0f} bookings/s (one worker, 2 SMTP messages each)",
        flush=True,
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("LANTERNE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print(f"{CLIENTS} concurrent clients; e-mails to a local SMTP sink; {os.cpu_count()} CPU(s)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            bench("SQLite", f"sqlite:///{folder}/bench.db", args.seconds, port)
        with postgres_database(args.postgres) as url:
            bench("PostgreSQL", url, args.seconds, port)
    finally:
        controller.stop()
    print(f"e-mails received by the sink: {sink.count}")


if __name__ == "__main__":
    main()
