"""Tables of the catalog, named in the domain's words; integrity lives in the database too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow

VERSIONS = ("VF", "VO", "VOST")
STATUSES = ("scheduled", "cancelled")
CATEGORIES = ("A", "B", "C", "D", "E")


class Cinema(Base):
    """An établissement cinématographique; id = the union's `cineid` (régionCNC × 1,000,000 + N° auto)."""

    __tablename__ = "cinemas"
    __table_args__ = (
        UniqueConstraint("cnc_region", "cnc_number"),
        CheckConstraint("length(postcode) = 5", name="postcode_5"),
        CheckConstraint("category IN ('A','B','C','D','E')", name="category"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cnc_region: Mapped[int] = mapped_column(Integer)
    cnc_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    insee_code: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    screens: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer)
    art_et_essai: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str | None] = mapped_column(String(1))
    label_recherche: Mapped[bool] = mapped_column(Boolean, default=False)
    label_jeune_public: Mapped[bool] = mapped_column(Boolean, default=False)
    label_patrimoine: Mapped[bool] = mapped_column(Boolean, default=False)
    multiplex: Mapped[bool] = mapped_column(Boolean, default=False)
    itinerant: Mapped[bool] = mapped_column(Boolean, default=False)
    urban_unit: Mapped[str | None] = mapped_column(String(200))
    urban_unit_population: Mapped[int | None] = mapped_column(Integer)
    art_et_essai_share: Mapped[float | None] = mapped_column(Float)  # admissions share of AE films, 0–1
    connector: Mapped[str | None] = mapped_column(String(40))
    # Secrets (tokens, passwords) live here; never printed, logged or exported.
    connector_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    publish_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:  # secrets stay out of logs and tracebacks
        return f"Cinema(id={self.id!r}, name={self.name!r})"


class CinemaAdmissions(Base):
    """Yearly admissions (entrées) of a cinema as published by the CNC."""

    __tablename__ = "cinema_admissions"
    __table_args__ = (CheckConstraint("admissions >= 0", name="admissions_positive"),)

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    admissions: Mapped[int] = mapped_column(Integer)


class Film(Base):
    """A film, one identity across vendors: CNC visa, else Allociné id, else title + director + year."""

    __tablename__ = "films"
    __table_args__ = (
        CheckConstraint("runtime IS NULL OR runtime > 0", name="runtime_positive"),
        Index("ix_films_match_key", "match_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    original_title: Mapped[str | None] = mapped_column(String(300))
    directors: Mapped[str | None] = mapped_column(String(500))  # "Agnès Varda, Jacques Demy"
    cast: Mapped[str | None] = mapped_column(Text)
    runtime: Mapped[int | None] = mapped_column(Integer)  # minutes
    release_date: Mapped[date | None] = mapped_column(Date)
    production_year: Mapped[int | None] = mapped_column(Integer)
    countries: Mapped[str | None] = mapped_column(String(300))
    genres: Mapped[str | None] = mapped_column(String(300))
    synopsis: Mapped[str | None] = mapped_column(Text)
    poster_url: Mapped[str | None] = mapped_column(String(1000))
    trailer_url: Mapped[str | None] = mapped_column(String(1000))
    visa: Mapped[str | None] = mapped_column(String(20), unique=True)
    allocine_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    distributor: Mapped[str | None] = mapped_column(String(200))
    match_key: Mapped[str | None] = mapped_column(String(600))  # normalized "title|director|year"
    art_et_essai_recommended: Mapped[bool] = mapped_column(Boolean, default=False)
    audio_description: Mapped[bool] = mapped_column(Boolean, default=False)
    deaf_subtitles: Mapped[bool] = mapped_column(Boolean, default=False)  # sous-titres SME
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Showtime(Base):
    """A séance: one film on one screen at one instant, as a box office announced it."""

    __tablename__ = "showtimes"
    __table_args__ = (
        UniqueConstraint("cinema_id", "source", "external_id"),
        CheckConstraint("version IS NULL OR version IN ('VF','VO','VOST')", name="version"),
        CheckConstraint("status IN ('scheduled','cancelled')", name="status"),
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("screen_capacity IS NULL OR screen_capacity >= 0", name="capacity_positive"),
        Index("ix_showtimes_cinema_starts", "cinema_id", "starts_at"),
        Index("ix_showtimes_starts", "starts_at"),
        # cinema_id rides along: where a film plays is read from the index alone (0010_portal_film_places).
        Index("ix_showtimes_film_starts_cinema", "film_id", "starts_at", "cinema_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"))
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screen: Mapped[str | None] = mapped_column(String(100))
    screen_capacity: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str | None] = mapped_column(String(4))
    format: Mapped[str | None] = mapped_column(String(20))  # 2D, 3D, IMAX…
    audio_description: Mapped[bool] = mapped_column(Boolean, default=False)
    deaf_subtitles: Mapped[bool] = mapped_column(Boolean, default=False)
    booking_url: Mapped[str | None] = mapped_column(String(1000))
    is_event: Mapped[bool] = mapped_column(Boolean, default=False)
    event_headline: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(40))  # the connector's name
    external_id: Mapped[str] = mapped_column(String(200))  # the vendor's id of the séance
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="scheduled")


class School(Base):
    """An établissement scolaire from the national schools directory, keyed by its UAI."""

    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint("sector IS NULL OR sector IN ('public','privé')", name="sector"),
        CheckConstraint("pupils IS NULL OR pupils >= 0", name="pupils_positive"),
    )

    uai: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(100))  # École, Collège, Lycée…
    sector: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    insee_code: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    pupils: Mapped[int | None] = mapped_column(Integer)
    cinema_section: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
