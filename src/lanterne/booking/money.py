"""Money in integer cents, read and written the French way ("10,50 €")."""

from __future__ import annotations

import re

from lanterne.errors import InvalidValue

_AMOUNT = re.compile(r"^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*(?:€)?\s*$")


def euros(cents: int) -> str:
    """1050 → '10,50 €', the way French receipts write money."""
    return f"{cents // 100},{cents % 100:02d} €"


def parse_euros(text: str, field: str) -> int | None:
    """'5,50' or '5.5 €' → 550; empty → None (an unset price or an unlimited jauge)."""
    if not text or not text.strip():
        return None
    match = _AMOUNT.match(text)
    if match is None:
        raise InvalidValue(field, f"montant illisible « {text} » (ex. 5,50)")
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
