"""Scripted misbehaviour for stand-in vendor servers: 429, 5xx, slow answers, garbage bodies.

A test queues faults (`faults.push("429", "500")`); each request takes the next one, then the
stand-in answers normally. Every request is logged, so a test can check what the connector asked.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

FAULT_RESPONSES: dict[str, Response] = {
    "429": Response("Too Many Requests", status_code=429, headers={"Retry-After": "0"}),
    "500": Response("Internal Server Error", status_code=500, headers={"Retry-After": "0"}),
    "503": Response("Service Unavailable", status_code=503, headers={"Retry-After": "0"}),
    "garbage": Response("<html><body>Erreur interne du serveur</body></html>", media_type="text/html"),
    "401": Response("Unauthorized", status_code=401),
}


class Faults:
    """The queue of faults still to play, the delay of a "timeout", and the log of requests seen."""

    def __init__(self, delay: float = 1.0) -> None:
        self.queue: deque[str] = deque()
        self.delay = delay
        self.requests: list[str] = []

    def push(self, *faults: str) -> None:
        unknown = [fault for fault in faults if fault not in FAULT_RESPONSES and fault != "timeout"]
        if unknown:
            raise ValueError(f"unknown faults {unknown}; known: {sorted(FAULT_RESPONSES)} and 'timeout'")
        self.queue.extend(faults)

    def take(self) -> str | None:
        return self.queue.popleft() if self.queue else None


class FaultSwitches:
    """The switches a test flips on a stand-in vendor: its next answers fail, are slow, or are garbage."""

    faults: Faults

    def fail_next(self, status: int, times: int = 1) -> None:
        self.faults.push(*[str(status)] * times)

    def slow_next(self, seconds: float, times: int = 1) -> None:
        self.faults.delay = seconds
        self.faults.push(*["timeout"] * times)

    def malformed_next(self, times: int = 1) -> None:
        self.faults.push(*["garbage"] * times)


def with_faults(app: ASGIApp, faults: Faults) -> ASGIApp:
    """Wrap a stand-in so each HTTP request first plays the next queued fault, if any."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        query = scope.get("query_string", b"").decode()
        faults.requests.append(f"{scope['method']} {scope['path']}" + (f"?{query}" if query else ""))
        fault = faults.take()
        if fault is None:
            return await app(scope, receive, send)
        if fault == "timeout":  # answer late: the client gave up long before
            await asyncio.sleep(faults.delay)
            return await app(scope, receive, send)
        return await FAULT_RESPONSES[fault](scope, receive, send)

    return wrapped
