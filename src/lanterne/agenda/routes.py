"""HTTP routes of the agenda domain: thin — parse, call one domain function, format.

Pages under /espace/ (sign-in, events, a cinema's settings) use a signed session cookie and a
double-submit CSRF token on every form; the API under /api/v1/events takes the session (with the
X-CSRF-Token header on writes) or a bearer token. Feeds under /agenda/ are public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from lanterne import csrf
from lanterne.agenda import accounts, cinema_source, events, export, feeds, vocabulary
from lanterne.agenda.accounts import Viewer
from lanterne.db import utcnow
from lanterne.errors import LanterneError
from lanterne.publish import ratelimit
from lanterne.web import RuntimeDep, templates

router = APIRouter()
SESSION, CSRF = "lanterne_session", "lanterne_csrf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COOKIE = {"httponly": True, "samesite": "lax", "path": "/"}


def _viewer(request: Request, runtime: Any) -> Viewer | None:
    engine = runtime.engine
    header = request.headers.get("authorization")
    if header:
        return accounts.bearer_viewer(engine, header)
    return accounts.session_viewer(engine, runtime.settings, request.cookies.get(SESSION))


def _api_viewer(request: Request, runtime: Any) -> Viewer:
    """The API's caller; a session (not a bearer token) must also send the CSRF header on writes."""
    viewer = accounts.require(_viewer(request, runtime))
    if request.method not in ("GET", "HEAD") and not request.headers.get("authorization"):
        csrf.check(request.cookies.get(CSRF), request.headers.get("x-csrf-token"))
    return viewer


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    token = request.cookies.get(CSRF) or csrf.new_token()
    context = {"csrf": token, "vocabulary": vocabulary, "section": "espace", **context}
    response = templates.TemplateResponse(request, f"agenda/{template}", context, status)
    if request.cookies.get(CSRF) != token:
        response.set_cookie(CSRF, token, **COOKIE)  # type: ignore[arg-type]
    return response


def _web(
    request: Request, runtime: Any, build: Callable[[Viewer], Response], form: dict[str, Any] | None = None
) -> Response:
    """A signed-in page (a posted form's CSRF token checked first): sends to the sign-in form, or
    shows a domain error in French."""
    viewer = _viewer(request, runtime)
    if viewer is None:
        return RedirectResponse(f"/espace/connexion?suite={request.url.path}", status_code=303)
    try:
        if form is not None:
            _csrf(request, form)
        return build(viewer)
    except LanterneError as error:
        context = {"message": str(error), "viewer": viewer, "status_code": error.status_code}
        return _page(request, "erreur.html", context, error.status_code)


def _sign_in_counters(request: Request, runtime: Any) -> ratelimit.CounterStore:
    """The shared counters (Redis, else the database), built once per application."""
    store = getattr(request.app.state, "sign_in_counters", None)
    if store is None:
        store = request.app.state.sign_in_counters = ratelimit.counter_store(runtime)
    return store  # type: ignore[no-any-return]


def _csrf(request: Request, form: dict[str, Any]) -> None:
    csrf.check(request.cookies.get(CSRF), str(form.get("csrf") or ""))


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {key: (form.getlist(key) if len(form.getlist(key)) > 1 else value) for key, value in form.items()}


# --- Sign-in, invitation ---------------------------------------------------------------------------


@router.get("/espace/connexion", response_class=HTMLResponse, include_in_schema=False)
async def sign_in_form(request: Request, suite: str = "/espace/evenements") -> Response:
    return _page(request, "connexion.html", {"suite": suite})


@router.post("/espace/connexion", include_in_schema=False)
async def sign_in(request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    try:
        _csrf(request, form)
        accounts.throttle_address(
            _sign_in_counters(request, runtime), ratelimit.client_ip(request.scope), utcnow()
        )
        account_id = accounts.authenticate(
            runtime.engine, form.get("email", ""), form.get("password", ""), utcnow()
        )
    except LanterneError as error:
        context = {"error": str(error), "suite": form.get("suite")}
        return _page(request, "connexion.html", context, 429 if error.status_code == 429 else 403)
    suite = str(form.get("suite") or "/espace/evenements")
    response = RedirectResponse(
        suite if suite.startswith("/espace/") else "/espace/evenements", status_code=303
    )
    response.set_cookie(SESSION, accounts.session_cookie(runtime.settings, account_id), **COOKIE)  # type: ignore[arg-type]
    return response


@router.post("/espace/deconnexion", include_in_schema=False)
async def sign_out(request: Request) -> Response:
    _csrf(request, await _form(request))
    response = RedirectResponse("/espace/connexion", status_code=303)
    response.delete_cookie(SESSION, path="/")
    return response


@router.get("/espace/invitation/{token}", response_class=HTMLResponse, include_in_schema=False)
async def invitation_form(token: str, request: Request) -> Response:
    return _page(request, "invitation.html", {"token": token})


@router.post("/espace/invitation/{token}", include_in_schema=False)
async def accept_invitation(token: str, request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    try:
        _csrf(request, form)
        account_id = accounts.accept_invitation(
            runtime.engine, runtime.settings, token, form.get("password", ""), utcnow()
        )
    except LanterneError as error:
        return _page(request, "invitation.html", {"token": token, "error": str(error)}, error.status_code)
    response = RedirectResponse("/espace/evenements", status_code=303)
    response.set_cookie(SESSION, accounts.session_cookie(runtime.settings, account_id), **COOKIE)  # type: ignore[arg-type]
    return response


@router.post("/espace/jeton", response_class=HTMLResponse, include_in_schema=False)
async def api_token(request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    return _web(
        request,
        runtime,
        lambda v: _page(
            request,
            "jeton.html",
            {"viewer": v, "token": accounts.issue_api_token(runtime.engine, v.account_id)},
        ),
        form,
    )


# --- Events: pages -------------------------------------------------------------------------------


def _scope(viewer: Viewer, cinema: int | None) -> list[int] | None:
    if cinema is not None:
        viewer.require(cinema)
        return [cinema]
    return None if viewer.is_admin else sorted(viewer.cinema_ids)


@router.get("/espace/evenements", response_class=HTMLResponse, include_in_schema=False)
async def events_page(request: Request, runtime: RuntimeDep, cinema: int | None = None) -> Response:
    def build(viewer: Viewer) -> Response:
        found = events.list_events(runtime.engine, utcnow(), _scope(viewer, cinema))
        return _page(request, "evenements.html", {"viewer": viewer, "events": found, "cinema": cinema})

    return _web(request, runtime, build)


@router.post("/espace/evenements", include_in_schema=False)
async def create_event_form(request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    cinema_id = _number(form.pop("cinema_id", ""))
    values = {k: v for k, v in form.items() if k not in ("csrf",) and v != ""}

    def build(viewer: Viewer) -> Response:
        event_id = events.create_event(runtime.engine, viewer, cinema_id, values, utcnow())
        return RedirectResponse(f"/espace/evenements/{event_id}", status_code=303)

    return _web(request, runtime, build, form)


@router.get("/espace/evenements/{event_id}", response_class=HTMLResponse, include_in_schema=False)
async def event_page(event_id: int, request: Request, runtime: RuntimeDep) -> Response:
    def build(viewer: Viewer) -> Response:
        event = events.get_event(runtime.engine, viewer, event_id)
        trail = events.history(runtime.engine, viewer, event_id)
        return _page(request, "evenement.html", {"viewer": viewer, "event": event, "history": trail})

    return _web(request, runtime, build)


@router.post("/espace/evenements/{event_id}", include_in_schema=False)
async def event_edit(event_id: int, request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    changes = {k: form.get(k, "") for k in events.ENRICHMENT if k != "accessibility" and k != "audience"}
    changes |= {k: _many(form.get(k)) for k in ("audience", "accessibility")}

    def build(viewer: Viewer) -> Response:
        events.enrich(runtime.engine, viewer, event_id, changes, utcnow())
        return RedirectResponse(f"/espace/evenements/{event_id}?enregistre=1", status_code=303)

    return _web(request, runtime, build, form)


def _number(value: Any) -> int:
    """A cinema id from a form or a body; anything else is 0, which no viewer may edit."""
    return int(value) if str(value).isdigit() else 0


def _many(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])


@router.get("/espace/cinemas/{cinema_id}/evenements.xlsx", include_in_schema=False)
async def export_page(cinema_id: int, request: Request, runtime: RuntimeDep, colonnes: str = "") -> Response:
    def build(viewer: Viewer) -> Response:
        body = export.export_events(runtime.engine, viewer, cinema_id, colonnes or None, utcnow())
        return _xlsx(body, cinema_id)

    return _web(request, runtime, build)


def _xlsx(body: Any, cinema_id: int) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="evenements-{cinema_id}.xlsx"'}
    return StreamingResponse(body, media_type=XLSX, headers=headers)


# --- A cinema's box office, consent and runs (administrators) -------------------------------------


@router.get("/espace/cinemas/{cinema_id}", response_class=HTMLResponse, include_in_schema=False)
async def cinema_page(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    def build(viewer: Viewer) -> Response:
        overview = cinema_source.cinema_overview(runtime.engine, viewer, cinema_id)
        return _page(request, "cinema.html", {"viewer": viewer, "cinema": overview})

    return _web(request, runtime, build)


@router.post("/espace/cinemas/{cinema_id}/source", include_in_schema=False)
async def cinema_source_form(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)

    def build(viewer: Viewer) -> Response:
        values = cinema_source.parse_lines(str(form.get("settings", "")), "settings")
        secrets = cinema_source.parse_lines(str(form.get("secrets", "")), "secrets")
        connector = str(form.get("connector", ""))
        cinema_source.update_source(runtime.engine, viewer, cinema_id, connector, values, secrets, utcnow())
        return RedirectResponse(f"/espace/cinemas/{cinema_id}?enregistre=1", status_code=303)

    return _web(request, runtime, build, form)


@router.post("/espace/cinemas/{cinema_id}/consentement", include_in_schema=False)
async def cinema_consent_form(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    form = await _form(request)
    consent = form.get("consent") == "oui"

    def build(viewer: Viewer) -> Response:
        cinema_source.set_consent(runtime.engine, viewer, cinema_id, consent, utcnow())
        return RedirectResponse(f"/espace/cinemas/{cinema_id}?enregistre=1", status_code=303)

    return _web(request, runtime, build, form)


# --- API -----------------------------------------------------------------------------------------


def _json(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(events.jsonable(value), status_code=status)


@router.get("/api/v1/events/export.xlsx", tags=["agenda"])
def api_export(request: Request, runtime: RuntimeDep, cinema: int, columns: str = "") -> Response:
    """A cinema's events in Excel: every column, or `columns=title,starts_at,kind`."""
    viewer = _api_viewer(request, runtime)
    return _xlsx(export.export_events(runtime.engine, viewer, cinema, columns or None, utcnow()), cinema)


@router.get("/api/v1/events", tags=["agenda"])
def api_events(request: Request, runtime: RuntimeDep, cinema: int | None = None) -> Response:
    """The caller's events (an administrator: every cinema's), or one cinema's."""
    viewer = _api_viewer(request, runtime)
    return _json({"events": events.list_events(runtime.engine, utcnow(), _scope(viewer, cinema))})


@router.post("/api/v1/events", tags=["agenda"])
async def api_create(request: Request, runtime: RuntimeDep) -> Response:
    """An event the cinema creates itself: `cinema_id`, `title`, `starts_at` (ISO), enrichment fields."""
    viewer = _api_viewer(request, runtime)
    body = dict(await request.json())
    event_id = events.create_event(runtime.engine, viewer, _number(body.pop("cinema_id", "")), body, utcnow())
    return _json(events.get_event(runtime.engine, viewer, event_id), 201)


@router.get("/api/v1/events/{event_id}", tags=["agenda"])
def api_event(event_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """One event with its enrichment and its last push to OpenAgenda."""
    viewer = _api_viewer(request, runtime)
    return _json(events.get_event(runtime.engine, viewer, event_id))


@router.patch("/api/v1/events/{event_id}", tags=["agenda"])
async def api_enrich(event_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """Change the enrichment fields given; the answer lists what changed (`{field: [before, after]}`)."""
    viewer = _api_viewer(request, runtime)
    changes = dict(await request.json())
    return _json({"changed": events.enrich(runtime.engine, viewer, event_id, changes, utcnow())})


@router.get("/api/v1/events/cinemas/{cinema_id}", tags=["agenda"])
def api_cinema(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """Administrators: the cinema's connector (secrets masked), consent and last sync runs."""
    viewer = _api_viewer(request, runtime)
    return _json(cinema_source.cinema_overview(runtime.engine, viewer, cinema_id))


@router.put("/api/v1/events/cinemas/{cinema_id}/source", tags=["agenda"])
async def api_cinema_source(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """Administrators: `{"connector", "settings": {…}, "secrets": {…}}`; a blank secret is kept."""
    viewer = _api_viewer(request, runtime)
    body = dict(await request.json())
    settings, secrets = dict(body.get("settings") or {}), dict(body.get("secrets") or {})
    connector = str(body.get("connector", ""))
    cinema_source.update_source(runtime.engine, viewer, cinema_id, connector, settings, secrets, utcnow())
    return _json(cinema_source.cinema_overview(runtime.engine, viewer, cinema_id))


@router.put("/api/v1/events/cinemas/{cinema_id}/consent", tags=["agenda"])
async def api_cinema_consent(cinema_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """Administrators: record the cinema's consent to publish, `{"consent": true|false}`."""
    viewer = _api_viewer(request, runtime)
    consent = (await request.json()).get("consent") is True
    cinema_source.set_consent(runtime.engine, viewer, cinema_id, consent, utcnow())
    return _json({"publish_consent": consent})


# --- Public feeds --------------------------------------------------------------------------------


def _ics(runtime: Any, scope: str | None, value: str | int | None, name: str) -> StreamingResponse:
    body = feeds.calendar(runtime.engine, runtime.settings.base_url, utcnow(), scope, value)
    headers = {"Content-Disposition": f'inline; filename="{name}.ics"'}
    return StreamingResponse(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get("/agenda/evenements.ics", tags=["agenda"])
def ics_all(runtime: RuntimeDep) -> Response:
    return _ics(runtime, None, None, "evenements")


@router.get("/agenda/cinemas/{cinema_id}.ics", tags=["agenda"])
def ics_cinema(cinema_id: int, runtime: RuntimeDep) -> Response:
    return _ics(runtime, "cinema", cinema_id, f"evenements-{cinema_id}")


@router.get("/agenda/departements/{department}.ics", tags=["agenda"])
def ics_department(department: str, runtime: RuntimeDep) -> Response:
    return _ics(runtime, "departement", department, f"evenements-{department}")


@router.get("/agenda/regions/{region}.ics", tags=["agenda"])
def ics_region(region: str, runtime: RuntimeDep) -> Response:
    return _ics(runtime, "region", region, "evenements-region")


@router.get("/agenda/nouveautes.atom", tags=["agenda"])
def atom(runtime: RuntimeDep) -> Response:
    body = feeds.atom(runtime.engine, runtime.settings.base_url, utcnow())
    return Response(body, media_type="application/atom+xml; charset=utf-8")
