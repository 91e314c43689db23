"""Contact points as the ad platforms document them: normalized, then SHA-256; never kept in clear.

Emails: trimmed and lowercased. Phones: E.164 (French numbers by default), then hashed. The tag does
the same in the browser, so a raw e-mail never reaches Lanterne.
"""

from __future__ import annotations

import hashlib
import re

from lanterne.errors import InvalidValue

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise InvalidValue("email", f"adresse invalide « {email} »")
    return cleaned


def normalize_phone(phone: str, country_code: str = "33") -> str:
    """'06 12 34 56 78' → '+33612345678'; '0033…' and '+…' kept international."""
    digits = re.sub(r"[^\d+]", "", phone.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = f"+{country_code}{digits[1:]}"
    elif not digits.startswith("+"):
        digits = f"+{country_code}{digits}"
    if not re.fullmatch(r"\+[1-9]\d{6,14}", digits):
        raise InvalidValue("phone", f"numéro invalide « {phone} »")
    return digits


def hashed_email(email: str) -> str:
    return sha256(normalize_email(email))


def hashed_phone(phone: str) -> str:
    return sha256(normalize_phone(phone))


def check_hash(value: object, field: str) -> str:
    """A hash sent by the tag must look like one: we refuse anything that might be a clear identifier."""
    if not isinstance(value, str) or not SHA256_HEX.match(value):
        raise InvalidValue(field, "empreinte SHA-256 attendue (64 caractères hexadécimaux)")
    return value
