"""API keys of reusers: created once (the key is shown only then), listed, revoked, checked per request.

Keys are 32 random bytes, so a plain SHA-256 is enough to keep them unreadable at rest and lets a
request's key be found by one indexed lookup (a slow password hash would cost every request).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lanterne.db import utcnow
from lanterne.errors import Conflict, InvalidValue, NotFound
from lanterne.publish.models import ApiKey

KEY_PREFIX = "lnt_"
SHOWN = 12  # characters of the key an operator sees in `apikey list`


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never the key itself."""

    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(engine: Engine, name: str) -> str:
    """Record a new key under `name` and return it: the only time it exists in clear."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidValue("name", "un nom de 1 à 100 caractères")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(ApiKey).values(
                    name=name, key_hash=key_hash(key), prefix=key[:SHOWN], created_at=utcnow()
                )
            )
    except IntegrityError as error:
        raise Conflict(f"une clé nommée « {name} » existe déjà") from error
    return key


def list_keys(engine: Engine) -> list[KeyInfo]:
    columns = (ApiKey.name, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at, ApiKey.last_used_at)
    with engine.connect() as connection:
        return [KeyInfo(*row) for row in connection.execute(select(*columns).order_by(ApiKey.created_at))]


def revoke_key(engine: Engine, name_or_prefix: str) -> str:
    """Revoke the key with this name (or shown prefix); return its name. Revoking twice is harmless."""
    match = or_(ApiKey.name == name_or_prefix, ApiKey.prefix == name_or_prefix)
    with engine.begin() as connection:
        names = connection.execute(select(ApiKey.name).where(match)).scalars().all()
        if not names:
            raise NotFound(f"aucune clé nommée ou commençant par « {name_or_prefix} »")
        if len(names) > 1:
            raise Conflict(f"« {name_or_prefix} » désigne plusieurs clés : {', '.join(names)}")
        connection.execute(
            update(ApiKey).where(match, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
        )
    return names[0]


def is_valid(engine: Engine, hashed: str) -> bool:
    """Whether a key (by its hash) exists and is not revoked."""
    query = select(ApiKey.id).where(ApiKey.key_hash == hashed, ApiKey.revoked_at.is_(None))
    with engine.connect() as connection:
        return connection.execute(query).first() is not None


def mark_used(engine: Engine, hashed: str) -> None:
    """Note when a key was last seen (called once per key and minute, not on every request)."""
    with engine.begin() as connection:
        connection.execute(update(ApiKey).where(ApiKey.key_hash == hashed).values(last_used_at=utcnow()))
