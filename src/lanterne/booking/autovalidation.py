"""Auto-validation: a booking still confirmed 72 h (configurable) after its show is taken as used, with
"auto" as author, so a cinema that forgot to validate at the counter is still reimbursed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, update

from lanterne.booking.models import Booking
from lanterne.booking.policy import PassPolicy
from lanterne.db import utcnow


def autovalidate(engine: Engine, policy: PassPolicy | None = None, now: datetime | None = None) -> int:
    """Validate every booking whose show started more than `autovalidate_hours` ago; return how many."""
    now = now or utcnow()
    hours = (policy or PassPolicy()).autovalidate_hours
    with engine.begin() as connection:
        done = connection.execute(
            update(Booking)
            .where(Booking.status == "confirmed", Booking.show_starts_at <= now - timedelta(hours=hours))
            .values(status="used", used_at=now, validated_by="auto")
        )
    return int(done.rowcount)
