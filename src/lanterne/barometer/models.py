"""Tables of the barometer: weekly admissions per cinema, the market's weekly totals, and the
published figures, recomputed after each import (aggregates kept up to date, not counted per request)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow


class WeeklyAdmissions(Base):
    """Entrées of one cinema in one cinema week (its Wednesday is `week_start`)."""

    __tablename__ = "weekly_admissions"
    __table_args__ = (
        CheckConstraint("admissions >= 0", name="admissions_positive"),
        CheckConstraint("receipts_cents IS NULL OR receipts_cents >= 0", name="receipts_positive"),
    )

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    admissions: Mapped[int] = mapped_column(Integer)
    receipts_cents: Mapped[int | None] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MarketWeek(Base):
    """The whole French market's entrées in one cinema week."""

    __tablename__ = "market_weeks"
    __table_args__ = (CheckConstraint("admissions >= 0", name="admissions_positive"),)

    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    admissions: Mapped[int] = mapped_column(BigInteger)
    receipts_cents: Mapped[int | None] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BarometerFigure(Base):
    """One published line: a week and a segment (Art et Essai, Marché, catégorie A–E)."""

    __tablename__ = "barometer_figures"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)  # 2026-W47
    segment: Mapped[str] = mapped_column(String(20), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, index=True)
    week_end: Mapped[date] = mapped_column(Date)
    cinemas: Mapped[int | None] = mapped_column(Integer)
    admissions: Mapped[int] = mapped_column(BigInteger)
    change_previous_week: Mapped[float | None] = mapped_column(Float)
    cinemas_previous_week: Mapped[int | None] = mapped_column(Integer)
    change_year_before: Mapped[float | None] = mapped_column(Float)
    cinemas_year_before: Mapped[int | None] = mapped_column(Integer)
    year_to_date: Mapped[int] = mapped_column(BigInteger)
    change_year_to_date: Mapped[float | None] = mapped_column(Float)
    cinemas_year_to_date: Mapped[int | None] = mapped_column(Integer)
    share_of_market: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
