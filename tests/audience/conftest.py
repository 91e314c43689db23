"""A participating cinema, a local cinema website on another origin, and Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lanterne.audience import participation
from lanterne.audience.models import Participation
from lanterne.catalog.models import Cinema
from lanterne.db import transaction
from lanterne.stand_ins.server import serve_in_thread

HUMAN_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def cinema_site(engine: Engine) -> Participation:
    with transaction(engine) as session:
        session.add(
            Cinema(
                id=1000035,
                cnc_region=1,
                cnc_number=35,
                name="Le Balzac",
                art_et_essai=True,
                category="A",
                region="Île-de-France",
            )
        )
    return participation.join(engine, 1000035, ["localhost"], "Agence partenaire", date(2026, 9, 1))


def page(lanterne: str, site_key: str, head: str = "", film: int | None = None) -> str:
    meta = f'<meta name="lanterne:film" content="{film}">' if film else ""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Le Balzac</title>{meta}{head}
<script src="{lanterne}/audience/tag.js" data-site="{site_key}" data-policy="2026-11" async></script>
</head><body><h1>Le Balzac</h1><form><input name="email" value="secret@example.org"></form>
<a href="#" data-lanterne-booking>Réserver</a></body></html>"""


TCF_GRANT = """<script>window.__tcfapi = function (cmd, v, cb) { if (cmd === 'addEventListener')
  cb({eventStatus: 'tcloaded', purpose: {consents: {1: true, 3: true, 4: true}}}, true); };</script>"""
TCF_REFUSE = TCF_GRANT.replace("1: true, 3: true, 4: true", "1: true, 3: false, 4: false")
CONSENT_MODE_GRANT = """<script>window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('consent', 'default',
     {ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted'});</script>"""


@pytest.fixture
def site_server(live_app: str, cinema_site: Participation) -> Iterator[str]:
    """The cinema's own website on http://localhost:PORT (another origin than Lanterne's 127.0.0.1)."""
    key = cinema_site.site_key

    def route(head: str = "", film: int | None = None):  # type: ignore[no-untyped-def]
        async def endpoint(request: object) -> HTMLResponse:
            return HTMLResponse(page(live_app, key, head, film))

        return endpoint

    app = Starlette(
        routes=[
            Route("/", route()),
            Route("/film", route(film=42)),
            Route("/tcf-oui", route(TCF_GRANT)),
            Route("/tcf-non", route(TCF_REFUSE)),
            Route("/consent-mode", route(CONSENT_MODE_GRANT)),
        ]
    )
    with serve_in_thread(app) as url:
        yield url.replace("127.0.0.1", "localhost")
