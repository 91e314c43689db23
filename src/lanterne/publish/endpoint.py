"""`GET …/datasets/{id}/lines` in JSON as a bare ASGI endpoint, answered before FastAPI's routing.

Reusers' scripts and the portal's table call `lines` more than every other URL together, and a page of
a cinema's week cost about as much CPU in FastAPI (matching the path against every route, solving the
route's dependencies, building a Request, then the exception middleware) as in its SQL. Here the path is
recognised by two string tests, and the answer is the route's own: the same domain functions
(`lines.lines`, `caching`), the same headers, the same JSON errors. It sits inside the rate-limit and
CORS middlewares, so a `lines` request is counted and readable cross-origin as before.

Files (`format=csv|xlsx|…`, streamed) and every other URL go on to the app; `publish/routes.py` keeps the
`lines` route, which documents the URL in the OpenAPI description and answers the files. Pages
answered are kept for their announced max-age while the data stands (`publish.answers`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from lanterne.errors import LanterneError
from lanterne.publish import caching
from lanterne.publish.answers import AnswerCache
from lanterne.publish.lines import dataset_of, lines
from lanterne.publish.search import connect
from lanterne.runtime import Runtime

PREFIXES = ("/data-fair/api/v1/datasets/", "/api/v1/datasets/")
SUFFIX = "/lines"
JSON = (b"content-type", b"application/json")


def lines_dataset(path: str) -> str | None:
    """The dataset id of a `lines` path under either prefix, else None."""
    if not path.endswith(SUFFIX):
        return None
    for prefix in PREFIXES:
        if path.startswith(prefix):
            dataset_id = path[len(prefix) : -len(SUFFIX)]
            return dataset_id if dataset_id and "/" not in dataset_id else None
    return None


def _revalidation_headers(scope: Scope) -> dict[str, str]:
    """The request's conditional headers only: nothing else of them is read."""
    found = {}
    for name, value in scope["headers"]:
        if name == b"if-none-match" or name == b"if-modified-since":
            found[name.decode("latin-1")] = value.decode("latin-1")
    return found


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


class LinesEndpoint:
    """Innermost middleware: answers JSON `lines` pages, passes everything else to the app."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app, self.runtime = app, runtime
        budget = runtime.settings.answer_cache_mb * 1_000_000
        self.answers = AnswerCache(budget) if budget > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        dataset_id = lines_dataset(scope["path"]) if scope["type"] == "http" else None
        if dataset_id is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        query_string = scope["query_string"].decode("latin-1")
        params = parse_qsl(query_string, keep_blank_values=True)
        if dict(params).get("format", "json") != "json":
            await self.app(scope, receive, send)  # a file, streamed by the route
            return
        try:
            status, headers, body = self.answer(scope, dataset_id, query_string, params)
        except LanterneError as error:
            status, headers, body = error.status_code, [], orjson.dumps(error.answer())
        if status != 304:
            headers = [*headers, JSON, (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def answer(
        self, scope: Scope, dataset_id: str, query_string: str, params: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """What `publish.routes.dataset_lines` answers in JSON: 304 when the reuser holds this
        version, else the page with its validators and `Link`, kept a minute (`publish.answers`)."""
        base_url = self.runtime.settings.base_url
        with connect(self.runtime.engine) as connection:  # one checkout for the version and the page
            last_updated = dataset_of(dataset_id).last_updated(connection)
            current = caching.validators(dataset_id, last_updated, query_string)
            validators = _encoded(current.headers())
            if caching.not_modified(_revalidation_headers(scope), current):
                return 304, validators, b""
            key = (scope["path"], caching.public_query(query_string))
            if self.answers is not None and (kept := self.answers.get(key, last_updated)) is not None:
                return 200, kept.headers, kept.body
            url = base_url.rstrip("/") + scope["path"]
            answer = lines(connection, dataset_id, params, url, base_url, last_updated)
        assert isinstance(answer.body, bytes)  # JSON is built whole; files went to the route
        headers = [*_encoded(answer.headers), *validators]
        if self.answers is not None:
            self.answers.put(key, last_updated, headers, answer.body)
        return 200, headers, answer.body
