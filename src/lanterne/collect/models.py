"""Tables of the collect domain: which vendor id is which film, and what every sync run did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted")


class FilmSource(Base):
    """A vendor's film id for one cinema, mapped to Lanterne's one film.

    The cinema is part of the key because CDS and Boost run one box-office instance per cinema and
    their media ids are local to it: media 12 at one cinema is not media 12 at the next.
    """

    __tablename__ = "film_sources"

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True)
    connector: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncRun(Base):
    """One cinema synchronised from one source: when, what changed, and what went wrong.

    A successful run's `finished_at` is also when all its scheduled showtimes were last seen: rows are
    not touched when nothing changed, so an unchanged night writes no showtime at all.
    """

    __tablename__ = "sync_runs"
    __table_args__ = (
        CheckConstraint("status IN ('running','ok','partial','failed','interrupted')", name="status"),
        Index("ix_sync_runs_cinema_started", "cinema_id", "started_at"),
        Index("ix_sync_runs_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"))
    connector: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="running")
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))  # "host:pid", to spot runs of a killed process


class SyncRejection(Base):
    """A vendor record a run could not use (or used with a warning), with the field and the reason."""

    __tablename__ = "sync_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    record: Mapped[str] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
