"""Contremarques: 6 characters from an alphabet a cashier cannot misread (A–Z and 2–7, without I and O).

Drawn with `secrets` (unpredictable, so a code cannot be guessed from another); uniqueness is the
database's job (a unique constraint), and a booking that hits a collision is simply retried.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"
LENGTH = 6


def draw_countermark() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_countermark(typed: str) -> str:
    """What staff type, as stored: upper case, spaces and dashes dropped."""
    return typed.strip().upper().replace(" ", "").replace("-", "")


def looks_like_countermark(code: str) -> bool:
    return len(code) == LENGTH and all(char in ALPHABET for char in code)
