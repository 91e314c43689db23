"""Accounts of the people who edit events: union administrators and cinema contributors.

Invited by e-mail with a signed, expiring link; passwords hashed with argon2; the session is a signed
cookie and forms carry a double-submit CSRF token. An API token is stored only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Engine, insert, select, update

from lanterne.agenda.models import ROLES, Account, AccountCinema, AuditEntry
from lanterne.catalog.models import Cinema
from lanterne.errors import Conflict, Forbidden, InvalidValue, LanterneError, NotFound, TooManyRequests
from lanterne.mail import build_message, send
from lanterne.publish.ratelimit import CounterStore
from lanterne.settings import Settings

INVITATION_DAYS = 7
SESSION_HOURS = 12
MIN_PASSWORD = 10
MAX_FAILED_SIGN_INS = 5
LOCK_MINUTES = 15
# Per address, whatever the accounts tried: bounds password spraying across many accounts.
SIGN_INS_PER_MINUTE = 20
# OWASP's argon2id minimum (19 MiB, 2 passes): a sign-in costs tens of milliseconds, not a second of a
# busy web worker, while a stolen hash still costs an attacker 19 MiB per guess.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: an administrator sees every cinema, a contributor only its own."""

    account_id: int
    email: str
    role: str
    cinema_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_edit(self, cinema_id: int) -> bool:
        return self.is_admin or cinema_id in self.cinema_ids

    def require(self, cinema_id: int) -> None:
        """Refuse, without saying whether the cinema exists, anything outside the viewer's cinemas."""
        if not self.may_edit(cinema_id):
            raise Forbidden(f"le cinéma {cinema_id} n'est pas dans vos cinémas")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("réservé aux administrateurs de l'union")


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=f"lanterne-agenda-{purpose}")


def _check_invitation(engine: Engine, email: str, role: str, cinema_ids: list[int]) -> None:
    if role not in ROLES:
        raise InvalidValue("role", f"rôle « {role} » inconnu (admin ou contributor)")
    if "@" not in email or len(email) > 320:
        raise InvalidValue("email", f"adresse « {email} » invalide")
    if role == "contributor" and not cinema_ids:
        raise InvalidValue("cinema", "un contributeur édite au moins un cinéma")
    with engine.connect() as connection:
        known = set(connection.scalars(select(Cinema.id).where(Cinema.id.in_(cinema_ids))))
    if missing := sorted(set(cinema_ids) - known):
        raise NotFound(f"cinéma {missing[0]} inconnu")


def invite(
    engine: Engine, settings: Settings, email: str, role: str, cinema_ids: list[int], now: datetime
) -> str:
    """Create the account (no password yet) and e-mail it a link valid for a week; return the link."""
    email = email.strip().lower()
    _check_invitation(engine, email, role, cinema_ids)
    with engine.begin() as connection:
        if connection.execute(select(Account.id).where(Account.email == email)).first():
            raise Conflict(f"un compte existe déjà pour {email}")
        account_id = connection.execute(
            insert(Account).values(email=email, role=role, active=True, invited_at=now).returning(Account.id)
        ).scalar_one()
        for cinema_id in sorted(set(cinema_ids)):
            connection.execute(insert(AccountCinema).values(account_id=account_id, cinema_id=cinema_id))
        connection.execute(
            insert(AuditEntry).values(at=now, action="invite", diff={"email": email, "role": role})
        )
    token = _serializer(settings, "invitation").dumps({"a": account_id, "e": email})
    link = f"{settings.base_url.rstrip('/')}/espace/invitation/{token}"
    text = (
        "Bonjour,\n\nVous êtes invité·e à renseigner les séances événements sur Lanterne.\n"
        f"Choisissez votre mot de passe dans les {INVITATION_DAYS} jours :\n{link}\n"
    )
    send(settings, build_message(settings, email, "Votre accès aux événements Lanterne", text))
    return link


def accept_invitation(engine: Engine, settings: Settings, token: str, password: str, now: datetime) -> int:
    """Set the first password of an invited account; the link works once and for a week."""
    try:
        data = _serializer(settings, "invitation").loads(token, max_age=INVITATION_DAYS * 86400)
    except SignatureExpired as exc:
        raise InvalidValue("token", "invitation expirée : demandez-en une nouvelle") from exc
    except BadSignature as exc:
        raise InvalidValue("token", "lien d'invitation invalide") from exc
    if len(password) < MIN_PASSWORD:
        raise InvalidValue("password", f"au moins {MIN_PASSWORD} caractères")
    with engine.begin() as connection:
        done = connection.execute(
            update(Account)
            .where(Account.id == data["a"], Account.email == data["e"], Account.password_hash.is_(None))
            .values(password_hash=HASHER.hash(password), last_login_at=now)
        )
    if done.rowcount != 1:
        raise InvalidValue("token", "invitation déjà utilisée")
    return int(data["a"])


def authenticate(engine: Engine, email: str, password: str, now: datetime) -> int:
    """The account id for this e-mail and password; one vague refusal for every wrong guess.

    Guessing is bounded per account, whatever the number of web workers or addresses used: the count of
    consecutive failures lives on the account row, and the fifth earns a lock during which the password
    is not even checked (argon2 costs memory: a locked account must not be a way to load the server)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Account.id, Account.password_hash, Account.locked_until).where(
                Account.email == email.strip().lower(), Account.active.is_(True)
            )
        ).first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = max(1, math.ceil((row.locked_until - now).total_seconds() / 60))
        raise TooManyRequests(f"trop de tentatives : réessayez dans {minutes} min")
    if row is None or not _verifies(row.password_hash, password):
        if row is not None:
            _count_failure(engine, row.id, now)
        raise Forbidden("adresse ou mot de passe incorrect")
    with engine.begin() as connection:
        connection.execute(
            update(Account)
            .where(Account.id == row.id)
            .values(last_login_at=now, failed_sign_ins=0, locked_until=None)
        )
    return int(row.id)


def _verifies(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an account without one (invitation pending) matches nothing."""
    if password_hash is None:
        return False
    try:
        return bool(HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def throttle_address(store: CounterStore, address: str, now: datetime) -> None:
    """Count a sign-in attempt from this address in the shared counters (every worker sees them)."""
    if store.hit(f"signin:{address}", int(now.timestamp() // 60)) > SIGN_INS_PER_MINUTE:
        raise TooManyRequests("trop de tentatives depuis cette adresse : réessayez dans une minute")


def _count_failure(engine: Engine, account_id: int, now: datetime) -> None:
    """One more failure, counted in the database (atomic under concurrent guesses); the last one locks."""
    with engine.begin() as connection:
        failures = connection.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(failed_sign_ins=Account.failed_sign_ins + 1)
            .returning(Account.failed_sign_ins)
        ).scalar_one()
        if failures >= MAX_FAILED_SIGN_INS:
            connection.execute(
                update(Account)
                .where(Account.id == account_id)
                .values(failed_sign_ins=0, locked_until=now + timedelta(minutes=LOCK_MINUTES))
            )


def viewer_of(engine: Engine, account_id: int) -> Viewer | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(Account.id, Account.email, Account.role).where(
                Account.id == account_id, Account.active.is_(True)
            )
        ).first()
        if row is None:
            return None
        cinemas = connection.scalars(
            select(AccountCinema.cinema_id).where(AccountCinema.account_id == row.id)
        )
        return Viewer(row.id, row.email, row.role, frozenset(cinemas))


def session_cookie(settings: Settings, account_id: int) -> str:
    return _serializer(settings, "session").dumps({"a": account_id})


def session_viewer(engine: Engine, settings: Settings, cookie: str | None) -> Viewer | None:
    """The viewer of a signed session cookie, or None when absent, forged or older than 12 hours."""
    if not cookie:
        return None
    try:
        data = _serializer(settings, "session").loads(cookie, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    return viewer_of(engine, int(data["a"]))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(engine: Engine, account_id: int) -> str:
    """A new bearer token for the API (the previous one stops working); shown once, stored hashed."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            update(Account).where(Account.id == account_id).values(api_token_hash=_digest(token))
        )
    return token


def bearer_viewer(engine: Engine, authorization: str | None) -> Viewer | None:
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    with engine.connect() as connection:
        account_id = connection.scalar(select(Account.id).where(Account.api_token_hash == _digest(token)))
    return viewer_of(engine, account_id) if account_id is not None else None


class NotSignedIn(LanterneError):
    """No valid session or API token: the API answers 401, the pages send to the sign-in form."""

    status_code = 401


def require(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise NotSignedIn("connectez-vous, ou donnez un jeton d'API (Authorization: Bearer …)")
    return viewer
