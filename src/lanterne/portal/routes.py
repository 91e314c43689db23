"""HTTP routes of the portal domain: thin — parse, call one domain function (`pages`), render.

Handlers are `async` and query inline, like the API's (no thread hop per page). A domain error
becomes a French error page, not the API's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from lanterne.errors import LanterneError
from lanterne.portal import pages
from lanterne.portal.table import canonical, query_string
from lanterne.runtime import Runtime
from lanterne.web import templates

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


def mount_static(app: FastAPI) -> None:
    """Serve the portal's assets (Leaflet, fonts, icons) from the package: no CDN, works offline."""
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")


async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def render(request: Request, runtime: Runtime, build: Callable[[], pages.Page]) -> Response:
    try:
        page = build()
    except LanterneError as error:
        page = pages.failure(error, runtime.settings)
    return templates.TemplateResponse(request, page.template, page.context, page.status, page.headers)


def _params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: RuntimeDep) -> Response:
    return render(request, runtime, lambda: pages.home_page(runtime.engine, runtime.settings))


@router.get("/donnees", response_class=HTMLResponse)
async def datasets(request: Request, runtime: RuntimeDep) -> Response:
    return render(request, runtime, lambda: pages.datasets_page(runtime.engine, runtime.settings))


@router.get("/recherche", response_class=HTMLResponse)
async def search(request: Request, runtime: RuntimeDep, q: str = "") -> Response:
    return render(request, runtime, lambda: pages.search_page(runtime.engine, runtime.settings, q))


@router.get("/datasets/{dataset_id}")
async def dataset_alias(dataset_id: str, request: Request) -> Response:
    """The API's cards and the DCAT catalogue link here: the table page speaks French."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/donnees/{dataset_id}{query}", status_code=301)


@router.get("/donnees/{dataset_id}", response_class=HTMLResponse)
async def dataset_table(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    return _table(dataset_id, request, runtime, embed=False)


@router.get("/embed/{dataset_id}/table", response_class=HTMLResponse)
async def embed_table(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    return _table(dataset_id, request, runtime, embed=True)


def _table(dataset_id: str, request: Request, runtime: Runtime, embed: bool) -> Response:
    """A form posted without JavaScript lands on its tidy URL (the API's own query string)."""
    params = list(request.query_params.multi_items())
    tidy = canonical(params)
    if tidy is not None:
        return RedirectResponse(f"{request.url.path}?{query_string(tidy)}", status_code=303)
    return render(
        request,
        runtime,
        lambda: pages.table_page(runtime.engine, runtime.settings, dataset_id, params, embed),
    )


@router.get("/carte", response_class=HTMLResponse)
async def map_cinemas(request: Request, runtime: RuntimeDep) -> Response:
    return _map("cinemas", request, runtime, embed=False)


@router.get("/carte/etablissements-scolaires", response_class=HTMLResponse)
async def map_schools(request: Request, runtime: RuntimeDep) -> Response:
    return _map("etablissements-scolaires", request, runtime, embed=False)


@router.get("/carte/evenements", response_class=HTMLResponse)
async def map_events(request: Request, runtime: RuntimeDep) -> Response:
    return _map("evenements-cinemas", request, runtime, embed=False)


@router.get("/embed/{dataset_id}/map", response_class=HTMLResponse)
async def embed_map(dataset_id: str, request: Request, runtime: RuntimeDep) -> Response:
    return _map(dataset_id, request, runtime, embed=True)


def _map(dataset_id: str, request: Request, runtime: Runtime, embed: bool) -> Response:
    params = _params(request)
    return render(
        request, runtime, lambda: pages.map_page(runtime.engine, runtime.settings, dataset_id, params, embed)
    )


@router.get("/agenda", response_class=HTMLResponse)
async def agenda(request: Request, runtime: RuntimeDep) -> Response:
    params = _params(request)
    return render(request, runtime, lambda: pages.agenda_page(runtime.engine, runtime.settings, params))


@router.get("/evenements/{show_id}", response_class=HTMLResponse)
async def event(show_id: int, request: Request, runtime: RuntimeDep) -> Response:
    return render(request, runtime, lambda: pages.event_page(runtime.engine, runtime.settings, show_id))


@router.get("/cinemas/{cinema_id}", response_class=HTMLResponse)
async def cinema(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    return render(request, runtime, lambda: pages.cinema_page(runtime.engine, runtime.settings, cinema_id))


@router.get("/films", response_class=HTMLResponse)
async def films(request: Request, runtime: RuntimeDep) -> Response:
    params = _params(request)
    return render(request, runtime, lambda: pages.films_page(runtime.engine, runtime.settings, params))


@router.get("/films/recommandes")
async def films_recommended() -> Response:
    return RedirectResponse("/films?recommandationae_eq=true", status_code=301)


@router.get("/films/accessibles")
async def films_accessible() -> Response:
    return RedirectResponse("/films?audiodescription_eq=true", status_code=301)


@router.get("/films/{film_id}", response_class=HTMLResponse)
async def film(film_id: int, request: Request, runtime: RuntimeDep) -> Response:
    params = _params(request)
    return render(
        request, runtime, lambda: pages.film_page(runtime.engine, runtime.settings, film_id, params)
    )
