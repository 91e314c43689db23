"""Feeds over real HTTP: iCalendar for all events, a cinema, a department, a region (zones, cancelled
events, no cinema that refused to publish), the Atom feed of new events, and the JSON-LD extras."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from icalendar import Calendar
from sqlalchemy import Engine, update
from tests.agenda.builders import LUX, NOW, REX, add_cinema, add_flagged_seance

from lanterne.agenda.events import list_events
from lanterne.agenda.published import screening_extras
from lanterne.catalog.models import Cinema, Showtime

FAR = datetime(2100, 1, 15, 19, 0, tzinfo=UTC)


def setup_events(engine: Engine) -> None:
    add_cinema(engine, REX, "75", "http://127.0.0.1:9", "rex")
    add_cinema(engine, LUX, "974", "http://127.0.0.1:9", "lux")
    add_flagged_seance(engine, REX, "S-1", FAR, "Rencontre")  # feeds list what is ahead of the real today
    add_flagged_seance(engine, LUX, "L-1", FAR, "Avant-première")
    list_events(engine, NOW, None)


def summaries(url: str) -> dict[str, str]:
    calendar = Calendar.from_ical(httpx.get(url, timeout=10).content)
    return {str(e["summary"]): str(e["status"]) for e in calendar.walk("VEVENT")}


def test_calendars_by_scope(engine: Engine, live_app: str) -> None:
    setup_events(engine)
    assert summaries(f"{live_app}/agenda/evenements.ics") == {
        "Rencontre": "CONFIRMED",
        "Avant-première": "CONFIRMED",
    }
    assert summaries(f"{live_app}/agenda/cinemas/{REX}.ics") == {"Rencontre": "CONFIRMED"}
    assert summaries(f"{live_app}/agenda/departements/974.ics") == {"Avant-première": "CONFIRMED"}
    assert summaries(f"{live_app}/agenda/regions/Île-de-France.ics") == {"Rencontre": "CONFIRMED"}
    text = httpx.get(f"{live_app}/agenda/departements/974.ics", timeout=10).text
    assert "TZID=Indian/Reunion" in text and f"{live_app}/evenements/" in text.replace("\r\n ", "")


def test_cancelled_shown_and_refusing_cinemas_hidden(engine: Engine, live_app: str) -> None:
    setup_events(engine)
    with engine.begin() as connection:
        connection.execute(update(Showtime).where(Showtime.cinema_id == REX).values(status="cancelled"))
        connection.execute(update(Cinema).where(Cinema.id == LUX).values(publish_consent=False))
    assert summaries(f"{live_app}/agenda/evenements.ics") == {"Rencontre": "CANCELLED"}


def test_atom_feed_of_new_events(engine: Engine, live_app: str) -> None:
    setup_events(engine)
    answer = httpx.get(f"{live_app}/agenda/nouveautes.atom", timeout=10)
    assert answer.headers["content-type"].startswith("application/atom+xml")
    assert answer.text.count("<entry>") == 2 and "<title>Avant-première</title>" in answer.text


def test_screening_extras_for_json_ld() -> None:
    row = {
        "descriptionevenement": "Débat",
        "publicevenement": "famille",
        "agemin": 6,
        "animation": "Léa, Paul",
    }
    extras = screening_extras({**row, "agemax": None, "partenaires": "Ligue de l'enseignement"})
    assert extras["typicalAgeRange"] == "6-"
    assert extras["audience"] == {"@type": "Audience", "audienceType": "famille"}
    assert [p["name"] for p in extras["performer"]] == ["Léa", "Paul"]
    assert extras["sponsor"] == [{"@type": "Organization", "name": "Ligue de l'enseignement"}]
