"""iCalendar exports parsed back with icalendar: stable UIDs, VTIMEZONE, TZIDs, cancelled status."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from tests.publish.export_samples import COLUMNS, SampleDataset, showtime, showtimes

from lanterne.errors import InvalidValue
from lanterne.publish import formats

OPTIONS = {"base_url": "https://data.cinemas-independants.fr"}


def _calendar(rows: object, options: dict[str, object] = OPTIONS) -> Calendar:
    body = b"".join(formats.write("ics", SampleDataset(), COLUMNS, rows, options))  # type: ignore[arg-type]
    return Calendar.from_ical(body)


def test_ics_events_carry_the_showtime() -> None:
    calendar = _calendar(showtimes(12))
    events = calendar.walk("VEVENT")
    assert len(events) == 12
    first = events[0]
    assert str(first["UID"]) == "showtime-ems000000@data.cinemas-independants.fr"
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert first.decoded("DTSTART") == datetime(2026, 9, 2, 20, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert first.decoded("DTEND") == datetime(2026, 9, 2, 22, 15, tzinfo=ZoneInfo("Europe/Paris"))
    assert str(first["SUMMARY"]) == "Cléo de 5 à 7, n°0; « VOST »"
    assert str(first["LOCATION"]) == "Le Balzac, 1 rue Balzac, Paris"
    assert first["GEO"].latitude == pytest.approx(48.8566)
    assert "URL" not in first  # séance 0 has no booking link
    assert str(events[1]["URL"]) == "https://billetterie.example/seance/1"
    assert [str(event["STATUS"]) for event in events[3:6]] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_ics_uids_are_stable_across_exports() -> None:
    def uids() -> list[str]:
        return [str(event["UID"]) for event in _calendar(showtimes(5)).walk("VEVENT")]

    assert uids() == uids()


def test_ics_overseas_showtime_keeps_its_local_clock() -> None:
    reunion = list(showtime(1))
    reunion[7] = "974"
    calendar = _calendar(iter([showtime(0), tuple(reunion)]))
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Paris", "Indian/Reunion"]
    event = calendar.walk("VEVENT")[1]
    assert event["DTSTART"].params["TZID"] == "Indian/Reunion"
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 4 * 3600


def test_ics_needs_start_times() -> None:
    with pytest.raises(InvalidValue) as error:
        formats.write("ics", replace(SampleDataset(), start_column=None), COLUMNS, showtimes(1), {})
    assert error.value.field == "format"
