"""What happens to a request from the tag before anything is stored: size, origin, bots, rate limits.

Every answer to the tag is the same 204 whether an event was kept or dropped as a bot or duplicate:
a bot learns nothing. Malformed batches get a 400 naming the field, for the cinemas' developers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import orjson
import redis
from sqlalchemy import Engine, select

from lanterne.audience import collector, consent
from lanterne.audience.models import Participation
from lanterne.audience.participation import allowed_origin
from lanterne.audience.queue import BatchQueue
from lanterne.db import utcnow
from lanterne.errors import Forbidden, InvalidValue, LanterneError
from lanterne.publish.ratelimit import CounterStore, counter_store
from lanterne.runtime import Runtime
from lanterne.settings import Settings

SITE_CACHE_SECONDS = 60.0


class TooLarge(LanterneError):
    status_code = 413


class TooMany(LanterneError):
    status_code = 429


@dataclass(frozen=True)
class Site:
    cinema_id: int
    domains: list[str]
    active: bool


@dataclass(frozen=True)
class Request:
    body: bytes
    origin: str | None
    user_agent: str | None
    ip: str


class Intake:
    """One per web worker; its only state is a short read cache of sites (never a counter)."""

    def __init__(
        self, engine: Engine, counters: CounterStore, settings: Settings, queue: BatchQueue | None = None
    ) -> None:
        self.engine, self.counters, self.secret, self.queue = engine, counters, settings.secret_key, queue
        self.per_address = settings.audience_batches_per_address
        self.per_visitor = settings.audience_batches_per_visitor
        self._sites: dict[str, tuple[float, Site | None]] = {}

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> Intake:
        """One intake per web worker; with Redis, batches are queued for the worker's flusher to store."""
        queue = None
        if runtime.settings.redis_url:
            queue = BatchQueue(redis.Redis.from_url(runtime.settings.redis_url, socket_timeout=2))
        return cls(runtime.engine, counter_store(runtime), runtime.settings, queue)

    def site(self, key: str) -> Site:
        cached = self._sites.get(key)
        if cached is None or time.monotonic() - cached[0] > SITE_CACHE_SECONDS:
            query = select(Participation.cinema_id, Participation.domains, Participation.active).where(
                Participation.site_key == key
            )
            with self.engine.connect() as connection:
                found = connection.execute(query).first()
            cached = (time.monotonic(), Site(*found) if found else None)
            self._sites[key] = cached
        if cached[1] is None or not cached[1].active:
            raise Forbidden("site inconnu ou inactif")
        return cached[1]

    def checked(self, request: Request) -> tuple[dict[str, object], Site]:
        if len(request.body) > collector.MAX_BYTES:
            raise TooLarge(f"lot de {len(request.body)} octets, {collector.MAX_BYTES} au plus")
        try:
            body = orjson.loads(request.body)
        except orjson.JSONDecodeError:
            raise InvalidValue("corps", "JSON invalide") from None
        if not isinstance(body, dict):
            raise InvalidValue("corps", "un objet JSON est attendu")
        site = self.site(str(body.get("site", ""))[:40])
        if not allowed_origin(site.domains, request.origin):
            raise Forbidden("origine non autorisée pour ce site")
        return body, site

    def _limit(self, client: str, limit: int, now: datetime) -> None:
        if self.counters.hit(client, int(now.timestamp() // 60)) > limit:
            raise TooMany("trop de lots, réessayez dans une minute")

    async def collect(self, request: Request, now: datetime | None = None) -> int:
        """Events accepted from one batch (0 for bots; refused consent and duplicates drop at storage)."""
        now = now or utcnow()
        body, _ = self.checked(request)
        if self.queue is None:  # the embedded setup: parsed and stored at once
            batch = collector.parse_batch(body)
            if collector.is_bot(request.user_agent, batch.automated):
                return 0
            for counter, limit in self._limits(request.ip, batch.visitor_id, now):
                self._limit(counter, limit, now)
            return collector.store(self.engine, batch, now)
        # Checked only: the flusher parses the batch again when it stores it, off the request's path.
        visitor, automated, events = collector.check_batch(body)
        if collector.is_bot(request.user_agent, automated):
            return 0  # answered like anyone, and costs nothing to store
        limits = [(f"lanterne:{key}", limit) for key, limit in self._limits(request.ip, visitor, now)]
        if not await self.queue.admit(request.body, now, limits):  # counted and queued in one round trip
            raise TooMany("trop de lots, réessayez dans une minute")
        return events

    def _limits(self, ip: str, visitor: str, now: datetime) -> list[tuple[str, int]]:
        address = collector.ip_hash(ip, self.secret, now.date().isoformat())
        return [(f"aud:ip:{address}", self.per_address), (f"aud:v:{visitor}", self.per_visitor)]

    def consent(self, request: Request, now: datetime | None = None) -> str:
        body, site = self.checked(request)
        now = now or utcnow()
        self._limit(
            f"aud:ip:{collector.ip_hash(request.ip, self.secret, now.date().isoformat())}",
            self.per_address,
            now,
        )
        return consent.record(self.engine, consent.parse_choice(body), site.cinema_id, now)
