"""Typed values out of spreadsheet cells, with the defects of published French files repaired.

Numbers come as ints, floats or text ("36218.0", "1 234", "0,5"); codes lose leading zeros when a
spreadsheet reads them as numbers. Every function raises `InvalidValue` naming the field on bad input.
"""

from __future__ import annotations

import re
from typing import Any

from lanterne.catalog.identity import fold
from lanterne.errors import InvalidValue

EMPTY = ("", "null", "none", "nan", "#value!", "#n/a", "-")
TRUE_WORDS = frozenset({"oui", "o", "yes", "y", "x", "1", "true", "vrai"})
FALSE_WORDS = frozenset({"non", "n", "no", "0", "false", "faux"})
_DEPARTMENT = re.compile(r"^(\d{2}|2[AB]|9[78]\d)$")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


def text(value: Any, field: str, max_length: int | None = None) -> str | None:
    """Stripped text, None when empty; too long is refused rather than silently cut."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = " ".join(str(value).split())
    if max_length is not None and len(result) > max_length:
        raise InvalidValue(field, f"trop long ({len(result)} caractères, {max_length} au plus)")
    return result


def number(value: Any, field: str) -> float | None:
    """A decimal number; accepts the French comma and thousands spaces."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise InvalidValue(field, f"nombre attendu, pas « {value} »")
    if isinstance(value, int | float):
        return float(value)
    cleaned = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise InvalidValue(field, f"nombre attendu, pas « {value} »") from None


def integer(value: Any, field: str, minimum: int | None = 0) -> int | None:
    """A whole number ("36218.0" from a CSV export is one); negative counts are refused."""
    result = number(value, field)
    if result is None:
        return None
    if not result.is_integer():
        raise InvalidValue(field, f"nombre entier attendu, pas « {value} »")
    if minimum is not None and result < minimum:
        raise InvalidValue(field, f"doit être au moins {minimum}, pas {int(result)}")
    return int(result)


def flag(value: Any, field: str) -> bool:
    """OUI/NON, X, 1/0, yes/no; empty is no."""
    if is_empty(value):
        return False
    if isinstance(value, bool):
        return value
    word = fold(str(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidValue(field, f"OUI ou NON attendu, pas « {value} »")


def code(value: Any, field: str, width: int) -> str | None:
    """A numeric code padded back to its width: the INSEE code 1004 read as a number is '01004'."""
    result = text(value, field)
    if result is None:
        return None
    result = result.upper()
    if result.isdigit() and len(result) < width:
        result = result.zfill(width)
    if len(result) != width:
        raise InvalidValue(field, f"{width} caractères attendus, pas « {value} »")
    return result


def postcode(value: Any, field: str) -> str | None:
    """Always 5 digits: postcodes that lost their leading zero ('1000') get it back."""
    result = code(value, field, 5)
    if result is not None and not result.isdigit():
        raise InvalidValue(field, f"code postal de 5 chiffres attendu, pas « {value} »")
    return result


def department(value: Any, field: str) -> str | None:
    """'01'…'95', '2A', '2B', '971'…: pads '1' to '01' and drops the schools' leading zero ('035')."""
    result = text(value, field)
    if result is None:
        return None
    result = result.upper()
    if len(result) == 3 and result.startswith("0"):
        result = result[1:]
    if result.isdigit() and len(result) == 1:
        result = result.zfill(2)
    if not _DEPARTMENT.match(result):
        raise InvalidValue(field, f"département inconnu « {value} »")
    return result


def coordinate(value: Any, field: str, limit: float) -> float | None:
    result = number(value, field)
    if result is not None and not -limit <= result <= limit:
        raise InvalidValue(field, f"hors des bornes ±{limit:g} : {result}")
    return result
