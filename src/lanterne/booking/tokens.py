"""The simple access tokens of venues' staff and young people: random, shown once, stored hashed.

A token is 32 random bytes, so a fast SHA-256 hash is enough (no password to stretch); its prefix says
whose it is: `lv_` a venue (lieu), `lj_` a young person (jeune).
"""

from __future__ import annotations

import hashlib
import secrets

VENUE_PREFIX = "lv_"
BENEFICIARY_PREFIX = "lj_"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
