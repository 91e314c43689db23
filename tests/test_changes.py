"""PostgreSQL tells the web workers when open data changes (LISTEN/NOTIFY), as SQLite's data_version does."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, text
from sqlalchemy.sql.util import find_tables
from tests.conftest import _empty_postgres, wait_until

import lanterne.app  # noqa: F401  (registers every domain's datasets)
from lanterne.catalog.models import Film
from lanterne.db import ChangeWatcher, data_version, make_engine, watch_changes
from lanterne.publish.datasets import DATASETS
from lanterne.publish.lines import dataset_of
from lanterne.publish.search import connect, search_marks, search_words

MIGRATION = Path(__file__).parents[1] / "src/lanterne/migrations/versions/0012_publish_change_notices.py"


@pytest.fixture
def pg(postgres_engine: Engine) -> Engine:
    _empty_postgres(postgres_engine)
    return postgres_engine


@pytest.fixture
def other_process(pg: Engine) -> Iterator[Engine]:
    """An engine of its own, as another worker or the nightly sync holds: its commits reach us by notice."""
    other = make_engine(pg.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


@pytest.fixture
def watcher(pg: Engine) -> Iterator[ChangeWatcher]:
    found = watch_changes(pg)
    assert found is not None
    wait_until(lambda: found.generation is not None, timeout=5)
    yield found
    found.stop()


def _mark(engine: Engine, kind: str) -> None:
    with engine.begin() as connection:
        connection.execute(search_marks.insert().values(kind=kind, indexed_until=None))


def test_a_commit_elsewhere_on_open_data_moves_the_generation(
    watcher: ChangeWatcher, other_process: Engine
) -> None:
    before = watcher.generation
    assert before is not None
    _mark(other_process, "films")
    wait_until(lambda: (watcher.generation or 0) > before, timeout=5)


def test_a_commit_elsewhere_on_other_tables_does_not(watcher: ChangeWatcher, other_process: Engine) -> None:
    before = watcher.generation
    with other_process.begin() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
    _mark(other_process, "sentinel")  # this one notifies: once it arrived, the first would have too
    wait_until(lambda: (watcher.generation or 0) > (before or 0), timeout=5)
    assert watcher.generation == (before or 0) + 1


def test_this_process_reads_its_own_writes_at_once(watcher: ChangeWatcher, pg: Engine) -> None:
    before = watcher.generation
    _mark(pg, "cinemas")
    assert watcher.generation is not None and before is not None and watcher.generation > before


def test_a_broken_listener_stops_remembering_then_listens_again(pg: Engine) -> None:
    watcher = ChangeWatcher(pg, retry_seconds=0.05).start()
    try:
        wait_until(lambda: watcher.generation is not None, timeout=5)
        before = watcher.generation or 0
        with pg.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query = 'LISTEN lanterne_changes' AND pid <> pg_backend_pid()"
                )
            ).all()
        assert killed
        wait_until(lambda: watcher.generation is None or watcher.generation > before + 1, timeout=5)
        wait_until(lambda: (watcher.generation or 0) > before + 1, timeout=5)  # listening again
    finally:
        watcher.stop()


def test_last_update_is_asked_once_per_change(
    watcher: ChangeWatcher, pg: Engine, other_process: Engine
) -> None:
    dataset = dataset_of("films")
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(pg, "before_cursor_execute", seen)
    try:
        with connect(pg) as connection:
            first = dataset.last_updated(connection)
            asked = len(statements)
            assert dataset.last_updated(connection) == first
            assert len(statements) == asked  # remembered: no query
        with other_process.begin() as connection:
            connection.execute(insert(Film).values(title="Nouveau"))
        with connect(pg) as connection:
            wait_until(lambda: dataset.last_updated(connection) > first, timeout=5)
    finally:
        event.remove(pg, "before_cursor_execute", seen)


def test_a_change_without_notice_is_seen_after_a_few_seconds(pg: Engine, other_process: Engine) -> None:
    """A notice that cannot arrive (a pooler in transaction mode, a table without its trigger) costs at
    most `trust_seconds` of an old last update."""
    watcher = watch_changes(pg, trust_seconds=0.3)
    assert watcher is not None
    try:
        wait_until(lambda: watcher.generation is not None, timeout=5)
        dataset = dataset_of("films")
        with connect(pg) as connection:
            first = dataset.last_updated(connection)
        with other_process.begin() as connection:
            connection.execute(text("ALTER TABLE films DISABLE TRIGGER lanterne_notify_change"))
            connection.execute(insert(Film).values(title="Sans avis"))
            connection.execute(text("ALTER TABLE films ENABLE TRIGGER lanterne_notify_change"))
        moved = watcher.generation
        with connect(pg) as connection:
            wait_until(lambda: dataset.last_updated(connection) > first, timeout=2)
        assert watcher.generation == moved  # no notice came: the last update was asked again
    finally:
        watcher.stop()


def test_unwatched_nothing_is_remembered(pg: Engine) -> None:
    with connect(pg) as connection:
        assert data_version(connection) is None


def test_every_table_a_dataset_reads_notifies() -> None:
    spec = importlib.util.spec_from_file_location("change_notices", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    read = {search_words.name, search_marks.name}
    for dataset in DATASETS.values():
        read |= {table.name for table in find_tables(dataset.from_clause(), check_columns=True)}
        read |= {column.table.name for column in dataset.updated}
    assert read <= set(migration.TABLES), read - set(migration.TABLES)
