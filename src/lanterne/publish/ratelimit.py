"""Per-client rate limits of the open API: 600 requests a minute by IP, 1,200 with an API key.

Counters live where every web worker sees them — Redis when configured (one script call per request,
INCR and EXPIRE, sent on the worker's event loop through `redis_pipe` so that the round trip blocks
nobody), else one atomic upsert in the database — never in a process's memory. Windows are fixed
calendar minutes: a refused client is told, in `Retry-After`, how many seconds remain in the minute.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

import orjson
import redis
from sqlalchemy import Engine, case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from lanterne.publish import apikeys
from lanterne.publish.models import RateLimitCounter
from lanterne.redis_pipe import RedisPipe, ReplyError, Script
from lanterne.runtime import Runtime

log = logging.getLogger(__name__)
# The audience collector keeps its own limits (per address hash and per visitor): see audience/intake.py.
# The portal's assets (a map page loads dozens at once) and the audience tag's beacons, sent by
# every visitor's browser of a member cinema's site, are not open-data reads.
EXEMPT_PREFIXES = ("/static/", "/audience/")
EXEMPT_PATHS = frozenset({"/health", "/static", "/audience"})
KEY_CACHE_SECONDS = 60
WINDOW_KEPT_SECONDS = 120
COUNT = Script("""
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
""")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Clock = Callable[[], float]


class CounterStore(Protocol):
    def hit(self, client: str, minute: int) -> int:
        """Count one request of `client` in `minute`; return its requests so far in that minute."""

    async def count(self, client: str, minute: int) -> int:
        """`hit` for a request on the event loop: the wait for the store lets other requests run."""

    async def key_valid(self, hashed: str) -> bool: ...


class RedisCounters:
    """Counters in Redis; key validity cached there a minute (revocation takes effect within it).

    `hit` serves the synchronous callers (agenda sign-in, audience tag routes); the open API's
    middleware uses `count` and `key_valid`, which go through the event loop's pipe."""

    def __init__(self, client: redis.Redis, engine: Engine, namespace: str = "lanterne:rl") -> None:
        self.redis, self.engine, self.namespace = client, engine, namespace
        self.pipe = RedisPipe.beside(client)

    def hit(self, client: str, minute: int) -> int:
        name = f"{self.namespace}:{client}:{minute}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, WINDOW_KEPT_SECONDS)
        hits, _ = pipe.execute()
        return int(hits)

    async def count(self, client: str, minute: int) -> int:
        hits = await COUNT.run(self.pipe, [f"{self.namespace}:{client}:{minute}"], [WINDOW_KEPT_SECONDS])
        return int(hits)  # type: ignore[call-overload]

    async def key_valid(self, hashed: str) -> bool:
        name = f"{self.namespace}:key:{hashed}"
        cached = await self.pipe.call(b"GET", name)
        if cached is not None:
            return cached == b"1"
        valid = apikeys.is_valid(self.engine, hashed)
        await self.pipe.call(b"SET", name, b"1" if valid else b"0", b"EX", KEY_CACHE_SECONDS)
        return valid


class DatabaseCounters:
    """Counters in the `rate_limit_counters` table: one upsert per request, atomic on both databases."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def hit(self, client: str, minute: int) -> int:
        first = self.insert(RateLimitCounter).values(client=client, minute=minute, hits=1)
        same_minute = RateLimitCounter.minute == first.excluded.minute
        counted = first.on_conflict_do_update(
            index_elements=[RateLimitCounter.client],
            set_={
                "hits": case((same_minute, RateLimitCounter.hits + 1), else_=1),
                "minute": first.excluded.minute,
            },
        ).returning(RateLimitCounter.hits)
        with self.engine.begin() as connection:
            return int(connection.execute(counted).scalar_one())

    async def count(self, client: str, minute: int) -> int:
        return self.hit(client, minute)  # the embedded setup: one short write, on the loop

    async def key_valid(self, hashed: str) -> bool:
        return apikeys.is_valid(self.engine, hashed)


def counter_store(runtime: Runtime) -> CounterStore:
    url = runtime.settings.redis_url
    if url:
        return RedisCounters(redis.Redis.from_url(url, socket_timeout=0.5), runtime.engine)
    return DatabaseCounters(runtime.engine)


def forget_old_counters(engine: Engine, now: float | None = None) -> int:
    """Delete database counters of past minutes (the scheduled job keeps the table small)."""
    minute = int((now or time.time()) // 60)
    stale = delete(RateLimitCounter).where(RateLimitCounter.minute < minute - 1)
    with engine.begin() as connection:
        return connection.execute(stale).rowcount


@dataclass(frozen=True)
class Verdict:
    """What to do with one request: 200 lets it through; 401 (bad key) and 429 answer at once."""

    status: int
    limit: int
    remaining: int
    retry_after: int
    message: str = ""


class RateLimits:
    """Judges each request against its client's counter in the shared store."""

    def __init__(self, store: CounterStore, engine: Engine, anonymous: int, keyed: int, clock: Clock) -> None:
        self.store, self.engine, self.clock = store, engine, clock
        self.anonymous, self.keyed = anonymous, keyed

    async def judge(self, ip: str, key: str | None) -> Verdict:
        now = self.clock()
        retry_after = max(1, math.ceil(60 - now % 60))
        limit = self.keyed if key else self.anonymous
        if limit <= 0:  # 0 turns the limit off (e.g. behind a gateway that limits already)
            return Verdict(200, 0, 0, retry_after)
        try:
            hashed = apikeys.key_hash(key) if key else ""
            if key and not await self.store.key_valid(hashed):
                return Verdict(401, limit, 0, 0, "clé d'API (x-apiKey) inconnue ou révoquée")
            hits = await self.store.count(f"key:{hashed[:32]}" if key else f"ip:{ip}", int(now // 60))
            if key and hits == 1:
                apikeys.mark_used(self.engine, hashed)
        except (redis.RedisError, ReplyError, SQLAlchemyError, OSError, TimeoutError):  # outage: let through
            log.exception("rate-limit store unavailable; request let through")
            return Verdict(200, limit, limit, retry_after)
        if hits > limit:
            message = f"trop de requêtes : {limit} par minute ; réessayez dans {retry_after} s"
            return Verdict(429, limit, 0, retry_after, message)
        return Verdict(200, limit, limit - hits, retry_after)


def is_exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


def api_key(scope: Scope) -> str | None:
    """The key from the `x-apiKey` header (Data Fair's), else from the `apiKey` query parameter."""
    for name, value in scope.get("headers", ()):
        if name == b"x-apikey":
            return str(value.decode("latin-1").strip()) or None
    query: bytes = scope.get("query_string", b"")
    if b"apiKey=" in query:
        values = parse_qs(query.decode("latin-1")).get("apiKey")
        return values[0] if values else None
    return None


def client_ip(scope: Scope) -> str:
    """The peer address (uvicorn's --proxy-headers puts the real client here behind a proxy)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def refuse(send: Send, verdict: Verdict) -> None:
    body = orjson.dumps({"error": verdict.message, "status": verdict.status})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if verdict.status == 429:
        headers += [(b"retry-after", str(verdict.retry_after).encode()), *_limit_headers(verdict)]
    await send({"type": "http.response.start", "status": verdict.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _limit_headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(verdict.limit).encode()),
        (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
    ]


class RateLimitMiddleware:
    """Pure ASGI middleware: one counter operation per request, then the app, with the limit headers."""

    def __init__(
        self, app: ASGIApp, runtime: Runtime, clock: Clock = time.time, store: CounterStore | None = None
    ) -> None:
        self.app, self.runtime, self.clock, self.store = app, runtime, clock, store
        self._limits: RateLimits | None = None

    @property
    def limits(self) -> RateLimits:
        if self._limits is None:  # built on the first request: no connection is opened at import
            settings = self.runtime.settings
            store = self.store or counter_store(self.runtime)
            self._limits = RateLimits(
                store, self.runtime.engine, settings.rate_limit_anonymous, settings.rate_limit_key, self.clock
            )
        return self._limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        verdict = await self.limits.judge(client_ip(scope), api_key(scope))
        if verdict.status != 200:
            await refuse(send, verdict)
            return
        extra = _limit_headers(verdict) if verdict.limit else []

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_limits)
