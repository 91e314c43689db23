"""The neutral programme every connector yields: what a box office knows, in Lanterne's words.

Connectors convert their vendor's fields into these types and nothing more; repairing text, times
and identities is `clean.py`'s job, storing them is `sync.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class FilmRecord:
    """A film as one vendor describes it; `external_id` is that vendor's own id."""

    external_id: str
    title: str
    original_title: str | None = None
    directors: str | None = None
    cast: str | None = None
    runtime: int | None = None  # minutes
    release_date: date | None = None
    production_year: int | None = None
    countries: str | None = None
    genres: str | None = None
    synopsis: str | None = None
    poster_url: str | None = None
    trailer_url: str | None = None
    visa: str | None = None
    allocine_id: str | None = None
    distributor: str | None = None


@dataclass(frozen=True)
class ShowtimeRecord:
    """A séance as one vendor announces it. `starts_at` may be naive: then it is the cinema's local time."""

    external_id: str
    film_external_id: str
    starts_at: datetime
    ends_at: datetime | None = None
    screen: str | None = None
    screen_capacity: int | None = None
    version: str | None = None  # the vendor's word; clean.py maps it onto VF / VO / VOST
    format: str | None = None
    audio_description: bool = False
    deaf_subtitles: bool = False
    booking_url: str | None = None
    is_event: bool = False
    event_headline: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Rejected:
    """A vendor record we could not use: where it was, which field, and why."""

    record: str  # e.g. "show 1234" or "ligne 12"
    field: str | None
    reason: str


@dataclass
class Programme:
    """One cinema's programme for a date window, as fetched from its source.

    `cursor`: where an incremental source (EMS's feed version) stopped; the sync engine stores it back in
    the cinema's `connector_settings["cursor"]` after a successful run and the connector resumes from it.
    `partial`: True when the source sent only what changed: the sync engine then inserts and updates but
    cancels nothing, since a séance absent from a delta has not vanished.
    """

    films: list[FilmRecord] = field(default_factory=list)
    showtimes: list[ShowtimeRecord] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    cursor: str | None = None
    partial: bool = False


@dataclass(frozen=True)
class Window:
    """The dates fetched: from `start` to `end` inclusive, in the cinema's local calendar."""

    start: date
    end: date
