"""Young people of the pass and their credit: granted with an expiry, spent by bookings, given back
by cancellations. Spending is one conditional UPDATE, so two bookings at once cannot overdraw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from lanterne.booking.models import Beneficiary, inserted_id
from lanterne.booking.policy import PassPolicy
from lanterne.booking.tokens import BENEFICIARY_PREFIX, new_token, token_hash
from lanterne.db import utcnow
from lanterne.errors import Forbidden, InvalidValue, NotFound


@dataclass(frozen=True)
class BeneficiaryInput:
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def create_beneficiary(
    engine: Engine, data: BeneficiaryInput, policy: PassPolicy, now: datetime | None = None
) -> tuple[int, str]:
    """Grant the policy's credit, expiring after `credit_days`; return the id and the access token."""
    if "@" not in data.email:
        raise InvalidValue("email", "adresse e-mail invalide")
    now = now or utcnow()
    token = new_token(BENEFICIARY_PREFIX)
    with engine.begin() as connection:
        if connection.scalar(select(Beneficiary.id).where(Beneficiary.email == data.email)):
            raise InvalidValue("email", "un compte existe déjà pour cette adresse")
        result = connection.execute(
            insert(Beneficiary).values(
                **data.__dict__,
                credit_cents=policy.credit_cents,
                balance_cents=policy.credit_cents,
                credit_expires_at=now + timedelta(days=policy.credit_days),
                token_hash=token_hash(token),
                created_at=now,
            )
        )
        return inserted_id(result), token


def beneficiary_for_token(engine: Engine, token: str) -> int:
    with engine.connect() as connection:
        found = connection.scalar(select(Beneficiary.id).where(Beneficiary.token_hash == token_hash(token)))
    if found is None:
        raise Forbidden("jeton inconnu")
    return int(found)


def spend(connection: Connection, beneficiary_id: int, amount_cents: int, now: datetime) -> None:
    """Take the amount from an unexpired credit in one statement; refused when too little is left."""
    spent = connection.execute(
        update(Beneficiary)
        .where(
            Beneficiary.id == beneficiary_id,
            Beneficiary.balance_cents >= amount_cents,
            Beneficiary.credit_expires_at > now,
        )
        .values(balance_cents=Beneficiary.balance_cents - amount_cents)
    )
    if spent.rowcount != 1:
        raise InvalidValue("credit", "crédit insuffisant ou expiré")


def give_back(connection: Connection, beneficiary_id: int, amount_cents: int) -> None:
    connection.execute(
        update(Beneficiary)
        .where(Beneficiary.id == beneficiary_id)
        .values(balance_cents=Beneficiary.balance_cents + amount_cents)
    )


def beneficiary_summary(engine: Engine, beneficiary_id: int) -> dict[str, object]:
    """Name, contact and credit left, for the young person's pages and the venue's e-mail."""
    columns = (
        Beneficiary.id,
        Beneficiary.first_name,
        Beneficiary.last_name,
        Beneficiary.email,
        Beneficiary.phone,
        Beneficiary.balance_cents,
        Beneficiary.credit_expires_at,
        Beneficiary.latitude,
        Beneficiary.longitude,
    )
    with engine.connect() as connection:
        row = connection.execute(select(*columns).where(Beneficiary.id == beneficiary_id)).mappings().first()
    if row is None:
        raise NotFound(f"bénéficiaire {beneficiary_id} inconnu")
    return dict(row)
