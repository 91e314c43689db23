"""The demo's séances: local hours in the right zone, stored in UTC; realistic shares of events,
booking links and versions; a day's séances independent of the window asked."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lanterne.demo.films import first_wednesday
from lanterne.demo.showtimes import EVENING, MATINEE, local_midnight, slots
from lanterne.demo.world import DemoWorld

START = date(2026, 11, 23)


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return DemoWorld(seed=11, cinema_count=60, film_count=120, start=START)


def test_guadeloupe_evening_is_past_midnight_in_utc() -> None:
    starts = local_midnight(date(2026, 11, 23), "America/Guadeloupe") + timedelta(minutes=EVENING)
    assert starts == datetime(2026, 11, 24, 0, 45, tzinfo=UTC)


def test_paris_follows_summer_and_winter_time() -> None:
    assert local_midnight(date(2026, 7, 1), "Europe/Paris") + timedelta(minutes=EVENING) == datetime(
        2026, 7, 1, 18, 45, tzinfo=UTC
    )
    assert local_midnight(date(2026, 12, 1), "Europe/Paris") + timedelta(minutes=EVENING) == datetime(
        2026, 12, 1, 19, 45, tzinfo=UTC
    )
    assert local_midnight(date(2026, 12, 1), "Indian/Reunion") == datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


def test_an_overseas_cinemas_2045_is_stored_at_0045_utc_next_day(world: DemoWorld) -> None:
    cinema = next(cinema for cinema in world.cinemas if cinema.commune.department == "971")
    shows = list(world.showtimes(cinema, days=7))
    assert shows and all(show.starts_at.tzinfo == UTC for show in shows)
    evening = [show for show in shows if show.screen == "Salle 1" and show.starts_at.time().hour == 0]
    assert evening
    for show in evening:
        local = show.starts_at.astimezone(ZoneInfo("America/Guadeloupe"))
        assert (local.hour, local.minute) == (20, 45)
        assert show.starts_at.date() == local.date() + timedelta(days=1)


def test_local_hours_are_the_trades_hours(world: DemoWorld) -> None:
    for cinema in world.cinemas[:30]:
        zone = ZoneInfo(cinema.zone)
        for show in world.showtimes(cinema, days=7):
            local = show.starts_at.astimezone(zone)
            minutes = local.hour * 60 + local.minute
            assert any(0 <= minutes - slot <= 30 for slot in slots(cinema, local.date())), show
            if not cinema.multiplex and minutes < 12 * 60:
                assert local.weekday() in (2, 5, 6)  # matinées on Wednesdays and weekends
            assert show.ends_at > show.starts_at


def test_shares_of_events_booking_links_and_versions(world: DemoWorld) -> None:
    shows = [show for cinema in world.cinemas for show in world.showtimes(cinema, days=14)]
    assert len(shows) > 10_000
    events = [show for show in shows if show.is_event]
    assert 0.02 < len(events) / len(shows) < 0.045
    assert all(show.event_headline for show in events)
    assert any("Ciné-goûter" in show.event_headline for show in events)  # type: ignore[operator]
    assert 0.74 < sum(show.booking_url is not None for show in shows) / len(shows) < 0.9
    versions = Counter(show.version for show in shows)
    assert set(versions) <= {"VF", "VO", "VOST"} and versions["VOST"] > 0
    assert all(show.version == "VF" for show in shows if show.film.french)


def test_an_avant_premiere_is_one_evening_seance_in_salle_1(world: DemoWorld) -> None:
    previews = []
    for cinema in world.cinemas:
        shows = [show for show in world.showtimes(cinema, days=14)]
        early = [show for show in shows if show.film.release_date > _local_day(show, cinema.zone)]
        for show in early:
            local = show.starts_at.astimezone(ZoneInfo(cinema.zone))
            assert (show.screen, local.hour, local.minute) == ("Salle 1", 20, 45)
            assert show.is_event and show.event_headline and show.event_headline.startswith("Avant-première")
        assert len({first_wednesday(_local_day(show, cinema.zone)) for show in early}) == len(early)
        previews += early
    assert previews


def test_a_days_seances_do_not_depend_on_the_window(world: DemoWorld) -> None:
    cinema = world.cinemas[3]
    long_window = list(world.showtimes(cinema, days=10))
    later = list(world.showtimes(cinema, start=START + timedelta(days=4), days=3))
    first_day = START + timedelta(days=4)
    expected = [
        show for show in long_window if first_day <= _local_day(show, cinema.zone) < first_day + timedelta(3)
    ]
    assert later == expected


def test_external_ids_are_unique_integers_per_cinema(world: DemoWorld) -> None:
    for cinema in world.cinemas[:20]:
        ids = [show.external_id for show in world.showtimes(cinema)]
        assert len(ids) == len(set(ids))
        assert all(id_.isdigit() and int(id_) < 2**63 for id_ in ids)  # vendors' séance ids are integers


def _local_day(show: object, zone: str) -> date:
    return show.starts_at.astimezone(ZoneInfo(zone)).date()  # type: ignore[attr-defined]


def test_matinee_constant_is_eleven() -> None:
    assert MATINEE == 11 * 60
