"""The collector's buffer in Redis: a request only appends its batch; a flusher stores them in bulk.

The flusher runs in `lanterne worker` (or the worker thread of `lanterne serve`), off the web workers'
event loops; several may run, taking batches with an atomic LPOP, so nothing is stored twice and
nothing is lost when one dies (what it had not taken stays in the list). Without Redis (the embedded
SQLite setup) batches are stored at once instead.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import cast

import orjson
import redis
from sqlalchemy import Engine

from lanterne.audience.collector import Batch, parse_batch, store_many
from lanterne.redis_pipe import RedisPipe, Script

log = logging.getLogger(__name__)
KEY = "lanterne:audience:batches"
TAKE = 500  # batches per flush: up to 10,000 events in one transaction
# Count the batch against each limit and queue it only when every limit holds: one atomic round trip
# per request instead of three (two counters and the push), which the collector's benchmark needed.
ADMIT = Script("""
local over = 0
for i = 1, #KEYS - 1 do
  local hits = redis.call('INCR', KEYS[i])
  if hits == 1 then redis.call('EXPIRE', KEYS[i], 120) end
  if hits > tonumber(ARGV[i]) then over = 1 end
end
if over == 0 then redis.call('RPUSH', KEYS[#KEYS], ARGV[#ARGV]) end
return over
""")


class BatchQueue:
    """Web workers admit batches through a pipelined connection on their event loop; the flusher
    takes them with the ordinary client (the same server and database)."""

    def __init__(self, client: redis.Redis, key: str = KEY) -> None:
        self.client, self.key = client, key
        self.pipe = RedisPipe.beside(client)

    async def admit(self, body: bytes, received: datetime, limits: list[tuple[str, int]]) -> bool:
        """Count the batch against each (counter, limit) of this minute; queue it if none is exceeded."""
        minute = int(received.timestamp() // 60)
        keys = [f"{counter}:{minute}" for counter, _ in limits] + [self.key]
        args: list[bytes | str | int] = [*(limit for _, limit in limits), _entry(body, received)]
        return not await ADMIT.run(self.pipe, keys, args)

    def take(self, count: int = TAKE) -> list[tuple[Batch, datetime]]:
        raw = self.client.lpop(self.key, count) or []
        taken = []
        for item in cast(list[bytes], raw):
            stamp, _, body = item.partition(b"|")
            taken.append((parse_batch(orjson.loads(body)), datetime.fromtimestamp(int(stamp) / 1000, UTC)))
        return taken

    def __len__(self) -> int:
        return int(self.client.llen(self.key))  # type: ignore[arg-type]


def _entry(body: bytes, received: datetime) -> bytes:
    return b"%d|" % int(received.timestamp() * 1000) + body


def flush(engine: Engine, queue: BatchQueue) -> int:
    """Store what is waiting; returns the events stored."""
    stored = 0
    while batches := queue.take():
        stored += store_many(engine, batches)
    return stored


class Flusher:
    """A daemon thread draining the queue every `interval` seconds (and at once when it is long)."""

    def __init__(
        self, engine: Engine, queue: BatchQueue, interval: float = 0.5, stop: threading.Event | None = None
    ) -> None:
        self.engine, self.queue, self.interval = engine, queue, interval
        self.stop = stop or threading.Event()
        self.thread = threading.Thread(target=self._run, name="audience-flusher", daemon=True)

    def start(self) -> Flusher:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                flush(self.engine, self.queue)
            except Exception:  # a database hiccup must not kill the drain; the batches wait in Redis
                log.exception("audience flush failed")
            self.stop.wait(self.interval)
