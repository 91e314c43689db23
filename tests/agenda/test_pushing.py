"""From box office to OpenAgenda over real HTTP: an event ticked in a stand-in box office reaches the
stand-in OpenAgenda after one sync, enriched after the cinema's edit, cancelled after the box office
cancels it; pushes are idempotent, survive 429/5xx, renew expired tokens."""

from __future__ import annotations

from sqlalchemy import select
from tests.agenda.builders import AGENDA, LUX, NOW, REX, World, add_account, later, programme, seance

from lanterne.agenda.accounts import viewer_of
from lanterne.agenda.events import enrich, list_events
from lanterne.agenda.models import Location, Push
from lanterne.agenda.pushing import push_all
from lanterne.collect.sync import sync_all


def oa_event(world: World, event_id: int) -> dict:
    event = world.openagenda.event(AGENDA, "lanterne", str(event_id))
    assert event is not None, f"event {event_id} is not on OpenAgenda"
    return event


def rex_event_id(world: World) -> int:
    return next(e["id"] for e in list_events(world.engine, NOW, [REX]))


def test_ticked_enriched_then_cancelled_reaches_openagenda(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    report = push_all(world.runtime, NOW)
    assert (report.created, report.failed) == (2, 0), report.errors
    event_id = rex_event_id(world)
    pushed = oa_event(world, event_id)
    assert pushed["title"] == {"fr": "Rencontre avec la réalisatrice"}
    assert pushed["timings"] == [{"begin": "2026-12-03T20:30:00+01:00", "end": "2026-12-03T22:10:00+01:00"}]
    assert pushed["status"] == 1

    contributor = viewer_of(world.engine, add_account(world.engine, "rex@example.fr", "contributor", REX))
    assert contributor is not None
    changes = {
        "kind": "ciné-débat",
        "audience": "tout public, seniors",
        "host": "Léa Martin",
        "accessibility": "hi,mi",
    }
    enrich(world.engine, contributor, event_id, changes, later(1))
    sync_all(world.runtime, now=later(2))  # a later sync leaves the enrichment alone
    assert {e["id"]: e["kind"] for e in list_events(world.engine, later(2), [REX])} == {
        event_id: "ciné-débat"
    }
    report = push_all(world.runtime, later(2))
    assert (report.updated, report.unchanged) == (1, 1)
    pushed = oa_event(world, event_id)
    assert pushed["keywords"] == {"fr": ["ciné-débat", "tout public", "seniors"]}
    assert pushed["accessibility"] == {"hi": True, "ii": False, "mi": True, "pi": False, "vi": False}
    assert "Animation : Léa Martin" in pushed["longDescription"]["fr"]

    world.feeds.programmes["rex"] = programme(seance("S-2", "F-1", 5, "14:00"))  # S-1 no longer announced
    sync_all(world.runtime, now=later(3))
    report = push_all(world.runtime, later(3))
    assert report.cancelled == 1
    assert oa_event(world, event_id)["status"] == 6  # cancelled, not deleted
    with world.engine.connect() as connection:
        last = connection.execute(
            select(Push.result, Push.openagenda_uid).where(Push.event_id == event_id)
        ).one()
    assert tuple(last) == ("cancelled", str(pushed["uid"]))


def test_overseas_timing_carries_its_own_offset(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    push_all(world.runtime, NOW)
    lux = next(e["id"] for e in list_events(world.engine, NOW, [LUX]))
    assert oa_event(world, lux)["timings"][0]["begin"] == "2026-12-04T20:00:00+04:00"


def test_unchanged_events_are_not_pushed_again(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    push_all(world.runtime, NOW)
    before = len(world.openagenda_faults.requests)
    report = push_all(world.runtime, later(1))
    assert (report.unchanged, report.created, report.updated) == (2, 0, 0)
    puts = [r for r in world.openagenda_faults.requests[before:] if r.startswith("PUT")]
    assert puts == []


def test_one_location_per_cinema_linked_by_external_id(world: World) -> None:
    world.feeds.programmes["rex"]["showtimes"].append(seance("S-3", "F-1", 6, "18:00", "Ciné-goûter"))
    sync_all(world.runtime, now=NOW)
    push_all(world.runtime, NOW)
    assert sorted(loc["extId"] for loc in world.openagenda.locations.values()) == [
        f"cineid-{REX}",
        f"cineid-{LUX}",
    ]
    with world.engine.begin() as connection:
        connection.execute(Location.__table__.delete())  # forgotten locally: found again, not duplicated
    world.feeds.programmes["rex"]["showtimes"].append(seance("S-4", "F-1", 7, "18:00", "Atelier"))
    sync_all(world.runtime, now=later(1))
    push_all(world.runtime, later(1))
    assert len(world.openagenda.locations) == 2


def test_429_and_5xx_are_retried(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    world.openagenda_faults.push("429", "503")
    report = push_all(world.runtime, NOW)
    assert (report.created, report.failed) == (2, 0)


def test_a_refused_event_is_recorded_and_the_rest_pushed(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    world.openagenda.agendas.clear()  # the agenda is gone: every event fails, nothing raises
    report = push_all(world.runtime, NOW)
    assert report.failed == 2
    with world.engine.connect() as connection:
        results = connection.scalars(select(Push.result)).all()
    assert results == ["failed", "failed"]


def test_dry_run_prints_bodies_and_sends_nothing(world: World) -> None:
    sync_all(world.runtime, now=NOW)
    printed: list[str] = []
    report = push_all(world.runtime, NOW, echo=printed.append, dry_run=True)
    assert len(report.payloads) == 2 and '"Rencontre avec la réalisatrice"' in printed[0]
    assert world.openagenda.events == {} and world.openagenda_faults.requests == []
