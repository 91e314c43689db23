"""The collector's lean path: quick checks that agree with the full parse, the bare ASGI endpoint served
by uvicorn with Redis, and the pipelined Redis connection it admits batches through."""

from __future__ import annotations

import asyncio
import copy
import os
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import orjson
import pytest
import redis
import uvloop
from sqlalchemy import Engine, func, select
from tests.audience.conftest import HUMAN_UA

from lanterne.app import create_app
from lanterne.audience import participation
from lanterne.audience.collector import check_batch, parse_batch
from lanterne.audience.consent import Choice, record
from lanterne.audience.intake import Intake
from lanterne.audience.models import Event, Participation
from lanterne.audience.queue import BatchQueue, flush
from lanterne.errors import InvalidValue
from lanterne.publish.ratelimit import counter_store
from lanterne.redis_pipe import RedisPipe, ReplyError, parse_reply
from lanterne.runtime import Runtime
from lanterne.stand_ins.server import serve_in_thread

ORIGIN = "https://www.lebalzac.example"
REDIS_URL = os.environ.get("LANTERNE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="LANTERNE_TEST_REDIS_URL is not set")


def event(**extra: object) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "type": "page_view", "ts": int(time.time() * 1000), "url": "/a", **extra}


def batch(events: int = 2) -> dict[str, object]:
    return {
        "site": "s",
        "receipt": str(uuid.uuid4()),
        "visitor": str(uuid.uuid4()),
        "events": [event() for _ in range(events)],
    }


Change = Callable[[dict], None]  # type: ignore[type-arg]
CHANGES: list[Change] = [
    lambda b: None,
    lambda b: b.update(wd=True),
    lambda b: b.update(visitor=str(b["visitor"]).upper()),  # another spelling: accepted, normalized
    lambda b: b.update(receipt="{" + str(b["receipt"]) + "}"),
    lambda b: b.update(visitor=7),
    lambda b: b.update(visitor="me"),
    lambda b: b.update(events=[]),
    lambda b: b.update(events=[event() for _ in range(21)]),
    lambda b: b.update(events={"0": event()}),
    lambda b: b["events"].append("page_view"),
    lambda b: b["events"][1].update(type="scroll"),
    lambda b: b["events"][1].update(type=["page_view"]),  # unhashable: refused, not a crash
    lambda b: b["events"][1].update(ts=True),
    lambda b: b["events"][1].update(ts="1700000000000"),
    lambda b: b["events"][1].update(ts=1e300),
    lambda b: b["events"][1].update(ts=-5.5),
    lambda b: b["events"][1].update(url="x" * 2001),
    lambda b: b["events"][1].update(url="https://[::1/films"),
    lambda b: b["events"][1].update(url="https://::1]/films"),
    lambda b: b["events"][1].update(url="https://[::1]/films"),
    lambda b: b["events"][1].update(url="https://cinéma.example/films?utm_source=n&q=secret"),
    lambda b: b["events"][1].update(url=None, film=None),
    lambda b: b["events"][1].update(film=0),
    lambda b: b["events"][1].update(film=True),
    lambda b: b["events"][1].update(film=42),
    lambda b: b["events"][1].update(id=None),
    lambda b: b["events"][1].update(id=str(uuid.uuid4()).replace("-", "")),
    lambda b: b["events"][1].update(email_sha256="ab" * 32),
    lambda b: b["events"][1].update(type="booking_completed", email_sha256="ab" * 32),
    lambda b: b["events"][1].update(phone_sha256=None),
]


@pytest.mark.parametrize("change", CHANGES)
def test_the_quick_check_accepts_and_refuses_exactly_what_the_full_parse_does(change: Change) -> None:
    body = batch()
    change(body)
    try:
        parsed = parse_batch(copy.deepcopy(body))
    except InvalidValue as refused:
        with pytest.raises(InvalidValue) as checked:
            check_batch(body)
        assert (checked.value.field, checked.value.row) == (refused.field, refused.row)
    else:
        assert check_batch(body) == (parsed.visitor_id, parsed.automated, len(parsed.events))


def test_replies_split_across_reads_wait_for_their_end() -> None:
    whole = b":1\r\n$5\r\nhello\r\n-NOSCRIPT missing\r\n$-1\r\n"
    replies, start = [], 0
    for cut in range(len(whole) + 1):  # whatever the TCP segments, the same replies come out
        replies, start = [], 0
        buffer = whole[:cut]
        while True:
            reply, after = parse_reply(buffer, start)
            if after == start:
                break
            replies.append(reply)
            start = after
        buffer = buffer[start:] + whole[cut:]
        start = 0
        while start < len(buffer):
            reply, start = parse_reply(buffer, start)
            replies.append(reply)
        assert [type(r) for r in replies] == [int, bytes, ReplyError, type(None)]
        assert replies[:2] == [1, b"hello"]


@needs_redis
def test_the_pipe_answers_requests_in_order_and_reconnects_after_a_lost_connection() -> None:
    options = redis.Redis.from_url(str(REDIS_URL)).connection_pool.connection_kwargs
    pipe = RedisPipe(options)
    key = f"lanterne:test:{uuid.uuid4().hex}"

    async def scenario() -> list[object]:
        counts = await asyncio.gather(*(pipe.call("INCR", key) for _ in range(50)))
        name = await pipe.call("CLIENT", "GETNAME")
        await pipe.call("CLIENT", "SETNAME", "lanterne-test-pipe")
        killer = redis.Redis.from_url(str(REDIS_URL))
        for client in killer.client_list():
            if client["name"] == "lanterne-test-pipe":
                killer.client_kill_filter(_id=client["id"])
        await asyncio.sleep(0.1)
        again = await pipe.call("INCR", key)  # a new connection, on the same database
        with pytest.raises(ReplyError):
            await pipe.call("INCR", "lanterne:test:not-a-number", "extra")
        await pipe.call("DEL", key)
        return [sorted(counts) == list(range(1, 51)), counts == list(range(1, 51)), name, again]

    assert uvloop.run(scenario()) == [True, True, None, 51]


@pytest.fixture
def site(cinema_site: Participation, engine: Engine) -> Participation:
    return participation.join(engine, cinema_site.cinema_id, ["lebalzac.example"], None, None)


@pytest.fixture
def queued_app(runtime: Runtime, engine: Engine) -> Iterator[tuple[str, BatchQueue]]:
    """The production path: uvicorn (uvloop, httptools), the bare endpoint, a queue in Redis."""
    if not REDIS_URL:
        pytest.skip("LANTERNE_TEST_REDIS_URL is not set")
    runtime.settings.redis_url = REDIS_URL
    runtime.settings.audience_batches_per_visitor = 3
    queue = BatchQueue(redis.Redis.from_url(REDIS_URL), key=f"lanterne:test:{uuid.uuid4().hex}")
    app = create_app(runtime=runtime)
    app.state.audience_intake = Intake(engine, counter_store(runtime), runtime.settings, queue)
    with serve_in_thread(app) as url:
        yield url, queue
    queue.client.delete(queue.key)


def test_over_http_batches_are_queued_limited_then_stored(
    engine: Engine, site: Participation, queued_app: tuple[str, BatchQueue]
) -> None:
    url, queue = queued_app
    visitor, receipt = str(uuid.uuid4()), str(uuid.uuid4())
    choice = Choice(site.site_key, receipt, True, ("audience",), "banner", "2026-11", visitor)
    record(engine, choice, site.cinema_id)
    headers = {"Origin": ORIGIN, "User-Agent": HUMAN_UA, "Content-Type": "text/plain;charset=UTF-8"}

    def post(content: object, **extra: str) -> httpx.Response:
        body = orjson.dumps(
            {"site": site.site_key, "visitor": visitor, "receipt": receipt, "events": content}
        )
        return httpx.post(f"{url}/audience/collect", content=body, headers={**headers, **extra})

    with httpx.Client() as client:  # one kept-alive connection, as from a reverse proxy
        answers = [
            client.post(
                f"{url}/audience/collect",
                content=orjson.dumps(
                    {
                        "site": site.site_key,
                        "visitor": visitor,
                        "receipt": receipt,
                        "events": [event(), event()],
                    }
                ),
                headers=headers,
            )
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [204, 204, 204, 429]  # 3 batches a minute for a visitor
    assert answers[0].headers["access-control-allow-origin"] == "*"
    assert answers[3].json()["error"].startswith("trop de lots")
    assert len(queue) == 3
    refused = post([event(), event(type="scroll")])
    assert refused.status_code == 400 and (refused.json()["field"], refused.json()["row"]) == ("type", 1)
    assert post([event()], **{"User-Agent": "Googlebot/2.1"}).status_code == 204  # a bot is told nothing
    assert post([event()], Origin="https://evil.example").status_code == 403
    assert len(queue) == 3
    assert flush(engine, queue) == 6
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Event)) == 6


def test_a_body_too_large_is_refused_even_without_a_length(live_app: str, site: Participation) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000

    answer = httpx.post(f"{live_app}/audience/collect", content=chunks(), headers={"Origin": ORIGIN})
    assert answer.status_code == 413
    assert httpx.get(f"{live_app}/audience/collect").status_code in (404, 405)  # only POST is collected
