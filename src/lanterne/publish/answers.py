"""JSON `lines` pages kept in each web worker for the minute we already tell caches they may keep them.

Every answer says `Cache-Control: public, max-age=60`: any proxy between a reuser and us may serve it for
a minute. Most requests are repeats — a cinema's site embeds its week, each visitor's browser asks for
it, a reuser's script polls the same URLs — and a page costs 1–5 ms of SQL and encoding each time.
This keeps the bytes of a page, keyed by its URL (the API key aside), for at most that minute and only
while the dataset's last update is the one it was built from: a sync makes every kept page of the
dataset stale at once, as it changes the ETag. Each worker keeps its own pages (a page is rebuilt once a
minute per worker at most); nothing kept here is shared state, so two workers agree with each other
and with the database as they do without it. Memory is bounded by `answer_cache_mb` (0 turns it off);
the least recently used pages go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lanterne.publish.caching import MAX_AGE_SECONDS

Headers = list[tuple[bytes, bytes]]
Key = tuple[str, str]  # (path, public query string)


@dataclass(frozen=True)
class Kept:
    """One page as sent: built from the dataset's version `stamp`, at `born` (monotonic seconds)."""

    stamp: datetime
    born: float
    headers: Headers
    body: bytes


class AnswerCache:
    """Pages by URL, fresh while their data version stands and younger than `max_age` seconds."""

    def __init__(
        self, max_bytes: int, max_age: float = MAX_AGE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes, self.max_age, self.clock = max_bytes, max_age, clock
        self.largest = max_bytes // 16  # a 10,000-row page would push out hundreds of small ones
        self.size = 0
        self._pages: OrderedDict[Key, Kept] = OrderedDict()

    def get(self, key: Key, stamp: datetime) -> Kept | None:
        kept = self._pages.get(key)
        if kept is None:
            return None
        if kept.stamp != stamp or self.clock() - kept.born >= self.max_age:
            self._forget(key)
            return None
        self._pages.move_to_end(key)
        return kept

    def put(self, key: Key, stamp: datetime, headers: Headers, body: bytes) -> None:
        if len(body) > self.largest:
            return
        if key in self._pages:
            self._forget(key)
        self._pages[key] = Kept(stamp, self.clock(), headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            self._forget(next(iter(self._pages)))

    def _forget(self, key: Key) -> None:
        self.size -= len(self._pages.pop(key).body)

    def __len__(self) -> int:
        return len(self._pages)
