"""How Lanterne writes dates and numbers for French readers (pages, e-mails, reports)."""

from __future__ import annotations

from datetime import date

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NARROW_SPACE = "\u202f"  # the thousands separator French typography asks for


def day_month(day: date) -> str:
    """« 1er septembre », « 18 novembre »."""
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]}"


def whole(value: int) -> str:
    """1 234 567 with narrow no-break spaces."""
    return f"{value:,}".replace(",", NARROW_SPACE)


def percent(ratio: float, signed: bool = False) -> str:
    """0.052 → « 5,2 % » (or « +5,2 % »)."""
    return f"{ratio:{'+' if signed else ''}.1%}".replace(".", ",").replace("%", "\u00a0%")
