"""EMS: one JSON schedule feed for all its cinemas ("sites"), read incrementally by version.

`GET {feed_url}/{version}` answers what changed since `version` and the new version; version 0 is
the whole schedule. The new version travels back as `Programme.cursor`, a delta is `partial`.
Settings: `feed_url`, `site_id`, `username`, `password`; `cursor` is written by the sync engine.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError, field_validator

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

# EMS's session "features" that Lanterne keeps; the others (disabled_access, audio_dtsx…) say nothing
# about the version or the format of the séance.
VERSIONS = {"vf": "VF", "vo": "VO"}
FORMATS = {"video_3d": "3D", "video_4k": "4K", "video_imax": "IMAX"}


class EmsSession(BaseModel):
    id: str
    date: str  # "YYYYMMDDHHMM", the site's local time
    features: list[str] = []
    hall_id: int | None = None
    hall_name: str | None = None
    pass_culture_price: float | None = None


class EmsEvent(BaseModel):
    id: str
    allocine_id: int | str | None = None
    title: str
    director: str | None = None
    release_date: str | None = None  # "YYYYMMDD"
    synopsis: str | None = None
    duration: int | None = None  # minutes
    bill_url: str | None = None
    sessions: list[dict[str, Any]] = []

    @field_validator("title")
    @classmethod
    def title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty title")
        return value


class EmsSite(BaseModel):
    id: str
    name: str | None = None
    time_zone: str | None = None
    events: list[dict[str, Any]] = []


class EmsSchedule(BaseModel):
    sites: list[EmsSite]
    version: int


def _where(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    return (".".join(str(part) for part in first["loc"]) or None, first["msg"])


def release_of(text: str | None) -> date | None:
    """EMS writes "YYYYMMDD"; a malformed date is dropped rather than losing the film's séances."""
    try:
        return datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        return None


def film_of(event: EmsEvent) -> FilmRecord:
    return FilmRecord(
        external_id=event.id,
        title=event.title,
        directors=event.director or None,
        runtime=event.duration or None,
        release_date=release_of(event.release_date),
        synopsis=event.synopsis or None,
        poster_url=event.bill_url or None,
        allocine_id=str(event.allocine_id) if event.allocine_id not in (None, "") else None,
    )


def version_of(features: list[str]) -> str | None:
    if "vo" in features and ("subtitle" in features or "vost" in features):
        return "VOST"
    return next((VERSIONS[feature] for feature in features if feature in VERSIONS), None)


def showtime_of(session: EmsSession, event: EmsEvent, zone: ZoneInfo) -> ShowtimeRecord:
    starts_at = datetime.strptime(session.date, "%Y%m%d%H%M").replace(tzinfo=zone)
    return ShowtimeRecord(
        external_id=session.id,
        film_external_id=event.id,
        starts_at=starts_at,
        screen=session.hall_name or (str(session.hall_id) if session.hall_id is not None else None),
        version=version_of(session.features),
        format=next((FORMATS[f] for f in session.features if f in FORMATS), "2D"),
        audio_description="audio_description" in session.features,
        deaf_subtitles="subtitle_deaf" in session.features,
    )


class EmsConnector:
    """One EMS site's schedule; the feed is shared by all EMS cinemas, so it is filtered by `site_id`."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.site_id = str(context.settings["site_id"])
        self.since = int(context.settings.get("cursor") or 0)

    def fetch(self, window: Window) -> Programme:
        schedule = self._schedule()
        programme = Programme(cursor=str(schedule.version), partial=self.since != 0)
        for site in schedule.sites:
            if site.id == self.site_id:
                zone = ZoneInfo(site.time_zone or self.context.timezone)
                for raw in site.events:
                    self._add_event(programme, raw, window, zone)
        return programme

    def _schedule(self) -> EmsSchedule:
        settings = self.context.settings
        url = f"{str(settings['feed_url']).rstrip('/')}/{self.since}"
        auth = (settings.get("username", ""), settings.get("password", ""))
        response = request(self.context.client, "GET", url, auth=auth)
        if response.status_code in (401, 403):
            raise ConnectorError(f"EMS refused the credentials (HTTP {response.status_code}) on GET {url}")
        if response.status_code != 200:
            raise ConnectorError(f"EMS answered HTTP {response.status_code} on GET {url}")
        try:
            return EmsSchedule.model_validate_json(response.content)
        except ValidationError as exc:
            field, reason = _where(exc)
            raise ConnectorError(f"EMS sent an unreadable schedule on GET {url}: {field}: {reason}") from exc

    def _add_event(self, programme: Programme, raw: dict[str, Any], window: Window, zone: ZoneInfo) -> None:
        try:
            event = EmsEvent.model_validate(raw)
        except ValidationError as exc:
            field, reason = _where(exc)
            programme.rejected.append(Rejected(f"event {raw.get('id', '?')}", field, reason))
            return
        showtimes = [s for s in (self._showtime(programme, r, event, zone) for r in event.sessions) if s]
        in_window = [s for s in showtimes if window.start <= s.starts_at.date() <= window.end]
        if in_window:
            programme.films.append(film_of(event))
            programme.showtimes.extend(in_window)

    def _showtime(
        self, programme: Programme, raw: dict[str, Any], event: EmsEvent, zone: ZoneInfo
    ) -> ShowtimeRecord | None:
        try:
            return showtime_of(EmsSession.model_validate(raw), event, zone)
        except ValidationError as exc:
            field, reason = _where(exc)
        except ValueError as exc:
            field, reason = "date", f"{raw.get('date')!r} is not YYYYMMDDHHMM ({exc})"
        programme.rejected.append(Rejected(f"session {raw.get('id', '?')}", field, reason))
        return None
