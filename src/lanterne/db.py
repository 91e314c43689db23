"""The storage layer: one engine per process, SQLite (WAL, foreign keys) or PostgreSQL (psycopg 3).

Every domain declares its tables on `Base`; Alembic migrates the same schema on both databases.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every domain's tables."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and read back aware, identically on SQLite and PostgreSQL.

    SQLite has no time zone type; storing naive UTC everywhere keeps ordering and comparisons
    the same on both databases. Naive input is refused: a naive time is the defect we repair.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_url(url: str) -> str:
    """Accept the plain `postgresql://` URLs operators copy from elsewhere; we drive psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sqlite_version(connection: Connection) -> tuple[int, int] | None:
    """What changes whenever the SQLite database does: `data_version` moves when another connection
    commits, `total_changes` when this one writes (a sync run by the same process). None elsewhere."""
    if connection.dialect.name != "sqlite":
        return None
    raw: Any = connection.connection.driver_connection
    return raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes


# PostgreSQL tells the web workers that a transaction touching open data committed (migration 0012's
# triggers NOTIFY on this channel), as SQLite's `data_version` tells them for free.
CHANGES_CHANNEL = "lanterne_changes"
log = logging.getLogger(__name__)


class ChangeWatcher:
    """LISTENs for the change notices of one PostgreSQL database, on a connection of its own.

    `generation` moves at every notice and at every (re)connection, never back: what a worker read
    while it stood still holds. None while not listening (not yet, or the connection broke): nothing
    may then be remembered, and every request asks the database, as without a watcher. What it lets a
    worker remember is asked again after `trust_seconds` all the same: a notice that cannot arrive (a
    pooler in transaction mode does not carry LISTEN, a table without its trigger) costs a few seconds
    of an old ETag, well within the minute pages announce (`Cache-Control: max-age=60`)."""

    def __init__(self, engine: Engine, retry_seconds: float = 1.0, trust_seconds: float = 5.0) -> None:
        self.engine, self.retry_seconds, self.trust_seconds = engine, retry_seconds, trust_seconds
        self.generation: int | None = None
        self._moves, self._listening, self._lock = 0, False, threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="lanterne-changes", daemon=True)

    def start(self) -> ChangeWatcher:
        # This process's own commits move it at once: what it wrote, it reads next (its notice follows).
        event.listen(self.engine, "commit", self._committing)
        self._thread.start()
        return self

    def stop(self) -> None:
        if _WATCHERS.get(self.engine) is self:
            del _WATCHERS[self.engine]
        event.remove(self.engine, "commit", self._committing)
        self._stopping.set()  # the thread sees it within half a second, closes its connection and ends

    def _committing(self, _connection: Connection) -> None:
        self._moved()

    def _moved(self, listening: bool | None = None) -> None:
        """A move, by a notice or a commit of this process (`listening` None) or a (dis)connection."""
        with self._lock:
            self._listening = self._listening if listening is None else listening
            self._moves += 1
            self.generation = self._moves if self._listening else None

    def _listen(self) -> None:
        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        while not self._stopping.is_set():
            try:
                with psycopg.connect(*args, **{**kwargs, "autocommit": True}) as connection:
                    connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._moved(listening=True)
                    while not self._stopping.is_set():
                        for _notice in connection.notifies(timeout=0.5):
                            self._moved(listening=True)
            except psycopg.Error as error:
                log.warning("change notices interrupted (%s): every request asks the database", error)
            self._moved(listening=False)
            self._stopping.wait(self.retry_seconds)


_WATCHERS: weakref.WeakKeyDictionary[Engine, ChangeWatcher] = weakref.WeakKeyDictionary()


def watch_changes(engine: Engine, trust_seconds: float = 5.0) -> ChangeWatcher | None:
    """Start listening for `engine`'s change notices (PostgreSQL; SQLite needs none): a web worker
    then knows its data stands without a query per request. Whoever started the watcher stops it; None
    if another owner did (or SQLite)."""
    if engine.dialect.name != "postgresql" or engine in _WATCHERS:
        return None
    watcher = _WATCHERS[engine] = ChangeWatcher(engine, trust_seconds=trust_seconds).start()
    return watcher


def data_version(connection: Connection) -> Any | None:
    """What moves whenever the open data may have changed, for remembering what was read from it until
    then: SQLite's own counters (`sqlite_version`), PostgreSQL's watched notices (`watch_changes`).
    None when nothing says so (PostgreSQL unwatched): then nothing is remembered."""
    if connection.dialect.name == "sqlite":
        return sqlite_version(connection)
    watcher = _WATCHERS.get(connection.engine)
    if watcher is None or watcher.generation is None:
        return None
    return watcher.generation, int(time.monotonic() // watcher.trust_seconds)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine with the per-database settings integrity and concurrency rely on."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        if database == ":memory:":
            kwargs.setdefault("poolclass", StaticPool)
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
