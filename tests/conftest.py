"""Fixtures every domain's tests share: a migrated database on SQLite and on PostgreSQL, real SMTP,
the optional `../shared` reference files, and a real HTTP server in a thread.

PostgreSQL runs when LANTERNE_TEST_POSTGRES_URL is set: one fresh database per test run (named after
the process), migrated once, emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from lanterne.app import create_app
from lanterne.db import make_engine, normalize_url
from lanterne.migrations import upgrade
from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.stand_ins.server import free_port, serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get("LANTERNE_TEST_POSTGRES_URL")
CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, never a downloaded browser; no background traffic on this closed network. Without the
# automation flag the page sees a person's browser (navigator.webdriver false), as the audience tests need.
BROWSER_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-blink-features=AutomationControlled",
]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on PostgreSQL (skipped without a server URL)")


def wait_until(predicate: Callable[[], object], timeout: float = 30.0) -> None:
    """For what another thread or process does: poll `predicate` until true, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.01)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The reference files of ../shared; a fresh clone has none, so tests using them skip."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test gets a copy of the file (much faster than migrating every time)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("LANTERNE_TEST_POSTGRES_URL is not set")
    name = f"lanterne_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(normalize_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalize_url(POSTGRES_URL)).set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Emptying every table between tests cost ~1.7 s a test (TRUNCATE locks all 48 tables); most tests touch
# a few, so only the non-empty ones are truncated, and every used sequence restarts, in one round trip.
EMPTY_POSTGRES = """
DO $$
DECLARE r record; nonempty boolean; targets text := '';
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', r.tablename) INTO nonempty;
    IF nonempty THEN targets := targets || format('%I,', r.tablename); END IF;
  END LOOP;
  IF targets <> '' THEN EXECUTE 'TRUNCATE ' || rtrim(targets, ',') || ' CASCADE'; END IF;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', r.sequencename);
  END LOOP;
END $$;
"""


def _empty_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text(EMPTY_POSTGRES))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite always, PostgreSQL when a server is configured."""
    if request.param == "postgresql":
        pg: Engine = request.getfixturevalue("postgres_engine")
        _empty_postgres(pg)
        yield pg
        return
    path = tmp_path / "lanterne.db"
    shutil.copy(sqlite_template, path)
    sqlite = make_engine(f"sqlite:///{path}")
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        exports_dir=str(tmp_path / "exports"),
        scheduler=False,
    )


@pytest.fixture
def runtime(settings: Settings, engine: Engine) -> Runtime:
    """A Runtime that reuses the test's engine (so PostgreSQL tests share the per-run database)."""
    return Runtime(settings, _engine=engine)


class Mailbox:
    """Messages received by the test's real SMTP server (aiosmtpd), parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; `settings` is pointed at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def live_app(runtime: Runtime) -> Iterator[str]:
    """Lanterne itself served over real HTTP in a thread; yields its base URL."""
    with serve_in_thread(create_app(runtime=runtime)) as url:
        runtime.settings.base_url = url
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run: Playwright's sync API allows a single instance per thread."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield instance
        instance.close()
