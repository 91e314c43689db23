"""HTTP routes of the publish domain: thin — parse, call one domain function, format.

Every dataset route answers under Data Fair's path (`/data-fair/api/v1/datasets/…`, what reusers' scripts
call today) and under `/api/v1/datasets/…`. Handlers are `async` and query inline: short SQLite queries
in a thread pool collapse under concurrent clients (docs/api.md, PERFORMANCE.md lesson 2).
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse

from lanterne.publish import aggregations, directory, openapi
from lanterne.publish.lines import Answer, dataset_of, full, lines
from lanterne.runtime import Runtime

router = APIRouter()
PREFIXES = ("/data-fair/api/v1/datasets", "/api/v1/datasets")
JSON = "application/json"


async def _runtime(request: Request) -> Runtime:
    """The app's runtime without a thread hop (sync dependencies run in the thread pool)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _public_url(runtime: Runtime, request: Request) -> str:
    return runtime.settings.base_url.rstrip("/") + request.url.path


def _send(answer: Answer) -> Response:
    if isinstance(answer.body, bytes):
        return Response(answer.body, media_type=answer.media_type, headers=answer.headers)
    return StreamingResponse(answer.body, media_type=answer.media_type, headers=answer.headers)


async def list_datasets(runtime: RuntimeDep) -> Response:
    return Response(
        orjson.dumps(directory.listing(runtime.engine, runtime.settings.base_url)), media_type=JSON
    )


async def dataset_info(dataset_id: str, runtime: RuntimeDep) -> Response:
    body = directory.card(runtime.engine, dataset_of(dataset_id), runtime.settings.base_url)
    return Response(orjson.dumps(body), media_type=JSON)


async def dataset_lines(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    params = list(request.query_params.multi_items())
    url = _public_url(runtime, request)
    return _send(lines(runtime.engine, dataset_id, params, url, runtime.settings.base_url))


async def dataset_full(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    params = list(request.query_params.multi_items())
    return _send(full(runtime.engine, dataset_id, params, runtime.settings.base_url))


async def dataset_values(dataset_id: str, field: str, request: Request, runtime: RuntimeDep) -> Response:
    body = aggregations.values(runtime.engine, dataset_of(dataset_id), field, request.query_params)
    return Response(body, media_type=JSON)


async def dataset_values_agg(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    body = aggregations.values_agg(runtime.engine, dataset_of(dataset_id), request.query_params)
    return Response(body, media_type=JSON)


async def dataset_metric_agg(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    body = aggregations.metric_agg(runtime.engine, dataset_of(dataset_id), request.query_params)
    return Response(body, media_type=JSON)


async def dataset_schema(dataset_id: str, request: Request) -> Response:
    dataset = dataset_of(dataset_id)
    if request.query_params.get("mimeType") == "application/tableschema+json":
        return Response(orjson.dumps(directory.table_schema(dataset)), media_type=JSON)
    return Response(orjson.dumps(openapi.schema(dataset)), media_type=JSON)


async def dataset_api_docs(dataset_id: str, runtime: RuntimeDep) -> Response:
    body = openapi.api_docs(dataset_of(dataset_id), runtime.settings.base_url)
    return Response(orjson.dumps(body), media_type=JSON)


for _prefix in PREFIXES:
    _tags: list[str | object] = ["open data"]
    router.add_api_route(_prefix, list_datasets, methods=["GET"], tags=_tags)
    router.add_api_route(f"{_prefix}/{{dataset_id}}", dataset_info, methods=["GET"], tags=_tags)
    router.add_api_route(f"{_prefix}/{{dataset_id}}/lines", dataset_lines, methods=["GET"], tags=_tags)
    router.add_api_route(f"{_prefix}/{{dataset_id}}/full", dataset_full, methods=["GET"], tags=_tags)
    router.add_api_route(
        f"{_prefix}/{{dataset_id}}/values/{{field}}", dataset_values, methods=["GET"], tags=_tags
    )
    router.add_api_route(
        f"{_prefix}/{{dataset_id}}/values_agg", dataset_values_agg, methods=["GET"], tags=_tags
    )
    router.add_api_route(
        f"{_prefix}/{{dataset_id}}/metric_agg", dataset_metric_agg, methods=["GET"], tags=_tags
    )
    router.add_api_route(f"{_prefix}/{{dataset_id}}/schema", dataset_schema, methods=["GET"], tags=_tags)
    router.add_api_route(
        f"{_prefix}/{{dataset_id}}/api-docs.json", dataset_api_docs, methods=["GET"], tags=_tags
    )
