"""Structures (SIREN), their venues (SIRET) and bank accounts (IBAN + BIC) attached over date ranges.

Numbers are checked with python-stdnum (Luhn for SIREN/SIRET, ISO 7064 for IBAN) before anything is
stored, so a typo is refused at the counter of the back office, not by the bank weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, and_, insert, or_, select, update
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from lanterne.booking.models import BankAccount, Structure, Venue, VenueBankAccount
from lanterne.booking.tokens import VENUE_PREFIX, new_token, token_hash
from lanterne.db import transaction
from lanterne.errors import Forbidden, InvalidValue, NotFound


def checked_siren(value: str) -> str:
    try:
        return str(stdnum_siren.validate(value))
    except ValidationError as exc:
        raise InvalidValue("siren", f"SIREN invalide ({exc})") from exc


def checked_siret(value: str) -> str:
    try:
        return str(stdnum_siret.validate(value))
    except ValidationError as exc:
        raise InvalidValue("siret", f"SIRET invalide ({exc})") from exc


def checked_iban(value: str) -> str:
    try:
        return str(stdnum_iban.validate(value))
    except ValidationError as exc:
        raise InvalidValue("iban", f"IBAN invalide ({exc})") from exc


def checked_bic(value: str) -> str:
    try:
        return str(stdnum_bic.validate(value))
    except ValidationError as exc:
        raise InvalidValue("bic", f"BIC invalide ({exc})") from exc


@dataclass(frozen=True)
class VenueInput:
    """What a cinema gives to join the pass; price and capacity drive the daily offer import."""

    siret: str
    name: str
    booking_email: str
    structure_name: str | None = None
    cinema_id: int | None = None
    withdrawal_details: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    single_price_cents: int | None = None
    capacity: int | None = None


def _structure_id(engine: Engine, siren: str, name: str) -> int:
    with transaction(engine) as session:
        found = session.scalar(select(Structure.id).where(Structure.siren == siren))
        if found is not None:
            return found
        structure = Structure(siren=siren, name=name)
        session.add(structure)
        session.flush()
        return structure.id


def create_venue(engine: Engine, data: VenueInput) -> tuple[int, str]:
    """Register a venue under its structure (created from the SIRET's SIREN); return id and staff token."""
    siret = checked_siret(data.siret)
    if "@" not in data.booking_email:
        raise InvalidValue("booking_email", "adresse e-mail invalide")
    structure_id = _structure_id(engine, siret[:9], data.structure_name or data.name)
    token = new_token(VENUE_PREFIX)
    with transaction(engine) as session:
        if session.scalar(select(Venue.id).where(Venue.siret == siret)) is not None:
            raise InvalidValue("siret", f"le SIRET {siret} est déjà inscrit")
        fields = {k: v for k, v in data.__dict__.items() if k not in ("siret", "structure_name")}
        venue = Venue(structure_id=structure_id, siret=siret, token_hash=token_hash(token), **fields)
        session.add(venue)
        session.flush()
        return venue.id, token


def venue_for_token(engine: Engine, token: str) -> int:
    """The venue a staff token opens; refused when unknown."""
    with engine.connect() as connection:
        venue_id = connection.scalar(select(Venue.id).where(Venue.token_hash == token_hash(token)))
    if venue_id is None:
        raise Forbidden("jeton de lieu inconnu")
    return int(venue_id)


def update_settings(engine: Engine, venue_id: int, **values: object) -> None:
    """Change a venue's booking e-mail, withdrawal details, Tarif unique or jauge."""
    allowed = {"booking_email", "withdrawal_details", "single_price_cents", "capacity", "import_enabled"}
    unknown = set(values) - allowed
    if unknown:
        raise InvalidValue(sorted(unknown)[0], "réglage inconnu")
    for field in ("single_price_cents", "capacity"):
        amount = values.get(field)
        if isinstance(amount, int) and amount < 0:
            raise InvalidValue(field, "doit être positif")
    with engine.begin() as connection:
        connection.execute(update(Venue).where(Venue.id == venue_id).values(**values))


def add_bank_account(engine: Engine, siren: str, label: str, holder: str, iban: str, bic: str) -> int:
    """Record a structure's bank account after checking its IBAN and BIC."""
    checked = checked_iban(iban), checked_bic(bic)
    with transaction(engine) as session:
        structure_id = session.scalar(select(Structure.id).where(Structure.siren == checked_siren(siren)))
        if structure_id is None:
            raise NotFound(f"structure {siren} inconnue")
        account = BankAccount(
            structure_id=structure_id, label=label, holder=holder[:70], iban=checked[0], bic=checked[1]
        )
        session.add(account)
        session.flush()
        return account.id


def attach_account(engine: Engine, venue_id: int, account_id: int, starts_on: date) -> None:
    """Pay a venue into an account from `starts_on`; its previous open attachment ends the day before."""
    with engine.begin() as connection:
        venue_structure = connection.scalar(select(Venue.structure_id).where(Venue.id == venue_id))
        account_structure = connection.scalar(
            select(BankAccount.structure_id).where(BankAccount.id == account_id)
        )
        if venue_structure is None or account_structure is None:
            raise NotFound("lieu ou compte inconnu")
        if venue_structure != account_structure:
            raise InvalidValue("bank_account_id", "le compte appartient à une autre structure")
        _close_previous(connection, venue_id, starts_on)
        connection.execute(
            insert(VenueBankAccount).values(
                venue_id=venue_id, bank_account_id=account_id, starts_on=starts_on
            )
        )


def _close_previous(connection: Connection, venue_id: int, starts_on: date) -> None:
    later = connection.scalar(
        select(VenueBankAccount.id).where(
            VenueBankAccount.venue_id == venue_id, VenueBankAccount.starts_on >= starts_on
        )
    )
    if later is not None:
        raise InvalidValue("starts_on", "un autre compte est déjà rattaché à partir de cette date")
    connection.execute(
        update(VenueBankAccount)
        .where(VenueBankAccount.venue_id == venue_id, VenueBankAccount.ends_on.is_(None))
        .values(ends_on=starts_on - timedelta(days=1))
    )


def account_on(connection: Connection, venue_id: int, day: date) -> int | None:
    """The bank account paying a venue on a given day, if any."""
    return connection.scalar(
        select(VenueBankAccount.bank_account_id).where(
            and_(
                VenueBankAccount.venue_id == venue_id,
                VenueBankAccount.starts_on <= day,
                or_(VenueBankAccount.ends_on.is_(None), VenueBankAccount.ends_on >= day),
            )
        )
    )


def venue_settings(engine: Engine, venue_id: int) -> dict[str, object]:
    """A venue's settings as the portal page and the API show them (never the token hash)."""
    with engine.connect() as connection:
        row = connection.execute(select(Venue.__table__).where(Venue.id == venue_id)).mappings().first()
    if row is None:
        raise NotFound(f"lieu {venue_id} inconnu")
    return {key: value for key, value in row.items() if key != "token_hash"}
