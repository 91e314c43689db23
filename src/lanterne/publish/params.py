"""Query-string values read as a column's type; a day or a time without offset is Paris time.

Bounds (64-bit integers, finite numbers, no NUL byte) keep odd values from reaching the database,
where they would fail as a 500 instead of a clear 400.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lanterne.errors import InvalidValue

PARIS = ZoneInfo("Europe/Paris")
TRUE = ("true", "1", "yes", "oui", "vrai")
FALSE = ("false", "0", "no", "non", "faux")
INT_LIMIT = 2**63 - 1
MAX_TEXT = 1000
# "+02:00" sent unencoded in a URL arrives as " 02:00".
_LOST_PLUS = re.compile(r" (\d\d:?\d\d)$")
REASONS = {
    "integer": "un entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "datetime": "une date (2026-09-01) ou une date-heure ISO 8601 (2026-09-01T20:30:00+02:00)",
    "date": "une date AAAA-MM-JJ",
    "string": f"un texte d'au plus {MAX_TEXT} caractères",
}


def parse_int(params: Mapping[str, str], name: str, default: Any, low: int, high: int) -> Any:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise InvalidValue(name, f"un entier de {low} à {high}")
    return value


def parse_flag(params: Mapping[str, str], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    return _boolean(raw, name)


def _boolean(raw: str, param: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise InvalidValue(param, REASONS["boolean"])


def parse_instant(raw: str, param: str, *, end_of_day: bool = False) -> datetime:
    """A day means its midnight in Paris (the next midnight with `end_of_day`); a naive time is Paris time."""
    text = _LOST_PLUS.sub(r"+\1", raw.strip()).replace("Z", "+00:00").replace("z", "+00:00")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            return datetime.combine(day, time(), PARIS).astimezone(UTC)
        value = datetime.fromisoformat(text)
        return (value if value.tzinfo else value.replace(tzinfo=PARIS)).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidValue(param, REASONS["datetime"]) from error


def parse_number(raw: str, param: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidValue(param, REASONS["number"])
    return value


def parse_value(column: Any, raw: str, param: str) -> Any:
    """One filter value as the column's type, or a 400 naming the parameter and what it accepts."""
    if "\x00" in raw or len(raw) > MAX_TEXT:
        raise InvalidValue(param, REASONS["string"])
    kind = column.type
    if kind == "string":
        return raw
    if kind == "number":
        return parse_number(raw, param)
    if kind == "boolean":
        return _boolean(raw, param)
    if kind == "datetime":
        return parse_instant(raw, param)
    try:
        if kind == "integer":
            value = int(raw.strip())
            if abs(value) <= INT_LIMIT:
                return value
        elif kind == "date":
            return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        pass
    raise InvalidValue(param, REASONS.get(kind, REASONS["string"]))


def cursor_text(value: Any) -> str | None:
    """A sort value as text that `parse_value` reads back to the same value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
