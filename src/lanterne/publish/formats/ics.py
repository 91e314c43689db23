"""iCalendar (RFC 5545) for showtimes and events, to subscribe to in any calendar application.

Each séance is a VEVENT with a stable UID (`showtime-{showid}@{host}`, so a re-sync updates rather than
duplicates it), wall-clock times with their TZID, STATUS:CANCELLED when it was cancelled, the film as
SUMMARY, the cinema as LOCATION and GEO, and the booking link as URL. Events are streamed one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Event, Timezone

from lanterne.errors import InvalidValue
from lanterne.publish.formats.values import (
    PARIS,
    ColumnLike,
    Columns,
    DatasetLike,
    Options,
    Rows,
    column_index,
)

# Overseas departments and collectivities keep their own clock; a séance in La Réunion is at 20:00 there.
OVERSEAS_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
BATCH = 200
# A séance keeps one UID whichever dataset lists it (an event screening is a showtime too).
UID_PREFIXES = {"programmation-cinemas": "showtime", "evenements-cinemas": "showtime"}
CANCELLED = ("cancelled", "annulée", "annule", "annulee")


class Layout:
    """Where each piece of a VEVENT sits in the exported row, read from the dataset's declarations."""

    def __init__(self, dataset: DatasetLike, columns: Sequence[ColumnLike]) -> None:
        def at(attribute: str) -> int | None:
            return column_index(columns, getattr(dataset, attribute, None))

        start = at("start_column")
        if start is None:
            raise InvalidValue("format", f"le format ics demande la colonne de début de « {dataset.id} »")
        self.start: int = start
        self.end, self.summary, self.uid = at("end_column"), at("summary_column"), at("uid_column")
        self.status, self.url = at("status_column"), at("url_column")
        self.department = at("department_column")
        names = getattr(dataset, "location_columns", ()) or ()
        self.location = [i for i in (column_index(columns, n) for n in names) if i is not None]
        geo = getattr(dataset, "geo", None) or (None, None)
        self.lat, self.lon = column_index(columns, geo[0]), column_index(columns, geo[1])
        self.uid_prefix = getattr(dataset, "uid_prefix", None) or UID_PREFIXES.get(dataset.id, dataset.id)


def zone_of(department: Any) -> str:
    return OVERSEAS_ZONES.get(str(department or ""), "Europe/Paris")


def _uid(layout: Layout, row: tuple[Any, ...], host: str) -> str:
    key = row[layout.uid] if layout.uid is not None else row[layout.start].strftime("%Y%m%dT%H%M%SZ")
    return f"{layout.uid_prefix}-{key}@{host}"


def _event(layout: Layout, row: tuple[Any, ...], host: str, stamp: datetime, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", _uid(layout, row, host))
    event.add("dtstamp", stamp)
    event.add("dtstart", row[layout.start].astimezone(zone))
    if layout.end is not None and row[layout.end] is not None:
        event.add("dtend", row[layout.end].astimezone(zone))
    if layout.summary is not None and row[layout.summary]:
        event.add("summary", str(row[layout.summary]))
    place = ", ".join(str(row[i]) for i in layout.location if row[i] not in (None, ""))
    if place:
        event.add("location", place)
    if layout.lat is not None and layout.lon is not None and row[layout.lat] is not None:
        event.add("geo", (row[layout.lat], row[layout.lon]))
    if layout.url is not None and row[layout.url]:
        event.add("url", str(row[layout.url]))
    cancelled = layout.status is not None and str(row[layout.status]).lower() in CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _timezone(name: str, today: date) -> bytes:
    first, last = date(today.year - 1, 1, 1), date(today.year + 4, 1, 1)
    return Timezone.from_tzid(name, first_date=first, last_date=last).to_ical()


def _header(dataset: DatasetLike) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Lanterne//Cinémas indépendants//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{dataset.title}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write(dataset: DatasetLike, columns: Columns, rows: Rows, options: Options) -> Iterator[bytes]:
    """Stream the calendar; Paris's VTIMEZONE comes first, an overseas one once its first séance is seen
    (RFC 5545 sets no order among a calendar's components, only that each TZID used has one)."""
    layout = Layout(dataset, columns)
    host = urlsplit(options.get("base_url") or "http://lanterne.local").hostname or "lanterne.local"
    stamp = (options.get("last_updated") or datetime.now(UTC)).astimezone(UTC)
    today = datetime.now(UTC).date()
    yield _header(dataset) + _timezone("Europe/Paris", today)
    zones: dict[str, ZoneInfo] = {"Europe/Paris": PARIS}
    batch: list[bytes] = []
    for row in rows:
        if row[layout.start] is None:
            continue
        name = zone_of(row[layout.department]) if layout.department is not None else "Europe/Paris"
        if name not in zones:
            zones[name] = ZoneInfo(name)
        batch.append(_event(layout, row, host, stamp, zones[name]).to_ical())
        if len(batch) == BATCH:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)
    for name in list(zones)[1:]:
        yield _timezone(name, today)
    yield b"END:VCALENDAR\r\n"
