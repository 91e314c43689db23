"""SIGKILL in the middle of `lanterne sync`: no cinema is half-applied, and the next run completes.

`lanterne sync` runs in a subprocess against a stand-in serving many cinemas slowly; one cinema's
programme is large, and the process is killed while that cinema's transaction is being written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from lanterne.catalog.models import Showtime
from lanterne.collect.connectors import registry
from lanterne.collect.models import SyncRun
from lanterne.collect.sync import sync_all
from lanterne.runtime import Runtime
from lanterne.stand_ins.server import serve_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stand_ins.programme_feed import Feed, FeedConnector, add_cinema, create_app, make_programme, settings_for

LAUNCHER = Path(__file__).resolve().parent.parent / "stand_ins" / "run_sync.py"
CINEMAS = 12
LARGE = 1_000_012  # the cinema whose write is interrupted
PARIS = ZoneInfo("Europe/Paris")


def new_edition(programme: dict[str, Any]) -> dict[str, Any]:
    """Every séance moved by 5 minutes, one in ten gone, one added per day: a change touching all rows."""
    shows = []
    for index, show in enumerate(programme["showtimes"]):
        if index % 10 == 9:
            continue
        moved = datetime.fromisoformat(show["start"]) + timedelta(minutes=5)
        shows.append({**show, "start": moved.isoformat()})
    extra = [
        {**show, "id": f"{show['id']}-new"} for show in programme["showtimes"][:: max(len(shows) // 7, 1)]
    ]
    return {"films": programme["films"], "showtimes": shows + extra}


def state(engine: Engine) -> dict[int, set[tuple[Any, ...]]]:
    query = select(Showtime.cinema_id, Showtime.external_id, Showtime.starts_at, Showtime.status)
    found: dict[int, set[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for cinema_id, *row in connection.execute(query):
            found.setdefault(cinema_id, set()).add(tuple(row))
    return found


def expected_after(old: set[tuple[Any, ...]], programme: dict[str, Any]) -> set[tuple[Any, ...]]:
    """What a complete sync of `programme` makes of a cinema's `old` rows."""
    new = {
        show["id"]: datetime.fromisoformat(show["start"]).replace(tzinfo=PARIS)
        for show in programme["showtimes"]
    }
    rows = {(external_id, starts, "scheduled") for external_id, starts in new.items()}
    rows |= {(external_id, starts, "cancelled") for external_id, starts, _ in old if external_id not in new}
    return {(external_id, starts.astimezone(ZoneInfo("UTC")), status) for external_id, starts, status in rows}


@pytest.fixture
def slow_feed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Feed]]:
    monkeypatch.setitem(registry.BUILT_IN, "feed", FeedConnector)
    feed = Feed()
    with serve_in_thread(create_app(feed)) as url:
        yield url, feed


def run_sync(engine: Engine) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LANTERNE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LANTERNE_SYNC_DAYS": "10",
        "LANTERNE_SYNC_CONCURRENCY": "2",
    }
    return subprocess.Popen(
        [sys.executable, str(LAUNCHER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def runs_of(engine: Engine, cinema_id: int | None = None) -> list[Any]:
    query = select(SyncRun.cinema_id, SyncRun.status).order_by(SyncRun.id)
    if cinema_id is not None:
        query = query.where(SyncRun.cinema_id == cinema_id)
    with engine.connect() as connection:
        return connection.execute(query).all()


def wait_for(predicate: Any, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = datetime.now() + timedelta(seconds=timeout)
    while not predicate():
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        assert datetime.now() < deadline, "the sync never reached the point to kill it"
        time.sleep(0.005)


def test_sigkill_mid_sync_leaves_every_cinema_whole_and_the_next_run_completes(
    engine: Engine, runtime: Runtime, slow_feed: tuple[str, Feed]
) -> None:
    url, feed = slow_feed
    tomorrow = datetime.now(PARIS).date() + timedelta(days=1)
    for number in range(1, CINEMAS + 1):
        cinema_id, key = 1_000_000 + number, f"c{number}"
        add_cinema(engine, cinema_id, connector_settings=settings_for(url, key))
        per_day = 600 if cinema_id == LARGE else 20
        step = 1 if cinema_id == LARGE else 30
        feed.programmes[key] = make_programme(key, tomorrow, days=7, per_day=per_day, films=5, step=step)
    runtime.settings.sync_days = 10
    assert all(result.status == "ok" for result in sync_all(runtime))
    old = state(engine)
    new_programmes = {key: new_edition(programme) for key, programme in feed.programmes.items()}
    feed.programmes.update(new_programmes)
    feed.delay = 0.15  # many cinemas, slowly
    first_runs = len(runs_of(engine))

    process = run_sync(engine)
    wait_for(lambda: ("running",) in [(r.status,) for r in runs_of(engine, LARGE)[1:]], process)
    process.send_signal(signal.SIGKILL)
    process.wait(10)

    after_kill = state(engine)
    whole = 0
    for number in range(1, CINEMAS + 1):
        cinema_id = 1_000_000 + number
        new = expected_after(old[cinema_id], new_programmes[f"c{number}"])
        assert after_kill[cinema_id] in (old[cinema_id], new), f"cinema {cinema_id} is half-applied"
        whole += after_kill[cinema_id] == new
    assert after_kill[LARGE] == old[LARGE]  # killed while writing it: rolled back
    assert 0 < whole < CINEMAS  # killed in the middle, not before or after
    assert len(runs_of(engine)) > first_runs

    feed.delay = 0.0
    again = run_sync(engine)
    output = again.communicate(timeout=120)[0].decode()
    assert again.returncode == 0, output
    final = state(engine)
    for number in range(1, CINEMAS + 1):
        cinema_id = 1_000_000 + number
        assert final[cinema_id] == expected_after(old[cinema_id], new_programmes[f"c{number}"])
    statuses = [status for _, status in runs_of(engine, LARGE)]
    assert statuses == ["ok", "interrupted", "ok"]
    assert "running" not in {status for _, status in runs_of(engine)}
