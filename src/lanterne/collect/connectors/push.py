"""Lanterne's own published programme schema (version 1): what a box office pushes, or serves for
Lanterne to pull (Monnaie Services). Pydantic models, then conversion to the neutral programme.

Each film and séance is validated on its own, so one bad record is rejected by position and id while
the others convert. A time without an offset is the cinema's local time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import orjson
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from lanterne.collect.connectors.interface import ConnectorContext
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

SCHEMA_ID = "https://lanterne.cinema/schemas/programme-v1.json"
VERSION_SYNONYMS = {"VOSTFR": "VOST", "VOSTF": "VOST", "VOST-FR": "VOST", "VFST": "VF"}


class PushFilm(BaseModel):
    """A film, as the box office knows it; `id` is the box office's own id for it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200, description="The box office's id of the film")
    title: str = Field(min_length=1, max_length=300)
    original_title: str | None = Field(None, max_length=300)
    directors: str | None = Field(None, description="Comma-separated: 'Agnès Varda, Jacques Demy'")
    cast: str | None = None
    runtime: int | None = Field(None, gt=0, lt=1000, description="Minutes")
    release_date: date | None = Field(None, description="Release date in France")
    production_year: int | None = Field(None, ge=1888, le=2100)
    countries: str | None = None
    genres: str | None = None
    synopsis: str | None = None
    poster_url: str | None = None
    trailer_url: str | None = None
    visa: str | None = Field(None, description="CNC visa d'exploitation number: the best film key")
    allocine_id: str | None = None
    distributor: str | None = None

    @field_validator("visa", "allocine_id", mode="before")
    @classmethod
    def number_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class PushShowtime(BaseModel):
    """A séance. `event` + `headline` are Monnaie Services' "Événement" tick box and "Headline" text."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)

    id: str = Field(min_length=1, max_length=200, description="The box office's id of the séance")
    film_id: str = Field(min_length=1, max_length=200, description="The `id` of a film of `films`")
    starts_at: datetime = Field(description="ISO 8601; without an offset, the cinema's local time")
    ends_at: datetime | None = None
    screen: str | None = Field(None, max_length=100, description="Screen (salle) name or number")
    screen_capacity: int | None = Field(None, ge=0, description="Seats on sale (jauge)")
    version: Literal["VF", "VO", "VOST"] | None = None
    format: str | None = Field(None, max_length=20, description="2D, 3D, IMAX…")
    audio_description: bool = False
    deaf_subtitles: bool = Field(False, description="Subtitles for the deaf and hard of hearing (ST-SME)")
    booking_url: str | None = Field(None, max_length=1000)
    event: bool = Field(False, validation_alias=AliasChoices("event", "evenement", "Événement"))
    headline: str | None = Field(None, max_length=500, validation_alias=AliasChoices("headline", "Headline"))
    cancelled: bool = False

    @field_validator("version", mode="before")
    @classmethod
    def one_version_word(cls, value: object) -> object:
        if isinstance(value, str):
            word = value.strip().upper()
            return VERSION_SYNONYMS.get(word, word) or None
        return value

    @field_validator("screen", "headline", "booking_url", "format", mode="before")
    @classmethod
    def number_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class PushProgramme(BaseModel):
    """One cinema's programme. `start`/`end`: the dates it covers (default: the sync window)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"$id": SCHEMA_ID})

    schema_version: Literal[1] = 1
    start: date | None = Field(None, description="First date covered; séances absent from it are cancelled")
    end: date | None = Field(None, description="Last date covered, inclusive")
    films: list[PushFilm] = Field(default_factory=list)
    showtimes: list[PushShowtime] = Field(default_factory=list)


class PushEnvelope(BaseModel):
    """The outer shape, validated first: the records inside are validated one by one."""

    schema_version: Literal[1] = 1
    start: date | None = None
    end: date | None = None
    films: list[dict[str, Any]] = Field(default_factory=list)
    showtimes: list[dict[str, Any]] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of a pushed programme (served at /api/v1/programme/schema.json)."""
    schema = PushProgramme.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def where(record: str, error: ValidationError) -> Rejected:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    return Rejected(record, field, f"{first['msg']} (reçu : {first.get('input')!r})"[:300])


def film_of(film: PushFilm) -> FilmRecord:
    values = film.model_dump(exclude={"id"})
    return FilmRecord(external_id=film.id, **values)


def showtime_of(show: PushShowtime, zone: ZoneInfo) -> ShowtimeRecord:
    def aware(moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=zone) if moment and moment.tzinfo is None else moment

    starts_at = aware(show.starts_at)
    assert starts_at is not None
    return ShowtimeRecord(
        external_id=show.id,
        film_external_id=show.film_id,
        starts_at=starts_at,
        ends_at=aware(show.ends_at),
        screen=show.screen,
        screen_capacity=show.screen_capacity,
        version=show.version,
        format=show.format,
        audio_description=show.audio_description,
        deaf_subtitles=show.deaf_subtitles,
        booking_url=show.booking_url,
        is_event=show.event,
        event_headline=show.headline,
        cancelled=show.cancelled,
    )


def records_of(envelope: PushEnvelope, zone: ZoneInfo) -> Programme:
    """Convert record by record; a séance of an unknown film or a repeated id is rejected too."""
    programme = Programme()
    for index, raw in enumerate(envelope.films):
        try:
            programme.films.append(film_of(PushFilm.model_validate(raw)))
        except ValidationError as exc:
            programme.rejected.append(where(f"films[{index}] (id {raw.get('id', '?')})", exc))
    known = {film.external_id for film in programme.films}
    seen: set[str] = set()
    for index, raw in enumerate(envelope.showtimes):
        record = f"showtimes[{index}] (id {raw.get('id', '?')})"
        try:
            show = PushShowtime.model_validate(raw)
        except ValidationError as exc:
            programme.rejected.append(where(record, exc))
            continue
        if show.film_id not in known:
            programme.rejected.append(Rejected(record, "film_id", f"aucun film d'id {show.film_id!r}"))
        elif show.id in seen:
            programme.rejected.append(Rejected(record, "id", f"séance {show.id!r} en double"))
        else:
            seen.add(show.id)
            programme.showtimes.append(showtime_of(show, zone))
    return programme


def parse(content: bytes | str, timezone: str) -> tuple[Programme, Window | None]:
    """A pushed or pulled JSON document → the programme and the dates it says it covers.

    Raises ValueError naming what is wrong when the document itself is not a programme.
    """
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    return programme_of(document, timezone)


def programme_of(document: Any, timezone: str) -> tuple[Programme, Window | None]:
    """The decoded document → the programme and its dates; ValueError when it is not a programme."""
    try:
        envelope = PushEnvelope.model_validate(document)
    except ValidationError as exc:
        rejected = where("document", exc)
        raise ValueError(f"{rejected.field or 'document'}: {rejected.reason}") from exc
    window = Window(envelope.start, envelope.end) if envelope.start and envelope.end else None
    return records_of(envelope, ZoneInfo(timezone)), window


class PushConnector:
    """A cinema that pushes its programme: nothing to fetch at night, and nothing to cancel either."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context

    def fetch(self, window: Window) -> Programme:
        return Programme(partial=True)
