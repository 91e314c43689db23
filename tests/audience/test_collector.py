"""The collector over real HTTP, on SQLite and PostgreSQL: what is stored, what is refused, and why."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import orjson
import pytest
import redis
from sqlalchemy import Engine, func, select
from tests.audience.conftest import HUMAN_UA

from lanterne.audience import participation
from lanterne.audience.collector import parse_batch, store_many
from lanterne.audience.consent import Choice, record
from lanterne.audience.identifiers import hashed_email
from lanterne.audience.intake import Intake, TooMany
from lanterne.audience.intake import Request as TagRequest
from lanterne.audience.models import ConsentReceipt, Event, Participation, Visitor
from lanterne.audience.queue import BatchQueue, flush
from lanterne.db import utcnow
from lanterne.publish.ratelimit import counter_store
from lanterne.runtime import Runtime

ORIGIN = "https://www.lebalzac.example"


@pytest.fixture
def site(cinema_site: Participation, engine: Engine) -> Participation:
    return participation.join(engine, cinema_site.cinema_id, ["lebalzac.example"], None, None)


def post(url: str, path: str, body: object, origin: str = ORIGIN, agent: str = HUMAN_UA) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return httpx.post(
        f"{url}{path}",
        content=content,
        headers={"Origin": origin, "User-Agent": agent, "Content-Type": "text/plain"},
    )


def consent(url: str, key: str, visitor: str | None, purposes: list[str]) -> str:
    receipt = str(uuid.uuid4())
    body = {"site": key, "receipt": receipt, "source": "banner", "purposes": purposes, "policy": "2026-11"}
    if visitor:
        body["visitor"] = visitor
    assert post(url, "/audience/consent", body).status_code == 204
    return receipt


def event(kind: str = "page_view", **extra: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "ts": int(time.time() * 1000),
        "url": "https://x/a?utm_source=n&q=s",
        **extra,
    }


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_a_consented_batch_is_stored_once_and_traces_back_to_its_receipt(
    engine: Engine, live_app: str, site: Participation
) -> None:
    visitor = str(uuid.uuid4())
    receipt = consent(live_app, site.site_key, visitor, ["audience"])
    batch = {
        "site": site.site_key,
        "receipt": receipt,
        "visitor": visitor,
        "events": [event(), event("film_page", film=7)],
    }
    assert post(live_app, "/audience/collect", batch).status_code == 204
    assert post(live_app, "/audience/collect", batch).status_code == 204  # the same event ids again
    with engine.connect() as connection:
        rows = connection.execute(select(Event.receipt_id, Event.path, Event.campaign)).all()
    assert len(rows) == 2 and {r.receipt_id for r in rows} == {receipt}
    assert rows[0].path == "/a" and rows[0].campaign == {"utm_source": "n"}


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (lambda b: b.update(events=[event() for _ in range(21)]), 400, "events"),
        (lambda b: b["events"][0].update(type="scroll"), 400, "type"),
        (lambda b: b.update(visitor="me"), 400, "visitor"),
        (lambda b: b["events"][0].update(email_sha256="a@b.fr"), 400, "email_sha256"),
    ],
)
def test_malformed_batches_are_refused_naming_the_field(
    engine: Engine,
    live_app: str,
    site: Participation,
    change,
    status: int,
    field: str,  # type: ignore[no-untyped-def]
) -> None:
    batch = {
        "site": site.site_key,
        "receipt": str(uuid.uuid4()),
        "visitor": str(uuid.uuid4()),
        "events": [event()],
    }
    change(batch)
    answer = post(live_app, "/audience/collect", batch)
    assert (answer.status_code, answer.json()["field"]) == (status, field)


def test_size_origin_and_consent_are_enforced(engine: Engine, live_app: str, site: Participation) -> None:
    visitor = str(uuid.uuid4())
    receipt = consent(live_app, site.site_key, visitor, ["audience"])
    batch = {"site": site.site_key, "receipt": receipt, "visitor": visitor, "events": [event()]}
    assert post(live_app, "/audience/collect", b"x" * 5000).status_code == 413
    assert post(live_app, "/audience/collect", batch, origin="https://evil.example").status_code == 403
    assert post(live_app, "/audience/collect", {**batch, "site": "unknown"}).status_code == 403
    other = str(uuid.uuid4())  # someone else's receipt: accepted on the wire, stored nowhere
    assert post(live_app, "/audience/collect", {**batch, "visitor": other}).status_code == 204
    refused = consent(live_app, site.site_key, None, [])
    assert post(live_app, "/audience/collect", {**batch, "receipt": refused}).status_code == 204
    assert count(engine, Event) == 0
    assert post(live_app, "/audience/collect", batch, agent="Googlebot/2.1").status_code == 204
    assert post(live_app, "/audience/collect", {**batch, "wd": True}).status_code == 204
    assert count(engine, Event) == 0  # bots dropped silently


def test_contacts_are_kept_only_with_the_sharing_consent(
    engine: Engine, live_app: str, site: Participation
) -> None:
    digest = hashed_email(" Anne@Example.org ")
    for purposes in (["audience"], ["audience", "share_with_partners"]):
        visitor = str(uuid.uuid4())
        receipt = consent(live_app, site.site_key, visitor, purposes)
        batch = {
            "site": site.site_key,
            "receipt": receipt,
            "visitor": visitor,
            "events": [event("booking_completed", email_sha256=digest)],
        }
        assert post(live_app, "/audience/collect", batch).status_code == 204
    with engine.connect() as connection:
        kept = (
            connection.execute(select(Visitor.email_sha256).order_by(Visitor.first_seen_at)).scalars().all()
        )
    assert sorted(kept, key=str) == sorted([None, digest], key=str)


def test_the_collector_rate_limits_one_address(
    engine: Engine, runtime: Runtime, live_app: str, site: Participation
) -> None:
    runtime.settings.audience_batches_per_address = 10  # the live app reads it on its first tag request
    visitor = str(uuid.uuid4())
    receipt = consent(live_app, site.site_key, visitor, ["audience"])
    answers = [
        post(
            live_app,
            "/audience/collect",
            {"site": site.site_key, "receipt": receipt, "visitor": str(uuid.uuid4()), "events": [event()]},
        ).status_code
        for _ in range(25)
    ]
    # Windows are calendar minutes: even if the run straddles two, they accept at most 10 each, the
    # consent included, so of these 25 batches at least 6 are refused; the first 9 always pass.
    assert answers[:9] == [204] * 9 and answers.count(429) >= 6


def test_a_refusal_is_stored_as_an_anonymous_receipt(
    engine: Engine, live_app: str, site: Participation
) -> None:
    consent(live_app, site.site_key, None, [])
    with engine.connect() as connection:
        assert connection.execute(select(ConsentReceipt.granted, ConsentReceipt.visitor_id)).one() == (
            False,
            None,
        )


@pytest.fixture
def queued(runtime: Runtime) -> Iterator[str]:
    """The production path: batches go through Redis and a flusher thread stores them."""
    url = os.environ.get("LANTERNE_TEST_REDIS_URL")
    if not url:
        pytest.skip("LANTERNE_TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(url)
    key = f"lanterne:test:{uuid.uuid4().hex}"
    runtime.settings.redis_url = url
    yield key
    client.delete(key)


def test_with_redis_batches_are_queued_then_stored_in_bulk(
    engine: Engine, runtime: Runtime, site: Participation, queued: str
) -> None:
    queue = BatchQueue(redis.Redis.from_url(str(runtime.settings.redis_url)), key=queued)
    intake = Intake(engine, counter_store(runtime), runtime.settings, queue)
    visitor = str(uuid.uuid4())
    receipt = consent_direct(engine, site, visitor)
    for _ in range(3):
        body = orjson.dumps(
            {"site": site.site_key, "receipt": receipt, "visitor": visitor, "events": [event(), event()]}
        )
        assert asyncio.run(intake.collect(TagRequest(body, ORIGIN, HUMAN_UA, "203.0.113.7"))) == 2
    assert count(engine, Event) == 0 and len(queue) == 3  # nothing written on the request's path
    assert flush(engine, queue) == 6
    assert count(engine, Event) == 6 and len(queue) == 0


def consent_direct(engine: Engine, site: Participation, visitor: str) -> str:
    receipt = str(uuid.uuid4())
    choice = Choice(site.site_key, receipt, True, ("audience",), "banner", "2026-11", visitor)
    return record(engine, choice, site.cinema_id)


def test_with_redis_the_limits_and_the_queue_are_one_atomic_step(
    engine: Engine, runtime: Runtime, site: Participation, queued: str
) -> None:
    runtime.settings.audience_batches_per_visitor = 2
    queue = BatchQueue(redis.Redis.from_url(str(runtime.settings.redis_url)), key=queued)
    intake = Intake(engine, counter_store(runtime), runtime.settings, queue)
    visitor = str(uuid.uuid4())
    receipt = consent_direct(engine, site, visitor)

    def send() -> int:
        body = orjson.dumps(
            {"site": site.site_key, "receipt": receipt, "visitor": visitor, "events": [event()]}
        )
        address = f"198.51.100.{uuid.uuid4().int % 200}"
        return asyncio.run(intake.collect(TagRequest(body, ORIGIN, HUMAN_UA, address)))

    assert [send(), send()] == [1, 1]
    with pytest.raises(TooMany):
        send()
    assert len(queue) == 2  # the refused batch was not queued


def test_a_visitor_seen_again_keeps_its_contact_and_duplicates_are_not_counted(
    engine: Engine, site: Participation
) -> None:
    """The flusher's bulk writes (arrays on PostgreSQL, executemany on SQLite) agree on both databases."""
    visitor = str(uuid.uuid4())
    receipt = str(uuid.uuid4())
    choice = Choice(
        site.site_key, receipt, True, ("audience", "share_with_partners"), "banner", "2026-11", visitor
    )
    record(engine, choice, site.cinema_id)
    digest = hashed_email("anne@example.org")
    bought = event("booking_completed", email_sha256=digest)
    first, later = utcnow() - timedelta(minutes=30), utcnow()

    def contact() -> tuple[object, ...]:
        with engine.connect() as connection:
            return tuple(
                connection.execute(
                    select(Visitor.email_sha256, Visitor.contact_at, Visitor.last_seen_at)
                ).one()
            )

    def store_at(events: list[dict[str, object]], now: datetime) -> int:
        body = {"site": site.site_key, "receipt": receipt, "visitor": visitor, "events": events}
        return store_many(engine, [(parse_batch(body), now)])

    assert store_at([bought, event("film_page", film=7)], first) == 2
    assert store_at([event(url=None)], later) == 1  # no contact this time: the known one stays
    assert contact() == (digest, first, later)
    again = later + timedelta(seconds=1)
    assert store_at([bought], again) == 0  # the purchase again: not counted, its contact refreshed
    assert contact() == (digest, again, again)
    with engine.connect() as connection:
        kinds = connection.execute(
            select(Event.kind, Event.film_id, Event.campaign).order_by(Event.kind)
        ).all()
    assert [(k.kind, k.film_id, k.campaign) for k in kinds] == [
        ("booking_completed", None, {"utm_source": "n"}),
        ("film_page", 7, {"utm_source": "n"}),
        ("page_view", None, None),
    ]
