"""Checks of one vendor record's fields, as plain dicts: each unusable field raises `Unusable` with the
field's name and why, so the connector reports the record (`show 9006`), the field and the reason.

A national sync reads a million séances: these checks cost a few dictionary look-ups where a model
validation per record cost ~150 µs. They accept what the vendors' JSON really holds (a number where
text is expected, "1" for an id, 0/1 for a flag) and nothing vaguer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", ""})


class Unusable(ValueError):
    """One field of a vendor record that cannot be used: which one, and why."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def record(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Unusable(None, f"un objet JSON était attendu, pas {type(item).__name__} « {str(item)[:80]} »")
    return item


def integer(value: object, field: str) -> int:
    """An id or a count: an integer, or text holding one (never a bool, nor 1.5)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    reason = "absent" if value is None else f"un entier était attendu, pas « {str(value)[:80]} »"
    raise Unusable(field, reason)


def optional_integer(value: object, field: str) -> int | None:
    return None if value is None else integer(value, field)


def text(value: object, field: str) -> str | None:
    """Text as sent (repairs are clean.py's job); a number becomes its digits (a visa sent as 159286)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise Unusable(field, f"du texte était attendu, pas {type(value).__name__}")


def flag(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise Unusable(field, f"vrai ou faux était attendu, pas « {str(value)[:80]} »")


def reference(value: object, field: str) -> int:
    """A link to another record, `{"id": 12}`."""
    if not isinstance(value, dict):
        raise Unusable(field, "absent" if value is None else 'un objet {"id": …} était attendu')
    return integer(value.get("id"), f"{field}.id")


def instant(value: object, zone: str, field: str) -> datetime:
    """An aware instant in UTC; a time without offset is the cinema's wall clock."""
    if not isinstance(value, str):
        raise Unusable(field, "absent" if value is None else f"un horaire était attendu, pas {value!r}")
    try:
        return _instant(value, zone)
    except ValueError:
        raise Unusable(field, f"horaire illisible « {value[:80]} »") from None


@lru_cache(maxsize=65_536)  # a night's séances share their start times across every cinema
def _instant(value: str, zone: str) -> datetime:
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)
