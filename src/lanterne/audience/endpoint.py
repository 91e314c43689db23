"""`POST /audience/collect` as a bare ASGI endpoint, answered before the rest of the app is involved.

Every page view of every member cinema's site ends here, so this path is the busiest of Lanterne by
far. Through FastAPI it paid for routing among all the routes, dependency injection, the CORS and
open-API rate-limit middlewares (which exempt it anyway) and a Request object: about half of its CPU.
Here it reads the body, hands it to the same `Intake` as the other tag endpoints and answers 204, or
the domain error in the app's JSON shape, naming the field and the event index of a malformed batch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from lanterne.audience import collector
from lanterne.audience.intake import Intake, Request, TooLarge
from lanterne.errors import LanterneError

PATH = "/audience/collect"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# The tag posts in no-cors mode and never reads the answer; the header lets a cinema's developer see a
# 400's reason from their page's console, as the app's CORS middleware allowed before.
OPEN = (b"access-control-allow-origin", b"*")


def shared_intake(state: Any) -> Intake:
    """The web worker's one intake (its cache of sites), shared by the collector and the routes."""
    intake: Intake | None = getattr(state, "audience_intake", None)
    if intake is None:
        intake = state.audience_intake = Intake.for_runtime(state.runtime)
    return intake


class CollectorEndpoint:
    """Outermost middleware: takes `POST /audience/collect`, passes everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            request = await _tag_request(scope, receive)
            if request is None:
                return  # the client went away: nobody to answer
            await shared_intake(scope["app"].state).collect(request)
        except LanterneError as error:
            await _refuse(send, error)
            return
        await send({"type": "http.response.start", "status": 204, "headers": [OPEN]})
        await send({"type": "http.response.body", "body": b""})


async def _tag_request(scope: Scope, receive: Receive) -> Request | None:
    origin = user_agent = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"user-agent":
            user_agent = value.decode("latin-1")
        elif name == b"content-length" and value.isdigit() and int(value) > collector.MAX_BYTES:
            raise TooLarge(f"lot de {int(value)} octets, {collector.MAX_BYTES} au plus")
    body = b""
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > collector.MAX_BYTES:  # chunked, without a length: refused as soon as it is too long
            raise TooLarge(f"lot de plus de {collector.MAX_BYTES} octets")
    client = scope.get("client")
    return Request(body, origin, user_agent, str(client[0]) if client else "unknown")


async def _refuse(send: Send, error: LanterneError) -> None:
    """The app's answer to a domain error (app.py's handler), with the open CORS header."""
    body = orjson.dumps(error.answer())
    headers = [OPEN, (b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
