"""HTTP routes of the publish domain: thin — parse, call one domain function, format.

Every dataset route answers under Data Fair's path (`/data-fair/api/v1/datasets/…`, what reusers' scripts
call today) and under `/api/v1/datasets/…`. Handlers are `async` and query inline: short SQLite queries
in a thread pool collapse under concurrent clients (docs/api.md, PERFORMANCE.md lesson 2).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, StreamingResponse

from lanterne.publish import (
    aggregations,
    caching,
    catalogue,
    directory,
    endpoint,
    exports,
    formats,
    metadata,
    openapi,
)
from lanterne.publish.caching import Validators
from lanterne.publish.lines import Answer, dataset_of, full, lines
from lanterne.runtime import Runtime

router = APIRouter()
PREFIXES = tuple(prefix.rstrip("/") for prefix in endpoint.PREFIXES)  # Data Fair's, and ours
JSON = "application/json"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"


async def _runtime(request: Request) -> Runtime:
    """The app's runtime without a thread hop (sync dependencies run in the thread pool)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _public_url(runtime: Runtime, request: Request) -> str:
    return runtime.settings.base_url.rstrip("/") + request.url.path


def _version(request: Request, runtime: Runtime, dataset_id: str) -> tuple[Validators, bool]:
    """The answer's ETag / Last-Modified, and whether the reuser already holds this version (304)."""
    current = caching.dataset_validators(runtime.engine, dataset_of(dataset_id), request.url.query)
    return current, caching.not_modified(request.headers, current)


def _data_version(request: Request, runtime: Runtime, dataset_id: str) -> tuple[Validators, bool, datetime]:
    """`_version`, and the dataset's last update it was made from (the page's count is kept by it)."""
    last_updated = dataset_of(dataset_id).last_updated(runtime.engine)
    current = caching.validators(dataset_id, last_updated, request.url.query)
    return current, caching.not_modified(request.headers, current), last_updated


def _not_modified(current: Validators) -> Response:
    return Response(status_code=304, headers=current.headers())


def _send(answer: Answer, current: Validators) -> Response:
    headers = {**answer.headers, **current.headers()}
    if isinstance(answer.body, bytes):
        return Response(answer.body, media_type=answer.media_type, headers=headers)
    return StreamingResponse(answer.body, media_type=answer.media_type, headers=headers)


def _json(body: bytes, current: Validators) -> Response:
    return Response(body, media_type=JSON, headers=current.headers())


async def list_datasets(runtime: RuntimeDep) -> Response:
    return Response(
        orjson.dumps(directory.listing(runtime.engine, runtime.settings.base_url)), media_type=JSON
    )


async def dcat_jsonld(runtime: RuntimeDep) -> Response:
    return Response(catalogue.dcat_catalogue(runtime.engine, runtime.settings, rdf=False), media_type=JSON_LD)


async def dcat_rdf(runtime: RuntimeDep) -> Response:
    return Response(catalogue.dcat_catalogue(runtime.engine, runtime.settings, rdf=True), media_type=RDF_XML)


async def dataset_card(dataset_id: str, runtime: RuntimeDep) -> Response:
    return Response(catalogue.card(runtime.engine, runtime.settings, dataset_of(dataset_id)), media_type=JSON)


async def dataset_metadata(dataset_id: str, runtime: RuntimeDep) -> Response:
    body = metadata.dataset_metadata(runtime.engine, runtime.settings, dataset_of(dataset_id))
    return Response(orjson.dumps(body), media_type=JSON)


async def dataset_lines(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    current, same, last_updated = _data_version(request, runtime, dataset_id)
    if same:
        return _not_modified(current)
    params = list(request.query_params.multi_items())
    url, base_url = _public_url(runtime, request), runtime.settings.base_url
    return _send(lines(runtime.engine, dataset_id, params, url, base_url, last_updated), current)


def _whole_file(request: Request, path: Path) -> Response:
    """The nightly-built file of an unfiltered export: sent from disk, revalidated on its own version."""
    current = caching.file_validators(path)
    if caching.not_modified(request.headers, current):
        return _not_modified(current)
    headers = {**current.headers(), "content-disposition": f'attachment; filename="{path.name}"'}
    return FileResponse(
        path, media_type=formats.CONTENT_TYPES[request.query_params["format"]], headers=headers
    )


async def dataset_full(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    if (path := exports.whole_dataset_file(runtime, dataset_id, request.query_params)) is not None:
        return _whole_file(request, path)
    current, same, last_updated = _data_version(request, runtime, dataset_id)
    if same:
        return _not_modified(current)
    params = list(request.query_params.multi_items())
    return _send(full(runtime.engine, dataset_id, params, runtime.settings.base_url, last_updated), current)


async def dataset_values(dataset_id: str, field: str, request: Request, runtime: RuntimeDep) -> Response:
    current, same = _version(request, runtime, dataset_id)
    if same:
        return _not_modified(current)
    body = aggregations.values(runtime.engine, dataset_of(dataset_id), field, request.query_params)
    return _json(body, current)


async def dataset_values_agg(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    current, same = _version(request, runtime, dataset_id)
    if same:
        return _not_modified(current)
    return _json(
        aggregations.values_agg(runtime.engine, dataset_of(dataset_id), request.query_params), current
    )


async def dataset_metric_agg(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    current, same = _version(request, runtime, dataset_id)
    if same:
        return _not_modified(current)
    return _json(
        aggregations.metric_agg(runtime.engine, dataset_of(dataset_id), request.query_params), current
    )


async def dataset_schema(dataset_id: str, request: Request) -> Response:
    dataset = dataset_of(dataset_id)
    if request.query_params.get("mimeType") == "application/tableschema+json":
        return Response(orjson.dumps(directory.table_schema(dataset)), media_type=JSON)
    return Response(orjson.dumps(openapi.schema(dataset)), media_type=JSON)


async def dataset_api_docs(dataset_id: str, runtime: RuntimeDep) -> Response:
    body = openapi.api_docs(dataset_of(dataset_id), runtime.settings.base_url)
    return Response(orjson.dumps(body), media_type=JSON)


router.add_api_route("/api/v1/catalog", dcat_jsonld, methods=["GET"], tags=["open data"])
router.add_api_route("/api/v1/catalog.jsonld", dcat_jsonld, methods=["GET"], tags=["open data"])
router.add_api_route("/api/v1/catalog.rdf", dcat_rdf, methods=["GET"], tags=["open data"])
for _prefix in PREFIXES:
    _tags: list[str | Enum] = ["open data"]
    router.add_api_route(_prefix, list_datasets, methods=["GET"], tags=_tags)
    router.add_api_route(f"{_prefix}/{{dataset_id}}", dataset_card, methods=["GET"], tags=_tags)
    router.add_api_route(f"{_prefix}/{{dataset_id}}/metadata", dataset_metadata, methods=["GET"], tags=_tags)
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
