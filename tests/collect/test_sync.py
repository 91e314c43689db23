"""The sync engine against a programme feed served over real HTTP: insert, update, cancel, no-op,
failures isolated per cinema, garbage reported, every run recorded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine, func, select, update

from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.collect.attach import connect_cinema
from lanterne.collect.connectors import registry
from lanterne.collect.connectors.interface import ConnectorContext
from lanterne.collect.models import SyncRejection, SyncRun
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.collect.runs import mark_interrupted
from lanterne.collect.sync import apply_programme, sync_all, window_for
from lanterne.runtime import Runtime
from lanterne.stand_ins.cds import CdsBoxOffice
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stand_ins.programme_feed import (
    TOKEN,
    Feed,
    FeedConnector,
    add_cinema,
    create_app,
    make_programme,
    settings_for,
)

NOW = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)  # 08:00 in Paris
TODAY = date(2026, 9, 1)


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Feed, Faults]]:
    monkeypatch.setitem(registry.BUILT_IN, "feed", FeedConnector)
    state, faults = Feed(), Faults(delay=1.0)
    with serve_in_thread(create_app(state, faults)) as url:
        yield url, state, faults


@pytest.fixture
def sync_runtime(runtime: Runtime) -> Runtime:
    runtime.settings.sync_days = 7
    runtime.settings.sync_concurrency = 3
    runtime.settings.sync_timeout = 0.5
    runtime.settings.sync_retries = 2  # reaches the connector as its `attempts` setting
    return runtime


def snapshot(engine: Engine, cinema_id: int | None = None) -> list[tuple[Any, ...]]:
    """Every stored column of every séance: two equal snapshots mean nothing was written."""
    query = select(Showtime.__table__).order_by(Showtime.id)
    if cinema_id is not None:
        query = query.where(Showtime.cinema_id == cinema_id)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def runs(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(select(SyncRun).order_by(SyncRun.id)).all()


def setup_cinemas(engine: Engine, url: str, state: Feed, *keys: str, edition: int = 0) -> None:
    for number, key in enumerate(keys, start=1):
        add_cinema(engine, 1_000_000 + number, connector_settings=settings_for(url, key))
        state.programmes[key] = make_programme(key, TODAY, edition=edition)


def test_first_sync_stores_every_seance_in_the_cinemas_zone(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a", "b")
    results = sync_all(sync_runtime, now=NOW)
    assert [(r.status, r.inserted, r.updated, r.cancelled) for r in results] == [("ok", 28, 0, 0)] * 2
    with engine.connect() as connection:
        first = connection.execute(
            select(Showtime.starts_at, Showtime.version, Showtime.status).where(
                Showtime.external_id == "a-0-0"
            )
        ).one()
    assert first == (datetime(2026, 9, 1, 12, 0, tzinfo=UTC), "VF", "scheduled")  # 14:00 Paris
    assert [(run.status, run.inserted, run.finished_at is not None) for run in runs(engine)] == [
        ("ok", 28, True)
    ] * 2


def test_an_unchanged_night_writes_nothing(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a", "b")
    sync_all(sync_runtime, now=NOW)
    before = snapshot(engine)
    again = sync_all(sync_runtime, now=NOW + timedelta(days=0, hours=1))
    assert [(r.written, r.unchanged, r.inserted, r.updated, r.cancelled) for r in again] == [
        (0, 28, 0, 0, 0)
    ] * 2
    assert snapshot(engine) == before  # not even last_seen_at moved


def test_changes_are_applied_and_vanished_seances_cancelled_never_deleted(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a")
    sync_all(sync_runtime, now=NOW)
    state.programmes["a"] = make_programme("a", TODAY, edition=1)  # slot 0 moved, last séance gone
    [result] = sync_all(sync_runtime, now=NOW)
    assert (result.inserted, result.updated, result.cancelled, result.unchanged) == (0, 7, 1, 20)
    rows = {row[0]: row for row in _rows(engine)}
    assert len(rows) == 28
    assert rows["a-6-3"][2] == "cancelled"
    assert rows["a-0-0"][1] == datetime(2026, 9, 1, 12, 15, tzinfo=UTC)
    state.programmes["a"] = make_programme("a", TODAY)  # it comes back
    [back] = sync_all(sync_runtime, now=NOW)
    assert (back.inserted, back.updated, back.cancelled) == (0, 8, 0)
    assert {row[2] for row in _rows(engine)} == {"scheduled"}


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(select(Showtime.external_id, Showtime.starts_at, Showtime.status)).all()


def test_past_seances_are_never_cancelled(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a")
    sync_all(sync_runtime, now=NOW)
    state.programmes["a"] = {"films": state.programmes["a"]["films"], "showtimes": []}
    [result] = sync_all(sync_runtime, now=NOW + timedelta(hours=9))  # 17:00 Paris: 14:00 and 16:00 are past
    assert result.cancelled == 26
    with engine.connect() as connection:
        kept = connection.execute(
            select(Showtime.external_id).where(Showtime.status == "scheduled")
        ).scalars()
        assert sorted(kept) == ["a-0-0", "a-0-1"]


def test_a_failing_cinema_keeps_its_programme_and_does_not_stop_the_others(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a", "b", "c")
    sync_all(sync_runtime, now=NOW)
    before = snapshot(engine, 1_000_002)
    with engine.begin() as connection:  # b's vendor now answers with its token in the URL, and fails
        settings = {**settings_for(url.replace("127.0.0.1", "localhost") + "/down", "b")}
        connection.execute(update(Cinema).where(Cinema.id == 1_000_002).values(connector_settings=settings))
    state.programmes["a"] = make_programme("a", TODAY, edition=1)
    state.programmes["c"] = make_programme("c", TODAY, edition=1)
    results = {r.cinema_id: r for r in sync_all(sync_runtime, now=NOW)}
    assert results[1_000_002].status == "failed" and "404" in (results[1_000_002].error or "")
    assert results[1_000_001].updated == results[1_000_003].updated == 7
    assert snapshot(engine, 1_000_002) == before
    failed = [run for run in runs(engine) if run.status == "failed"]
    assert len(failed) == 1 and TOKEN not in (failed[0].error or "")


def test_timeouts_and_5xx_are_retried_then_recorded(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, faults = feed
    setup_cinemas(engine, url, state, "a")
    faults.push("503")  # one 503 then fine: the retry succeeds
    [ok] = sync_all(sync_runtime, now=NOW)
    assert ok.status == "ok" and ok.inserted == 28
    faults.push("timeout", "timeout")  # both attempts time out
    [late] = sync_all(sync_runtime, now=NOW)
    assert late.status == "failed" and "Timeout" in (late.error or "")


def test_garbage_is_reported_and_leaves_the_last_good_programme(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a", "b", "c")
    sync_all(sync_runtime, now=NOW)
    before_b = snapshot(engine, 1_000_002)
    state.raw["b"] = b'{"films": [{"id": 1, "title": "x"}], "showtimes": [{"id": '  # truncated body
    bad = make_programme("c", TODAY)
    bad["showtimes"][0]["start"] = "demain soir"
    bad["showtimes"][1]["film"] = "inconnu"
    bad["showtimes"][2]["version"] = "klingon"
    bad["showtimes"].append({"film": "c-f0"})
    bad["showtimes"].append(["not", "a", "séance"])
    state.programmes["c"] = bad
    results = {r.cinema_id: r for r in sync_all(sync_runtime, now=NOW)}
    assert results[1_000_001].status == "ok"
    assert results[1_000_002].status == "failed" and "malformed" in (results[1_000_002].error or "")
    assert snapshot(engine, 1_000_002) == before_b
    partial = results[1_000_003]
    assert partial.status == "partial" and partial.cancelled == 0  # rejected séances are not "gone"
    assert partial.unchanged == 25 and partial.updated == 1  # the unknown version became None
    with engine.connect() as connection:
        reasons = connection.execute(
            select(SyncRejection.record, SyncRejection.field).where(SyncRejection.run_id == partial.run_id)
        ).all()
    assert set(reasons) == {
        ("séance c-0-0", "starts_at"),
        ("séance c-0-1", "film_external_id"),
        ("séance c-0-2", "version"),
        ("showtimes[28]", "id"),
        ("showtimes[29]", "id"),
    }


def test_only_consenting_attached_cinemas_are_synced_and_filters_apply(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a", "b")
    add_cinema(engine, 2_000_001, publish_consent=False, connector_settings=settings_for(url, "a"))
    add_cinema(engine, 2_000_002, connector=None)
    assert [r.cinema_id for r in sync_all(sync_runtime, now=NOW)] == [1_000_001, 1_000_002]
    assert [r.cinema_id for r in sync_all(sync_runtime, cinema=1_000_002, now=NOW)] == [1_000_002]
    assert sync_all(sync_runtime, connector="cds", now=NOW) == []


def test_overseas_cinemas_use_their_own_calendar_and_clock(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    add_cinema(engine, 4_000_001, department="974", connector_settings=settings_for(url, "re"))
    late = datetime(2026, 8, 31, 21, 0, tzinfo=UTC)  # already 1 September at 01:00 in Réunion
    assert window_for("Indian/Reunion", late, 7).start == TODAY
    state.programmes["re"] = make_programme("re", TODAY)
    sync_all(sync_runtime, now=late)
    with engine.connect() as connection:
        start = connection.execute(
            select(Showtime.starts_at).where(Showtime.external_id == "re-0-0")
        ).scalar()
    assert start == datetime(2026, 9, 1, 10, 0, tzinfo=UTC)  # 14:00 at UTC+4


class FixedConnector:
    """A connector returning a prepared programme: the engine's contract without HTTP."""

    programme = Programme()

    def __init__(self, context: ConnectorContext) -> None:
        assert isinstance(context.client, httpx.Client)
        assert "_secret_keys" not in context.settings

    def fetch(self, window: Window) -> Programme:
        return FixedConnector.programme


def test_an_incremental_sources_cursor_is_kept_and_a_delta_cancels_nothing(
    engine: Engine, sync_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.BUILT_IN, "fixed", FixedConnector)
    add_cinema(engine, 1_000_001, connector="fixed", connector_settings={"site": "1", "_secret_keys": []})
    film = FilmRecord("m1", "Perfect Days", visa="156000")
    shows = [ShowtimeRecord(f"s{n}", "m1", datetime(2026, 9, 2, 14 + n)) for n in range(3)]
    FixedConnector.programme = Programme(films=[film], showtimes=shows, cursor="100")
    sync_all(sync_runtime, now=NOW)
    FixedConnector.programme = Programme(
        showtimes=[ShowtimeRecord("s3", "m1", datetime(2026, 9, 3, 14))], cursor="200", partial=True
    )
    [delta] = sync_all(sync_runtime, now=NOW)
    assert (delta.inserted, delta.cancelled, delta.unchanged) == (1, 0, 0)  # film known from the first night
    with engine.connect() as connection:
        settings = connection.execute(
            select(Cinema.connector_settings).where(Cinema.id == 1_000_001)
        ).scalar()
    assert settings["cursor"] == "200" and settings["site"] == "1"


def test_apply_programme_is_usable_by_a_push(engine: Engine) -> None:
    add_cinema(engine, 1_000_001, connector="push")
    programme = Programme(
        films=[FilmRecord("1", "Le Règne animal", directors="Thomas Cailley", production_year=2023)],
        showtimes=[ShowtimeRecord("p1", "1", "2026-09-02T20:30:00+02:00", version="VOSTFR")],  # type: ignore[arg-type]
    )
    result = apply_programme(
        engine, 1_000_001, "push", programme, now=NOW, window=Window(TODAY, TODAY + timedelta(days=6))
    )
    assert (result.status, result.inserted, result.run_id is not None) == ("ok", 1, True)
    again = apply_programme(
        engine, 1_000_001, "push", programme, now=NOW, window=Window(TODAY, TODAY + timedelta(days=6))
    )
    assert (again.unchanged, again.written) == (1, 0)


def test_runs_left_running_by_a_dead_process_become_interrupted(engine: Engine) -> None:
    add_cinema(engine, 1_000_001)
    with engine.begin() as connection:
        connection.execute(
            SyncRun.__table__.insert(),
            [
                {
                    "cinema_id": 1_000_001,
                    "connector": "feed",
                    "started_at": NOW,
                    "status": "running",
                    "owner": f"{_host()}:999999999",
                }
                | _zeros(),
                {
                    "cinema_id": 1_000_001,
                    "connector": "feed",
                    "started_at": NOW,
                    "status": "running",
                    "owner": "elsewhere:1",
                }
                | _zeros(),
                {
                    "cinema_id": 1_000_001,
                    "connector": "feed",
                    "started_at": NOW - timedelta(days=1),
                    "status": "running",
                    "owner": "elsewhere:2",
                }
                | _zeros(),
            ],
        )
    assert mark_interrupted(engine, NOW + timedelta(minutes=5)) == 2
    assert [run.status for run in runs(engine)] == ["interrupted", "running", "interrupted"]


def _zeros() -> dict[str, int]:
    return {"inserted": 0, "updated": 0, "cancelled": 0, "unchanged": 0, "rejected": 0}


def _host() -> str:
    return socket.gethostname()


def test_runs_are_served_by_the_api(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults], live_app: str
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a")
    state.programmes["a"]["showtimes"][0]["start"] = "n'importe quand"
    [result] = sync_all(sync_runtime, now=NOW)
    listing = httpx.get(f"{live_app}/api/v1/sync/runs", params={"cinema": 1_000_001}).json()
    assert [run["id"] for run in listing["runs"]] == [result.run_id]
    assert listing["runs"][0]["status"] == "partial" and listing["runs"][0]["inserted"] == 27
    detail = httpx.get(f"{live_app}/api/v1/sync/runs/{result.run_id}").json()
    assert detail["rejections"][0]["field"] == "starts_at"
    assert httpx.get(f"{live_app}/api/v1/sync/runs/999999").status_code == 404


def cds_programme(moved: bool = False) -> Programme:
    """Two films, three séances; `moved` shifts one séance and drops another, as a box office would."""
    films = [
        FilmRecord("101", "Ã€ bout de souffle", visa="22850", runtime=90),
        FilmRecord("102", "La Chimère", visa="157100", runtime=131, synopsis="null"),
    ]
    paris = ZoneInfo("Europe/Paris")
    shows = [
        ShowtimeRecord("5001", "101", datetime(2026, 9, 2, 20, 30, tzinfo=paris), version="VF", screen="1"),
        ShowtimeRecord(
            "5002",
            "102",
            datetime(2026, 9, 3, 18, 0, tzinfo=paris),
            version="VOST",
            is_event=True,
            event_headline="Avant-première",
        ),
        ShowtimeRecord("5003", "102", datetime(2026, 9, 4, 21, 0, tzinfo=paris), version="VO"),
    ]
    if moved:
        shows = [replace(shows[0], starts_at=datetime(2026, 9, 2, 21, 0, tzinfo=paris)), shows[1]]
    return Programme(films=films, showtimes=shows)


def test_end_to_end_through_the_cds_stand_in(engine: Engine, sync_runtime: Runtime) -> None:
    office = CdsBoxOffice()
    office.add_programme("cine42", "cds-token-xyz", "42", cds_programme())
    with serve_in_thread(office.app()) as url:
        settings = {"account_id": "cine42", "api_url": f"{url}/{{account_id}}", "cinema_id": "42"}
        add_cinema(
            engine, 1_000_001, connector="cds", connector_settings=settings | {"api_token": "cds-token-xyz"}
        )
        [first] = sync_all(sync_runtime, now=NOW)
        assert (first.status, first.inserted) == ("ok", 3), first.error
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    Showtime.external_id, Showtime.starts_at, Showtime.version, Showtime.is_event, Film.title
                )
                .join(Film, Film.id == Showtime.film_id)
                .order_by(Showtime.external_id)
            ).all()
        assert rows[0] == ("5001", datetime(2026, 9, 2, 18, 30, tzinfo=UTC), "VF", False, "À bout de souffle")
        assert rows[1][2:] == ("VOST", True, "La Chimère")
        office.add_programme("cine42", "cds-token-xyz", "42", cds_programme(moved=True))
        [second] = sync_all(sync_runtime, now=NOW)
        assert (second.updated, second.cancelled, second.unchanged) == (1, 1, 1)
        assert sync_all(sync_runtime, now=NOW)[0].written == 0
        office.fail_next(503, times=5)
        [failed] = sync_all(sync_runtime, now=NOW)
        assert failed.status == "failed" and "cds-token-xyz" not in (failed.error or "")


def test_vendor_answers_can_be_parsed_in_worker_processes(engine: Engine, sync_runtime: Runtime) -> None:
    office = CdsBoxOffice()
    office.add_programme("cine42", "cds-token-xyz", "42", cds_programme())
    with serve_in_thread(office.app()) as url:
        settings = {"account_id": "cine42", "api_url": f"{url}/{{account_id}}", "cinema_id": "42"}
        add_cinema(
            engine, 1_000_001, connector="cds", connector_settings=settings | {"api_token": "cds-token-xyz"}
        )
        sync_runtime.settings.sync_processes = 1
        [result] = sync_all(sync_runtime, now=NOW)
    assert (result.status, result.inserted) == ("ok", 3), result.error


def test_a_cinema_switched_to_another_source_keeps_its_programme_until_the_new_one_arrives(
    engine: Engine, sync_runtime: Runtime, feed: tuple[str, Feed, Faults]
) -> None:
    url, state, _ = feed
    setup_cinemas(engine, url, state, "a")
    sync_all(sync_runtime, now=NOW)
    later = NOW + timedelta(hours=9)  # 17:00 Paris: the old source's 14:00 and 16:00 séances are past
    office = CdsBoxOffice()
    office.add_programme("cine42", "cds-token-xyz", "42", cds_programme())
    with serve_in_thread(office.app()) as cds_url:
        values = {"account_id": "cine42", "api_url": f"{cds_url}/{{account_id}}", "cinema_id": "42"}
        connect_cinema(engine, 1_000_001, "cds", values, {"api_token": "cds-token-xyz"}, later)
        assert {row[2] for row in _rows(engine)} == {"scheduled"}  # still online after the switch
        office.fail_next(503, times=2)  # LANTERNE_SYNC_RETRIES is 2 here
        [failed] = sync_all(sync_runtime, now=later)  # the new source cannot be read yet
        assert failed.status == "failed" and {row[2] for row in _rows(engine)} == {"scheduled"}
        [switched] = sync_all(sync_runtime, now=later)
    assert (switched.status, switched.inserted, switched.cancelled) == ("ok", 3, 26), switched.error
    with engine.connect() as connection:
        left = connection.execute(
            select(Showtime.source, Showtime.status, func.count())
            .group_by(Showtime.source, Showtime.status)
            .order_by(Showtime.source, Showtime.status)
        ).all()
        settings = connection.scalar(select(Cinema.connector_settings).where(Cinema.id == 1_000_001))
    # the old source's future séances are cancelled (never deleted), its past ones kept as they were
    assert left == [("cds", "scheduled", 3), ("feed", "cancelled", 26), ("feed", "scheduled", 2)]
    assert "_replaced_sources" not in settings
    assert sync_all(sync_runtime, now=later)[0].written == 0


ORPHAN = """
import os, signal, sys
from lanterne.collect.fetching import fetch_pool
from lanterne.settings import Settings
if __name__ == "__main__":
    pool = fetch_pool(Settings(sync_processes=2), 100)
    pool.submit(abs, 1).result()
    print(*[process.pid for process in pool._processes.values()], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_parsing_processes_stop_when_the_sync_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "killed_sync.py"
    script.write_text(ORPHAN)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    children = [int(pid) for pid in done.stdout.split()]
    assert children, done.stderr  # processes start as work arrives: at least one here
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
