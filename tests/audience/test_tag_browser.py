"""The tag in a real browser (Debian chromium): nothing identifying leaves before consent.

A cinema's website is served on http://localhost:PORT, Lanterne on http://127.0.0.1:PORT: the tag
runs cross-origin exactly as on a real cinema's site. Every request the page makes is recorded.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import Engine, func, select
from tests.audience.conftest import HUMAN_UA

from lanterne.audience.models import ConsentReceipt, Event, Visitor
from lanterne.db import make_engine

pytestmark = pytest.mark.browser


@pytest.fixture
def engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """Browser tests run on SQLite only: the storage they reach is tested on both databases elsewhere
    (test_collector.py), and a browser per database would double the slowest tests for nothing."""
    path = tmp_path / "lanterne.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(user_agent=HUMAN_UA, locale="fr-FR")
    yield context
    context.close()


class Recorder:
    def __init__(self, page: Page, lanterne: str) -> None:
        self.requests: list[tuple[str, str]] = []
        page.on(
            "request",
            lambda r: (
                self.requests.append((r.url, r.post_data or "")) if r.url.startswith(lanterne) else None
            ),
        )

    def posts(self, path: str) -> list[dict[str, object]]:
        return [json.loads(body) for url, body in self.requests if url.endswith(path) and body]


def wait_until(page: Page, condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll while letting Playwright deliver the page's events (a plain sleep would not)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        page.wait_for_timeout(100)


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_refused_consent_sends_no_identifier_and_stores_nothing(
    engine: Engine, context: BrowserContext, site_server: str, live_app: str
) -> None:
    page = context.new_page()
    recorder = Recorder(page, live_app)
    page.goto(site_server + "/?utm_source=newsletter&secret=1")
    page.get_by_role("dialog", name="Votre consentement").wait_for()
    assert [
        url for url, _ in recorder.requests if "/audience/tag.js" not in url
    ] == []  # nothing before a choice
    page.get_by_role("button", name="Refuser").click()
    wait_until(page, lambda: len(recorder.posts("/audience/consent")) == 1)
    page.get_by_text("Réserver").click()
    page.reload()
    page.wait_for_timeout(2500)  # longer than the tag's batching delay
    (receipt,) = recorder.posts("/audience/consent")
    assert receipt["purposes"] == [] and "visitor" not in receipt
    for url, body in recorder.requests:
        assert "visitor" not in body and "/audience/collect" not in url
    assert {c["name"] for c in context.cookies()} == {"lnt_consent"}  # the choice itself, no identifier
    wait_until(page, lambda: count(engine, ConsentReceipt) == 1)
    assert (count(engine, Event), count(engine, Visitor)) == (0, 0)
    with engine.connect() as connection:
        stored = connection.execute(select(ConsentReceipt.granted, ConsentReceipt.visitor_id)).one()
    assert stored == (False, None)


def test_given_consent_collects_clean_events_with_a_13_month_cookie(
    engine: Engine, context: BrowserContext, site_server: str, live_app: str
) -> None:
    page = context.new_page()
    recorder = Recorder(page, live_app)
    page.goto(site_server + "/film?utm_campaign=automne&gclid=abc&email=secret%40example.org")
    page.get_by_role("button", name="Accepter").click()
    wait_until(page, lambda: count(engine, Event) == 2)  # page view and film page
    (cookie,) = [c for c in context.cookies() if c["name"] == "lnt_aid"]
    lifetime_days = (cookie["expires"] - time.time()) / 86400
    assert 385 < lifetime_days <= 396  # at most 13 months
    with engine.connect() as connection:
        events = connection.execute(
            select(Event.kind, Event.path, Event.campaign, Event.film_id, Event.visitor_id, Event.receipt_id)
        ).all()
        receipt = connection.execute(select(ConsentReceipt.id, ConsentReceipt.visitor_id)).one()
    assert {e.kind for e in events} == {"page_view", "film_page"}
    assert all(
        e.path == "/film" and e.campaign == {"utm_campaign": "automne", "gclid": "abc"} for e in events
    )
    assert all((e.visitor_id, e.receipt_id) == (cookie["value"], receipt.id) for e in events)
    assert "secret" not in "".join(body for _, body in recorder.requests)  # no form, no other query string
    page.reload()  # a second visit neither renews the cookie nor asks again
    wait_until(page, lambda: count(engine, Event) == 4)
    (again,) = [c for c in context.cookies() if c["name"] == "lnt_aid"]
    assert again["value"] == cookie["value"] and abs(again["expires"] - cookie["expires"]) < 1
    assert count(engine, ConsentReceipt) == 1


@pytest.mark.parametrize(
    ("path", "granted"), [("/tcf-oui", True), ("/tcf-non", False), ("/consent-mode", True)]
)
def test_the_site_consent_tool_is_read_first(
    engine: Engine, context: BrowserContext, site_server: str, path: str, granted: bool
) -> None:
    page = context.new_page()
    page.goto(site_server + path)
    wait_until(page, lambda: count(engine, ConsentReceipt) == 1)
    assert page.locator("#lanterne-consent").count() == 0  # no banner over the site's own CMP
    with engine.connect() as connection:
        assert connection.execute(select(ConsentReceipt.granted)).scalar() is granted
    if granted:
        wait_until(page, lambda: count(engine, Event) == 1)
    else:
        page.wait_for_timeout(2500)
        assert count(engine, Event) == 0


def test_an_automated_browser_is_dropped_as_a_bot(engine: Engine, browser: Browser, site_server: str) -> None:
    context = browser.new_context()  # headless user agent, as a crawler would show
    page = context.new_page()
    page.goto(site_server + "/")
    page.get_by_role("button", name="Accepter").click()
    wait_until(page, lambda: count(engine, ConsentReceipt) == 1)
    page.wait_for_timeout(2500)
    assert count(engine, Event) == 0
    context.close()
