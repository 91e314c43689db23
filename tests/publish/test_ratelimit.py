"""Rate limits shared by several web workers: two middleware instances (two "workers", each with its own
engine or Redis connection) count into one store, on SQLite, PostgreSQL and Redis."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from lanterne.app import create_app
from lanterne.publish import apikeys
from lanterne.publish.models import ApiKey, RateLimitCounter
from lanterne.publish.ratelimit import (
    CounterStore,
    DatabaseCounters,
    RateLimitMiddleware,
    Receive,
    RedisCounters,
    Scope,
    Send,
    forget_old_counters,
)
from lanterne.runtime import Runtime
from lanterne.settings import Settings

NOW = 1_800_000_030.0  # thirty seconds into a minute
REDIS_URL = os.environ.get("LANTERNE_TEST_REDIS_URL")


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind the middleware: always 200, so every refusal comes from the limit."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def workers() -> Iterator[list[Runtime]]:
    """The runtimes of the simulated workers, each with its own engine, closed after the test."""
    runtimes: list[Runtime] = []
    yield runtimes
    for runtime in runtimes:
        runtime.close()


def _worker(
    settings: Settings, clock: Clock, runtimes: list[Runtime], store: CounterStore | None = None
) -> TestClient:
    """One web worker: its own Runtime (so its own engine) and middleware around a tiny app."""
    runtime = Runtime(settings.model_copy(update={"rate_limit_anonymous": 5, "rate_limit_key": 8}))
    runtimes.append(runtime)
    return TestClient(RateLimitMiddleware(hello, runtime=runtime, clock=clock, store=store))


def _statuses(clients: list[TestClient], count: int, headers: dict[str, str] | None = None) -> list[int]:
    """Alternate the requests between two workers, as a load balancer would."""
    return [clients[n % 2].get("/api/v1/datasets", headers=headers).status_code for n in range(count)]


def test_database_limit_is_shared_by_two_workers(settings: Settings, workers: list[Runtime]) -> None:
    clock = Clock()
    clients = [_worker(settings, clock, workers), _worker(settings, clock, workers)]
    assert _statuses(clients, 5) == [200] * 5
    refused = clients[0].get("/api/v1/datasets")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    assert "5 par minute" in refused.json()["error"]
    clock.now += 60  # a new minute starts afresh
    answer = clients[1].get("/api/v1/datasets")
    assert answer.status_code == 200
    assert answer.headers["x-ratelimit-remaining"] == "4"


def test_api_key_doubles_the_limit_and_a_revoked_key_is_refused(
    settings: Settings, engine: Engine, workers: list[Runtime]
) -> None:
    key = apikeys.create_key(engine, "le-monde")
    clock = Clock()
    clients = [_worker(settings, clock, workers), _worker(settings, clock, workers)]
    assert _statuses(clients, 8, headers={"x-apiKey": key}) == [200] * 8
    assert clients[0].get("/api/v1/datasets", params={"apiKey": key}).status_code == 429
    assert clients[0].get("/api/v1/datasets").status_code == 200  # the anonymous count is apart
    with engine.connect() as connection:
        assert connection.execute(select(ApiKey.last_used_at)).scalar() is not None
    apikeys.revoke_key(engine, "le-monde")
    clock.now += 60
    refused = clients[1].get("/api/v1/datasets", headers={"x-apiKey": key})
    assert refused.status_code == 401
    assert clients[1].get("/", headers={"x-apiKey": "lnt_guessed"}).status_code == 401


def test_health_and_static_files_are_not_counted(settings: Settings, workers: list[Runtime]) -> None:
    client = _worker(settings, Clock(), workers)
    for _ in range(8):
        assert client.get("/health").status_code == 200
        assert client.get("/static/site.css").status_code == 200
    assert "x-ratelimit-limit" not in client.get("/health").headers
    assert client.get("/api").headers["x-ratelimit-remaining"] == "4"


def test_zero_turns_the_limit_off(runtime: Runtime) -> None:
    runtime.settings.rate_limit_anonymous = 0
    client = TestClient(RateLimitMiddleware(hello, runtime=runtime, clock=Clock()))
    assert all(client.get("/x").status_code == 200 for _ in range(10))


def test_old_counters_are_forgotten(engine: Engine) -> None:
    store = DatabaseCounters(engine)
    store.hit("ip:192.0.2.1", int(NOW // 60) - 5)
    store.hit("ip:192.0.2.2", int(NOW // 60))
    assert forget_old_counters(engine, NOW) == 1
    with engine.connect() as connection:
        assert connection.execute(select(RateLimitCounter.client)).scalars().all() == ["ip:192.0.2.2"]


@pytest.fixture
def redis_namespace() -> Iterator[tuple[str, str]]:
    """A key namespace of our own in the test Redis, deleted afterwards."""
    if not REDIS_URL:
        pytest.skip("LANTERNE_TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server at LANTERNE_TEST_REDIS_URL")
    namespace = f"lanterne-test:{uuid.uuid4().hex}"
    yield REDIS_URL, namespace
    for name in client.scan_iter(f"{namespace}:*"):
        client.delete(name)
    client.close()


def test_redis_limit_is_shared_by_two_workers(
    settings: Settings, engine: Engine, redis_namespace: tuple[str, str], workers: list[Runtime]
) -> None:
    url, namespace = redis_namespace
    key = apikeys.create_key(engine, "agenda-local")
    clock = Clock()
    stores = [RedisCounters(redis.Redis.from_url(url), engine, namespace) for _ in range(2)]
    clients = [_worker(settings, clock, workers, store) for store in stores]
    assert _statuses(clients, 6) == [200] * 5 + [429]
    assert _statuses(clients, 9, headers={"x-apiKey": key}) == [200] * 8 + [429]
    refused = clients[1].get("/x")
    assert refused.headers["retry-after"] == "30"
    apikeys.revoke_key(engine, "agenda-local")
    redis.Redis.from_url(url).delete(f"{namespace}:key:{apikeys.key_hash(key)}")  # skip the minute's cache
    assert clients[0].get("/x", headers={"x-apiKey": key}).status_code == 401


def test_the_app_limits_and_answers_429_readable_cross_origin(runtime: Runtime) -> None:
    runtime.settings.rate_limit_anonymous = 2
    if 60 - time.time() % 60 < 2:
        time.sleep(2)  # keep the three requests inside one minute
    with TestClient(create_app(runtime=runtime)) as client:
        origin = {"Origin": "https://carte.example"}
        statuses = [client.get("/api/cinemas", headers=origin).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = client.get("/api/cinemas", headers=origin)
        assert refused.headers["access-control-allow-origin"] == "*"
        assert "Retry-After" in refused.headers["access-control-expose-headers"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert client.get("/health").status_code == 200
