"""A pipelined Redis connection on the web worker's event loop, for the one call a request makes.

The audience collector (one script per batch) and the open API's rate limit (one counter per request)
each call Redis once per request. redis-py's synchronous client blocked the event loop for each round
trip — on a loaded 2-core machine half the wall time of a collector batch, during which the worker
answered nobody — and its per-command bookkeeping cost more CPU than all of the collector's checks;
its asyncio client costs more still. Both send scripts returning an integer, so this speaks just
enough of the Redis protocol (RESP2): commands are written as requests arrive, without waiting for
the previous answer, and replies, which Redis sends in order, wake the waiting requests, several per
read under load.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections import deque
from typing import Any

import redis


class ReplyError(Exception):
    """An error answered by Redis (`-NOSCRIPT …`, `-WRONGTYPE …`)."""


_INCOMPLETE = object()


def command(*parts: bytes | str | int) -> bytes:
    """One command as a RESP array of bulk strings."""
    encoded = [part if isinstance(part, bytes) else str(part).encode() for part in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%b\r\n" % (len(part), part) for part in encoded)


def parse_reply(buffer: bytes, start: int) -> tuple[object, int]:
    """The reply at `start` and where the next one begins; `_INCOMPLETE` until it has fully arrived."""
    end = buffer.find(b"\r\n", start)
    if end < 0:
        return _INCOMPLETE, start
    kind, line = buffer[start : start + 1], buffer[start + 1 : end]
    if kind == b":":
        return int(line), end + 2
    if kind == b"+":
        return line, end + 2
    if kind == b"-":
        return ReplyError(line.decode(errors="replace")), end + 2
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, end + 2
        if len(buffer) < end + 2 + size + 2:
            return _INCOMPLETE, start
        return buffer[end + 2 : end + 2 + size], end + 2 + size + 2
    raise ConnectionError(f"réponse Redis inattendue : {kind!r}")  # arrays are never asked for


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.waiting: deque[asyncio.Future[object]] = deque()
        self.buffer = b""
        self.transport: asyncio.WriteTransport | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer, start = self.buffer + data, 0
        try:
            while start < len(buffer):
                reply, after = parse_reply(buffer, start)
                if reply is _INCOMPLETE:
                    break
                start = after
                waiter = self.waiting.popleft()
                if not waiter.done():  # a request that timed out has stopped waiting
                    waiter.set_result(reply)
        except (ConnectionError, IndexError, ValueError) as error:  # out of step: start afresh
            self.connection_lost(ConnectionError(f"protocole Redis : {error}"))
            if self.transport is not None:
                self.transport.abort()
            return
        self.buffer = buffer[start:]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(exc or ConnectionError("connexion Redis fermée"))


class Script:
    """A Lua script sent by its digest, and whole only the first time a server has not seen it."""

    def __init__(self, source: str) -> None:
        self.source, self.sha = source, hashlib.sha1(source.encode()).hexdigest()

    async def run(self, pipe: RedisPipe, keys: list[str], args: list[bytes | str | int]) -> object:
        try:
            return await pipe.call(b"EVALSHA", self.sha, len(keys), *keys, *args)
        except ReplyError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            return await pipe.call(b"EVAL", self.source, len(keys), *keys, *args)  # loads it for later


class RedisPipe:
    """One connection per event loop, opened on first use and again after it is lost."""

    def __init__(self, connection_kwargs: dict[str, Any], timeout: float = 2.0) -> None:
        self.options, self.timeout = connection_kwargs, timeout
        self._connection: _Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Lock | None = None

    @classmethod
    def beside(cls, client: redis.Redis) -> RedisPipe:
        """A pipe to the same server and database as a redis-py client, with its timeout."""
        pool = client.connection_pool
        options = {**pool.connection_kwargs, "ssl": issubclass(pool.connection_class, redis.SSLConnection)}
        return cls(options, timeout=float(options.get("socket_timeout") or 2.0))

    async def call(self, *parts: bytes | str | int) -> object:
        connection = self._connection
        if connection is None or connection.lost or self._loop is not asyncio.get_running_loop():
            connection = await self._open()
        waiter = asyncio.get_running_loop().create_future()
        connection.waiting.append(waiter)
        assert connection.transport is not None
        connection.transport.write(command(*parts))
        async with asyncio.timeout(self.timeout):
            reply = await waiter
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    async def _open(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if self._opening is None or self._loop is not loop:
            self._loop, self._opening, self._connection = loop, asyncio.Lock(), None
        async with self._opening:  # concurrent requests at start-up share one connection
            if self._connection is not None and not self._connection.lost:
                return self._connection
            async with asyncio.timeout(self.timeout):
                connection = await self._connect(loop)
            self._connection = connection
            return connection

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Connection:
        options = self.options
        if options.get("path"):
            transport, connection = await loop.create_unix_connection(_Connection, options["path"])
        else:
            secure = ssl.create_default_context() if options.get("ssl") else None
            host, port = options.get("host", "localhost"), int(options.get("port", 6379))
            transport, connection = await loop.create_connection(_Connection, host, port, ssl=secure)
        connection.transport = transport  # uvloop may call connection_made only after this returns
        setup = []
        if options.get("password"):
            setup.append(command("AUTH", *filter(None, (options.get("username"), options["password"]))))
        if int(options.get("db") or 0):
            setup.append(command("SELECT", int(options["db"])))
        waiters = [loop.create_future() for _ in setup]
        connection.waiting.extend(waiters)
        assert connection.transport is not None
        connection.transport.write(b"".join(setup))
        for waiter in waiters:
            if isinstance(reply := await waiter, ReplyError):
                connection.transport.close()
                raise reply
        return connection
