"""The cinemas' pages and the events API over real HTTP: sign-in, invitation, CSRF, enrichment through
the form and the API, and a contributor of one cinema refused everything of another (a test per route)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import openpyxl
import pytest
from sqlalchemy import Engine, select
from tests.agenda.builders import (
    LUX,
    NOW,
    PASSWORD,
    REX,
    World,
    add_account,
    add_cinema,
    add_flagged_seance,
    csrf,
    sign_in,
    signed_in,
)

from lanterne.agenda.accounts import invite
from lanterne.agenda.events import list_events
from lanterne.agenda.models import AuditEntry
from lanterne.collect.sync import sync_all
from lanterne.runtime import Runtime


@pytest.fixture
def site(world: World, live_app: str) -> Iterator[tuple[World, str, dict[str, int]]]:
    """Both cinemas synced; a contributor of the Rex, an administrator; each cinema's event id."""
    sync_all(world.runtime, now=NOW)
    add_account(world.engine, "rex@example.fr", "contributor", REX)
    add_account(world.engine, "union@example.fr", "admin")
    ids = {e["cinema_id"]: e["id"] for e in list_events(world.engine, NOW, None)}
    yield world, live_app, ids


@pytest.fixture
def two_cinemas(engine: Engine, runtime: Runtime, live_app: str) -> tuple[str, int, dict[int, int]]:
    """The cheap setting of the per-route tests: flagged séances written directly, a Rex contributor."""
    add_cinema(engine, REX, "75", "http://127.0.0.1:9", "rex")
    add_cinema(engine, LUX, "974", "http://127.0.0.1:9", "lux")
    add_flagged_seance(engine, REX, "S-1", NOW + timedelta(days=2), "Rencontre avec la réalisatrice")
    add_flagged_seance(engine, LUX, "L-1", NOW + timedelta(days=3), "Avant-première")
    account_id = add_account(engine, "rex@example.fr", "contributor", REX)
    ids = {e["cinema_id"]: e["id"] for e in list_events(engine, NOW, None)}
    return live_app, account_id, ids


def test_invitation_by_email_then_sign_in(world: World, live_app: str, smtp_server) -> None:
    invite(world.engine, world.runtime.settings, "Lea@Example.fr", "contributor", [REX], NOW)
    body = smtp_server.messages[0].get_content()
    link = re.search(r"(http://\S+/espace/invitation/\S+)", body).group(1)
    client = httpx.Client(timeout=10)
    client.get(link)
    answer = client.post(link, data={"password": PASSWORD, "csrf": client.cookies["lanterne_csrf"]})
    assert answer.status_code == 303
    assert (
        client.post(link, data={"password": PASSWORD, "csrf": csrf(client)}).status_code == 400
    )  # used once
    assert sign_in(live_app, "lea@example.fr").get(f"{live_app}/espace/evenements").status_code == 200


def test_wrong_password_and_missing_csrf_are_refused(site: tuple[World, str, dict[str, int]]) -> None:
    _, url, _ = site
    client = httpx.Client(base_url=url, timeout=10)
    client.get("/espace/connexion")
    wrong = client.post(
        "/espace/connexion", data={"email": "rex@example.fr", "password": "x" * 12, "csrf": csrf(client)}
    )
    assert wrong.status_code == 403 and "incorrect" in wrong.text
    forged = client.post("/espace/connexion", data={"email": "rex@example.fr", "password": PASSWORD})
    assert forged.status_code == 403
    assert client.get("/espace/evenements").status_code == 303  # not signed in: to the form


def test_contributor_enriches_through_the_form_and_it_is_audited(
    site: tuple[World, str, dict[str, int]],
) -> None:
    world, url, ids = site
    client = sign_in(url, "rex@example.fr")
    page = client.get("/espace/evenements")
    assert "Rencontre avec la réalisatrice" in page.text and "Avant-première" not in page.text
    form = {
        "csrf": csrf(client),
        "kind": "ciné-débat",
        "audience": ["famille", "seniors"],
        "host": "Léa Martin",
    }
    assert client.post(f"/espace/evenements/{ids[REX]}", data=form).status_code == 303
    page = client.get(f"/espace/evenements/{ids[REX]}")
    assert "rex@example.fr" in page.text and "ciné-débat" in page.text
    with world.engine.connect() as connection:
        diff = connection.scalars(select(AuditEntry.diff).where(AuditEntry.event_id == ids[REX])).one()
    assert diff == {
        "kind": [None, "ciné-débat"],
        "audience": [None, "famille, seniors"],
        "host": [None, "Léa Martin"],
    }
    refused = client.post(f"/espace/evenements/{ids[REX]}", data={**form, "csrf": "forged"})
    assert refused.status_code == 403 and "jeton CSRF" in refused.text and "<html" in refused.text


def test_api_with_a_bearer_token_and_with_the_session(
    runtime: Runtime, two_cinemas: tuple[str, int, dict[int, int]]
) -> None:
    url, account_id, ids = two_cinemas
    client = signed_in(url, runtime.settings, account_id)
    token = re.search(
        r"<code>([\w-]{30,})</code>", client.post("/espace/jeton", data={"csrf": csrf(client)}).text
    )[1]
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    changed = api.patch(f"/api/v1/events/{ids[REX]}", json={"kind": "rencontre", "age_min": 12})
    assert changed.json() == {"changed": {"kind": [None, "rencontre"], "age_min": [None, 12]}}
    assert api.get(f"/api/v1/events/{ids[REX]}").json()["kind"] == "rencontre"
    assert api.patch(f"/api/v1/events/{ids[REX]}", json={"kind": "karaoké"}).json()["field"] == "kind"
    assert (
        client.patch(f"/api/v1/events/{ids[REX]}", json={"kind": "atelier"}).status_code == 403
    )  # no CSRF header
    headers = {"X-CSRF-Token": csrf(client)}
    assert (
        client.patch(f"/api/v1/events/{ids[REX]}", json={"kind": "atelier"}, headers=headers).status_code
        == 200
    )
    assert httpx.get(f"{url}/api/v1/events").status_code == 401
    created = api.post(
        "/api/v1/events",
        json={"cinema_id": REX, "title": "Atelier bruitage", "starts_at": "2026-12-12T15:00"},
    )
    assert created.status_code == 201 and created.json()["starts_at"] == "2026-12-12T14:00:00+00:00"


def lux_routes(ids: dict[int, int]) -> list[tuple[str, str, dict]]:
    lux = ids[LUX]
    return [
        ("GET", f"/espace/evenements?cinema={LUX}", {}),
        ("GET", f"/espace/evenements/{lux}", {}),
        ("POST", f"/espace/evenements/{lux}", {"data": {"kind": "atelier"}}),
        (
            "POST",
            "/espace/evenements",
            {"data": {"cinema_id": LUX, "title": "x", "starts_at": "2026-12-20T10:00"}},
        ),
        ("GET", f"/espace/cinemas/{LUX}/evenements.xlsx", {}),
        ("GET", f"/espace/cinemas/{LUX}", {}),
        (
            "POST",
            f"/espace/cinemas/{LUX}/source",
            {"data": {"connector": "monnaie", "settings": "feed_url=x"}},
        ),
        ("POST", f"/espace/cinemas/{LUX}/consentement", {"data": {"consent": "non"}}),
        ("GET", f"/api/v1/events?cinema={LUX}", {}),
        ("GET", f"/api/v1/events/{lux}", {}),
        ("PATCH", f"/api/v1/events/{lux}", {"json": {"kind": "atelier"}}),
        (
            "POST",
            "/api/v1/events",
            {"json": {"cinema_id": LUX, "title": "x", "starts_at": "2026-12-20T10:00"}},
        ),
        ("GET", f"/api/v1/events/export.xlsx?cinema={LUX}", {}),
        ("GET", f"/api/v1/events/cinemas/{LUX}", {}),
        ("PUT", f"/api/v1/events/cinemas/{LUX}/source", {"json": {"connector": "monnaie", "settings": {}}}),
        ("PUT", f"/api/v1/events/cinemas/{LUX}/consent", {"json": {"consent": False}}),
    ]


ROUTE_COUNT = 16


@pytest.mark.parametrize("route", range(ROUTE_COUNT))
def test_a_contributor_cannot_touch_another_cinema(
    engine: Engine, runtime: Runtime, two_cinemas: tuple[str, int, dict[int, int]], route: int
) -> None:
    url, account_id, ids = two_cinemas
    client = signed_in(url, runtime.settings, account_id)
    method, path, kwargs = lux_routes(ids)[route]
    if "data" in kwargs:
        kwargs = {"data": {**kwargs["data"], "csrf": csrf(client)}}
    answer = client.request(method, path, headers={"X-CSRF-Token": csrf(client)}, **kwargs)
    assert answer.status_code == 403, (path, answer.status_code)
    assert "Avant-première" not in answer.text and "t-lux" not in answer.text
    lux = next(e for e in list_events(engine, NOW, [LUX]))
    assert lux["kind"] is None  # nothing written
    if method == "GET" and not re.search(r"cinemas/\d+$", path):  # a cinema's settings: administrators only
        own = client.get(path.replace(str(LUX), str(REX)).replace(f"/{ids[LUX]}", f"/{ids[REX]}"))
        assert own.status_code == 200, (path, own.status_code)  # the same route works at home


def test_the_event_list_holds_only_the_contributors_cinemas(
    engine: Engine, runtime: Runtime, two_cinemas: tuple[str, int, dict[int, int]]
) -> None:
    url, account_id, ids = two_cinemas
    listed = signed_in(url, runtime.settings, account_id).get("/api/v1/events").json()["events"]
    assert [e["id"] for e in listed] == [ids[REX]]
    admin = add_account(engine, "union@example.fr", "admin")
    everything = signed_in(url, runtime.settings, admin).get("/api/v1/events").json()["events"]
    assert sorted(e["id"] for e in everything) == sorted(ids.values())


def test_admin_cinema_page_masks_secrets_and_shows_runs(site: tuple[World, str, dict[str, int]]) -> None:
    world, url, _ = site
    admin = sign_in(url, "union@example.fr")
    page = admin.get(f"/espace/cinemas/{REX}")
    assert "token=••••" in page.text and "t-rex" not in page.text and "ok" in page.text
    api = admin.get(f"/api/v1/events/cinemas/{REX}").json()
    assert api["connector_settings"]["token"] == "••••" and api["runs"][0]["status"] == "ok"
    form = {
        "csrf": csrf(admin),
        "connector": "monnaie",
        "settings": f"feed_url={world.monnaie_url}/programme/rex",
        "secrets": "token=",
    }
    assert admin.post(f"/espace/cinemas/{REX}/source", data=form).status_code == 303
    assert sync_all(world.runtime, cinema=REX, now=NOW)[0].status == "ok"  # the blank secret kept the token
    headers = {"X-CSRF-Token": csrf(admin)}
    body = {"connector": "monnaie", "settings": {"feed_url": "x"}, "secrets": {"token": "nouveau-42"}}
    shown = admin.put(f"/api/v1/events/cinemas/{REX}/source", json=body, headers=headers)
    assert shown.json()["connector_settings"] == {"feed_url": "x", "token": "••••"}
    assert "nouveau-42" not in shown.text
    assert admin.put(
        f"/api/v1/events/cinemas/{REX}/consent", json={"consent": False}, headers=headers
    ).is_success
    with world.engine.connect() as connection:
        actions = connection.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["cinema-source", "cinema-source", "cinema-consent"]


def test_export_with_chosen_columns(runtime: Runtime, two_cinemas: tuple[str, int, dict[int, int]]) -> None:
    url, account_id, _ = two_cinemas
    client = signed_in(url, runtime.settings, account_id)
    answer = client.get(f"/espace/cinemas/{REX}/evenements.xlsx?colonnes=title,starts_at,kind")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0] == ("title", "starts_at", "kind")
    assert rows[1][0] == "Rencontre avec la réalisatrice"
    full = client.get(f"/api/v1/events/export.xlsx?cinema={REX}", headers={})
    assert len(next(openpyxl.load_workbook(io.BytesIO(full.content)).worksheets[0].values)) == 22
    assert client.get(f"/api/v1/events/export.xlsx?cinema={REX}&columns=nope").json()["field"] == "columns"


def test_a_direct_event_created_through_the_form(
    runtime: Runtime, two_cinemas: tuple[str, int, dict[int, int]]
) -> None:
    url, account_id, _ = two_cinemas
    client = signed_in(url, runtime.settings, account_id)
    form = {
        "csrf": csrf(client),
        "cinema_id": str(REX),
        "title": "Atelier bruitage",
        "starts_at": "2100-01-10T15:00",
    }
    created = client.post("/espace/evenements", data={**form, "kind": "atelier"})
    assert created.status_code == 303 and created.headers["location"].startswith("/espace/evenements/")
    page = client.get(created.headers["location"])
    assert "Atelier bruitage" in page.text and "Pas encore envoyé" in page.text
    refused = client.post("/espace/evenements", data={**form, "cinema_id": "abc"})
    assert refused.status_code == 403 and "Accès refusé" in refused.text
