"""create_app(settings): every router is included here — the table of contents of Lanterne's URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from lanterne import __version__
from lanterne.agenda.routes import router as agenda_router
from lanterne.audience.endpoint import CollectorEndpoint
from lanterne.audience.routes import router as audience_router
from lanterne.barometer.routes import router as barometer_router
from lanterne.booking.routes import router as booking_router
from lanterne.catalog.routes import router as catalog_router
from lanterne.collect.routes import router as collect_router
from lanterne.errors import LanterneError
from lanterne.portal.routes import mount_static
from lanterne.portal.routes import router as portal_router
from lanterne.publish.caching import CORS_OPEN_READS
from lanterne.publish.endpoint import LinesEndpoint
from lanterne.publish.ratelimit import RateLimitMiddleware
from lanterne.publish.routes import router as publish_router
from lanterne.runtime import Runtime
from lanterne.settings import Settings

ROUTERS = [
    audience_router,  # /audience/tag.js, /audience/consent, /audience/forget, /api/v1/audience/…
    catalog_router,  # /health, /api/cinemas
    collect_router,  # /api/v1/sync/…, /api/v1/push/… (box-office push)
    publish_router,  # /data-fair/api/v1/datasets/…, /api/v1/datasets/…, /api/v1/catalog…
    agenda_router,  # /evenements/…, /api/v1/events/…, feeds
    booking_router,  # /pass/…, /api/v1/booking/…
    barometer_router,  # /barometre, /api/v1/barometer/…
    portal_router,  # /, /datasets/{id}, /carte, /agenda, /embed/… (last: catches page paths)
]


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LanterneError)
    return JSONResponse(exc.answer(), status_code=exc.status_code)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    runtime = runtime or Runtime(settings or Settings.load())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.watch_changes()
        yield
        runtime.close()

    app = FastAPI(title="Lanterne", version=__version__, lifespan=lifespan)
    app.state.runtime = runtime
    app.add_exception_handler(LanterneError, _domain_error)
    for router in ROUTERS:
        app.include_router(router)
    mount_static(app)
    app.add_middleware(LinesEndpoint, runtime=runtime)  # innermost: JSON `lines` pages, the busiest reads
    app.add_middleware(RateLimitMiddleware, runtime=runtime)  # shared counters: Redis or the database
    app.add_middleware(CORSMiddleware, **CORS_OPEN_READS)  # a 429 is readable cross-origin too
    app.add_middleware(CollectorEndpoint)  # outermost: POST /audience/collect, the busiest
    return app
