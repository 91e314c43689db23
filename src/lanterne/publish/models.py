"""Tables of the publish domain: reusers' API keys and the shared rate-limit counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow
from lanterne.publish import search  # noqa: F401  (full-text words and the API's extra indexes)


class ApiKey(Base):
    """A reuser's key: only its SHA-256 is kept; the prefix lets an operator tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitCounter(Base):
    """Requests of one client (IP or key) in the current minute, shared by every web worker."""

    __tablename__ = "rate_limit_counters"

    client: Mapped[str] = mapped_column(String(100), primary_key=True)
    minute: Mapped[int] = mapped_column(BigInteger)  # minutes since the Unix epoch
    hits: Mapped[int] = mapped_column(Integer)
