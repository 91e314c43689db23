"""How values read in French on the pages: days and times in Paris time, yes/no, durations, distances."""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from lanterne.french import DAYS, day_month
from lanterne.publish.params import PARIS

VERSIONS = {"VF": "VF", "VO": "VO", "VOST": "VOSTFR"}


def local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


@lru_cache(maxsize=1024)  # a cinema's week names ~600 séances' days: seven labels
def day_label(day: date) -> str:
    """« mercredi 9 septembre »: how a French programme names a day."""
    return f"{DAYS[day.weekday()]} {day_month(day)}"


def hour(moment: datetime) -> str:
    clock = local(moment)
    return f"{clock.hour:02d}h{clock.minute:02d}"  # strftime costs 15 µs a séance


def moment_label(moment: datetime) -> str:
    return f"{day_label(local(moment).date())} à {hour(moment)}"


def cell(value: Any, kind: str) -> str:
    """A table cell as text; times in Paris time, booleans as Oui/Non."""
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, datetime):
        return local(value).strftime("%d/%m/%Y %H:%M")
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "boolean":
        return "Oui" if value else "Non"
    if kind == "number" and isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".")
    return str(value)


def is_link(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def kilometres(metres: float) -> str:
    return f"{metres / 1000:.1f} km".replace(".", ",") if metres < 10_000 else f"{metres / 1000:.0f} km"


def thousands(number: int) -> str:
    """French digit grouping with a narrow no-break space: 1 048 576."""
    return f"{number:,}".replace(",", "\u202f")


def distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine): ordering cinemas by how near they are."""
    rad = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * rad / 2) ** 2
        + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lon2 - lon1) * rad / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def runtime(seconds: int | None) -> str:
    if not seconds:
        return ""
    minutes = seconds // 60
    return f"{minutes // 60}h{minutes % 60:02d}"
